"""The catalogue of facts: every fact a check can ask for, defined once (:func:`fact_definitions`).

Each fact names which identity reads it. Facts about the identity itself (token info, the user,
``divisionspermitted/.../me``, ``subjects/me``) are read with the **subject**'s token, because that is what they
describe; everything else is read by the **reader** — the inspector when one was given (an admin identity more
likely to be allowed to read configuration), else the subject. The fetch functions live per area
(:mod:`~gcdiag.facts.identity`, :mod:`~gcdiag.facts.grants`, :mod:`~gcdiag.facts.conversation`,
:mod:`~gcdiag.facts.audit`).
"""

from __future__ import annotations

from typing import Any

from gcdiag.facts.audit import fetch_audit_changes, fetch_interaction_audits
from gcdiag.facts.context import RunContext
from gcdiag.facts.conversation import (
    fetch_conversation,
    fetch_id_kind,
    fetch_path_recordings,
    fetch_recordings,
    fetch_refused_read,
    fetch_target_call,
    fetch_target_divisions,
    fetch_target_ids,
)
from gcdiag.facts.engine import FactDef, Facts
from gcdiag.facts.exposure import fetch_exposure, fetch_org_clients, fetch_org_roles
from gcdiag.facts.grants import (
    fetch_divisions,
    fetch_grants,
    fetch_permission_info,
    fetch_permitted_divisions,
)
from gcdiag.facts.identity import (
    fetch_identity,
    fetch_oauth_client,
    fetch_refused_client,
    fetch_scope_enforcement,
    fetch_token_info,
    fetch_user,
)
from gcdiag.inputs.model import Inputs

# --- the catalogue of facts -----------------------------------------------------------------------------------


def fetch_inputs(facts: Facts) -> Inputs:
    ctx: RunContext = facts.context
    return ctx.inputs


def fetch_environment(facts: Facts) -> dict[str, Any]:
    ctx: RunContext = facts.context
    return {
        "api_url": ctx.api_url,
        "region": ctx.region,
        "inspector": ctx.inspector is not None,
        "scenario": ctx.scenario,
    }


def fact_definitions() -> list[FactDef]:
    """Every fact a check can need. Checks name these in ``needs``/``wants``; the loader validates the names."""
    defs = [
        FactDef("inputs", "what the user asked about", fetch_inputs),
        FactDef(
            "environment",
            "the API URL and region gcdiag talks to, and whether an inspector was given",
            fetch_environment,
        ),
        FactDef(
            "token_info",
            "GET /api/v2/tokens/me: org, OAuth client, grant type, scopes",
            fetch_token_info,
            "subject",
        ),
        FactDef("user", "GET /api/v2/users/me (user tokens only)", fetch_user, "subject"),
        FactDef(
            "identity", "who the subject is (derived from token_info and user)", fetch_identity, "subject"
        ),
        FactDef(
            "oauth_client",
            "GET /api/v2/oauth/clients/{clientId}: roleDivisions, state",
            fetch_oauth_client,
            "reader",
        ),
        FactDef(
            "refused_client",
            "when the subject got no token: the inspector's read of its OAuth client (state, grant type, roles)",
            fetch_refused_client,
            "reader",
        ),
        FactDef(
            "scope_enforcement",
            "whether the org enforces OAuth scopes, as the subject's own reads show it (user tokens)",
            fetch_scope_enforcement,
        ),
        FactDef(
            "divisions",
            "GET /api/v2/authorization/divisions: names and the home division",
            fetch_divisions,
            "reader",
        ),
        FactDef(
            "grants",
            "the subject's role × division grants, with each role's permissions",
            fetch_grants,
            "reader",
        ),
        FactDef(
            "target_call", "the call being diagnosed, matched in the operation catalog", fetch_target_call
        ),
        FactDef(
            "permission_info", "divisionAware of the call's permissions", fetch_permission_info, "reader"
        ),
        FactDef(
            "permitted_divisions",
            "GET /api/v2/authorization/divisionspermitted/paged/me per required permission",
            fetch_permitted_divisions,
            "subject",
        ),
        FactDef("conversation", "GET /api/v2/conversations/{conversationId}", fetch_conversation, "reader"),
        FactDef(
            "target_ids",
            "the conversation, recording and participant ids diagnosed (given, or written in the call's path)",
            fetch_target_ids,
        ),
        FactDef(
            "path_recordings",
            "the conversation's recordings, when an id in the call's path needs them (else none read)",
            fetch_path_recordings,
            "reader",
        ),
        FactDef(
            "id_kind",
            "what a conversation id that was not found is instead (GET /api/v2/users/{userId})",
            fetch_id_kind,
            "reader",
        ),
        FactDef(
            "refused_read",
            "when the subject's read of the conversation was refused: where it holds that read's permission",
            fetch_refused_read,
            "subject",
        ),
        FactDef("target_divisions", "the divisions the target lives in", fetch_target_divisions, "reader"),
        FactDef(
            "recordings", "GET /api/v2/conversations/{conversationId}/recordings", fetch_recordings, "reader"
        ),
        FactDef(
            "audit_changes",
            "realtime audit query: changes to the identity's OAuth client and roles",
            fetch_audit_changes,
            "reader",
        ),
        FactDef(
            "interaction_audits",
            "quality interaction audit query for this conversation",
            fetch_interaction_audits,
            "reader",
        ),
        FactDef(
            "org_roles",
            "GET /api/v2/authorization/roles (every page): every role with its permission policies",
            fetch_org_roles,
            "reader",
        ),
        FactDef(
            "org_clients",
            "GET /api/v2/oauth/clients: every OAuth client with its state and role divisions",
            fetch_org_clients,
            "reader",
        ),
        FactDef(
            "exposure",
            "who holds the asked permissions: matching roles, their subject grants, clients, group members",
            fetch_exposure,
            "reader",
        ),
    ]
    return defs


FACT_NAMES = tuple(d.name for d in fact_definitions())
