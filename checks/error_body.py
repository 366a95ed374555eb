"""``error.body``: what the error response the user received says, and whether it came from Genesys at all."""

from __future__ import annotations

from gcdiag.genesys.targets import TargetCall
from gcdiag.pipeline import FactView, Finding, Status, check


@check(
    id="error.body",
    title="The error response is a Genesys ErrorBody",
    scenarios=("recording-stop", "can-i"),
    blocking=False,
    needs=("inputs", "target_call"),
    fix=(
        "If the body is not in Genesys' format, look at the proxy or gateway in front of Genesys Cloud; "
        "if it is, its code and message say what was missing."
    ),
)
def error_body(facts: FactView) -> Finding:
    """Parses ``--error-body``: dot-separated code, contextId, the permissions its message names (genesys-facts §6)."""
    parsed = facts["inputs"].error_body
    if parsed is None:
        return Finding(Status.SKIP, "no --error-body given")
    target: TargetCall = facts["target_call"]
    evidence = {
        "genesys_format": parsed.genesys_format,
        "status": parsed.status,
        "code": parsed.code,
        "message": parsed.message,
        "contextId": parsed.context_id,
        "permissions_named": list(parsed.permissions),
        "problems": list(parsed.problems),
    }
    if not parsed.is_json:
        return Finding(
            Status.WARN,
            "the error body is not JSON: it probably did not come from the Genesys Cloud API itself (a proxy or gateway?)",
            detail=parsed.raw[:300],
            evidence=evidence,
        )
    if not parsed.genesys_format:
        return Finding(
            Status.WARN,
            "the error body is not in Genesys' ErrorBody format: it may come from a proxy or gateway in front of "
            "Genesys, or from your own code",
            detail="; ".join(parsed.problems),
            evidence=evidence,
        )
    needed = set(target.operation.permissions) if target.operation else set()
    named = set(parsed.permissions)
    summary = f"a Genesys ErrorBody: {parsed.status} {parsed.code}"
    if named:
        summary += f", naming {', '.join(sorted(named))}"
    if named and needed and not (named & needed):
        return Finding(
            Status.WARN,
            summary
            + f"; but the diagnosed call needs {', '.join(sorted(needed))}: was it from another call?",
            evidence=evidence,
        )
    return Finding(Status.PASS, summary, detail=parsed.message or "", evidence=evidence)
