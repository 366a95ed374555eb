"""`gcdiag recording-stop` end to end over the sandbox fixtures, through click's test runner."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gcdiag.report.io import validate_report_dict

from .conftest import Org

STOP = "POST /api/v2/recording/recordings/{recordingId}/actions/stop"
PAUSE = "conversation:recording:pauseOthers"


def report_of(
    org: Org, *args: str, inspector: bool = True, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    result = org.run(*org.stop_args("-o", "json", *args), inspector=inspector, env=env)
    assert result.exit_code in (0, 1, 3), result.output
    document = json.loads(result.stdout)
    validate_report_dict(document)
    return result.exit_code, document


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in document["results"]}


@pytest.mark.parametrize(
    ("org", "exit_code", "outcome", "failing"),
    [
        ("seed-403", 1, "would_fail", ["auth.permissions"]),
        ("healthy", 0, "would_succeed", []),
        ("wrong-division", 1, "would_fail", ["auth.division"]),
        ("call-ended", 1, "would_fail", ["conversation.state"]),
    ],
    indirect=["org"],
)
def test_each_fixture_gives_the_verdict_it_was_built_for(
    org: Org, exit_code: int, outcome: str, failing: list[str]
) -> None:
    code, document = report_of(org)
    assert code == exit_code
    assert document["verdict"]["outcome"] == outcome
    assert document["verdict"]["blocking_failures"] == failing
    assert not org.mutating_requests()


@pytest.mark.parametrize("org", ["user-scope"], indirect=True)
def test_user_scope_fixture(org: Org) -> None:
    code, document = report_of(org, "--scopes-enforced", "yes")
    assert code == 1 and document["verdict"]["blocking_failures"] == ["auth.scopes"]
    code, document = report_of(org)
    assert code == 3 and statuses(document)["auth.scopes"] == "error"
    assert "--scopes-enforced" in " ".join(document["fix"])


def test_seed_403_names_permission_role_and_corrected_call(org: Org) -> None:
    result = org.run(*org.stop_args("--call", STOP, "--no-color"))
    assert result.exit_code == 1
    out = result.stdout
    assert PAUSE in out
    assert "'Supervisor'" in out  # the org's existing role that grants it (not the client's own viewer role)
    conversation = org.demo["conversation"]
    assert f"/api/v2/conversations/calls/{conversation}/recordingstate" in out
    assert '{"recordingState":"PAUSED"}' in out and "$TOKEN" in out
    code, document = report_of(org, "--call", STOP)
    assert code == 1
    assert document["verdict"]["blocking_failures"] == ["endpoint.exists", "auth.permissions"]
    fixes = "\n".join(document["fix"])
    assert "the existing role 'Supervisor'" in fixes and PAUSE in fixes and "Recording Viewer" not in fixes


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_subject_alone_is_incomplete_with_the_permission_named(org: Org) -> None:
    code, document = report_of(org, inspector=False)
    assert code == 3
    assert document["verdict"]["outcome"] == "incomplete"
    result = {r["id"]: r for r in document["results"]}["auth.permissions"]
    assert result["status"] == "error"
    # It refers to the shared cause, which the report states once with what would let gcdiag see.
    cause = {c["id"]: c for c in document["causes"]}[result["cause"]]
    assert cause["kind"] == "denied" and "GET /api/v2/oauth/clients/{clientId}" in cause["summary"]
    assert "oauth:client:view" in " ".join(cause["see_more"])
    assert "oauth:client:view" in " ".join(document["see_more"])
    assert all(r["status"] != "pass" for r in document["results"] if r["id"] in ("auth.permissions",))


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_attempt_pauses_and_records_the_response(org: Org) -> None:
    code, document = report_of(org, "--attempt", "--yes")
    assert code == 0
    attempt = {r["id"]: r for r in document["results"]}["attempt.response"]
    assert attempt["status"] == "pass" and attempt["evidence"]["status"] in (200, 202, 204)
    assert [r["method"] for r in org.mutating_requests()] == ["PUT"]
    code, again = report_of(org)
    assert statuses(again)["recording.state"] == "warn"  # already secure-paused


def test_no_mutating_request_without_attempt(org: Org) -> None:
    report_of(org)
    report_of(org, "--call", STOP)
    assert org.mutating_requests() == []


def test_yaml_report_reshows_as_the_same_table(org: Org, tmp_path: Any) -> None:
    live = org.run(*org.stop_args("--no-color"))
    saved = tmp_path / "report.yaml"
    org.run(*org.stop_args("-o", "yaml", "--output-file", str(saved)))
    shown = org.run("report", "show", str(saved), "--no-color")
    assert shown.exit_code == live.exit_code == 1

    def strip_times(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if "generated" not in line)

    assert strip_times(shown.stdout) == strip_times(live.stdout)


def test_no_secret_in_any_output(org: Org) -> None:
    secrets = [org.secret(org.demo["subject_client"]), org.secret(org.demo["inspector_client"])]
    for fmt in ("table", "yaml", "json", "junit", "markdown"):
        result = org.run(*org.stop_args("-o", fmt, "-v"))
        for secret in secrets:
            assert secret not in result.output


def test_options_after_and_before_the_subcommand(org: Org) -> None:
    after = org.run(*org.stop_args("-o", "json"))
    before = org.run("-o", "json", *org.stop_args())
    assert json.loads(after.stdout)["verdict"] == json.loads(before.stdout)["verdict"]


def test_bad_id_is_exit_2_before_any_request(org: Org) -> None:
    result = org.run("recording-stop", "../../etc/passwd")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "is not a Genesys Cloud id" in result.stderr
    assert org.sandbox.requests() == []


def test_recording_id_alone_asks_for_the_conversation(org: Org) -> None:
    result = org.run("recording-stop", "--recording", org.demo["recording"])
    assert result.exit_code == 2 and "--conversation" in result.stderr


def test_event_payload_resolves_ids(org: Org, tmp_path: Any) -> None:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "topicName": "v2.users.x.conversations.y.recordings",
                "eventBody": {"id": org.demo["recording"], "conversationId": org.demo["conversation"]},
            }
        )
    )
    result = org.run("recording-stop", "--event", str(event), "-o", "json")
    document = json.loads(result.stdout)
    assert document["inputs"]["conversation_id"] == org.demo["conversation"]
    assert document["inputs"]["recording_id"] == org.demo["recording"]


def test_error_body_evidence(org: Org, tmp_path: Any) -> None:
    proxy = tmp_path / "proxy.json"
    proxy.write_text('{"code": "bad_request", "status": 403, "message": "Forbidden"}')
    _code, document = report_of(org, "--error-body", str(proxy))
    result = {r["id"]: r for r in document["results"]}["error.body"]
    assert result["status"] == "warn" and "proxy" in result["summary"]


def test_demo_command(org: Org) -> None:
    result = org.run("demo", "--no-color")
    assert result.exit_code == 1
    assert PAUSE in result.stdout and "'Supervisor'" in result.stdout


def test_skipping_a_blocking_check_cannot_make_the_call_succeed(org: Org) -> None:
    # seed-403 fails only auth.permissions (no --call): left out, nothing decides the call either way.
    code, document = report_of(org, "--skip", "auth.permissions")
    assert code == 3
    assert document["verdict"]["outcome"] == "incomplete"
    assert "auth.permissions were left out by --skip/--only" in document["verdict"]["summary"]
    code, document = report_of(org, "--only", "conversation.found")
    assert code == 3 and document["verdict"]["outcome"] == "incomplete"


@pytest.mark.parametrize(
    "org", ["seed-403", "healthy", "wrong-division", "call-ended", "user-scope"], indirect=True
)
def test_reports_never_cite_the_internal_fact_sheet(org: Org) -> None:
    # Code cites FACTS.md for traceability; users have no such document, so no text they see may point to it.
    for inspector in (True, False):
        result = org.run(*org.stop_args("-o", "json"), inspector=inspector)
        assert "FACTS" not in result.stdout and "FACTS" not in result.stderr


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_attempt_shows_the_exact_call_before_asking(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    from gcdiag.app.commands import RecordingStopRequest, run_recording_stop
    from gcdiag.app.invocation import Invocation

    asked: list[str] = []

    def decline(question: str) -> bool:
        asked.append(capsys.readouterr().err)  # what was on the terminal when the question came
        return False

    inv = Invocation(options={"output_format": "json"}, environ=org.env(), stdin_isatty=True, confirm=decline)
    code = run_recording_stop(inv, RecordingStopRequest(id=org.demo["conversation"], attempt=True))
    call = (
        f"PUT {org.sandbox.url}/api/v2/conversations/calls/{org.demo['conversation']}/recordingstate"
        ' with body {"recordingState":"PAUSED"}, as the subject'
    )
    assert asked == [f"gcdiag: --attempt: {call}\n"]
    document = json.loads(capsys.readouterr().out)
    attempt = {r["id"]: r for r in document["results"]}["attempt.response"]
    assert attempt["status"] == "skip" and "declined" in attempt["summary"] and code == 0
    assert org.mutating_requests() == []  # declined: not made


def _adhoc_on_agent(data: dict[str, Any]) -> None:
    """healthy, with an ad hoc recording on the agent's leg beside the policy recording on the customer's; the
    integration may also switch the participant flag (conversation:call:record)."""
    conv = data["conversations"][0]
    agent = next(p for p in conv["participants"] if p["purpose"] == "agent")
    agent["recording"], agent["adhoc"] = False, True
    conv["recordings"].append(
        {"id": "5d1f0c3e-8a9b-4c2d-9e7f-6a5b4c3d2e1f", "file_role": "ADHOC", "file_state": "UPLOADING"}
    )
    role = next(r for r in data["roles"] if r["name"] == "Recording Viewer")
    role["permissions"].append("conversation:call:record")


FLAG = "PATCH /api/v2/conversations/calls/{conversationId}/participants/"


def test_attempt_on_the_wrong_leg_answers_2xx_and_is_reported_as_no_effect(tmp_path: Any) -> None:
    """Expected before running: the flag call names the customer's leg, which records by policy only; the ad hoc
    recording runs on the agent's. recording.participant fails (blocking) and names the agent's leg; the sandbox
    answers 202 and changes nothing (its UNCONFIRMED best guess); --attempt reports effect not_observed, a failed
    attempt.response, and 'wrong participant' naming the agent's leg — not a success."""
    from .conftest import custom_org

    with custom_org("healthy", _adhoc_on_agent, tmp_path) as org:
        conv = org.demo["conversation"]
        legs = {p["purpose"]: p["id"] for p in org.data["conversations"][0]["participants"]}
        code, document = report_of(org, "--call", FLAG + legs["customer"], "--attempt", "--yes")
        assert code == 1 and document["verdict"]["blocking_failures"] == ["recording.participant"]
        right = f"PATCH /api/v2/conversations/calls/{conv}/participants/{legs['agent']}"
        assert any(right in step for step in document["fix"])
        assert [r["status"] for r in org.mutating_requests()] == [202]
        attempt = {r["id"]: r for r in document["results"]}["attempt.response"]
        assert attempt["status"] == "fail" and "but nothing changed" in attempt["summary"]
        assert document["attempt"]["effect"] == "not_observed"
        assert document["attempt"]["status"] == 202
        assert any(
            w.startswith("wrong participant") and legs["agent"] in w for w in document["attempt"]["why"]
        )
        # Nothing changed in the org: the agent's ad hoc recording still runs.
        again = report_of(org, "--call", FLAG + legs["agent"])[1]
        assert statuses(again)["recording.participant"] == "pass"


