"""Read-only guarantee: no command but `--attempt` sends a mutating request, over every built-in fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcdiag.sandbox import builtin_fixtures

from .conftest import Org

COMMANDS = [
    lambda org, tmp: org.stop_args(),
    lambda org, tmp: org.stop_args("--call", "POST /api/v2/recording/recordings/{recordingId}/actions/stop"),
    lambda org, tmp: org.stop_args("--call", f"PATCH /api/v2/conversations/calls/{org.demo['conversation']}"),
    lambda org, tmp: org.stop_args("-o", "junit"),
    lambda org, tmp: [
        "can-i",
        "PUT",
        f"/api/v2/conversations/calls/{org.demo['conversation']}/recordingstate",
    ],
    lambda org, tmp: ["can-i", "--list", "--tag", "Recording"],
    lambda org, tmp: ["whoami", "-o", "yaml"],
    lambda org, tmp: ["explain-error", str(tmp / "error.json"), "--call", "GET /api/v2/tokens/me"],
    lambda org, tmp: ["smoke", str(tmp / "smoke.yaml")],
    lambda org, tmp: ["catalog", "show", "PUT", "/api/v2/conversations/calls/x/recordingstate"],
    lambda org, tmp: ["checks", "list"],
]


@pytest.mark.slow
@pytest.mark.parametrize("org", builtin_fixtures(), indirect=True)
def test_no_mutating_request_from_any_command(org: Org, tmp_path: Path) -> None:
    (tmp_path / "error.json").write_text(
        json.dumps({"message": "x", "code": "not.authorized", "status": 403})
    )
    (tmp_path / "smoke.yaml").write_text(
        f"items:\n  - conversation: {org.demo['conversation']}\n    expect: would_fail\n"
    )
    for make in COMMANDS:
        result = org.run(*make(org, tmp_path))
        assert result.exit_code in (0, 1, 3), (make(org, tmp_path), result.output)
        assert "Traceback" not in result.output
    assert org.mutating_requests() == []
    assert org.sandbox.requests(), "the commands did reach the sandbox"
