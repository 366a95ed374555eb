"""The fix targets what runs: the participant whose ad hoc recording runs, and steps only for the kinds that run
(a policy recording, an ad hoc one, or both)."""

from __future__ import annotations

from typing import Any

from gcdiag.pipeline.plugins import load_checkset
from gcdiag.report.model import Status
from gcdiag.testing.facts import CONV, ENV, conversation, run_check, target, target_ids

from .cases import FLAG, adhoc_on_agent, recorders

CHECKS = {c.id: c for c in load_checkset().checks}
STOP = "POST /api/v2/recording/recordings/{recordingId}/actions/stop"


def policy_only() -> dict[str, Any]:
    conv = conversation()
    for p in conv["participants"]:
        for call in p["calls"]:
            call["recordersState"] = recorders(cx="ACTIVE" if call.get("recording") else "NONE")
    return conv


def fix_of_stop(conv: dict[str, Any], role: str | None) -> list[str]:
    finding = run_check(CHECKS["endpoint.exists"], target_call=target(STOP, role, conv=conv), environment=ENV)
    assert finding.status is Status.FAIL
    return list(finding.fix)


def test_only_a_policy_recording_runs_no_ad_hoc_step() -> None:
    fix = fix_of_stop(policy_only(), "CUSTOMER_EXPERIENCE")
    assert len(fix) == 1 and "recordingstate" in fix[0]
    assert not any("participants/" in step for step in fix)


def test_only_an_ad_hoc_recording_runs_no_secure_pause_step() -> None:
    fix = fix_of_stop(adhoc_on_agent(), "ADHOC")
    assert len(fix) == 1 and f"/api/v2/conversations/calls/{CONV}/participants/p-agent" in fix[0]
    assert not any("recordingstate" in step for step in fix)


def test_both_run_both_steps_and_the_flag_names_the_ad_hoc_participant() -> None:
    fix = fix_of_stop(adhoc_on_agent(policy_too=True), None)
    assert "recordingstate" in fix[0]
    assert f"PATCH /api/v2/conversations/calls/{CONV}/participants/p-agent" in fix[1]
    assert len(fix) == 2


def test_unknown_kinds_keep_a_conditional_ad_hoc_step() -> None:
    fix = fix_of_stop(conversation(), None)  # no recordersState, no recordings read
    assert fix[1].startswith("If an ad hoc (ADHOC) recording runs")


def test_the_corrected_flag_call_names_the_participant_whose_recording_runs() -> None:
    conv = adhoc_on_agent()
    finding = run_check(
        CHECKS["recording.participant"],
        target_call=target(FLAG + "p-customer", "ADHOC", conv=conv),
        target_ids=target_ids(participant_id="p-customer"),
        environment=ENV,
        conversation=conv,
    )
    assert finding.status is Status.FAIL
    assert finding.fix == (
        f'Call PATCH /api/v2/conversations/calls/{CONV}/participants/p-agent with body {{"recording": false}}.',
    )


def test_the_recommended_flag_call_targets_the_ad_hoc_leg_not_the_first_recorded_one() -> None:
    # The customer leg records by policy and comes first; the ad hoc recording runs on the agent's leg.
    chosen = target(None, "ADHOC", conv=adhoc_on_agent(policy_too=True))
    assert chosen.route == "participant-flag" and chosen.participant_id == "p-agent"
    assert chosen.concrete_path.endswith("/participants/p-agent")


def test_a_client_on_the_participant_route_is_sent_to_secure_pause_once_with_the_permission_it_lacks() -> (
    None
):
    """auth.participant and auth.permissions say the same step in the same words (so the report's fix has it once),
    and auth.permissions adds the grant the client needs for secure pause — not for the route it cannot use."""
    from gcdiag.facts.types import OrgRole
    from gcdiag.pipeline.runner import ordered_fix
    from gcdiag.report.model import CheckResult
    from gcdiag.testing.facts import PAUSER, VIEWER, grants, identity

    call = target(f"PATCH /api/v2/conversations/calls/{CONV}")
    permissions = run_check(
        CHECKS["auth.permissions"],
        identity=identity(),
        target_call=call,
        grants=grants((VIEWER, "*")),
        org_roles=(OrgRole(VIEWER), OrgRole(PAUSER)),
    )
    participant = run_check(
        CHECKS["auth.participant"], identity=identity(), target_call=call, conversation=conversation()
    )
    assert permissions.fix[0] == participant.fix[0]
    assert "the existing role 'Pauser'" in permissions.fix[1]
    assert "conversation:communication:disconnect" not in " ".join(permissions.fix)
    results = [
        CheckResult(i, i, f.status, True, f.summary, fix=f.fix)
        for i, f in (("auth.permissions", permissions), ("auth.participant", participant))
    ]
    fix, _ = ordered_fix(results)
    assert sum("recordingstate" in step for step in fix) == 1


def test_a_role_whose_policy_for_the_permission_is_conditional_is_not_proposed() -> None:
    from gcdiag.facts.types import OrgRole
    from gcdiag.testing.facts import PAUSER, VIEWER, grants, identity

    finding = run_check(
        CHECKS["auth.permissions"],
        identity=identity(),
        target_call=target(),
        grants=grants((VIEWER, "*")),
        org_roles=(OrgRole(VIEWER), OrgRole(PAUSER, ("conversation:recording",))),
    )
    assert finding.status is Status.FAIL
    assert "Pauser" not in finding.fix[0] and finding.fix[0].startswith("Create a role named for its purpose")
