"""The emulated API: token endpoint, bearer validation, authorization, and the operation handlers.

HTTP-agnostic on purpose (a :class:`Request` in, a :class:`Response` out) so the rules can be read in one
place and the server module only moves bytes. The order of the gates for an ``/api/v2`` call:

1. bearer token: missing → 401 ``authentication.required``; unknown → 401 ``bad.credentials``; expired → 401
   ``credentials.expired`` (genesys-facts §6);
2. the operation: ``gcdiag.catalog.load_bundled().match()``; an unknown path → 404 ``not.found``;
3. scopes, only for user-context tokens in an org with ``enforce_scopes`` (genesys-facts §1.1, §1.2);
4. permissions with :func:`gcdiag.authz.evaluate` — the same evaluator the checks use — against the caller's
   role-division grants: first in any division, then, for operations on a conversation, in the
   conversation's divisions; denial → 403 ``missing.any.permissions`` / ``missing.permissions`` (genesys-facts §6);
5. the handler, which may still refuse on state (an ended call, genesys-facts §3.5).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from gcdiag.genesys.authz import Evaluation, Policy, Role, evaluate, scopes_cover
from gcdiag.genesys.catalog import Catalog, Operation
from gcdiag.genesys.constants import ALL_DIVISIONS, TOKEN_PATH
from gcdiag.sandbox import shapes, vocab
from gcdiag.sandbox.fixture import (
    _PERMISSION_RE,
    Conversation,
    OAuthClient,
    Org,
    QualityAuditEntry,
    User,
    utc,
)

JSON = "application/json"
SWAGGER_PATH = "/api/v2/docs/swagger"
# POSTs that only submit a query: not mutations (genesys-facts §1.3 read-only scopes cover them).
QUERY_POSTS = frozenset(
    {"/api/v2/audits/query", "/api/v2/audits/query/realtime", "/api/v2/quality/conversations/audits/query"}
)
REALTIME_AUDIT_DAYS = 14  # "This endpoint will only retrieve 14 days worth of audits" (genesys-facts §7)
RECORDING_FORMATS = (
    "WAV",
    "WEBM",
    "WAV_ULAW",
    "OGG_VORBIS",
    "OGG_OPUS",
    "MP3",
    "NONE",
)  # [SDK-A:recording_api]


def now() -> datetime:
    return datetime.now(timezone.utc)


def token_key(token: str) -> str:
    """Tokens are indexed by a digest so no structure of the sandbox holds them in a printable form twice."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_mutating(method: str, path: str) -> bool:
    """Whether a request asks to change org state (for the request log's ``mutating`` flag)."""
    if method.upper() in ("GET", "HEAD", "OPTIONS"):
        return False
    return path != TOKEN_PATH and path.rstrip("/") not in QUERY_POSTS and not path.startswith("/__sandbox/")


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    client_id: str | None = None
    user_id: str | None = None
    fault: str | None = None  # set by the server for injected faults


class ApiError(Exception):
    """An error answered as an ErrorBody."""

    def __init__(self, status: int, code: str, message: str, params: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = dict(params or {})


def json_response(status: int, payload: Any) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode("utf-8"))


def error_response(status: int, code: str, message: str, params: Mapping[str, str] | None = None) -> Response:
    """An ErrorBody (genesys-facts §6). ``contextId`` is fresh per error and doubles as the correlation id."""
    context = str(uuid.uuid4())
    body: dict[str, Any] = {"message": message, "code": code, "status": status}
    if params:
        body["messageParams"] = dict(params)
    body.update({"contextId": context, "details": [], "errors": []})
    response = json_response(status, body)
    response.headers["ININ-Correlation-Id"] = context
    return response


def bad_request(message: str = vocab.MSG_BAD_REQUEST) -> ApiError:
    """A 400 ``bad.request`` (genesys-facts §6 table, UNCONFIRMED (genesys-facts §6)). Specific message texts are the sandbox's
    own wording: the fact sheet records no per-field validation messages, so none of them is a Genesys quotation."""
    return ApiError(400, "bad.request", message)


def not_found(message: str = vocab.MSG_NOT_FOUND) -> ApiError:
    return ApiError(404, "not.found", message)


@dataclass
class Caller:
    """Who a bearer token belongs to."""

    client: OAuthClient
    user: User | None
    scopes: tuple[str, ...]
    expires_at: datetime
    cloned_user: tuple[str, str] | None = None  # (clone id, trustee org id) of a trustee user's clone

    def subject_grants(self, org: Org) -> list[tuple[str, str, str]]:
        """(subject id, role id, division id) of the caller's grants. Client credentials: the client's role-division
        pairs; user tokens: the user's own and its groups' (genesys-facts §1.1, §1.2; groups INFERRED)."""
        if self.user is not None:
            return org.user_grants(self.user)
        return [(self.client.id, r, d) for r, d in self.client.role_divisions]

    def role_divisions(self, org: Org) -> list[tuple[str, str]]:
        return [(r, d) for _, r, d in self.subject_grants(org)]


@dataclass
class IssuedToken:
    client_id: str
    expires_at: datetime


@dataclass
class Ctx:
    req: Request
    caller: Caller
    op: Operation
    params: dict[str, str]
    conversation: Conversation | None


Handler = Callable[["SandboxApi", Ctx], Response]
ROUTES: dict[tuple[str, str], Handler] = {}


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ROUTES[(method, template)] = fn
        return fn

    return register


