"""Profiles that just work, and whoami, explain-error and can-i that speak plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gcdiag.cli import cli

from .conftest import Org

PAUSE = "PUT /api/v2/conversations/calls/{conversationId}/recordingstate"


def _profile_env(org: Org, home: Path, *, inspector: bool) -> dict[str, str]:
    """A ~/.gc/config.toml whose DEFAULT profile holds the subject (and names the inspector's profile)."""
    demo = org.demo
    lines = [
        "[default]",
        f"client_credentials = '{demo['subject_client']}'",
        f"client_secret = '{org.secret(demo['subject_client'])}'",
    ]
    if inspector:
        lines += ["gcdiag_inspector_profile = 'admin'", "[admin]"]
        lines += [
            f"client_credentials = '{demo['inspector_client']}'",
            f"client_secret = '{org.secret(demo['inspector_client'])}'",
        ]
    (home / ".gc").mkdir(exist_ok=True)
    (home / ".gc" / "config.toml").write_text("\n".join(lines) + "\n")
    return {"HOME": str(home), "GENESYSCLOUD_API_URL": org.sandbox.url}


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_the_default_profile_is_used_and_whoami_says_so(org: Org, tmp_path: Path) -> None:
    env = _profile_env(org, tmp_path, inspector=True)
    code, out = _run(["whoami"], env)
    assert code == 0, out
    assert "profile:    DEFAULT of" in out and ".gc/config.toml" in out
    assert "variables:  GENESYSCLOUD_API_URL" in out
    assert "signed in:  client id and secret (profile DEFAULT)" in out
    assert "inspector:  client id and secret (profile admin)" in out
    assert "None" not in out
    doc = yaml.safe_load(_run(["whoami", "-o", "yaml"], env)[1])
    assert doc["configured_from"]["environment"] == ["GENESYSCLOUD_API_URL"]
    # The diagnosis uses the same profile, inspector included.
    code, out = _run(["recording-stop", org.demo["conversation"], "-o", "json"], env)
    assert code == 0 and json.loads(out)["verdict"]["outcome"] == "would_succeed"


@pytest.mark.parametrize("org", ["user-scope"], indirect=True)
def test_whoami_with_a_bearer_token_calls_it_one(org: Org) -> None:
    result = org.run("whoami", inspector=False)
    assert "signed in:  bearer token (environment)" in result.stdout, result.stdout
    assert "client id and secret" not in result.stdout and "None" not in result.stdout
    assert "identity:   user " in result.stdout  # a user's token, through its OAuth client


@pytest.mark.parametrize("org", ["seed-403"], indirect=True)
def test_refused_credentials_are_one_line_and_exit_1(org: Org) -> None:
    result = org.run("whoami", env={"GENESYSCLOUD_OAUTHCLIENT_SECRET": "wrong"}, inspector=False)
    assert result.exit_code == 1
    assert result.stdout.count("refused") == 2  # "refused:  HOST refused the client id and secret (401 …)"
    assert "could not read" not in result.stdout and "None" not in result.stdout
    no_client = {"GENESYSCLOUD_OAUTHCLIENT_ID": "", "GENESYSCLOUD_OAUTHCLIENT_SECRET": ""}
    bad = org.run("whoami", env={**no_client, "GENESYSCLOUD_ACCESS_TOKEN": "not-a-token"}, inspector=False)
    assert "refused:" in bad.stdout and "did not accept the subject's token" in bad.stdout
    assert "client id and secret" not in bad.stdout.replace("signed in:", "")  # a bearer token is not that


@pytest.mark.parametrize("org", ["seed-403"], indirect=True)
def test_can_i_answers_in_one_line_or_by_exit_code(org: Org) -> None:
    no = org.run("can-i", *PAUSE.split(), "--short")
    assert no.exit_code == 1 and no.stdout.startswith("no - ") and no.stdout.count("\n") == 1
    assert "conversation:recording:pauseOthers" in no.stdout
    yes = org.run("can-i", "GET", f"/api/v2/conversations/{org.demo['conversation']}", "--short")
    assert yes.exit_code == 0 and yes.stdout == "yes\n"
    quiet = org.run("can-i", *PAUSE.split(), "-q")
    assert quiet.exit_code == 1 and quiet.stdout == ""
    both = org.run("can-i", *PAUSE.split(), "-q", "--short")
    assert both.exit_code == 2


def test_explain_error_says_each_thing_once(tmp_path: Path) -> None:
    body = {
        "message": "You must have at least one of the following permissions assigned: [a:b:c]",
        "code": "missing.any.permissions",
        "status": 403,
        "contextId": "x",
        "details": [],
        "errors": [],
    }
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    result = CliRunner().invoke(cli, ["explain-error", str(path)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("A Genesys Cloud ErrorBody: 403 missing.any.permissions: ")
    assert not any(line.strip().startswith(("status:", "code:", "meaning:")) for line in lines)
    assert "None" not in result.stdout
