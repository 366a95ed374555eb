"""Recent changes and recording actions: the realtime audit query and the interaction (quality) audits."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.conversation import conversation_id
from gcdiag.facts.engine import FactError, Facts, FactUnavailable
from gcdiag.facts.grants import client_role_pairs
from gcdiag.facts.http import http, parallel
from gcdiag.facts.types import AuditChanges, GrantSet, Identity, InteractionAudits


def _interval(ctx: RunContext) -> str:
    end = ctx.now()
    start = end - timedelta(days=ctx.inputs.audit_window_days)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return f"{start.strftime(fmt)}/{end.strftime(fmt)}"


# AuditLogMessage entityType values [SDK-M:audit_topic_audit_log_message]; EntityType and EntityId are
# AuditQueryFilter properties (genesys-facts §7).
OAUTH_CLIENT_ENTITY = "OAuthClient"


ROLE_ENTITY = "Role"


AUDIT_MAX_PAGES = 4  # per audited entity, newest first; what lies beyond is counted as unread


def _identity_client_id(facts: Facts) -> str | None:
    ident, _error = facts.outcome("identity")
    return ident.client_id if isinstance(ident, Identity) else None


def _role_ids(facts: Facts) -> tuple[list[str] | None, str]:
    """The subject's role ids as soon as they are known (None and why when they cannot be).

    With client credentials they are the OAuth client's ``roleDivisions``: known one round trip after the token,
    so the role queries run beside the role reads instead of after them.
    """
    ctx: RunContext = facts.context
    if ctx.subject_client_id:
        client, _error = facts.outcome("oauth_client")
        if isinstance(client, dict):
            return sorted({role for role, _ in client_role_pairs(client)}), ""
    grant_set, error = facts.outcome("grants")
    if not isinstance(grant_set, GrantSet):
        return None, error.short() if error is not None else "the roles are unknown"
    return list(dict.fromkeys(g.role.id for g in grant_set.grants)), ""


def fetch_audit_changes(facts: Facts) -> AuditChanges:
    """Recent changes to the identity's own OAuth client and roles (realtime audit query: 14 days at most, §7).

    One query per entity, filtered by EntityType and EntityId, so an org's other changes cannot crowd this
    identity's out of the page; further pages of one entity are read side by side. The OAuth client's query
    starts at once when its id is known up front; the roles' start as soon as their ids are (the OAuth client's
    roleDivisions with client credentials, else the grants). Only
    ``interval`` is marked required in AuditQueryRequest (genesys-facts §7), so gcdiag leaves ``serviceName`` out;
    whether the real service accepts that is UNCONFIRMED. That several filters narrow the result (AND) is also
    UNCONFIRMED; the check keeps only the watched entities' entries, so a wider answer cannot mislead it.
    """
    ctx: RunContext = facts.context

    def query(entity_type: str, entity_id: str) -> tuple[list[dict[str, Any]], int]:
        body: dict[str, Any] = {
            "interval": _interval(ctx),
            "filters": [
                {"property": "EntityType", "value": entity_type},
                {"property": "EntityId", "value": entity_id},
            ],
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        }

        def page(number: int) -> dict[str, Any]:
            answer: dict[str, Any] = http(
                facts,
                "audit_changes",
                "reader",
                "POST",
                "/api/v2/audits/query/realtime",
                body={**body, "pageNumber": number},
                idempotent=True,  # a POST that only submits a query
                shape=shapes.AUDIT_PAGE,
            )
            return answer

        first = page(1)
        found = list(first.get("entities") or ())
        count = first.get("pageCount")
        pages = count if isinstance(count, int) and not isinstance(count, bool) else 1
        for later in parallel(facts, page, list(range(2, min(pages, AUDIT_MAX_PAGES) + 1))):
            found.extend(later.get("entities") or ())
        total = first.get("total")
        unread = max(0, total - len(found)) if isinstance(total, int) and not isinstance(total, bool) else 0
        return found, unread

    def client_changes() -> tuple[dict[str, str], list[dict[str, Any]], int, str]:
        # Known up front for client credentials, so this query need not wait for tokens/me.
        client_id = ctx.subject_client_id or _identity_client_id(facts)
        if client_id is None:
            return {}, [], 0, ""
        found, unread = query(OAUTH_CLIENT_ENTITY, client_id)
        ident, _error = facts.outcome("identity")
        name = ident.client_name if isinstance(ident, Identity) and ident.client_name else client_id
        return {client_id: f"OAuth client {name!r}"}, found, unread, ""

    def role_changes() -> tuple[dict[str, str], list[dict[str, Any]], int, str]:
        role_ids, why = _role_ids(facts)
        if role_ids is None:
            return {}, [], 0, why
        results = parallel(facts, lambda rid: query(ROLE_ENTITY, rid), role_ids)
        # The roles themselves are read beside these queries; their names only label the entries.
        grant_set, _error = facts.outcome("grants")
        names = {g.role.id: g.role.name for g in grant_set.grants} if isinstance(grant_set, GrantSet) else {}
        watched: dict[str, str] = {}
        found: list[dict[str, Any]] = []
        unread = 0
        for role_id, (entries, missed) in zip(role_ids, results):
            watched[role_id] = f"role {names[role_id]!r}" if names.get(role_id) else f"role {role_id}"
            found.extend(entries)
            unread += missed
        return watched, found, unread, ""

    watched: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    unread = 0
    roles_unknown = ""
    for part_watched, part_entries, part_unread, why in parallel(
        facts, lambda job: job(), [client_changes, role_changes]
    ):
        watched.update(part_watched)
        entries.extend(part_entries)
        unread += part_unread
        roles_unknown = roles_unknown or why
    if not watched:
        raise FactUnavailable(
            FactError(
                "audit_changes",
                "neither the identity's OAuth client nor its roles are known, so none of their changes could be "
                f"looked up ({roles_unknown or 'no client id'})",
                remedy="see the errors of auth.token and auth.permissions for what would let gcdiag read them",
            )
        )
    entries.sort(key=lambda e: str(e.get("eventDate") or ""), reverse=True)
    return AuditChanges(tuple(entries), watched, unread, roles_unknown)


INTERACTION_AUDIT_MAX_PAGES = 3  # result pages followed by cursor; newest first


def fetch_interaction_audits(facts: Facts) -> InteractionAudits | None:
    """Recording actions on this conversation: the quality (interaction) audit query, polled to completion.

    None (no request) unless the user asked for it (``--interaction-audit``): query → status → results is the
    only chain four round trips deep, so it is left out of the default diagnosis, and out of smoke always.
    """
    ctx: RunContext = facts.context
    if not ctx.inputs.interaction_audit:
        return None
    conversation = conversation_id(facts)
    status = http(
        facts,
        "interaction_audits",
        "reader",
        "POST",
        "/api/v2/quality/conversations/audits/query",
        body={
            "interval": _interval(ctx),
            "filters": [{"property": "ConversationId", "value": conversation}],
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        },
        idempotent=True,
        shape=shapes.AUDIT_QUERY_STATUS,
    )
    tx = str(status.get("id"))
    state = status.get("state")
    polls = 0
    while state not in ("Succeeded", "Failed", "Cancelled"):
        if polls >= ctx.poll_limit:
            raise FactUnavailable(
                FactError(
                    "interaction_audits",
                    f"the interaction audit query was still {state} after {polls} polls",
                    request="GET /api/v2/quality/conversations/audits/query/{transactionId}",
                    remedy="run again later; the audit service is slow to answer",
                )
            )
        if polls:
            time.sleep(ctx.poll_interval)
        polls += 1
        status = http(
            facts,
            "interaction_audits",
            "reader",
            "GET",
            "/api/v2/quality/conversations/audits/query/{transactionId}",
            path_params={"transactionId": tx},
            shape=shapes.AUDIT_QUERY_STATUS,
        )
        state = status.get("state")
    if state != "Succeeded":
        raise FactUnavailable(
            FactError(
                "interaction_audits", f"the interaction audit query ended {state}", remedy="run again later"
            )
        )
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    for _page in range(INTERACTION_AUDIT_MAX_PAGES):
        # Each further page waits for the previous one's cursor, so only a busy conversation pays for them.
        results = http(
            facts,
            "interaction_audits",
            "reader",
            "GET",
            "/api/v2/quality/conversations/audits/query/{transactionId}/results",
            path_params={"transactionId": tx},
            params={"cursor": cursor} if cursor else None,
            shape=shapes.AUDIT_QUERY_RESULTS,
        )
        entries.extend(results.get("entities") or ())
        following = results.get("cursor")
        cursor = following if isinstance(following, str) and following else None
        if cursor is None:
            break
    return InteractionAudits(tuple(entries), more=cursor is not None)
