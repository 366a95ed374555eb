"""The Genesys Cloud look-ups behind the facts: which request, read by which identity, shaped how.

Every fact a check can ask for is defined here once (:func:`fact_definitions`). Identity rule: facts about the
identity itself (token info, the user, ``divisionspermitted/.../me``, ``subjects/me``) are read with the
**subject**'s token, because that is what they describe; everything else is read by the **reader** — the inspector
when one was given (an admin identity more likely to be allowed to read configuration), else the subject.

Field names and enum values follow the official SDK's models (FACTS.md is the index of sources).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from gcdiag.authz import ALL_DIVISIONS, Grant, Policy, Role
from gcdiag.background import Background
from gcdiag.catalog import Catalog, CatalogChoice, Match, Operation
from gcdiag.facts import INSPECTOR, SUBJECT, FactDef, FactError, Facts, FactUnavailable
from gcdiag.inputs import Inputs
from gcdiag.settings import TOKEN_PATH
from gcdiag.targets import TargetCall, choose_target_call, given_call

if TYPE_CHECKING:  # the HTTP stack (requests) is imported only when a look-up really runs
    from gcdiag.api import ApiClient, ApiError

CLIENT_CREDENTIALS = (
    "CLIENT-CREDENTIALS"  # OrgOAuthClient.authorizedGrantType enum value [SDK-M:org_o_auth_client]
)
INSPECTOR_FLAGS = "--inspector-client-id/--inspector-client-secret or --inspector-token"


@dataclass
class RunContext:
    """What fetch functions need. One per diagnosis; no globals.

    The catalog may still be loading when the look-ups start (it overlaps the first round trip); the first
    fact that matches a call waits for it.
    """

    inputs: Inputs
    subject: ApiClient
    catalog_choice: Background[CatalogChoice]
    inspector: ApiClient | None = None
    api_url: str = ""
    region: str = ""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    poll_interval: float = 0.25
    poll_limit: int = 20
    cache: RequestCache | None = None  # GET answers shared across the items of a smoke run (fetched once)
    scenario: str = "recording-stop"
    subject_client_id: str | None = None  # known up front for client credentials

    @property
    def catalog(self) -> Catalog:
        return self.catalog_choice.result().catalog


class RequestCache:
    """Single-flight memo of GET answers (or their FactUnavailable) shared by concurrent diagnoses of one org.

    A smoke run diagnoses many conversations with one identity: token info, the OAuth client, its roles, the
    divisions and the permission catalogue are the same for every item, so each is fetched once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[threading.Event, list[Any]]] = {}

    def get(self, key: Any, fetch: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = (threading.Event(), [])
                self._entries[key] = entry
        event, slot = entry
        if owner:
            try:
                slot.append(("ok", fetch()))
            except FactUnavailable as exc:
                slot.append(("error", exc))
            except BaseException as exc:
                slot.append(("raise", exc))
            finally:
                event.set()
        else:
            event.wait()
        kind, value = slot[0]
        if kind == "ok":
            return value
        raise value


# --- HTTP with provenance -------------------------------------------------------------------------------------


def _client(facts: Facts, identity: str) -> tuple[ApiClient, str]:
    ctx: RunContext = facts.context
    if identity == "reader" and ctx.inspector is not None:
        return ctx.inspector, INSPECTOR
    return ctx.subject, SUBJECT


def http(
    facts: Facts,
    fact: str,
    identity: str,
    method: str,
    template: str,
    *,
    path_params: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    body: Any = None,
    idempotent: bool | None = None,
) -> Any:
    """Make one request for ``fact``; a failure becomes :class:`FactUnavailable` naming what would help."""

    client, who = _client(facts, identity)
    ctx: RunContext = facts.context
    if ctx.cache is not None and method == "GET":
        key = (
            who,
            template,
            tuple(sorted((path_params or {}).items())),
            tuple(sorted((params or {}).items())),
        )
        return ctx.cache.get(
            key,
            lambda: _send(facts, fact, client, who, method, template, path_params, params, body, idempotent),
        )
    return _send(facts, fact, client, who, method, template, path_params, params, body, idempotent)


def _send(
    facts: Facts,
    fact: str,
    client: ApiClient,
    who: str,
    method: str,
    template: str,
    path_params: dict[str, str] | None,
    params: dict[str, Any] | None,
    body: Any,
    idempotent: bool | None,
) -> Any:
    from gcdiag.api import ApiError

    try:
        response = client.request(
            method, template, path_params=path_params, params=params, json=body, idempotent=idempotent
        )
    except ApiError as exc:
        if exc.path == TOKEN_PATH:  # the request itself was never sent: the identity's token request failed
            facts.record(exc.method, exc.path, who, exc.status)
        else:
            facts.record(method, template, who, exc.status)
        raise FactUnavailable(api_fact_error(facts, fact, who, method, template, exc)) from None
    facts.record(method, template, who, response.status)
    if response.json is None and method in ("GET", "POST"):
        # Every read gcdiag makes answers with a JSON body; a 2xx without one (cut off by a proxy, an HTML page)
        # is data gcdiag did not get, never an empty fact.
        raise FactUnavailable(
            FactError(
                fact=fact,
                reason=f"{method} {template} answered {response.status} without a JSON body (cut off or not JSON)",
                request=f"{method} {template}",
                identity=who,
                status=response.status,
                correlation_id=response.correlation_id or "",
                remedy="run again; if it persists, a proxy or gateway between gcdiag and Genesys alters responses",
            )
        )
    return response.json


def api_fact_error(facts: Facts, fact: str, who: str, method: str, template: str, exc: ApiError) -> FactError:
    """Turn an API failure into a FactError whose remedy names the permission or identity that would help."""
    ctx: RunContext = facts.context
    status = exc.status
    if exc.path == TOKEN_PATH:
        return _token_fact_error(fact, who, exc)
    op = ctx.catalog.get(method, template)
    request = f"{method} {template}"
    if status == 403:
        need = _requirement_text(op)
        if who == SUBJECT and ctx.inspector is None:
            remedy = (
                f"To let gcdiag read {request}: grant {need} to the subject, or pass an inspector identity that "
                f"has it ({INSPECTOR_FLAGS})."
            )
        else:
            remedy = f"To let gcdiag read {request}: grant {need} to the {who} identity (it was refused)."
        ident, _ = facts.peek("identity")
        if who == SUBJECT and isinstance(ident, Identity) and ident.kind == "user":
            # A user token is also refused for a missing OAuth scope where the org enforces scopes (FACTS §1.2).
            remedy += " If the org enforces OAuth scopes, the token's scopes must also cover it."
    elif status == 401:
        remedy = f"the {who} token was not accepted (invalid or expired): check its credentials and region"
    elif status == 404:
        remedy = (
            f"Genesys answered 404 for this id in the org at {ctx.api_url or 'the configured API'}; check the id, "
            "and that the org lives in this region (likely, unconfirmed: an id from another org or region reads as "
            "not found)"
        )
    elif status == 429:
        why = f" ({exc.note})" if getattr(exc, "note", None) else ""
        remedy = f"rate limited{why}: retry later, or lower gcdiag's --rate-limit so it stays under the org's limit"
    elif status is None:
        remedy = f"no answer from the API ({exc.kind}): check network access to {ctx.api_url or 'the API'} and retry"
    else:
        remedy = f"the API answered {status}; retry, and quote the correlation id to Genesys support if it persists"
    return FactError(
        fact=fact,
        reason=str(exc),
        request=request,
        identity=who,
        status=status,
        code=exc.code or "",
        correlation_id=exc.correlation_id or "",
        remedy=remedy,
    )


def _token_fact_error(fact: str, who: str, exc: ApiError) -> FactError:
    """The look-up was never sent: the identity could not get a token (the request named is the token's)."""
    host = exc.host or "the login host"
    if exc.status in (400, 401):
        remedy = (
            f"{host} refused the {who} credentials: check the client id and secret, and that the OAuth client "
            "belongs to an org in this region (--region or --login-url)"
        )
    elif exc.status == 429:
        remedy = f"{host} rate-limited the token request: retry later"
    elif exc.status is None:
        remedy = (
            f"no answer from {host} ({exc.kind}): check network access to it, and the --login-url, and retry"
        )
    else:
        remedy = (
            f"{host} answered {exc.status} to the token request; retry later (this is not about permissions)"
        )
    return FactError(
        fact=fact,
        reason=f"the {who} identity could not get a token: {exc}",
        request=f"{exc.method} {exc.path}",
        identity=who,
        status=exc.status,
        code=exc.code or "",
        correlation_id=exc.correlation_id or "",
        remedy=remedy,
    )


def _requirement_text(op: Operation | None) -> str:
    if op is None or not op.permissions:
        return "a right gcdiag's catalog does not document"
    joined = ", ".join(op.permissions)
    if len(op.permissions) == 1:
        return f"the permission {joined}"
    return f"{'one of' if op.permission_type == 'ANY' else 'all of'} the permissions {joined}"


def _parallel(facts: Facts, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Run look-ups side by side inside one fact, keeping provenance attributed to the calling fact."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    owner = facts.current()

    def run(item: Any) -> Any:
        with facts.acting_as(owner):
            return fn(item)

    with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
        return list(pool.map(run, items))


# --- identity -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who the subject token belongs to, from ``GET /api/v2/tokens/me`` (+ ``/users/me`` for user tokens)."""

    kind: str  # client_credentials | user | unknown
    grant_type: str | None
    client_id: str | None
    client_name: str | None
    client_state: str | None
    org_id: str | None
    org_name: str | None
    home_org_id: str | None
    cloned_user: bool
    scopes: tuple[str, ...]
    date_token_idles: str | None
    user_id: str | None = None
    user_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "grant_type": self.grant_type,
            "client": {"id": self.client_id, "name": self.client_name, "state": self.client_state},
            "user": {"id": self.user_id, "name": self.user_name} if self.user_id else None,
            "org": {"id": self.org_id, "name": self.org_name},
            "home_org_id": self.home_org_id,
            "cloned_user": self.cloned_user,
            "scopes": list(self.scopes),
            "date_token_idles": self.date_token_idles,
        }


def _token_info(facts: Facts) -> Any:
    return http(facts, "token_info", "subject", "GET", "/api/v2/tokens/me")


def _user(facts: Facts) -> Any:
    info = facts.get("token_info")
    client = info.get("OAuthClient") or {}
    if client.get("authorizedGrantType") == CLIENT_CREDENTIALS:
        return None  # /users/me is "not valid when using the Client Credentials OAuth grant" (FACTS §5)
    return http(facts, "user", "subject", "GET", "/api/v2/users/me")


def _identity(facts: Facts) -> Identity:
    info = facts.get("token_info")
    client = info.get("OAuthClient") or {}
    grant = client.get("authorizedGrantType")
    if grant == CLIENT_CREDENTIALS:
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


def _oauth_client(facts: Facts) -> Any:
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
    )


