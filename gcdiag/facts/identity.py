"""Who the subject is: ``GET /api/v2/tokens/me``, ``/users/me`` (user tokens) and its OAuth client."""

from __future__ import annotations

from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import FactError, Facts, FactUnavailable
from gcdiag.facts.http import http
from gcdiag.facts.types import Identity
from gcdiag.genesys.constants import GRANT_CLIENT_CREDENTIALS


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


def fetch_identity(facts: Facts) -> Identity:
    info = facts.get("token_info")
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
