"""Who the subject is: ``GET /api/v2/tokens/me``, ``/users/me`` (user tokens) and its OAuth client."""

from __future__ import annotations

from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import SUBJECT, FactError, Facts, FactUnavailable
from gcdiag.facts.http import http
from gcdiag.facts.types import Identity, ScopeEnforcement, ScopeObservation
from gcdiag.genesys.authz import Grant, scopes_cover
from gcdiag.genesys.constants import ALL_DIVISIONS, GRANT_CLIENT_CREDENTIALS, TOKEN_PATH


def fetch_token_info(facts: Facts) -> Any:
    return http(facts, "token_info", "subject", "GET", "/api/v2/tokens/me", shape=shapes.TOKEN_INFO)


def fetch_user(facts: Facts) -> Any:
    info = facts.get("token_info")
    client = info.get("OAuthClient") or {}
    if client.get("authorizedGrantType") == GRANT_CLIENT_CREDENTIALS:
        return (
            None  # /users/me is "not valid when using the Client Credentials OAuth grant" (genesys-facts §5)
        )
    return http(facts, "user", "subject", "GET", "/api/v2/users/me", shape=shapes.USER_ME)


def token_refused(error: FactError) -> bool:
    """The subject's token request itself was refused (wrong secret; an unknown, disabled or inactive client):
    the credentials were answered, not the network. Which status and error the token endpoint gives each case is
    UNCONFIRMED (genesys-facts §1.4: OAuth-style errors, inferred from third-party code), so any refusal counts and
    nothing depends on the body: the inspector's read of the client says which case it is."""
    return error.request.endswith(" " + TOKEN_PATH) and error.status in REFUSED_TOKEN_STATUSES


REFUSED_TOKEN_STATUSES = (400, 401, 403)


def fetch_refused_client(facts: Facts) -> Any:
    """When the subject could not get a token: the inspector's read of the subject's OAuth client
    (``OAuthClient``: state, authorizedGrantType, roleDivisions), which says why and still shows its grants.
    None (no request) when the subject has a token, or there is no inspector or no client id to read."""
    ctx: RunContext = facts.context
    _info, error = facts.outcome("token_info")
    if error is None or not token_refused(error) or ctx.inspector is None or not ctx.subject_client_id:
        return None
    return facts.get("oauth_client")


def _identity_from_client(facts: Facts, error: FactError) -> Identity:
    """The subject's identity as the inspector reads it, when the subject got no token. Only a client-credentials
    client has rights of its own without a user (its role divisions, genesys-facts §1.1); anything else stays
    unknown (the token's error)."""
    client, problem = facts.outcome("refused_client")
    if problem is not None or not isinstance(client, dict):
        raise FactUnavailable(error)
    if client.get("authorizedGrantType") != GRANT_CLIENT_CREDENTIALS:
        raise FactUnavailable(error)
    return Identity(
        kind="client_credentials",
        grant_type=client.get("authorizedGrantType"),
        client_id=client.get("id"),
        client_name=client.get("name"),
        client_state=client.get("state"),
        org_id=None,
        org_name=None,
        home_org_id=None,
        cloned_user=False,
        scopes=(),
        date_token_idles=None,
        source="inspector",
    )


def fetch_identity(facts: Facts) -> Identity:
    info, error = facts.outcome("token_info")
    if error is not None:
        if token_refused(error):
            return _identity_from_client(facts, error)
        raise FactUnavailable(error)
    client = info.get("OAuthClient") or {}
    grant = client.get("authorizedGrantType")
    if grant == GRANT_CLIENT_CREDENTIALS:
        kind = "client_credentials"
    elif grant:
        kind = "user"
    else:
        kind = "unknown"
    user_id = user_name = None
    if kind == "user":
        value, _error = facts.outcome("user")
        if isinstance(value, dict):
            user_id, user_name = value.get("id"), value.get("name")
    org = info.get("organization") or {}
    home = info.get("homeOrganization") or {}
    return Identity(
        kind=kind,
        grant_type=grant,
        client_id=client.get("id"),
        client_name=client.get("name"),
        client_state=client.get("state"),
        org_id=org.get("id"),
        org_name=org.get("name"),
        home_org_id=home.get("id"),
        cloned_user=bool(info.get("clonedUser")),
        cloned_user_org=((info.get("clonedUser") or {}).get("organization") or {}).get("id"),
        scopes=tuple(info.get("authorizedScope") or ()),
        date_token_idles=info.get("dateTokenIdles"),
        user_id=user_id,
        user_name=user_name,
    )