# --- divisions, roles, grants ---------------------------------------------------------------------------------


def _divisions(facts: Facts) -> dict[str, dict[str, Any]]:
    """All divisions by id (``AuthzDivision``: id, name, homeDivision)."""
    out: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        body = http(
            facts,
            "divisions",
            "reader",
            "GET",
            "/api/v2/authorization/divisions",
            params={"pageSize": 100, "pageNumber": page},
        )
        for div in body.get("entities") or ():
            out[str(div.get("id"))] = div
        page_count = int(body.get("pageCount") or 1)
        if page >= page_count or page >= 20:
            return out
        page += 1


def _home_division(divisions: dict[str, dict[str, Any]]) -> str | None:
    for div_id, div in divisions.items():
        if div.get("homeDivision"):
            return div_id
    return None


@dataclass(frozen=True)
class GrantSet:
    """The subject's role × division grants and where they were read from."""

    grants: tuple[Grant, ...]
    source: (
        str  # "GET /api/v2/oauth/clients/{clientId} roleDivisions" | "GET /api/v2/authorization/subjects/me"
    )
    unresolved_divisions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "grants": [
                {
                    "role": {"id": g.role.id, "name": g.role.name},
                    "division": {"id": g.division_id, "label": g.division_label},
                }
                for g in self.grants
            ],
        }


