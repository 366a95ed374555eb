"""A secure pause and an ad hoc recording: whether the one pauses the other is UNCONFIRMED (genesys-facts §3.2).

Expected, written before the code (an expert's reading): Genesys documents that recordingState PAUSED "initiates a
secure pause" and that ACTIVE "resumes any paused recordings", not which recorders a secure pause pauses; the
documented off switch of an ad hoc recording is the participant's ``recording`` flag (§3.2 d). So

* a secure pause where an ad hoc recording runs is not a ``pass`` of ``recording.kind``: it is a ``warn`` marked
  inferred, that says "unconfirmed", and whose fix is the participant flag on the participant whose ad hoc
  recording runs (and no secure-pause step: that is the call already diagnosed);
* both kinds running: the same warning and the same flag step beside the secure pause;
* only a policy recording: secure pause is the documented mechanism, ``pass``, no fix;
* the participant flag on the participant whose ad hoc recording runs: ``pass``.

When gcdiag chose the flag call itself, the permission fix ends with that call, naming the participant; when the
user gave the call, it does not repeat it.
"""

from __future__ import annotations

from gcdiag.facts.types import OrgRole
from gcdiag.genesys.authz import Policy, Role
from gcdiag.pipeline.plugins import load_checkset
from gcdiag.report.model import Basis, Status
from gcdiag.testing.facts import CONV, PAUSER, VIEWER, grants, identity, run_check, target

from .cases import FLAG, adhoc_on_agent

CHECKS = {c.id: c for c in load_checkset().checks}
PAUSE = "PUT /api/v2/conversations/calls/{conversationId}/recordingstate"
AGENT_FLAG = f"PATCH /api/v2/conversations/calls/{CONV}/participants/p-agent"


def test_a_secure_pause_of_an_ad_hoc_recording_is_uncertain_and_the_fix_is_the_flag_of_its_participant() -> (
    None
):
    finding = run_check(CHECKS["recording.kind"], target_call=target(PAUSE, "ADHOC", conv=adhoc_on_agent()))
    assert finding.status is Status.WARN
    assert finding.basis is Basis.INFERRED and finding.because
    assert "unconfirmed" in finding.summary and "p-agent" in finding.summary
    assert len(finding.fix) == 1
    assert f'{AGENT_FLAG} with body {{"recording": false}}' in finding.fix[0]
    assert "recordingstate" not in finding.fix[0]


def test_both_kinds_under_a_secure_pause_warn_that_the_ad_hoc_one_may_keep_running() -> None:
    conv = adhoc_on_agent(policy_too=True)
    finding = run_check(CHECKS["recording.kind"], target_call=target(PAUSE, "CUSTOMER_EXPERIENCE", conv=conv))
    assert finding.status is Status.WARN
    assert finding.basis is Basis.INFERRED
    assert "secure pause halts it" in finding.summary and "unconfirmed" in finding.summary
    assert len(finding.fix) == 1 and AGENT_FLAG in finding.fix[0] and "unconfirmed" in finding.fix[0]


def test_a_secure_pause_of_a_policy_recording_alone_passes() -> None:
    from .test_fix_targets import policy_only

    finding = run_check(
        CHECKS["recording.kind"], target_call=target(PAUSE, "CUSTOMER_EXPERIENCE", conv=policy_only())
    )
    assert finding.status is Status.PASS
    assert finding.basis is Basis.OBSERVED and not finding.fix


def test_the_flag_on_the_participant_whose_ad_hoc_recording_runs_passes() -> None:
    finding = run_check(
        CHECKS["recording.kind"], target_call=target(FLAG + "p-agent", "ADHOC", conv=adhoc_on_agent())
    )
    assert finding.status is Status.PASS and "unconfirmed" not in finding.summary


def _permissions(call: str | None) -> tuple[str, ...]:
    finding = run_check(
        CHECKS["auth.permissions"],
        identity=identity(),
        target_call=target(call, "ADHOC", conv=adhoc_on_agent()),
        grants=grants((VIEWER, "*")),
        org_roles=(OrgRole(VIEWER), OrgRole(PAUSER)),
    )
    assert finding.status is Status.FAIL
    return finding.fix


def test_the_permission_fix_of_a_chosen_flag_call_ends_with_that_call_on_the_ad_hoc_participant() -> None:
    fix = _permissions(None)
    assert "conversation:call:record" in fix[0]
    assert fix[-1].startswith("Then switch off the ad hoc recording")
    assert f'{AGENT_FLAG} with body {{"recording": false}}' in fix[-1]
    assert sum("/participants/" in step for step in fix) == 1


