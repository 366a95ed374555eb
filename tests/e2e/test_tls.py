"""A diagnosis over TLS on two hosts (the sandbox's --tls and login port), trusting its CA through --ca-bundle
or REQUESTS_CA_BUNDLE; a CA bundle that does not hold the server's CA is a one-line error, exit 3."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from gcdiag.client.pool import POOL_SIZE
from gcdiag.testing import sandbox_org

trustme = pytest.importorskip("trustme")


def verdict(stdout: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(stdout)
    return report


def test_recording_stop_over_tls_on_two_hosts_matches_the_plain_http_diagnosis() -> None:
    with sandbox_org("seed-403") as org:
        plain = verdict(org.run(*org.stop_args("-o", "json")).stdout)
    with sandbox_org("seed-403", tls=True, login_port=0) as org:
        assert org.sandbox.url.startswith("https://") and org.sandbox.login_url != org.sandbox.url
        result = org.run(*org.stop_args("-o", "json"))  # GCDIAG_CA_BUNDLE names the sandbox's CA
        assert result.exit_code == 1, result.output
        report = verdict(result.stdout)
        assert report["verdict"] == plain["verdict"]
        assert [(r["id"], r["status"]) for r in report["results"]] == [
            (r["id"], r["status"]) for r in plain["results"]
        ]
        log = org.requests()
        tokens = [r for r in log if r["path"] == "/oauth/token"]
        assert len(tokens) == 2 and all(r["status"] == 200 for r in tokens)
        # Never more than the pool: each identity holds at most POOL_SIZE connections to the API host; the login
        # host sees one per identity.
        opened = org.sandbox.connections()
        assert opened["login"] == 2
        assert 0 < opened["api"] <= 2 * POOL_SIZE


def test_requests_ca_bundle_is_trusted_too() -> None:
    with sandbox_org("seed-403", tls=True, login_port=0) as org:
        ca = org.sandbox.ca_bundle
        result = org.run(*org.stop_args("-o", "json"), env={"GCDIAG_CA_BUNDLE": "", "REQUESTS_CA_BUNDLE": ca})
        assert result.exit_code == 1, result.output


def test_a_wrong_ca_bundle_is_a_one_line_error_exit_3(tmp_path: Path) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    with sandbox_org("seed-403", tls=True, login_port=0) as org:
        result = org.run(*org.stop_args(), env={"GCDIAG_CA_BUNDLE": str(other)})
        host = org.sandbox.login_url.removeprefix("https://")
    assert result.exit_code == 3, result.output
    # One sentence (the table wraps it to the terminal's width) says what is wrong; no per-check noise.
    verdict_line = " ".join(re.split(r"\n\d+ checks not run", result.output)[0].split())
    assert verdict_line == (
        f"VERDICT: incomplete — cannot reach {host}: TLS error: the server's certificate is not trusted "
        "(unable to get local issuer certificate)"
    ), result.output
    assert "Traceback" not in result.output and "--ca-bundle" in result.output


def test_a_ca_bundle_that_does_not_exist_is_a_usage_error() -> None:
    with sandbox_org("seed-403", tls=True, login_port=0) as org:
        result = org.run(*org.stop_args(), env={"GCDIAG_CA_BUNDLE": "/no/such/ca.pem"})
    assert result.exit_code == 2 and "GCDIAG_CA_BUNDLE: no such file: /no/such/ca.pem" in result.output