def _grants(facts: Facts) -> GrantSet:
    ctx: RunContext = facts.context
    # Division names only label the grants: fetch them beside the grant chain, not in front of it.
    facts.prefetch(["divisions", "oauth_client"] if ctx.subject_client_id else ["divisions"])
    ident: Identity = facts.get("identity")
    if ident.kind == "client_credentials":
        client = facts.get("oauth_client")
        pairs = [
            (str(rd.get("roleId")), str(rd.get("divisionId") or ""))
            for rd in client.get("roleDivisions") or ()
        ]
        role_ids = sorted({r for r, _ in pairs})

        def read_role(role_id: str) -> Role:
            body = http(
                facts,
                "grants",
                "reader",
                "GET",
                "/api/v2/authorization/roles/{roleId}",
                path_params={"roleId": role_id},
            )
            return Role.from_api(body)

        roles = dict(zip(role_ids, _parallel(facts, read_role, role_ids)))
        divisions, _ = facts.outcome("divisions")
        names = {k: str(v.get("name", "")) for k, v in (divisions or {}).items()}
        home = _home_division(divisions or {})
        grants = []
        for role_id, div in pairs:
            # An empty division means the home division (FACTS §4, Terraform docs).
            div_id = div or (home or "")
            grants.append(Grant(roles[role_id], div_id, names.get(div_id, "")))
        return GrantSet(tuple(grants), "GET /api/v2/oauth/clients/{clientId} roleDivisions + roles")
    if ident.kind == "user":
        # Without includeFullRoles the grants carry no permission policies [SDK-A:authorization_api].
        body = http(
            facts,
            "grants",
            "subject",
            "GET",
            "/api/v2/authorization/subjects/me",
            params={"includeFullRoles": "true"},
        )
        divisions, _ = facts.outcome("divisions")
        names = {k: str(v.get("name", "")) for k, v in (divisions or {}).items()}
        grants = []
        for g in body.get("grants") or ():
            role = g.get("role") or {}
            policies = tuple(
                Policy(str(p.get("domain", "")), str(p.get("entityName", "")), tuple(p.get("actions") or ()))
                for p in role.get("policies") or ()
            )
            division = g.get("division") or {}
            div_id = str(division.get("id") or "")
            grants.append(
                Grant(
                    Role(str(role.get("id", "")), str(role.get("name", "")), (), policies),
                    div_id,
                    str(division.get("name") or names.get(div_id, "")),
                )
            )
        return GrantSet(tuple(grants), "GET /api/v2/authorization/subjects/me")
    raise FactUnavailable(
        FactError("grants", "the token's grant type is unknown, so gcdiag cannot tell whose grants apply")
    )