def test_the_permission_fix_of_a_given_flag_call_does_not_repeat_it() -> None:
    fix = _permissions(FLAG + "p-agent")
    assert not any(step.startswith("Then switch off") for step in fix)


RECORDER = Role(
    "role-recorder", "Ad Hoc Recording Control", (), (Policy("conversation", "call", ("record",)),)
)


def test_the_flag_step_beside_a_secure_pause_says_whether_the_identity_may_make_that_call() -> None:
    call = target(PAUSE, "CUSTOMER_EXPERIENCE", conv=adhoc_on_agent(policy_too=True))
    lacks = run_check(CHECKS["recording.kind"], target_call=call, grants=grants((PAUSER, "*")))
    assert "holds none of them: grant conversation:call:record as well" in lacks.fix[0]
    holds = run_check(
        CHECKS["recording.kind"], target_call=call, grants=grants((PAUSER, "*"), (RECORDER, "*"))
    )
    assert holds.fix[0].endswith("the identity holds one of them).")
    unknown = run_check(CHECKS["recording.kind"], target_call=call)
    assert "the identity" not in unknown.fix[0]


def test_the_secure_pause_step_beside_the_flag_says_whether_the_identity_may_make_that_call() -> None:
    call = target(FLAG + "p-agent", "ADHOC", conv=adhoc_on_agent(policy_too=True))
    lacks = run_check(CHECKS["recording.kind"], target_call=call, grants=grants((RECORDER, "*")))
    assert lacks.status is Status.WARN
    assert "conversation:recording:pauseOthers, which the identity lacks" in lacks.fix[0]


def test_without_the_recordings_list_the_recorders_state_decides_the_kind() -> None:
    """No recording listed yet (role None): recordersState shows what runs. Only the agent's ad hoc recorder: gcdiag
    chooses the participant flag on the agent; both: secure pause, with the uncertain ad hoc warning."""
    only = target(None, None, conv=adhoc_on_agent())
    assert only.route == "participant-flag" and only.participant_id == "p-agent"
    assert run_check(CHECKS["recording.kind"], target_call=only).status is Status.PASS
    both = target(None, None, conv=adhoc_on_agent(policy_too=True))
    assert both.route == "secure-pause"
    finding = run_check(CHECKS["recording.kind"], target_call=both)
    assert finding.status is Status.WARN and finding.basis is Basis.INFERRED
    assert finding.evidence["kind_from"] == "recordersState" and AGENT_FLAG in finding.fix[0]


def test_a_stop_call_that_does_not_exist_gets_the_flag_call_once() -> None:
    """endpoint.exists says "Instead call PATCH …/participants/p-agent"; auth.permissions does not repeat it."""
    from gcdiag.pipeline.runner import ordered_fix
    from gcdiag.report.model import CheckResult
    from gcdiag.testing.facts import ENV

    stop = "POST /api/v2/recording/recordings/{recordingId}/actions/stop"
    call = target(stop, "ADHOC", conv=adhoc_on_agent())
    assert call.route == "participant-flag" and call.participant_id == "p-agent"
    exists = run_check(CHECKS["endpoint.exists"], target_call=call, environment=ENV)
    results = [
        CheckResult("endpoint.exists", "t", exists.status, True, exists.summary, fix=exists.fix),
        CheckResult("auth.permissions", "t", Status.FAIL, True, "lacks", fix=_permissions(stop)),
    ]
    fix, _ = ordered_fix(results)
    assert sum("/participants/p-agent" in step for step in fix) == 1


def test_a_stop_call_that_does_not_exist_with_both_kinds_running_states_the_flag_step_once() -> None:
    """endpoint.exists and recording.kind both name the ad hoc recording's flag step; with the same grants they
    word it alike, so the report's fix holds it once."""
    from gcdiag.pipeline.runner import ordered_fix
    from gcdiag.report.model import CheckResult
    from gcdiag.testing.facts import ENV

    stop = "POST /api/v2/recording/recordings/{recordingId}/actions/stop"
    call = target(stop, "CUSTOMER_EXPERIENCE", conv=adhoc_on_agent(policy_too=True))
    held = grants((VIEWER, "*"))
    exists = run_check(CHECKS["endpoint.exists"], target_call=call, environment=ENV, grants=held)
    kind = run_check(CHECKS["recording.kind"], target_call=call, grants=held)
    results = [
        CheckResult("endpoint.exists", "t", exists.status, True, exists.summary, fix=exists.fix),
        CheckResult("recording.kind", "t", kind.status, False, kind.summary, fix=kind.fix),
    ]
    fix, _ = ordered_fix(results)
    assert sum("/participants/p-agent" in step for step in fix) == 1
    assert "holds none of them" in next(step for step in fix if "/participants/p-agent" in step)
