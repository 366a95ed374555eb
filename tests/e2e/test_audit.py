"""audit.recent-changes against the sandbox: the identity's own changes are found however busy the org's audit
log is, and what lies beyond the pages gcdiag reads is counted, never silently dropped."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from .conftest import Org, custom_org

VIEWER_ROLE = "637fbdd4-8fd8-43ca-8489-d738e0ae4bbe"  # the seed-403 subject's only role
REALTIME = "/api/v2/audits/query/realtime"


def role_update(role_id: str, minutes_ago: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "service_name": "PeoplePermissions",
        "entity_type": "Role",
        "entity": {"id": role_id, "name": "Some Role"},
        "action": "Update",
        "user": {"id": "72ca2d17-96c7-442c-9efe-411ccb85aedf", "name": "Alex Admin"},
        "event_date": f"-{minutes_ago}m",
    }


def audit_result(org: Org, *extra: str) -> dict[str, Any]:
    result = org.run(*org.stop_args("-o", "json", *extra))
    report = json.loads(result.stdout)
    return next(r for r in report["results"] if r["id"] == "audit.recent-changes")


def realtime_queries(org: Org) -> int:
    return sum(1 for r in org.sandbox.requests() if r["path"] == REALTIME)


def test_own_changes_are_found_among_many_newer_changes_to_other_roles(tmp_path: Path) -> None:
    # 60 newer updates to other roles would fill a page of "all role changes" (25 by default) twice over.
    def busy(data: dict[str, Any]) -> None:
        data["audit"] += [role_update(str(uuid.uuid4()), minutes) for minutes in range(1, 61)]

    with custom_org("seed-403", busy, tmp_path) as org:
        result = audit_result(org)
        assert result["status"] == "warn"
        assert result["summary"].startswith("2 change(s) to the identity's OAuth client or roles")
        changed = {c["entity"] for c in result["evidence"]["config_changes"]}
        assert changed == {VIEWER_ROLE, org.demo["subject_client"]}
        assert realtime_queries(org) == 2  # one per watched entity: the OAuth client and its one role


def test_changes_beyond_the_pages_read_are_counted(tmp_path: Path) -> None:
    # 110 more updates to the subject's own role: 111 in all, of which gcdiag reads 4 pages of 25, newest first.
    def busy(data: dict[str, Any]) -> None:
        data["audit"] += [role_update(VIEWER_ROLE, minutes) for minutes in range(1, 111)]

    with custom_org("seed-403", busy, tmp_path) as org:
        result = audit_result(org)
        assert result["status"] == "warn"
        assert "11 older change(s) not read" in result["summary"]
        assert result["evidence"]["unread_changes"] == 11
        role_changes = [c for c in result["evidence"]["config_changes"] if c["entity"] == VIEWER_ROLE]
        assert len(role_changes) == 100
        dates = [c["eventDate"] for c in result["evidence"]["config_changes"]]
        assert dates == sorted(dates, reverse=True)  # newest first
        assert realtime_queries(org) == 1 + 4  # the OAuth client's page, and four pages for the role


def recording_read(conversation: str, recording: str, minutes_ago: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "conversation": conversation,
        "service_name": "RecordingService",
        "entity_type": "Recording",
        "entity": {"id": recording},
        "action": "Read",
        "user": {"id": "58f98699-ce85-4243-b020-ebfa5f75e52d"},
        "event_date": f"-{minutes_ago}m",
    }


def test_recording_actions_follow_the_cursor_and_say_when_older_ones_were_not_read(tmp_path: Path) -> None:
    # 80 reads of the recording: the results come 25 a page; gcdiag follows the cursor for 3 pages (75).
    def busy(data: dict[str, Any]) -> None:
        demo = data["demo"]
        data["quality_audit"] = [
            recording_read(demo["conversation"], demo["recording"], minutes) for minutes in range(1, 81)
        ]

    with custom_org("seed-403", busy, tmp_path) as org:
        result = audit_result(org, "--interaction-audit")
        assert len(result["evidence"]["recording_actions"]) == 75
        assert "recording actions older than the newest 75 not read" in result["summary"]
        assert result["status"] == "warn"
        pages = [r for r in org.sandbox.requests() if r["path"].endswith("/results")]
        assert len(pages) == 3


def test_the_interaction_audit_runs_only_when_asked_for(tmp_path: Path) -> None:
    def busy(data: dict[str, Any]) -> None:
        demo = data["demo"]
        data["quality_audit"] = [recording_read(demo["conversation"], demo["recording"], 5)]

    with custom_org("seed-403", busy, tmp_path) as org:
        result = audit_result(org)
        assert "recording_actions" not in result["evidence"]
        assert "--interaction-audit" in result["evidence"]["recording_actions_not_looked_up"]
        assert not [r for r in org.sandbox.requests() if "/quality/" in r["path"]]
        assert realtime_queries(org) == 2  # the role and OAuth-client changes are still read
        org.sandbox.reset()
        result = org.run(*org.stop_args("-o", "json"), env={"GCDIAG_INTERACTION_AUDIT": "1"})
        audit = next(r for r in json.loads(result.stdout)["results"] if r["id"] == "audit.recent-changes")
        assert len(audit["evidence"]["recording_actions"]) == 1
        assert len([r for r in org.sandbox.requests() if "/quality/" in r["path"]]) == 3