def _permission_info(facts: Facts) -> dict[str, bool | None]:
    """``divisionAware`` for the target call's permissions, from ``GET /api/v2/authorization/permissions``."""
    target: TargetCall = facts.get("target_call")
    wanted = set(target.operation.permissions if target.operation else ())
    wanted.update(target.extra_permissions)
    out: dict[str, bool | None] = {p: None for p in wanted}
    if not wanted:
        return out
    page = 1
    while True:
        body = http(
            facts,
            "permission_info",
            "reader",
            "GET",
            "/api/v2/authorization/permissions",
            params={"pageSize": 100, "pageNumber": page},
        )
        for collection in body.get("entities") or ():
            for perms in (collection.get("permissionMap") or {}).values():
                for p in perms or ():
                    key = f"{p.get('domain')}:{p.get('entityType')}:{p.get('action')}"
                    if key in out and p.get("divisionAware") is not None:
                        out[key] = bool(p.get("divisionAware"))
        page_count = int(body.get("pageCount") or 1)
        if all(v is not None for v in out.values()) or page >= page_count or page >= 20:
            return out
        page += 1


@dataclass(frozen=True)
class PermittedDivisions:
    """Genesys' own answer to 'in which divisions does the subject hold P' (divisionspermitted/paged/me)."""

    permission: str
    all_divisions: bool
    divisions: tuple[tuple[str, str], ...]  # (id, name)

    def covers(self, division_ids: Sequence[str]) -> bool:
        return self.all_divisions or bool({d for d, _ in self.divisions} & set(division_ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "permission": self.permission,
            "allDivsPermitted": self.all_divisions,
            "divisions": [{"id": d, "name": n} for d, n in self.divisions],
        }


def _permitted_divisions(facts: Facts) -> dict[str, PermittedDivisions]:
    target: TargetCall = facts.get("target_call")
    permissions = list(target.operation.permissions if target.operation else ())

    def one(permission: str) -> PermittedDivisions:
        body = http(
            facts,
            "permitted_divisions",
            "subject",
            "GET",
            "/api/v2/authorization/divisionspermitted/paged/me",
            params={"permission": permission, "pageSize": 100, "pageNumber": 1},
        )
        divisions = tuple((str(d.get("id")), str(d.get("name", ""))) for d in body.get("entities") or ())
        return PermittedDivisions(permission, bool(body.get("allDivsPermitted")), divisions)

    return dict(zip(permissions, _parallel(facts, one, permissions)))


# --- conversation and recordings ------------------------------------------------------------------------------


def _conversation_id(facts: Facts) -> str:
    ctx: RunContext = facts.context
    if not ctx.inputs.conversation_id:
        raise FactUnavailable(
            FactError("conversation", "no conversation id was given", remedy="pass --conversation ID")
        )
    return ctx.inputs.conversation_id


def _conversation(facts: Facts) -> Any:
    return http(
        facts,
        "conversation",
        "reader",
        "GET",
        "/api/v2/conversations/{conversationId}",
        path_params={"conversationId": _conversation_id(facts)},
    )


def _recordings(facts: Facts) -> Any:
    # formatId=NONE so the read does not trigger transcoding (FACTS §3.3). maxWaitMs "Must be a positive value"
    # [SDK-A:recording_api]; 1 ms keeps gcdiag from waiting for a live recording to become ready.
    return http(
        facts,
        "recordings",
        "reader",
        "GET",
        "/api/v2/conversations/{conversationId}/recordings",
        path_params={"conversationId": _conversation_id(facts)},
        params={"formatId": "NONE", "maxWaitMs": 1},
    )


def _target_call(facts: Facts) -> TargetCall:
    ctx: RunContext = facts.context
    if ctx.scenario != "recording-stop":
        if ctx.inputs.call is None:
            raise FactUnavailable(FactError("target_call", "no call given", remedy="give METHOD PATH"))
        return given_call(ctx.catalog, ctx.inputs.call)
    recordings, recordings_error = facts.outcome("recordings") if ctx.inputs.conversation_id else (None, None)
    conversation, _ = facts.outcome("conversation") if ctx.inputs.conversation_id else (None, None)
    ident, _ = facts.outcome("identity")
    return choose_target_call(
        catalog=ctx.catalog,
        given=ctx.inputs.call,
        conversation_id=ctx.inputs.conversation_id,
        recording_id=ctx.inputs.recording_id,
        recordings=recordings if isinstance(recordings, list) else None,
        recordings_problem=recordings_error.short() if recordings_error else None,
        identity_kind=ident.kind if isinstance(ident, Identity) else "unknown",
        conversation=conversation if isinstance(conversation, dict) else None,
    )


@dataclass(frozen=True)
class TargetDivisions:
    """The divisions the target lives in, by id, with a label naming them."""

    ids: tuple[str, ...]
    label: str
    source: str  # "conversation" | "--division"

    def to_dict(self) -> dict[str, Any]:
        return {"ids": list(self.ids), "label": self.label, "source": self.source}


def _target_divisions(facts: Facts) -> TargetDivisions | None:
    """recording-stop: the conversation's divisions; can-i: ``--division`` (an id or a name); else None."""
    ctx: RunContext = facts.context
    if ctx.scenario == "recording-stop":
        conversation = facts.get("conversation")
        ids, names = [], []
        for membership in conversation.get("divisions") or ():
            division = membership.get("division") or {}
            if division.get("id"):
                ids.append(str(division["id"]))
                names.append(f"{division.get('name') or '?'} ({division['id']})")
        return TargetDivisions(tuple(ids), ", ".join(names) or "no division listed", "conversation")
    wanted = ctx.inputs.division
    if not wanted:
        return None
    divisions = facts.get("divisions")
    if wanted == ALL_DIVISIONS:
        return TargetDivisions((ALL_DIVISIONS,), "all divisions (*)", "--division")
    for div_id, div in divisions.items():
        if wanted in (div_id, div.get("name")):
            return TargetDivisions((div_id,), f"{div.get('name')} ({div_id})", "--division")
    known = ", ".join(sorted(str(d.get("name")) for d in divisions.values()))
    raise FactUnavailable(
        FactError("target_divisions", f"no division {wanted!r} in this org", remedy=f"divisions: {known}")
    )


# --- audit ----------------------------------------------------------------------------------------------------


def _interval(ctx: RunContext) -> str:
    end = ctx.now()
    start = end - timedelta(days=ctx.inputs.audit_window_days)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return f"{start.strftime(fmt)}/{end.strftime(fmt)}"


# AuditLogMessage entityType values [SDK-M:audit_topic_audit_log_message]; EntityType and EntityId are
# AuditQueryFilter properties (FACTS §7).
OAUTH_CLIENT_ENTITY = "OAuthClient"
ROLE_ENTITY = "Role"
AUDIT_MAX_PAGES = 4  # per audited entity, newest first; what lies beyond is counted as unread


@dataclass(frozen=True)
class AuditChanges:
    """Changes the realtime audit query found to the identity's own OAuth client and roles."""

    entries: tuple[dict[str, Any], ...]
    watched: dict[str, str]  # entity id → what it is ("OAuth client 'X'", "role 'Y'"): each was looked up
    unread: int = 0  # entries beyond the pages read (the newest come first)
    roles_unknown: str = ""  # why the roles could not be looked up, when they could not


def _identity_client_id(facts: Facts) -> str | None:
    ident, _error = facts.outcome("identity")
    return ident.client_id if isinstance(ident, Identity) else None


def _audit_changes(facts: Facts) -> AuditChanges:
    """Recent changes to the identity's own OAuth client and roles (realtime audit query: 14 days at most, §7).

    One query per entity, filtered by EntityType and EntityId, so an org's other changes cannot crowd this
    identity's out of the page; further pages of one entity are read side by side. The OAuth client's query
    starts at once when its id is known up front; the roles' start when the grants are known. Only
    ``interval`` is marked required in AuditQueryRequest (FACTS §7), so gcdiag leaves ``serviceName`` out;
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
            )
            return answer

        first = page(1)
        found = list(first.get("entities") or ())
        count = first.get("pageCount")
        pages = count if isinstance(count, int) and not isinstance(count, bool) else 1
        for later in _parallel(facts, page, list(range(2, min(pages, AUDIT_MAX_PAGES) + 1))):
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
        grant_set, error = facts.outcome("grants")
        if not isinstance(grant_set, GrantSet):
            return {}, [], 0, error.short() if error is not None else "the roles are unknown"
        roles = {g.role.id: f"role {g.role.name!r}" for g in grant_set.grants}
        watched: dict[str, str] = {}
        found: list[dict[str, Any]] = []
        unread = 0
        for role_id, (entries, missed) in zip(
            roles, _parallel(facts, lambda rid: query(ROLE_ENTITY, rid), list(roles))
        ):
            watched[role_id] = roles[role_id]
            found.extend(entries)
            unread += missed
        return watched, found, unread, ""

    watched: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    unread = 0
    roles_unknown = ""
    for part_watched, part_entries, part_unread, why in _parallel(
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


@dataclass(frozen=True)
class InteractionAudits:
    """Recording actions audited on the conversation (the quality audit query's results, newest first)."""

    entries: tuple[dict[str, Any], ...]
    more: bool = False  # a cursor remained after the pages read: older entries exist that were not read


def _interaction_audits(facts: Facts) -> InteractionAudits:
    """Recording actions on this conversation: the quality (interaction) audit query, polled to completion."""
    ctx: RunContext = facts.context
    conversation_id = _conversation_id(facts)
    status = http(
        facts,
        "interaction_audits",
        "reader",
        "POST",
        "/api/v2/quality/conversations/audits/query",
        body={
            "interval": _interval(ctx),
            "filters": [{"property": "ConversationId", "value": conversation_id}],
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        },
        idempotent=True,
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
        )
        entries.extend(results.get("entities") or ())
        following = results.get("cursor")
        cursor = following if isinstance(following, str) and following else None
        if cursor is None:
            break
    return InteractionAudits(tuple(entries), more=cursor is not None)


# --- the catalogue of facts -----------------------------------------------------------------------------------


def _inputs(facts: Facts) -> Inputs:
    ctx: RunContext = facts.context
    return ctx.inputs


def _environment(facts: Facts) -> dict[str, Any]:
    ctx: RunContext = facts.context
    return {"api_url": ctx.api_url, "region": ctx.region, "inspector": ctx.inspector is not None}


def fact_definitions() -> list[FactDef]:
    """Every fact a check can need. Checks name these in ``needs``/``wants``; the loader validates the names."""
    defs = [
        FactDef("inputs", "what the user asked about", _inputs),
        FactDef(
            "environment",
            "the API URL and region gcdiag talks to, and whether an inspector was given",
            _environment,
        ),
        FactDef(
            "token_info",
            "GET /api/v2/tokens/me: org, OAuth client, grant type, scopes",
            _token_info,
            "subject",
        ),
        FactDef("user", "GET /api/v2/users/me (user tokens only)", _user, "subject"),
        FactDef("identity", "who the subject is (derived from token_info and user)", _identity, "subject"),
        FactDef(
            "oauth_client",
            "GET /api/v2/oauth/clients/{clientId}: roleDivisions, state",
            _oauth_client,
            "reader",
        ),
        FactDef(
            "divisions",
            "GET /api/v2/authorization/divisions: names and the home division",
            _divisions,
            "reader",
        ),
        FactDef(
            "grants", "the subject's role × division grants, with each role's permissions", _grants, "reader"
        ),
        FactDef("target_call", "the call being diagnosed, matched in the operation catalog", _target_call),
        FactDef("permission_info", "divisionAware of the call's permissions", _permission_info, "reader"),
        FactDef(
            "permitted_divisions",
            "GET /api/v2/authorization/divisionspermitted/paged/me per required permission",
            _permitted_divisions,
            "subject",
        ),
        FactDef("conversation", "GET /api/v2/conversations/{conversationId}", _conversation, "reader"),
        FactDef("target_divisions", "the divisions the target lives in", _target_divisions, "reader"),
        FactDef("recordings", "GET /api/v2/conversations/{conversationId}/recordings", _recordings, "reader"),
        FactDef(
            "audit_changes",
            "realtime audit query: changes to the identity's OAuth client and roles",
            _audit_changes,
            "reader",
        ),
        FactDef(
            "interaction_audits",
            "quality interaction audit query for this conversation",
            _interaction_audits,
            "reader",
        ),
    ]
    return defs


FACT_NAMES = tuple(d.name for d in fact_definitions())


def match_call(catalog: Catalog, method: str, path: str) -> Match | None:
    return catalog.match(method, path)


__all__ = [
    "ALL_DIVISIONS",
    "FACT_NAMES",
    "AuditChanges",
    "GrantSet",
    "Identity",
    "Inputs",
    "InteractionAudits",
    "PermittedDivisions",
    "RequestCache",
    "RunContext",
    "fact_definitions",
]