class SandboxApi:
    """The emulated org behind the HTTP server. One lock serialises state access; handlers are fast."""

    def __init__(self, org: Org, catalog: Catalog) -> None:
        self.org = org
        self.catalog = catalog
        self.lock = threading.RLock()
        self._issued: dict[str, IssuedToken] = {}
        self._queries: dict[str, dict[str, Any]] = {}

    # -- state ----------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the fixture's state. Issued tokens stay valid: they are credentials, not org data."""
        with self.lock:
            epoch = self.org.epoch
            self.org = self.org.fresh()
            self.org.epoch = epoch
            self._queries.clear()

    def identify(self, req: Request) -> tuple[str | None, str | None]:
        """(client id, user id) of a request's bearer token or Basic credentials, for the request log."""
        auth = req.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        with self.lock:
            if scheme.lower() == "bearer" and value.strip():
                found = self._lookup(value.strip())
                if found is not None:
                    return found.client.id, found.user.id if found.user else None
            if scheme.lower() == "basic":
                creds = _basic(value)
                if creds is not None and creds[0] in self.org.clients:
                    return creds[0], None
        return None, None

    # -- entry point -----------------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        try:
            if req.path == TOKEN_PATH:
                if req.method != "POST":
                    raise not_found()
                return self._token(req)
            if req.path.startswith("/api/v2/"):
                return self._api(req)
            raise not_found()
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.params)

    # -- token endpoint (genesys-facts §1.4) -------------------------------------------------------------------------
    def _token(self, req: Request) -> Response:
        # Token-endpoint errors are OAuth-style {"error", "description"} rather than an ErrorBody: INFERRED
        # from third-party code, exact fields and values UNCONFIRMED (genesys-facts §1.4). The values follow RFC 6749.
        def oauth_error(status: int, error: str, description: str) -> Response:
            return json_response(status, {"error": error, "description": description})

        creds = (
            _basic(req.headers.get("authorization", "").partition(" ")[2])
            if req.headers.get("authorization", "").lower().startswith("basic ")
            else None
        )
        form = parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True)
        grant = (form.get("grant_type") or [""])[0]
        if creds is None:
            return oauth_error(401, "invalid_client", "client authentication failed")
        with self.lock:
            client = self.org.clients.get(creds[0])
            if client is None or not hmac.compare_digest(client.secret.encode(), creds[1].encode()):
                return oauth_error(401, "invalid_client", "client authentication failed")
            if grant != "client_credentials":
                # The browser grants need a user agent; the sandbox only issues client-credentials tokens and
                # serves user tokens pre-issued by the fixture.
                return oauth_error(
                    400, "unsupported_grant_type", "the sandbox supports grant_type=client_credentials"
                )
            if client.grant != "client_credentials":
                return oauth_error(400, "unauthorized_client", "client is not a client-credentials client")
            if client.state != "active":
                # "disabled"/"inactive": new tokens cannot be created (genesys-facts §1.4); the status and error value
                # are UNCONFIRMED (genesys-facts §1.4).
                return oauth_error(401, "invalid_client", "client is not active")
            token = secrets.token_urlsafe(48)
            self._issued[token_key(token)] = IssuedToken(
                client.id, now() + timedelta(seconds=client.token_validity)
            )
        response = json_response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": client.token_validity}
        )
        response.client_id = client.id
        return response

    def _lookup(self, token: str) -> Caller | None:
        """The caller of a token, expired or not; None for an unknown token."""
        key = token_key(token)
        issued = self._issued.get(key)
        if issued is not None:
            client = self.org.clients.get(issued.client_id)
            # A sandbox reset may drop a client: its tokens stop being known.
            return Caller(client, None, (), issued.expires_at) if client else None
        for pre in self.org.tokens:
            if hmac.compare_digest(token_key(pre.token), key):
                user = self.org.users.get(pre.user_id) if pre.user_id else None
                expires = self.org.epoch + timedelta(seconds=pre.expires_in)
                return Caller(self.org.clients[pre.client_id], user, pre.scopes, expires, pre.cloned_user)
        return None

    def _authenticate(self, req: Request) -> Caller:
        scheme, _, value = req.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "authentication.required", vocab.MSG_AUTH_REQUIRED)
        caller = self._lookup(value.strip())
        if caller is None:
            raise ApiError(401, "bad.credentials", vocab.MSG_BAD_CREDENTIALS)
        if caller.expires_at <= now():
            raise ApiError(401, "credentials.expired", vocab.MSG_EXPIRED)
        if caller.client.state == "disabled":
            # "Disabled: Access tokens created by the client are invalid" [SDK-M:o_auth_client state]; an inactive
            # client's existing tokens are not said to be. The code is UNCONFIRMED (genesys-facts §6): bad.credentials.
            raise ApiError(401, "bad.credentials", vocab.MSG_BAD_CREDENTIALS)
        return caller

    # -- /api/v2 ---------------------------------------------------------------------------------------------
    def _api(self, req: Request) -> Response:
        with self.lock:
            caller = self._authenticate(req)
            try:
                response = self._operation(req, caller)
            except ApiError as exc:
                response = error_response(exc.status, exc.code, exc.message, exc.params)
        response.client_id = caller.client.id
        response.user_id = caller.user.id if caller.user else None
        return response

    def _operation(self, req: Request, caller: Caller) -> Response:
        """Gates 2-5 for an authenticated caller (the lock is held)."""
        match = self.catalog.match(req.method, req.path)
        if match is None:
            # Not a public operation. What the real API answers for an unknown path is UNCONFIRMED (genesys-facts §6):
            # best guess 404 not.found.
            raise not_found()
        op = match.operation
        if (
            caller.user is not None
            and self.org.enforce_scopes
            and scopes_cover(op.scopes, caller.scopes) is False
        ):
            # Denial code for a missing scope is UNCONFIRMED (genesys-facts §6): best guess 403 not.authorized, the
            # one generic 403 code the fact sheet lists, with the accepted scopes in messageParams.
            raise ApiError(
                403, "not.authorized", vocab.MSG_NOT_AUTHORIZED, {"scopes": _bracket(op.scopes or ())}
            )
        grants = self.org.grants(caller.role_divisions(self.org))
        anywhere = evaluate(op.permission_type, op.permissions, grants, None)
        if not anywhere.allowed:
            raise self._denied(op, anywhere)
        conversation = None
        if "conversationId" in match.path_params:
            conversation = self.org.conversations.get(match.path_params["conversationId"])
            if conversation is None:
                raise not_found()
            aware = {p: self.org.division_aware(p) for p in op.permissions}
            scoped = evaluate(op.permission_type, op.permissions, grants, conversation.division_ids, aware)
            if not scoped.allowed:
                # A division shortfall surfaces as the same missing-permission body: best guess, the
                # dedicated code is UNCONFIRMED (genesys-facts §6, missing.division.permission).
                raise self._denied(op, scoped)
        handler = ROUTES.get((op.method, op.path))
        if handler is None:
            raise not_found(f"{vocab.MSG_NOT_FOUND} (the gcdiag sandbox does not emulate {op.key})")
        return handler(self, Ctx(req, caller, op, match.path_params, conversation))

    @staticmethod
    def _denied(op: Operation, evaluation: Evaluation) -> ApiError:
        if op.permission_type == "ALL":
            missing = [p for p in op.permissions if p not in evaluation.satisfied]
            text = _bracket(missing)
            message, code = vocab.MSG_MISSING_ALL.format(perms=text), "missing.permissions"
        else:
            text = _bracket(op.permissions)
            message, code = vocab.MSG_MISSING_ANY.format(perms=text), "missing.any.permissions"
        # messageParams carrying the permissions is INFERRED (genesys-facts §6); the key name is UNCONFIRMED (genesys-facts §6).
        return ApiError(403, code, message, {"permissions": text})

    # -- helpers for handlers --------------------------------------------------------------------------------
    def grants_of(self, caller: Caller) -> list[Any]:
        return self.org.grants(caller.role_divisions(self.org))

    def add_quality_audit(self, ctx: Ctx, action: str, changes: list[dict[str, Any]]) -> None:
        """Record a recording action in the interaction audit (QualityAuditLogMessage).

        Which service/entity/action the real platform writes for a secure pause or an ad hoc stop is
        UNCONFIRMED (genesys-facts §7): the sandbox uses RecordingService / Recording and Update (pause, resume) or
        Start/Stop (ad hoc), all values the model's enums list.
        """
        conv = ctx.conversation
        assert conv is not None
        caller = ctx.caller
        for rec in conv.recordings:
            if rec.file_state != "UPLOADING":
                continue  # only recordings still being written belong to the live call
            self.org.quality_audit.append(
                QualityAuditEntry(
                    id=str(uuid.uuid4()),
                    conversation_id=conv.id,
                    service_name="RecordingService",
                    entity_type="Recording",
                    entity={"id": rec.id},
                    action=action,
                    user={"id": caller.user.id, "name": caller.user.name} if caller.user else None,
                    client={"id": caller.client.id},
                    when=now(),
                    property_changes=changes,
                    status="Success",
                )
            )