def test_attempt_on_the_right_leg_confirms_the_effect(tmp_path: Any) -> None:
    from .conftest import custom_org

    with custom_org("healthy", _adhoc_on_agent, tmp_path) as org:
        agent = next(p["id"] for p in org.data["conversations"][0]["participants"] if p["purpose"] == "agent")
        _, document = report_of(org, "--call", FLAG + agent, "--attempt", "--yes")
        assert document["attempt"]["effect"] == "confirmed", document["attempt"]
        assert statuses(document)["attempt.response"] == "pass"
        # The policy recording on the customer's leg keeps running: recording.kind said so, with the secure pause.
        assert statuses(document)["recording.kind"] == "warn"
        assert any("/recordingstate" in step for step in document["fix"])


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_attempt_of_a_secure_pause_already_on_changes_nothing_and_says_so(org: Org) -> None:
    _, first = report_of(org, "--attempt", "--yes")
    assert first["attempt"]["effect"] == "confirmed" and first["attempt"]["reads"] >= 1
    _, second = report_of(org, "--attempt", "--yes")
    assert second["attempt"]["effect"] == "not_observed"
    assert any("already there before the call" in w for w in second["attempt"]["why"])
    assert statuses(second)["attempt.response"] == "fail"


def test_when_only_the_inferred_pause_string_is_missing_the_verdict_says_it_depends_on_it(
    tmp_path: Any,
) -> None:
    """Expected before running: Sam Agent (user token with the conversations scope) is a participant and holds
    conversation:communication:disconnect, the one permission PATCH /api/v2/conversations/calls/{id} lists; the
    route also needs Conversation > Recording > Pause, whose string conversation:recording:pause is inferred and
    in none of his roles. Not a failure: an incomplete verdict that says it depends on an unconfirmed fact."""
    from .conftest import custom_org

    def with_conversations_scope(data: dict[str, Any]) -> None:
        for holder in (*data["tokens"], *(c for c in data["oauth_clients"] if c.get("scopes"))):
            holder["scopes"] = [*holder["scopes"], "conversations"]

    with custom_org("user-scope", with_conversations_scope, tmp_path) as org:
        conv = org.demo["conversation"]
        code, document = report_of(org, "--call", f"PATCH /api/v2/conversations/calls/{conv}")
        assert code == 3 and document["verdict"]["outcome"] == "incomplete"
        assert "depends on an unconfirmed fact" in document["verdict"]["summary"]
        assert "conversation:recording:pause" in document["verdict"]["summary"]
        result = {r["id"]: r for r in document["results"]}["auth.permissions"]
        assert result["status"] == "error" and "UNCONFIRMED" in result["summary"]
        assert statuses(document)["auth.participant"] == "pass"
