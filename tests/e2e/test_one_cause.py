"""One cause, said once: a failure every check runs into is one line of the table, and one entry of ``causes``.

Unreachable host, wrong secret and an unknown conversation each print at most five lines (table) and exit 3, 1
and 1; the YAML/JSON report keeps every result, each referring to the shared cause instead of repeating it.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from gcdiag.report.io import validate_report_dict

from .conftest import Org

UNKNOWN = "0f1e2d3c-4b5a-4987-8765-43210fedcba9"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unreachable() -> dict[str, str]:
    url = f"http://127.0.0.1:{_closed_port()}"
    return {"GENESYSCLOUD_API_URL": url, "GENESYSCLOUD_LOGIN_URL": url, "GCDIAG_BACKOFF": "0.001"}


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").splitlines()


def _document(
    org: Org, *args: str, env: dict[str, str] | None = None, inspector: bool = True
) -> dict[str, Any]:
    result = org.run(*args, "-o", "json", env=env, inspector=inspector)
    document: dict[str, Any] = json.loads(result.stdout)
    validate_report_dict(document)
    return document


@pytest.mark.parametrize("org", ["seed-403"], indirect=True)
def test_an_unreachable_host_is_one_line_and_exit_3(org: Org) -> None:
    env = _unreachable()
    result = org.run(*org.stop_args(), env=env)
    assert result.exit_code == 3
    lines = _lines(result.stdout)
    assert len(lines) <= 5, result.stdout
    assert (
        lines[0].startswith("VERDICT: incomplete — cannot reach 127.0.0.1:")
        and "connection refused" in lines[0]
    )
    assert any(line.startswith("15 checks not run: no token") for line in lines), result.stdout
    assert any("--api-url" in line and "proxy" in line for line in lines), result.stdout
    assert result.stdout.count("connection refused") == 1  # said once

    document = _document(org, *org.stop_args(), env=env)
    (cause,) = document["causes"]
    assert cause["kind"] == "unreachable" and cause["stops"] is True and cause["label"] == "no token"
    assert document["requests"][cause["request"]]["path"] == "/oauth/token"
    errors = [r for r in document["results"] if r["status"] == "error"]
    assert len(errors) == 15 and all(r["cause"] == cause["id"] for r in errors)
    assert all(r["summary"] == "not run: no token" and not r.get("fix") for r in errors)  # not repeated


@pytest.mark.parametrize("org", ["seed-403"], indirect=True)
def test_a_wrong_secret_is_decided_by_auth_token_and_exit_1(org: Org) -> None:
    # Without an inspector nothing can be read past the refused token. (With one, the inspector reads the
    # subject's OAuth client and the rest is evaluated: tests/e2e/test_inference.py.)
    env = {"GENESYSCLOUD_OAUTHCLIENT_SECRET": "not-the-secret"}
    result = org.run(*org.stop_args(), env=env, inspector=False)
    assert result.exit_code == 1
    lines = _lines(result.stdout)
    assert len(lines) <= 5, result.stdout
    assert lines[0].startswith("VERDICT: would_fail — ")
    assert any(" checks not run: no token" in line for line in lines), result.stdout
    assert any(line.startswith("Fix: ") for line in lines), result.stdout

    document = _document(org, *org.stop_args(), env=env, inspector=False)
    assert document["verdict"]["blocking_failures"] == ["auth.token"]
    (cause,) = document["causes"]
    assert cause["id"] == "token-subject" and cause["kind"] == "credentials" and cause["stops"] is True
    token = next(r for r in document["results"] if r["id"] == "auth.token")
    assert token["status"] == "fail" and token["cause"] == cause["id"]  # auth.token states the cause
    stopped = {
        r["id"] for r in document["results"] if r.get("cause") == cause["id"] and r["status"] == "error"
    }
    assert {"auth.permissions", "conversation.found"} <= stopped


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_an_unknown_conversation_is_one_failure_and_exit_1(org: Org) -> None:
    result = org.run("recording-stop", UNKNOWN)
    assert result.exit_code == 1
    lines = _lines(result.stdout)
    assert len(lines) <= 5, result.stdout
    assert lines[0].startswith(f"VERDICT: would_fail — conversation {UNKNOWN} was not found")
    assert any("checks not run: conversation not found" in line for line in lines), result.stdout

    document = _document(org, "recording-stop", UNKNOWN)
    (cause,) = [c for c in document["causes"] if c["kind"] == "not_found"]
    assert cause["label"] == "conversation not found" and cause["stops"] is True
    assert not cause.get("fix")  # conversation.found states it, with its own fix: said once
    stopped = [
        r["id"] for r in document["results"] if r.get("cause") == cause["id"] and r["status"] == "error"
    ]
    assert {"conversation.state", "recording.state"} <= set(stopped)


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_a_denied_read_is_said_once(org: Org) -> None:
    # Without an inspector the subject may not read its own OAuth client: the check that needs its grants does
    # not run, and the remedy is said once (the rest of the diagnosis is still shown in full).
    result = org.run(*org.stop_args(), inspector=False)
    assert result.exit_code == 3
    rows = [line for line in _lines(result.stdout) if "not run: GET /api/v2/oauth/clients/{clientId}" in line]
    assert len(rows) == 1 and rows[0].startswith("auth.permissions "), result.stdout
    assert result.stdout.count("oauth:client:view") == 1, result.stdout  # the remedy, once
    assert "conversation.found" in result.stdout  # the full table: a denied read does not stop the diagnosis


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_an_upper_case_conversation_id_is_the_same_conversation(org: Org) -> None:
    result = org.run("recording-stop", org.demo["conversation"].upper(), "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inputs"]["conversation_id"] == org.demo["conversation"]
