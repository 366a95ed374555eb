"""``audit.recent-changes``: what changed recently that could explain a new failure. Never blocking."""

from __future__ import annotations

from typing import Any

from gcdiag.facts.types import AuditChanges, InteractionAudits
from gcdiag.pipeline import FactView, Finding, Status, check, findings_for_unseen

NOT_AUDITED = (
    "No source shows denied API calls being recorded in the audit log, so it is unlikely to show which permission a "
    "403 was missing; the 403 body names it."  # genesys-facts §7 (UNCONFIRMED, evidence against), §10.9
)
NOT_ASKED = (
    "Recording actions on this conversation were not looked up: the interaction audit query is slow (three "
    "requests one after another); turn it on with --interaction-audit (GCDIAG_INTERACTION_AUDIT=1)."
)


def _entry(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventDate": e.get("eventDate"),
        "serviceName": e.get("serviceName"),
        "entityType": e.get("entityType"),
        "entity": (e.get("entity") or {}).get("id"),
        "action": e.get("action"),
        "user": (e.get("user") or {}).get("id"),
        "client": (e.get("client") or {}).get("id"),
        "propertyChanges": [
            {"property": p.get("property"), "oldValues": p.get("oldValues"), "newValues": p.get("newValues")}
            for p in e.get("propertyChanges") or ()
        ],
    }


@check(
    id="audit.recent-changes",
    title="Recent changes to the OAuth client, its roles, and recording actions on this conversation",
    scenarios=("recording-stop",),
    blocking=False,
    needs=("inputs",),
    wants=("audit_changes", "interaction_audits"),
    fix="Review the listed changes: a role edit or an OAuth client update just before the failure may be the cause.",
)
def audit_recent_changes(facts: FactView) -> Finding:
    """Realtime audit queries (the identity's OAuth client and roles) and the interaction audit query."""
    window = facts["inputs"].audit_window_days
    changes: AuditChanges | None = facts["audit_changes"]
    recording_actions: InteractionAudits | None = facts["interaction_audits"]
    problems = [
        p for p in (facts.problem("audit_changes"), facts.problem("interaction_audits")) if p is not None
    ]
    watched = dict(changes.watched) if changes else {}
    # The queries filter by entity; keeping only the watched ones also guards against a filter the service ignored.
    relevant = (
        [_entry(e) for e in changes.entries if (e.get("entity") or {}).get("id") in watched]
        if changes
        else []
    )
    actions = [_entry(e) for e in recording_actions.entries] if recording_actions else []
    # No value and no problem: the interaction audit was not asked for (it is off by default).
    not_asked = recording_actions is None and facts.problem("interaction_audits") is None
    evidence: dict[str, Any] = {
        "window_days": window,
        "watched_entities": watched,
        "config_changes": relevant,
    }
    if not_asked:
        evidence["recording_actions_not_looked_up"] = NOT_ASKED
    else:
        evidence["recording_actions"] = actions
    if changes is not None and changes.unread:
        evidence["unread_changes"] = changes.unread
    if changes is not None and changes.roles_unknown:
        evidence["roles_not_looked_up"] = changes.roles_unknown
    if changes is None and recording_actions is None:
        # Both reads failed: one shared cause is referred to, several are stated (see_more, not fix: reading the
        # audit log only lets gcdiag see more).
        return findings_for_unseen(
            {p.fact: p for p in problems},
            "could not read the audit logs: "
            + "; ".join(p.short().removeprefix("could not read ") for p in problems),
            {"window_days": window},
        )
    if problems:
        evidence["errors"] = [p.to_dict() for p in problems]
    lines = []
    for e in relevant:
        who = e["user"] or e["client"] or "unknown"
        label = watched.get(str(e["entity"]), f"{e['entityType']} {e['entity']}")
        lines.append(f"{e['eventDate']}: {label} {e['action']} by {who}")
    for e in actions:
        lines.append(
            f"{e['eventDate']}: {e['entityType']} {e['action']} on this conversation by {e['user'] or e['client']}"
        )
    gaps = [p.short() for p in problems]
    if changes is not None and changes.roles_unknown:
        gaps.append(f"roles not looked up: {changes.roles_unknown}")
    if changes is not None and changes.unread:
        gaps.append(f"{changes.unread} older change(s) not read")
    if recording_actions is not None and recording_actions.more:
        gaps.append(f"recording actions older than the newest {len(actions)} not read")
    partial = " (partial: " + "; ".join(gaps) + ")" if gaps else ""
    if not_asked:
        lines.append(NOT_ASKED)
    if relevant:
        return Finding(
            Status.WARN,
            f"{len(relevant)} change(s) to the identity's OAuth client or roles in the last {window:g} days{partial}",
            detail="\n".join(lines) + "\n" + NOT_AUDITED,
            evidence=evidence,
        )
    if changes is None:
        summary = "could not read changes to the identity's OAuth client or roles"
    else:
        summary = f"no change to the identity's OAuth client or roles in the last {window:g} days"
    if actions:
        summary += f"; {len(actions)} recording action(s) audited on this conversation"
    return Finding(
        Status.PASS if not gaps else Status.WARN,
        summary + partial + " (an empty audit result is not proof nothing changed)",
        detail="\n".join([*lines, NOT_AUDITED]),
        evidence=evidence,
    )
