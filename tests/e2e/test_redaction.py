"""Canaries: no secret in any output on success or failure; --redact removes personal data everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Org, custom_org

FORMATS = ("table", "yaml", "json", "junit", "markdown")
SECRET_CANARY = "canary-secret-7f3a9c2e41"
TOKEN_CANARY = "canarytoken9d8e7f6a5b4c3d2e1f"


def test_wrong_secret_and_bad_token_never_echoed(org: Org) -> None:
    for fmt in FORMATS:
        bad_secret = org.run(
            *org.stop_args("-o", fmt, "-v"), env={"GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET_CANARY}
        )
        assert bad_secret.exit_code in (1, 3)
        assert SECRET_CANARY not in bad_secret.output
        bad_token = org.run(
            *org.stop_args("-o", fmt, "-v"),
            env={
                "GENESYSCLOUD_ACCESS_TOKEN": TOKEN_CANARY,
                "GENESYSCLOUD_OAUTHCLIENT_ID": "",
                "GENESYSCLOUD_OAUTHCLIENT_SECRET": "",
            },
        )
        assert bad_token.exit_code in (1, 3)
        assert TOKEN_CANARY not in bad_token.output
    conflict = org.run(
        *org.stop_args("--token", TOKEN_CANARY, "--client-id", "x", "--client-secret", SECRET_CANARY),
        env={"GENESYSCLOUD_OAUTHCLIENT_ID": "", "GENESYSCLOUD_OAUTHCLIENT_SECRET": ""},
    )
    assert conflict.exit_code == 2
    assert TOKEN_CANARY not in conflict.output and SECRET_CANARY not in conflict.output


def test_secrets_in_a_saved_report_and_smoke(org: Org, tmp_path: Path) -> None:
    secrets = [org.secret(org.demo["subject_client"]), org.secret(org.demo["inspector_client"])]
    saved = tmp_path / "r.yaml"
    org.run(*org.stop_args("-o", "yaml", "--output-file", str(saved)))
    smoke = tmp_path / "smoke.yaml"
    smoke.write_text(f"items:\n  - conversation: {org.demo['conversation']}\n    expect: would_fail\n")
    outputs = [saved.read_text()]
    for fmt in FORMATS:
        outputs.append(org.run("smoke", str(smoke), "-o", fmt).output)
        outputs.append(org.run("report", "show", str(saved), "-o", fmt).output)
    for text in outputs:
        for secret in secrets:
            assert secret not in text


PERSONAL = ("Canary Q. Person", "canary.person@example.com", "tel:+15555550123")


@pytest.fixture
def canary_org(tmp_path: Path) -> Any:
    def plant(data: dict[str, Any]) -> None:
        for user in data["users"]:
            if user["id"] == data["tokens"][0]["user"]:
                user["name"], user["email"] = PERSONAL[0], PERSONAL[1]
        for participant in data["conversations"][0]["participants"]:
            if participant.get("purpose") == "customer":
                participant["name"], participant["ani"] = PERSONAL[0], PERSONAL[2]

    with custom_org("user-scope", plant, tmp_path) as org:
        yield org


def test_redact_replaces_personal_data_in_every_format(canary_org: Org) -> None:
    plain = canary_org.run(*canary_org.stop_args("-o", "yaml"))
    assert PERSONAL[0] in plain.output, "the canary is visible without --redact"
    for fmt in FORMATS:
        result = canary_org.run("--redact", *canary_org.stop_args("-o", fmt))
        for value in PERSONAL:
            assert value not in result.output, (fmt, value)
    who = canary_org.run("--redact", "whoami", "-o", "yaml")
    assert PERSONAL[0] not in who.output