def fetch_oauth_client(facts: Facts) -> Any:
    ctx: RunContext = facts.context
    # With client credentials the subject's client id is known before any request: reading its OAuth client
    # then runs beside token → tokens/me instead of after it (one round trip less on the critical path).
    # The identity check below still confirms tokens/me names the same client.
    client_id = ctx.subject_client_id
    if not client_id:
        ident: Identity = facts.get("identity")
        client_id = ident.client_id
    if not client_id:
        raise FactUnavailable(FactError("oauth_client", "tokens/me named no OAuth client"))
    return http(
        facts,
        "oauth_client",
        "reader",
        "GET",
        "/api/v2/oauth/clients/{clientId}",
        path_params={"clientId": client_id},
        shape=shapes.OAUTH_CLIENT,
        expect_id=("id", client_id, "OAuth client"),
    )


# The subject's reads that may show whether the org enforces scopes. tokens/me is left out: whether it needs a
# scope at all is unknown (genesys-facts §2: "none, or user-basic-info").
SCOPE_EVIDENCE_FACTS = (
    "user",
    "grants",
    "permitted_divisions",
    "conversation",
    "recordings",
    "divisions",
    "permission_info",
)


def _held_everywhere(grants: Any, permissions: tuple[str, ...], ptype: str | None) -> str | None:
    """The permission(s) of a read the user holds in all divisions (*), as text; None when it does not."""
    items = getattr(grants, "grants", None)
    if not items:
        return None
    everywhere = [
        p
        for p in permissions
        if any(
            isinstance(g, Grant) and g.division_id == ALL_DIVISIONS and g.role.grant_reason(p) for g in items
        )
    ]
    if ptype == "ALL" and len(everywhere) == len(permissions):
        return ", ".join(everywhere)
    if ptype != "ALL" and everywhere:
        return everywhere[0]
    return None


def fetch_scope_enforcement(facts: Facts) -> ScopeEnforcement | None:
    """Whether the org enforces OAuth scopes, as the subject's own reads show it (user tokens only; None else).

    Scopes and permissions are both required where scopes are enforced; without enforcement an app has its user's
    access (genesys-facts §1.2). So a read the token lacks the scope of tells: refused (403) although nothing but a
    scope could refuse it (it needs no permission, or the user holds its permission in all divisions) → enforced;
    answered → not enforced. Each read's scopes come from the operation catalog; where they are inferred, so is
    the conclusion (the observation says so). No request of its own.
    """
    ctx: RunContext = facts.context
    ident: Identity = facts.get("identity")
    if ident.kind != "user" or ident.via_inspector:
        return None
    grants, _ = facts.outcome("grants")
    seen: dict[tuple[str, int | None], ScopeObservation] = {}
    for name in SCOPE_EVIDENCE_FACTS:
        _value, error = facts.outcome(name)
        for prov in facts.provenance(name):
            if prov.identity != SUBJECT or prov.status is None:
                continue
            op = ctx.catalog.get(prov.method, prov.path)
            if op is None or not op.scopes or scopes_cover(op.scopes, ident.scopes):
                continue
            why = ""
            if 200 <= prov.status < 300:
                why = "was answered"
            elif prov.status == 403:
                if not op.permissions:
                    why = "needs no permission"
                else:
                    held = _held_everywhere(grants, tuple(op.permissions), op.permission_type)
                    why = f"needs {held}, which the user holds in all divisions" if held else ""
            if not why:
                continue
            code = error.code if error is not None and error.status == prov.status else ""
            request = f"{prov.method} {prov.path}"
            seen.setdefault(
                (request, prov.status),
                ScopeObservation(
                    request=request,
                    status=prov.status,
                    code=code,
                    scopes=tuple(op.scopes),
                    scope_basis=f"scope {op.scope_evidence}"
                    + (f": {op.scope_basis}" if op.scope_basis else ""),
                    why=why,
                    fact=name,
                ),
            )
    observations = list(seen.values())
    return ScopeEnforcement(
        refused=tuple(o for o in observations if o.refused),
        allowed=tuple(o for o in observations if not o.refused),
    )
