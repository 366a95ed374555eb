"""``endpoint.exists``: the call the user made is a real Genesys Cloud API operation."""

from __future__ import annotations

from gcdiag.facts.types import GrantSet
from gcdiag.genesys.targets import PARTICIPANT_FLAG, SECURE_PAUSE, TargetCall, also_running
from gcdiag.pipeline import FactView, Finding, Status, check

# genesys-facts §3.1 (no stop endpoint: INFERRED from its absence), §3.2 (the real mechanisms)
NO_STOP_ENDPOINT = (
    "There is no 'stop recording' endpoint in the Genesys Cloud Platform API: none of the /api/v2/recording* "
    "operations controls a live recording. A policy (CUSTOMER_EXPERIENCE) recording can only be secure-paused "
    f"({SECURE_PAUSE[0]} {SECURE_PAUSE[1]}) and resumed; an ad hoc recording can be switched off with the "
    "participant's recording flag."
)


@check(
    id="endpoint.exists",
    title="The call is a public Genesys Cloud API operation",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("target_call", "environment"),
    wants=("grants",),
    fix=(
        "Use a real operation. There is no endpoint that stops a call recording: pause it with "
        'PUT /api/v2/conversations/calls/{conversationId}/recordingstate {"recordingState": "PAUSED"}, or switch '
        "off an ad hoc recording with PATCH /api/v2/conversations/calls/{conversationId}/participants/{participantId} "
        '{"recording": false}.'
    ),
)
def endpoint_exists(facts: FactView) -> Finding:
    """Looks the given ``--call`` up in the operation catalog (bundled, or the region's live swagger)."""
    target: TargetCall = facts["target_call"]
    api_url = facts["environment"]["api_url"]
    source = target.operation.source if target.operation else "bundled"
    if target.given is None:
        return Finding(
            Status.SKIP,
            f"no --call given; gcdiag diagnoses {target.text} ({target.reason})",
            evidence={"diagnosed_call": target.to_dict()},
        )
    if target.given_exists:
        op = target.operation
        assert op is not None
        status = Status.WARN if op.deprecated else Status.PASS
        note = " (deprecated)" if op.deprecated else ""
        return Finding(
            status,
            f"{op.method} {op.path} is a public API operation{note}",
            detail=f"operationId {op.operation_id}: {op.summary} (catalog: {source})",
            evidence={"operation": op.to_dict()},
        )
    if target.operation is None:
        fix = [
            "Look the operation up with `gcdiag catalog list --tag TAG` or `gcdiag catalog show METHOD PATH`."
        ]
        detail = "Check the method and the path; ids may be given concretely or as {placeholders}."
        if "record" in (target.given or "").lower():
            # can-i of a recording call that does not exist (a "stop" endpoint): name the real mechanisms, as
            # recording-stop does when it diagnoses them instead (genesys-facts §3.1, §3.2).
            detail += " " + NO_STOP_ENDPOINT
            fix = [
                f'To pause a live call recording: {SECURE_PAUSE[0]} {SECURE_PAUSE[1]} with body {{"recordingState": '
                '"PAUSED"} (needs conversation:recording:pauseOthers).',
                f"To switch off an ad hoc (ADHOC) recording: {PARTICIPANT_FLAG[0]} {PARTICIPANT_FLAG[1]} with body "
                '{"recording": false}.',
                *fix,
            ]
        return Finding(
            Status.FAIL,
            f"{target.given} is not a public Genesys Cloud API operation ({source} catalog)",
            detail=detail,
            fix=tuple(fix),
            evidence={"given": target.given, "catalog": source},
        )
    mechanisms = [
        f"Instead call {target.text} with body {_body(target)}: {target.curl(api_url)}",
    ]
    grant_set: GrantSet | None = facts["grants"]
    # The same grants as recording.kind passes: the step for what else runs is then worded alike, and said once.
    mechanisms += also_running(target, grant_set.grants if grant_set is not None else None)
    detail = f"{target.given} is not in the operation catalog ({source}). {NO_STOP_ENDPOINT}"
    return Finding(
        Status.FAIL,
        f"{target.given} is not a Genesys Cloud API operation",
        detail=detail,
        fix=tuple(mechanisms),
        evidence={"given": target.given, "catalog": source, "diagnosed_instead": target.to_dict()},
    )


def _body(target: TargetCall) -> str:
    import json

    return json.dumps(dict(target.body)) if target.body is not None else "(none)"