def _bracket(items: Any) -> str:
    return "[" + ", ".join(items) + "]"


def _basic(value: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep and client_id else None


def _int_arg(req: Request, name: str, default: int, low: int = 1, high: int | None = None) -> int:
    raw = req.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Value [{raw}] is not valid for parameter [{name}]") from None
    if value < low or (high is not None and value > high):
        raise bad_request(f"Value [{raw}] is out of range for parameter [{name}]")
    return value


def _paging(api: SandboxApi, req: Request, default: int = 25) -> tuple[int, int]:
    """(pageSize, pageNumber) of a list request; the fixture's ``faults.max_page_size`` caps the size."""
    size, number = _int_arg(req, "pageSize", default), _int_arg(req, "pageNumber", 1)
    cap = api.org.faults.max_page_size
    return (min(size, cap) if cap else size), number


def _json_body(req: Request) -> Any:
    ctype = req.headers.get("content-type", JSON).split(";")[0].strip().lower()
    if ctype and ctype != JSON:
        # Code from the genesys-facts §6 table; the message text is UNCONFIRMED (genesys-facts §6).
        raise ApiError(415, "unsupported.media.type", f"Unsupported media type [{ctype}]")
    try:
        return json.loads(req.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise bad_request() from None


def _object_body(req: Request) -> dict[str, Any]:
    body = _json_body(req)
    if not isinstance(body, dict):
        raise bad_request()
    return body


# --- identity -----------------------------------------------------------------------------------------------


@route("GET", "/api/v2/tokens/me")
def _tokens_me(api: SandboxApi, ctx: Ctx) -> Response:
    caller = ctx.caller
    # Client credentials: authorizedScope best guess [] — UNCONFIRMED (genesys-facts §5).
    scopes = caller.scopes if caller.user is not None else ()
    return json_response(
        200, shapes.token_info(api.org, caller.client, scopes, utc(caller.expires_at), caller.cloned_user)
    )


@route("GET", "/api/v2/users/me")
def _users_me(api: SandboxApi, ctx: Ctx) -> Response:
    if ctx.caller.user is None:
        # genesys-facts §5: 400 with this message for client credentials; the code is UNCONFIRMED (genesys-facts §5).
        raise bad_request(vocab.MSG_USER_CONTEXT)
    return json_response(200, shapes.user_me(api.org, ctx.caller.user))


@route("GET", "/api/v2/oauth/clients")
def _oauth_clients(api: SandboxApi, ctx: Ctx) -> Response:
    # OAuthClientEntityListing. The operation takes no paging parameters [SDK-A:o_auth_api get_oauth_clients];
    # the sandbox answers every client on one page (whether the real list ever pages is UNCONFIRMED).
    found = [shapes.oauth_client(api.org, c) for c in api.org.clients.values()]
    return json_response(200, shapes.listing(found, max(1, len(found)), 1))


@route("GET", "/api/v2/oauth/clients/{clientId}")
def _oauth_client(api: SandboxApi, ctx: Ctx) -> Response:
    client = api.org.clients.get(ctx.params["clientId"])
    if client is None:
        raise not_found()
    return json_response(200, shapes.oauth_client(api.org, client))


@route("PUT", "/api/v2/oauth/clients/{clientId}")
def _put_oauth_client(api: SandboxApi, ctx: Ctx) -> Response:
    """Replace an OAuth client from an ``OAuthClientRequest`` [SDK-M:o_auth_client_request]: the sandbox applies
    ``name``, ``description``, ``roleDivisions`` and ``state`` (the rest must match). That ``name`` and
    ``authorizedGrantType`` are required is the sandbox's reading of Terraform's oauth_client (both Required
    [TF:docs/resources/oauth_client.md]); role divisions only for client credentials (genesys-facts §1.1)."""
    client = api.org.clients.get(ctx.params["clientId"])
    if client is None:
        raise not_found()
    body = _object_body(ctx.req)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Value [name] is required")
    if body.get("authorizedGrantType") != client.grant_type:
        raise bad_request(
            f"Value [{body.get('authorizedGrantType')}] is not valid for field [authorizedGrantType]"
        )
    pairs: list[tuple[str, str]] = []
    for item in body.get("roleDivisions") or []:
        role_id = item.get("roleId") if isinstance(item, dict) else None
        division_id = (item.get("divisionId") or api.org.home_division.id) if isinstance(item, dict) else None
        if role_id not in api.org.roles or (
            division_id != ALL_DIVISIONS and api.org.division(str(division_id)) is None
        ):
            raise bad_request(f"Invalid role division {item!r}")
        pairs.append((str(role_id), str(division_id)))
    if pairs and client.grant != "client_credentials":
        raise bad_request("roleDivisions apply to client-credentials clients only")
    state = body.get("state", client.state)
    if state not in vocab.CLIENT_STATES:
        raise bad_request(f"Value [{state}] is not valid for field [state]")
    client.name, client.state, client.role_divisions = name, str(state), list(dict.fromkeys(pairs))
    if client.state != "inactive":
        client.date_to_delete = None  # only an inactive client is due for deletion (genesys-facts §1.4)
    if isinstance(body.get("description"), str):
        client.description = body["description"]
    return json_response(200, shapes.oauth_client(api.org, client))


def _scopes_listed(api: SandboxApi) -> list[str]:
    used = {s for c in api.org.clients.values() for s in c.scopes}
    return sorted(set(vocab.LISTED_SCOPES) | used)


@route("GET", "/api/v2/oauth/scopes")
def _oauth_scopes(api: SandboxApi, ctx: Ctx) -> Response:
    entities = [{"id": s, "selfUri": f"/api/v2/oauth/scopes/{s}"} for s in _scopes_listed(api)]
    return json_response(
        200, {"total": len(entities), "entities": entities, "selfUri": "/api/v2/oauth/scopes"}
    )


@route("GET", "/api/v2/oauth/scopes/{scopeId}")
def _oauth_scope(api: SandboxApi, ctx: Ctx) -> Response:
    scope = ctx.params["scopeId"]
    if scope not in _scopes_listed(api):
        raise not_found()
    return json_response(200, {"id": scope, "selfUri": f"/api/v2/oauth/scopes/{scope}"})


# --- authorization ------------------------------------------------------------------------------------------


@route("GET", "/api/v2/authorization/roles/{roleId}")
def _role(api: SandboxApi, ctx: Ctx) -> Response:
    role_obj = api.org.roles.get(ctx.params["roleId"])
    if role_obj is None:
        raise not_found()
    user_count = (ctx.req.arg("userCount") or "true").lower() != "false"
    return json_response(200, shapes.role(api.org, role_obj, user_count))


def _policy_names(role_obj: Any, permission: str) -> bool:
    """The sandbox's best guess at the roles ``permission`` filter: a policy that names the permission's domain,
    entity and action literally. What the real filter matches (wildcards?) is UNCONFIRMED: the SDK and CLI do not
    describe it, and third-party tools add their own wildcard matching after it (docs/fix-as-code.md)."""
    parts = permission.split(":")
    return len(parts) == 3 and any(
        p.domain == parts[0] and p.entity == parts[1] and parts[2] in p.actions for p in role_obj.policies
    )


@route("GET", "/api/v2/authorization/roles")
def _roles(api: SandboxApi, ctx: Ctx) -> Response:
    req = ctx.req
    size, number = _paging(api, req)
    wanted_ids = set(req.query.get("id", []))
    permissions = req.query.get("permission", [])
    user_count = (req.arg("userCount") or "true").lower() != "false"
    found = [
        shapes.role(api.org, r, user_count)
        for r in api.org.roles.values()
        if (not wanted_ids or r.id in wanted_ids)
        and (not permissions or any(_policy_names(r, p) for p in permissions))
    ]
    return json_response(200, shapes.listing(found, size, number))


@route("PUT", "/api/v2/authorization/roles/{roleId}")
def _put_role(api: SandboxApi, ctx: Ctx) -> Response:
    """Replace a role's name, description, permissions and policies (``DomainOrganizationRoleUpdate``
    [SDK-M:domain_organization_role_update]); answers the ``DomainOrganizationRole``. That the API requires
    ``name`` is the sandbox's reading of Terraform's (its ``name`` is Required [TF:docs/resources/auth_role.md]);
    policy conditions are not emulated."""
    role_id = ctx.params["roleId"]
    if role_id not in api.org.roles:
        raise not_found()
    body = _object_body(ctx.req)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Value [name] is required")
    policies = []
    for item in body.get("permissionPolicies") or []:
        actions = item.get("actionSet") if isinstance(item, dict) else None
        if (
            not isinstance(item, dict)
            or not all(isinstance(item.get(k), str) and item.get(k) for k in ("domain", "entityName"))
            or not isinstance(actions, list)
            or not actions
            or not all(isinstance(a, str) and a for a in actions)
        ):
            raise bad_request(f"Invalid permission policy {item!r}")
        policies.append(Policy(item["domain"], item["entityName"], tuple(dict.fromkeys(actions))))
    general = body.get("permissions") or []
    if not isinstance(general, list) or not all(isinstance(p, str) for p in general):
        raise bad_request("permissions must be a list of strings")
    description = body.get("description")
    api.org.role_descriptions[role_id] = description if isinstance(description, str) else ""
    api.org.roles[role_id] = Role(
        role_id, name, tuple(general), tuple(policies), api.org.role_descriptions[role_id]
    )
    return json_response(200, shapes.role(api.org, api.org.roles[role_id], False))


@route("GET", "/api/v2/authorization/roles/{roleId}/subjectgrants")
def _role_subject_grants(api: SandboxApi, ctx: Ctx) -> Response:
    """SubjectDivisionGrantsEntityListing: every subject the role is granted to, with its divisions. That OAuth
    (client-credentials) clients appear here as PC_OAUTH_CLIENT is UNCONFIRMED (docs/fix-as-code.md): best guess
    yes, PC_OAUTH_CLIENT being a subject type of grant writes [SDK-A:authorization_api]."""
    org = api.org
    role_id = ctx.params["roleId"]
    if role_id not in org.roles:
        raise not_found()
    size, number = _paging(api, ctx.req)
    found = []
    owners: list[tuple[str, str, str, list[tuple[str, str]]]] = [
        *((u.id, u.name, "PC_USER", u.role_divisions) for u in org.users.values()),
        *((g.id, g.name, "PC_GROUP", g.role_divisions) for g in org.groups.values()),
        *((c.id, c.name, "PC_OAUTH_CLIENT", c.role_divisions) for c in org.clients.values()),
    ]
    for subject_id, name, kind, pairs in owners:
        divisions = [d for r, d in pairs if r == role_id]
        if divisions:
            found.append(
                shapes.subject_division_grants(org, subject_id, name, kind, list(dict.fromkeys(divisions)))
            )
    return json_response(200, shapes.listing(found, size, number))


@route("GET", "/api/v2/groups")
def _groups(api: SandboxApi, ctx: Ctx) -> Response:
    size, number = _paging(api, ctx.req)
    wanted_ids = set(ctx.req.query.get("id", []))
    found = [
        shapes.group(api.org, g) for g in api.org.groups.values() if not wanted_ids or g.id in wanted_ids
    ]
    return json_response(200, shapes.listing(found, size, number))


@route("GET", "/api/v2/users")
def _users(api: SandboxApi, ctx: Ctx) -> Response:
    """UserEntityListing, by ``id`` when given. The sandbox returns users of every state; what the real list
    returns without its ``state`` parameter ("Only list users of this state" [SDK-A:users_api]) is UNCONFIRMED."""
    size, number = _paging(api, ctx.req)
    wanted_ids = set(ctx.req.query.get("id", []))
    found = [shapes.user(api.org, u) for u in api.org.users.values() if not wanted_ids or u.id in wanted_ids]
    return json_response(200, shapes.listing(found, size, number))


@route("GET", "/api/v2/users/{userId}")
def _user(api: SandboxApi, ctx: Ctx) -> Response:
    """User. The operation documents no permission (the catalog); 404 for an id that is no user of the org."""
    user_obj = api.org.users.get(ctx.params["userId"])
    if user_obj is None:
        raise not_found()
    return json_response(200, shapes.user(api.org, user_obj))


@route("GET", "/api/v2/groups/{groupId}")
def _group(api: SandboxApi, ctx: Ctx) -> Response:
    group_obj = api.org.groups.get(ctx.params["groupId"])
    if group_obj is None:
        raise not_found()
    return json_response(200, shapes.group(api.org, group_obj))


@route("GET", "/api/v2/groups/{groupId}/members")
def _group_members(api: SandboxApi, ctx: Ctx) -> Response:
    group_obj = api.org.groups.get(ctx.params["groupId"])
    if group_obj is None:
        raise not_found()
    size, number = _paging(api, ctx.req)
    found = [shapes.user(api.org, api.org.users[m]) for m in group_obj.members]
    return json_response(200, shapes.listing(found, size, number))


@route("GET", "/api/v2/authorization/divisions")
def _divisions(api: SandboxApi, ctx: Ctx) -> Response:
    req = ctx.req
    size, number = _paging(api, req)
    wanted_ids = set(req.query.get("id", []))
    name = (req.arg("name") or "").lower()
    found = [
        shapes.authz_division(d)
        for d in api.org.divisions
        if (not wanted_ids or d.id in wanted_ids) and (not name or name in d.name.lower())
    ]
    return json_response(200, shapes.listing(found, size, number))


@route("GET", "/api/v2/authorization/divisions/home")
def _division_home(api: SandboxApi, ctx: Ctx) -> Response:
    return json_response(200, shapes.authz_division(api.org.home_division))


@route("GET", "/api/v2/authorization/divisions/{divisionId}")
def _division(api: SandboxApi, ctx: Ctx) -> Response:
    division = api.org.division(ctx.params["divisionId"])
    if division is None:
        raise not_found()
    return json_response(200, shapes.authz_division(division))


@route("GET", "/api/v2/authorization/divisionspermitted/paged/me")
def _divisions_permitted(api: SandboxApi, ctx: Ctx) -> Response:
    req = ctx.req
    permission = req.arg("permission")
    if not permission:
        raise bad_request("The permission parameter is required.")
    if not _PERMISSION_RE.match(permission) or "*" in permission:
        raise bad_request(f"Value [{permission}] is not a valid permission.")
    size, number = _paging(api, req)
    # For a client-credentials token the sandbox evaluates the client's grants: UNCONFIRMED (genesys-facts §4).
    grants = [g for g in api.grants_of(ctx.caller) if g.role.grant_reason(permission)]
    every = any(g.division_id == ALL_DIVISIONS for g in grants)
    held = {g.division_id for g in grants}
    # With an all-divisions grant every division is listed as well: UNCONFIRMED (genesys-facts §4).
    found = [shapes.authz_division(d) for d in api.org.divisions if every or d.id in held]
    return json_response(200, shapes.listing(found, size, number, allDivsPermitted=every))


@route("GET", "/api/v2/authorization/subjects/me")
def _subjects_me(api: SandboxApi, ctx: Ctx) -> Response:
    caller = ctx.caller
    if caller.user is not None:
        subject_id, name = caller.user.id, caller.user.name
    else:
        # Client credentials: best guess the client's own grants — UNCONFIRMED (genesys-facts §4).
        subject_id, name = caller.client.id, caller.client.name
    full = (ctx.req.arg("includeFullRoles") or "").lower() == "true"
    return json_response(
        200, shapes.authz_subject(api.org, subject_id, name, caller.subject_grants(api.org), full_roles=full)
    )


@route("GET", "/api/v2/authorization/permissions")
def _permissions(api: SandboxApi, ctx: Ctx) -> Response:
    req = ctx.req
    size, number = _paging(api, req)
    perms: set[str] = set(api.org.permission_catalog)
    for role_obj in api.org.roles.values():
        for policy in role_obj.policies:
            perms.update(f"{policy.domain}:{policy.entity}:{a}" for a in policy.actions)
    for op in api.catalog:
        if (
            op.path.startswith(("/api/v2/conversations", "/api/v2/recording"))
            or (op.method, op.path) in ROUTES
        ):
            perms.update(op.permissions)
    concrete = sorted(p for p in perms if _PERMISSION_RE.match(p) and "*" not in p)
    return json_response(200, shapes.listing(shapes.permission_collections(api.org, concrete), size, number))


# --- conversations and recordings ---------------------------------------------------------------------------


def _conv(ctx: Ctx) -> Conversation:
    assert ctx.conversation is not None  # the gate loaded it for every {conversationId} route
    return ctx.conversation


@route("GET", "/api/v2/conversations/{conversationId}")
def _conversation(api: SandboxApi, ctx: Ctx) -> Response:
    return json_response(200, shapes.conversation(api.org, _conv(ctx)))


@route("GET", "/api/v2/conversations/calls/{conversationId}")
def _call_conversation(api: SandboxApi, ctx: Ctx) -> Response:
    return json_response(200, shapes.call_conversation(api.org, _conv(ctx)))


def _check_format(req: Request) -> None:
    fmt = req.arg("formatId")
    if fmt is not None and fmt.upper() not in RECORDING_FORMATS:
        raise bad_request(f"Value [{fmt}] is not valid for parameter [formatId]")


@route("GET", "/api/v2/conversations/{conversationId}/recordings")
def _recordings(api: SandboxApi, ctx: Ctx) -> Response:
    # maxWaitMs "Must be a positive value" [SDK-A:recording_api]; the sandbox never waits: files are as ready
    # as the fixture says.
    _int_arg(ctx.req, "maxWaitMs", 5000)
    _check_format(ctx.req)
    conv = _conv(ctx)
    return json_response(200, [shapes.recording(api.org, conv, r) for r in conv.recordings])


@route("GET", "/api/v2/conversations/{conversationId}/recordings/{recordingId}")
def _recording(api: SandboxApi, ctx: Ctx) -> Response:
    _check_format(ctx.req)
    conv = _conv(ctx)
    rec = next((r for r in conv.recordings if r.id == ctx.params["recordingId"]), None)
    if rec is None:
        raise not_found()
    return json_response(200, shapes.recording(api.org, conv, rec))


@route("GET", "/api/v2/conversations/{conversationId}/recordingmetadata")
def _recording_metadata(api: SandboxApi, ctx: Ctx) -> Response:
    conv = _conv(ctx)
    return json_response(200, [shapes.recording(api.org, conv, r, metadata=True) for r in conv.recordings])


@route("GET", "/api/v2/recording/settings")
def _recording_settings(api: SandboxApi, ctx: Ctx) -> Response:
    return json_response(200, dict(api.org.recording_settings))


# --- the calls being diagnosed ------------------------------------------------------------------------------


def _wanted_state(body: Mapping[str, Any]) -> str:
    value = body.get("recordingState")
    # The SDK validates the enum case-insensitively and the model describes 'paused'/'active' in lower case.
    if not isinstance(value, str) or value.upper() not in vocab.RECORDING_STATES:
        raise bad_request(f"Value [{value}] is not valid for field [recordingState]")
    return value.upper()


def _apply_recording_state(api: SandboxApi, ctx: Ctx, wanted: str) -> str:
    """Secure pause / resume on a live call; returns the resulting conversation recordingState."""
    conv = _conv(ctx)
    if conv.ended:
        # An ended conversation: status and code UNCONFIRMED (genesys-facts §3.5), best guess 400 bad.request.
        raise bad_request("The conversation has ended; its recording state cannot be changed.")
    if wanted == "NONE":
        # 'NONE' is in the enum but only PAUSED/ACTIVE are documented for update: UNCONFIRMED (genesys-facts §3.2),
        # best guess rejected with 400.
        raise bad_request("Value [NONE] is not valid for field [recordingState] on update")
    if conv.recording_state == "NONE":
        # Nothing is recording: UNCONFIRMED (genesys-facts §3.5), best guess 400 bad.request.
        raise bad_request("The conversation is not being recorded.")
    old = (conv.recording_state, conv.secure_pause)
    if wanted == "PAUSED":
        # 'paused' initiates a secure pause (genesys-facts §3.2); repeating it is a no-op here: UNCONFIRMED (genesys-facts §3.5).
        conv.recording_state, conv.secure_pause = "PAUSED", True
    else:
        # 'active' resumes any paused recordings (genesys-facts §3.2).
        conv.recording_state, conv.secure_pause = "ACTIVE", False
    if (conv.recording_state, conv.secure_pause) != old:
        # propertyChanges names are UNCONFIRMED (genesys-facts §7): the Conversation model's field names are used.
        api.add_quality_audit(
            ctx,
            "Update",
            [
                {"property": "recordingState", "oldValues": [old[0]], "newValues": [conv.recording_state]},
                {
                    "property": "securePause",
                    "oldValues": [str(old[1]).lower()],
                    "newValues": [str(conv.secure_pause).lower()],
                },
            ],
        )
    return conv.recording_state


@route("PUT", "/api/v2/conversations/calls/{conversationId}/recordingstate")
def _put_recording_state(api: SandboxApi, ctx: Ctx) -> Response:
    state = _apply_recording_state(api, ctx, _wanted_state(_object_body(ctx.req)))
    # The SDK's response type is `str` (genesys-facts §3.2); what the string holds is UNCONFIRMED (genesys-facts §3.2): the
    # sandbox answers 200 with the resulting state as a JSON string.
    return json_response(200, state)


@route("PATCH", "/api/v2/conversations/{conversationId}/recordingstate")
def _patch_recording_state(api: SandboxApi, ctx: Ctx) -> Response:
    _apply_recording_state(api, ctx, _wanted_state(_object_body(ctx.req)))
    # No response body per the SDK (genesys-facts §3.2); the status (202 vs 204) is UNCONFIRMED (genesys-facts §3.2): 202.
    return Response(202, b"", None)


@route("PATCH", "/api/v2/conversations/calls/{conversationId}")
def _patch_call(api: SandboxApi, ctx: Ctx) -> Response:
    body = _object_body(ctx.req)
    conv = _conv(ctx)
    state = body.get("state")
    if state is not None and (
        not isinstance(state, str) or state.lower() not in (*vocab.CALL_STATES, "parked")
    ):
        raise bad_request(f"Value [{state}] is not valid for field [state]")
    if "recordingState" not in body and state is None:
        raise bad_request("The gcdiag sandbox emulates only recordingState and state on this operation.")
    if "recordingState" in body:
        wanted = _wanted_state(body)
        caller = ctx.caller
        # This route secure-pauses only for a user who is a participant and holds Conversation > Recording >
        # Pause (genesys-facts §3.2 c). Its string form conversation:recording:pause is INFERRED (genesys-facts §10.12); the
        # status/code of each refusal is UNCONFIRMED (genesys-facts §3.2, §6): 403 not.authorized /
        # missing.permissions.
        if caller.user is None or caller.user.id not in {p.user_id for p in conv.participants}:
            raise ApiError(403, "not.authorized", vocab.MSG_NOT_AUTHORIZED)
        needed = "conversation:recording:pause"
        evaluation = evaluate(
            "ALL",
            [needed],
            api.grants_of(caller),
            conv.division_ids,
            {needed: api.org.division_aware(needed)},
        )
        if not evaluation.allowed:
            text = _bracket([needed])
            raise ApiError(
                403, "missing.permissions", vocab.MSG_MISSING_ALL.format(perms=text), {"permissions": text}
            )
        _apply_recording_state(api, ctx, wanted)
    if isinstance(state, str) and state.lower() == "disconnected" and not conv.ended:
        _disconnect(api, conv)
    # The SDK's response type is Conversation; 200 is the natural status for it, UNCONFIRMED (genesys-facts §3.2).
    return json_response(200, shapes.conversation(api.org, conv))


def _disconnect(api: SandboxApi, conv: Conversation) -> None:
    conv.ended = True
    conv.end = now() - api.org.epoch
    for participant in conv.participants:
        participant.state = "disconnected"
    # What recordingState reads after the call ends is UNCONFIRMED (genesys-facts §3.3): best guess NONE.
    conv.recording_state, conv.secure_pause = "NONE", False


@route("PATCH", "/api/v2/conversations/calls/{conversationId}/participants/{participantId}")
def _patch_participant(api: SandboxApi, ctx: Ctx) -> Response:
    body = _object_body(ctx.req)
    conv = _conv(ctx)
    participant = conv.participant(ctx.params["participantId"])
    if participant is None:
        raise not_found()
    if conv.ended:
        raise bad_request("The conversation has ended.")  # UNCONFIRMED (genesys-facts §3.5)
    if "recording" in body:
        value = body["recording"]
        if not isinstance(value, bool):
            raise bad_request(f"Value [{value}] is not valid for field [recording]")
        # `recording`: "True to enable ad-hoc recording of this participant, otherwise false" (genesys-facts §3.2 d):
        # it switches the ad hoc recorder only; a policy (customer experience) recording keeps running.
        # UNCONFIRMED: what Genesys does with recording:false on a participant that records nothing ad hoc (or
        # true on one that already does). Best guess, done here: accept it, change nothing, answer as usual (202).
        # gcdiag's verdict never rests on this: recording.participant decides from the conversation read before
        # the call, and --attempt reports the effect it re-reads, whatever the answer.
        if participant.adhoc != value:
            participant.adhoc = value
            if value and conv.recording_state == "NONE":
                conv.recording_state = "ACTIVE"
            elif not value and not any(p.recording or p.adhoc for p in conv.participants):
                conv.recording_state, conv.secure_pause = "NONE", False
            # Start/Stop for the ad hoc recorder: UNCONFIRMED (genesys-facts §7), both in the model's action enum.
            api.add_quality_audit(
                ctx,
                "Start" if value else "Stop",
                [
                    {
                        "property": "recording",
                        "oldValues": [str(not value).lower()],
                        "newValues": [str(value).lower()],
                    }
                ],
            )
    # Other MediaParticipantRequest fields (wrapup, muted, held...) are accepted and not emulated.
    # No response body per the SDK; the status is UNCONFIRMED (genesys-facts §3.2): 202 like the recordingstate PATCH.
    return Response(202, b"", None)


# --- audit (genesys-facts §7) ---------------------------------------------------------------------------------------


def _interval(body: Mapping[str, Any]) -> tuple[datetime, datetime]:
    value = body.get("interval")
    if not isinstance(value, str) or value.count("/") != 1:
        raise bad_request("interval is required, as an ISO-8601 interval start/end")
    try:
        start, end = (
            datetime.fromisoformat(part.strip().replace("Z", "+00:00")) for part in value.split("/")
        )
    except ValueError:
        raise bad_request(f"Value [{value}] is not a valid ISO-8601 interval") from None
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    end = end if end.tzinfo else end.replace(tzinfo=timezone.utc)
    if end < start:
        raise bad_request(f"Value [{value}] is not a valid interval: it ends before it starts")
    return start, end


def _filters(body: Mapping[str, Any], allowed: tuple[str, ...]) -> list[dict[str, str]]:
    raw = body.get("filters") or []
    if not isinstance(raw, list):
        raise bad_request("filters must be a list")
    out = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or item.get("property") not in allowed
            or not isinstance(item.get("value"), str)
        ):
            raise bad_request(f"Invalid filter {item!r}: property must be one of {', '.join(allowed)}")
        out.append({"property": item["property"], "value": item["value"]})
    return out


def _sort(body: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = body.get("sort") or []
    if not isinstance(raw, list):
        raise bad_request("sort must be a list")
    out = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or item.get("name") not in vocab.AUDIT_SORT_NAMES
            or item.get("sortOrder", "ascending") not in vocab.AUDIT_SORT_ORDERS
        ):
            raise bad_request(f"Invalid sort {item!r}")
        out.append({"name": item["name"], "sortOrder": item.get("sortOrder", "ascending")})
    return out


_FIELD_OF: dict[str, Callable[[dict[str, Any]], Any]] = {
    "UserId": lambda m: (m.get("user") or {}).get("id"),
    "ClientId": lambda m: (m.get("client") or {}).get("id"),
    "Action": lambda m: m.get("action"),
    "EntityType": lambda m: m.get("entityType"),
    "EntityId": lambda m: (m.get("entity") or {}).get("id"),
    "ServiceName": lambda m: m.get("serviceName"),
}


def _select(
    messages: list[tuple[dict[str, Any], str | None]], query: Mapping[str, Any], realtime: bool = False
) -> list[dict[str, Any]]:
    """Apply interval, serviceName, filters (AND) and sort to (message, conversation id) pairs."""
    start, end = query["_interval"]
    if realtime:
        start = max(start, now() - timedelta(days=REALTIME_AUDIT_DAYS))
    service = query.get("serviceName")
    out = []
    for message, conversation_id in messages:
        when = datetime.fromisoformat(message["eventDate"].replace("Z", "+00:00"))
        if not start <= when <= end:
            continue
        if service and message.get("serviceName") != service:
            continue
        keep = True
        for f in query["filters"]:
            prop, value = f["property"], f["value"]
            if prop == "ConversationId":
                keep = conversation_id == value
            elif prop in ("TrusteeOrganizationId", "TrusteeOnlyAudits"):
                keep = False  # the sandbox org has no trustee access
            else:
                keep = _FIELD_OF[prop](message) == value
            if not keep:
                break
        if keep:
            out.append(message)
    # Default order when no sort is given is UNCONFIRMED (genesys-facts §7): ascending by time.
    descending = any(s["sortOrder"] == "descending" for s in query["sort"])
    out.sort(key=lambda m: str(m["eventDate"]), reverse=descending)
    return out


def _audit_messages(api: SandboxApi) -> list[tuple[dict[str, Any], str | None]]:
    return [(shapes.audit_message(api.org, e), None) for e in api.org.audit]


def _quality_messages(api: SandboxApi) -> list[tuple[dict[str, Any], str | None]]:
    return [(shapes.quality_audit_message(api.org, e), e.conversation_id) for e in api.org.quality_audit]


def _new_query(api: SandboxApi, ctx: Ctx, kind: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    body = _object_body(ctx.req)
    query: dict[str, Any] = {
        "kind": kind,
        "id": str(uuid.uuid4()),
        "interval": body.get("interval"),
        "_interval": _interval(body),
        "filters": _filters(body, allowed),
        "sort": _sort(body),
        "started": utc(now()),
        "polled": False,
    }
    if kind == "audit" and body.get("serviceName") is not None:
        if not isinstance(body["serviceName"], str):
            raise bad_request("serviceName must be a string")
        query["serviceName"] = body["serviceName"]
    api._queries[query["id"]] = query
    return query


def _status(query: Mapping[str, Any]) -> dict[str, Any]:
    """AuditQueryExecutionStatusResponse / QualityAuditQueryExecutionStatusResponse."""
    # Running when submitted, Succeeded on the next poll: enough to exercise a client's polling loop.
    state = "Succeeded" if query["polled"] else "Running"
    out: dict[str, Any] = {"id": query["id"], "state": state}
    out["startDate" if query["kind"] == "audit" else "dateStart"] = query["started"]
    out["interval"] = query["interval"]
    if query.get("serviceName"):
        out["serviceName"] = query["serviceName"]
    out["filters"] = query["filters"]
    out["sort"] = query["sort"]
    return out


def _query(api: SandboxApi, ctx: Ctx, kind: str) -> dict[str, Any]:
    query = api._queries.get(ctx.params["transactionId"])
    if query is None or query["kind"] != kind:
        raise not_found()
    return query


def _results(api: SandboxApi, ctx: Ctx, query: Mapping[str, Any], messages: list[Any]) -> Response:
    req = ctx.req
    size = _int_arg(req, "pageSize", vocab.AUDIT_PAGE_SIZE_DEFAULT, 1, vocab.AUDIT_PAGE_SIZE_MAX)
    cursor = req.arg("cursor")
    offset = 0
    if cursor:
        try:
            offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise bad_request(f"Value [{cursor}] is not a valid cursor") from None
    selected = _select(messages, query)
    page = selected[offset : offset + size]
    out: dict[str, Any] = {"id": query["id"], "pageSize": size}
    if offset + size < len(selected):
        out["cursor"] = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
    out["entities"] = page
    return json_response(200, out)


def _async_query_routes(
    base: str,
    kind: str,
    properties: Any,
    messages: Callable[[SandboxApi], list[tuple[dict[str, Any], str | None]]],
) -> None:
    """The audit and the quality (interaction) audit share one flow: POST a query, poll it, read its results."""

    def submit(api: SandboxApi, ctx: Ctx) -> Response:
        return json_response(200, _status(_new_query(api, ctx, kind, properties)))

    def status(api: SandboxApi, ctx: Ctx) -> Response:
        query = _query(api, ctx, kind)
        query["polled"] = True
        return json_response(200, _status(query))

    def results(api: SandboxApi, ctx: Ctx) -> Response:
        return _results(api, ctx, _query(api, ctx, kind), messages(api))

    route("POST", base)(submit)
    route("GET", base + "/{transactionId}")(status)
    route("GET", base + "/{transactionId}/results")(results)


_async_query_routes("/api/v2/audits/query", "audit", vocab.AUDIT_FILTER_PROPERTIES, _audit_messages)
_async_query_routes(
    "/api/v2/quality/conversations/audits/query",
    "quality",
    vocab.QUALITY_FILTER_PROPERTIES,
    _quality_messages,
)


@route("POST", "/api/v2/audits/query/realtime")
def _audit_realtime(api: SandboxApi, ctx: Ctx) -> Response:
    body = _object_body(ctx.req)
    query: dict[str, Any] = {
        "_interval": _interval(body),
        "filters": _filters(body, vocab.AUDIT_FILTER_PROPERTIES),
        "sort": _sort(body),
        "serviceName": body.get("serviceName"),
    }
    size, number = body.get("pageSize", 25), body.get("pageNumber", 1)
    if not isinstance(size, int) or not isinstance(number, int) or size < 1 or number < 1:
        raise bad_request("pageSize and pageNumber must be positive integers")
    selected = _select(_audit_messages(api), query, realtime=True)
    return json_response(200, shapes.listing(selected, size, number))
