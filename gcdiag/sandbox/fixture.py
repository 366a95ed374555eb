"""Sandbox org fixtures: the YAML vocabulary, its strict validation, and the in-memory org it becomes.

A fixture is a convenience vocabulary (the built-in ones in ``gcdiag/sandbox/fixtures/`` show it whole), not an
API shape: ``state: disconnected`` means "the call ended", which the response builders turn into ``endTime`` and disconnected
participants (genesys-facts §3.3). Validation is strict because a sandbox that silently accepts ``file_role:
CUSTOMER`` or a role granted in a division that does not exist would teach gcdiag's tests something the real
API never does. Every error names the file, the key path (``conversations[0].recordings[1].file_role``) and
what was expected.

Permissions must be real: each one must appear in the bundled operation catalog (built from the SDK), be a
wildcard over a real domain/entity, or be declared in the fixture's ``permission_catalog``. Scopes must be
real scope names (genesys-facts §1.3).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from gcdiag.genesys.authz import Grant, Policy, Role
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.sandbox import vocab
from gcdiag.sandbox.scenario import Expectation, parse_expectation
from gcdiag.util import yamlio

FIXTURE_PACKAGE = "gcdiag.sandbox"
FIXTURE_DIR = "fixtures"

# Permission strings used by the sandbox that the SDK's operation docs never list.
# `conversation:recording:pause`
# is the UI's "Conversation > Recording > Pause": its string form is INFERRED (genesys-facts §10.12, §3.2).
EXTRA_PERMISSIONS = ("conversation:recording:pause",)
_PERMISSION_RE = re.compile(r"^([A-Za-z0-9_-]+):([A-Za-z0-9_-]+|\*):([A-Za-z0-9_-]+|\*)$")
_SENSITIVE = frozenset({"secret", "token", "subject_token"})
_RELATIVE_RE = re.compile(r"^([+-])(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class FixtureError(Exception):
    """A fixture that does not describe a valid org. ``str()`` names the file, the key path and the
    expectation."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        super().__init__(f"{file}: {key}: {expected}" if key else f"{file}: {expected}")


# --- the in-memory org --------------------------------------------------------------------------------------


@dataclass
class Division:
    id: str
    name: str
    home: bool
    description: str = ""


@dataclass
class OAuthClient:
    id: str
    name: str
    secret: str = field(repr=False)  # fake for a sandbox fixture, but still never echoed by the API
    grant: str  # fixture keyword: client_credentials | code | implicit | saml2bearer
    scopes: tuple[str, ...]
    state: str
    role_divisions: list[
        tuple[str, str]
    ]  # (role id, division id or "*"); a missing division is resolved to home
    description: str
    token_validity: int
    # OAuthClient.dateToDelete: "The time at which this client will be deleted" [SDK-M:o_auth_client]; an
    # inactive client "will be deleted" (genesys-facts §1.4), so only an inactive one carries it.
    date_to_delete: timedelta | datetime | None = None

    @property
    def grant_type(self) -> str:
        """The ``authorizedGrantType`` enum value."""
        return vocab.GRANT_TYPES[self.grant]


@dataclass
class User:
    id: str
    name: str
    email: str
    division_id: str
    role_divisions: list[tuple[str, str]]
    state: str = "active"  # User.state: active | inactive | deleted [SDK-M:user]


@dataclass
class Group:
    """A group (``Group`` [SDK-M:group]); its role grants apply to its members when ``roles_enabled``."""

    id: str
    name: str
    description: str
    state: str  # Group.state: active | inactive | deleted
    roles_enabled: bool  # Group.rolesEnabled: "Allow roles to be assigned to this group"
    members: list[str]  # user ids
    role_divisions: list[tuple[str, str]]


@dataclass
class Token:
    """A pre-issued bearer token; ``expires_in`` counts from the org's epoch (the sandbox start)."""

    token: str = field(repr=False)
    client_id: str
    user_id: str | None
    scopes: tuple[str, ...]
    expires_in: int
    # (cloned user id, trustee org id) for a clone of a trustee user (TokenInfo.clonedUser [SDK-M:token_info]).
    cloned_user: tuple[str, str] | None = None


@dataclass
class Participant:
    id: str
    purpose: str
    user_id: str | None
    name: str
    ani: str
    dnis: str
    state: str  # Call.state
    recording: bool  # recorded by policy/trunk (customer experience)
    adhoc: bool  # an ad hoc recording of this participant is running
    held: bool = False  # Call.held: "True if this call is held" [SDK-M:call]


@dataclass
class Recording:
    id: str
    file_role: str
    file_state: str
    media_subtype: str | None
    # Recording.archiveDate / deleteDate: "The date the recording will be archived/deleted" [SDK-M:recording].
    archive_date: timedelta | datetime | None = None
    delete_date: timedelta | datetime | None = None
    # Fixture vocabulary only (not a Recording field): the participant whose ad hoc recording this file is, so
    # that participant's Call.recordingId ("the recording associated with this call" [SDK-M:call]) names it.
    participant_id: str | None = None


@dataclass
class Conversation:
    id: str
    division_ids: list[str]
    media: str
    ended: bool
    recording_state: str  # ACTIVE | PAUSED | NONE (conversation level)
    secure_pause: bool
    start: timedelta  # offsets from the org epoch
    end: timedelta | None
    participants: list[Participant]
    recordings: list[Recording]

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)


@dataclass
class AuditEntry:
    """One AuditLogMessage; ``when`` is an offset from the epoch or an absolute time."""

    id: str
    service_name: str
    entity_type: str
    entity: dict[str, str] | None
    action: str
    user: dict[str, str] | None
    client: dict[str, str] | None
    when: timedelta | datetime
    property_changes: list[dict[str, Any]]
    message_code: str | None
    level: str
    status: str


@dataclass
class QualityAuditEntry:
    """One QualityAuditLogMessage; ``conversation_id`` is how the ConversationId filter finds it (not
    emitted)."""

    id: str
    conversation_id: str
    service_name: str
    entity_type: str
    entity: dict[str, str]
    action: str
    user: dict[str, str] | None
    client: dict[str, str] | None
    when: timedelta | datetime
    property_changes: list[dict[str, Any]]
    status: str


@dataclass(frozen=True)
class FailRule:
    path_regex: re.Pattern[str]
    status: int
    times: int
    code: str


@dataclass
class FaultConfig:
    latency_ms: int = 0
    rate_limit_per_minute: int | None = None
    fail: list[FailRule] = field(default_factory=list)
    # A test knob, not a Genesys fact: list routes answer at most this many entities per page whatever pageSize
    # asks, so a small fixture exercises a client's paging.
    max_page_size: int | None = None


@dataclass
class Org:
    """The org a sandbox serves. Mutable: the sandbox changes recording state and appends audit entries."""

    id: str
    name: str
    region: str
    enforce_scopes: bool
    divisions: list[Division]
    roles: dict[str, Role]
    role_descriptions: dict[str, str]
    clients: dict[str, OAuthClient]
    users: dict[str, User]
    groups: dict[str, Group]
    tokens: list[Token]
    conversations: dict[str, Conversation]
    audit: list[AuditEntry]
    quality_audit: list[QualityAuditEntry]
    permission_catalog: dict[str, bool]
    faults: FaultConfig
    demo: dict[str, Any]
    recording_settings: dict[str, Any]
    source: str
    raw: dict[str, Any] = field(repr=False)
    # A catalogue scenario's expectation (gcdiag/sandbox/scenario.py); the sandbox never reads it.
    expect: Expectation | None = None
    epoch: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    # -- look-ups --
    @property
    def home_division(self) -> Division:
        return next(d for d in self.divisions if d.home)

    def division(self, division_id: str) -> Division | None:
        return next((d for d in self.divisions if d.id == division_id), None)

    def client_secret(self, client_id: str) -> str:
        """The (fake) secret of a fixture client: for the demo and tests, never for an API response."""
        return self.clients[client_id].secret

    def grants(self, role_divisions: Iterable[tuple[str, str]]) -> list[Grant]:
        out = []
        for role_id, division_id in role_divisions:
            division = self.division(division_id)
            out.append(Grant(self.roles[role_id], division_id, division.name if division else ""))
        return out

    def role_groups(self, user_id: str) -> list[Group]:
        """The groups whose role grants apply to ``user_id``: it is a member, the group is active and allows roles.

        That a group's grants apply to its members is INFERRED: a group can hold roles (``Group.rolesEnabled``
        "Allow roles to be assigned to this group" [SDK-M:group]; grant writes take PC_GROUP [SDK-A]).
        """
        return [
            g
            for g in self.groups.values()
            if user_id in g.members and g.state == "active" and g.roles_enabled
        ]

    def user_grants(self, user: User) -> list[tuple[str, str, str]]:
        """(subject id, role id, division id) of every grant a user holds: its own, then its groups'."""
        own = [(user.id, r, d) for r, d in user.role_divisions]
        return own + [(g.id, r, d) for g in self.role_groups(user.id) for r, d in g.role_divisions]

    def division_aware(self, permission: str) -> bool | None:
        """Whether ``permission`` is division-aware: the fixture's ``permission_catalog`` wins; otherwise
        ``conversation:*`` and ``recording:*`` are assumed division-aware — UNCONFIRMED (genesys-facts §4), the safer
        reading for a diagnosis — and anything else is unknown (None)."""
        if permission in self.permission_catalog:
            return self.permission_catalog[permission]
        if permission.startswith(("conversation:", "recording:")):
            return True
        return None

    def declared_division_aware(self, permission: str) -> bool | None:
        """``divisionAware`` as the sandbox serves it: only what the fixture's ``permission_catalog`` declares.

        The sandbox enforces its assumption (:meth:`division_aware`) but does not serve it as if Genesys had said
        so: an assumed value left out is gcdiag's own, visible assumption (stated in ``auth.division``'s summary
        where a verdict rests on it), never a fact read from the org.
        """
        return self.permission_catalog.get(permission)

    def at(self, when: timedelta | datetime) -> datetime:
        return when if isinstance(when, datetime) else self.epoch + when

    def fresh(self) -> Org:
        """A new org from the same fixture data (``POST /__sandbox/reset``)."""
        return _build(copy.deepcopy(self.raw), self.source)


# --- loading ------------------------------------------------------------------------------------------------


def builtin_fixtures() -> list[str]:
    """Names of the fixtures shipped in the package (``seed-403``, ``healthy``...)."""
    folder = resources.files(FIXTURE_PACKAGE).joinpath(FIXTURE_DIR)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_fixture(name_or_path: str | Path) -> Org:
    """Load a built-in fixture by name, or a YAML file by path, into a fresh in-memory org."""
    text_name = str(name_or_path)
    if isinstance(name_or_path, str) and text_name in builtin_fixtures():
        resource = resources.files(FIXTURE_PACKAGE).joinpath(FIXTURE_DIR).joinpath(f"{text_name}.yaml")
        return load_text(resource.read_text(encoding="utf-8"), f"{text_name}.yaml (built-in)")
    path = Path(name_or_path)
    if not path.is_file():
        raise FixtureError(
            text_name,
            "",
            f"no such fixture file, and not a built-in fixture (built-ins: {', '.join(builtin_fixtures())})",
        )
    from gcdiag.util.files import MB, TooLarge, read_file_capped

    try:
        text = read_file_capped(path, 4 * MB, "the fixture file").decode("utf-8")
    except TooLarge as exc:
        raise FixtureError(str(path), "", str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(str(path), "", f"cannot read the file ({exc.__class__.__name__})") from exc
    return load_text(text, str(path))


def load_text(text: str, source: str = "<fixture>") -> Org:
    """Parse and validate fixture YAML text; ``source`` names it in errors."""
    from gcdiag.util.documents import DocumentError, load_yaml

    try:
        data = load_yaml(text, what="the fixture", aliases=True)
    except DocumentError as exc:
        raise FixtureError(source, "", str(exc)) from None
    except yamlio.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise FixtureError(
            source, where, f"expected valid YAML ({getattr(exc, 'problem', None) or exc})"
        ) from exc
    if not isinstance(data, dict):
        raise FixtureError(source, "", "expected a YAML mapping at the top level")
    return _build(data, source)


@lru_cache(maxsize=1)
def _catalog_permissions() -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """Every permission the bundled catalog names, with its domains and (domain, entity) pairs."""
    from gcdiag.genesys.catalog import load_bundled

    perms = {p for op in load_bundled() for p in op.permissions if _PERMISSION_RE.match(p)}
    perms.update(EXTRA_PERMISSIONS)
    domains = {p.split(":")[0] for p in perms}
    entities = {(p.split(":")[0], p.split(":")[1]) for p in perms}
    return frozenset(perms), frozenset(domains), frozenset(entities)


class _Reader:
    """Typed access to fixture data that fails with the file and key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, expected: str) -> NoReturn:
        raise FixtureError(self.source, path, expected)

    def mapping(
        self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping, got {_kind(value)}")
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in required:
            if value.get(key) is None:
                self.fail(_join(path, key), "required key is missing")
        for key in value:
            if key not in allowed:
                self.fail(
                    _join(path, str(key)), f"unknown key (expected one of: {', '.join(sorted(allowed))})"
                )
        return value

    def items(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
        value = obj.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.fail(where, "required key is missing")
            return []
        if not isinstance(value, list):
            self.fail(where, f"expected a list, got {_kind(value)}")
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = obj.get(key)
        if value is None:
            if default is None:
                self.fail(_join(path, key), "required key is missing")
            return default
        if not isinstance(value, str) or not value.strip():
            # Never echo a credential, even a malformed fake one.
            shown = type(value).__name__ if key in _SENSITIVE else _kind(value)
            self.fail(_join(path, key), f"expected a non-empty string, got {shown}")
        return value

    def flag(self, obj: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"expected true or false, got {_kind(value)}")
        return value

    def number(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        default: int | None,
        low: int | None = None,
        high: int | None = None,
    ) -> int:
        value = obj.get(key)
        if value is None:
            if default is None:
                self.fail(_join(path, key), "required key is missing")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), f"expected an integer, got {_kind(value)}")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.fail(_join(path, key), f"expected an integer {bounds}, got {value}")
        return value

    def choice(
        self, obj: Mapping[str, Any], key: str, path: str, choices: Iterable[str], default: str | None = None
    ) -> str:
        choices = tuple(choices)
        value = obj.get(key)
        if value is None and default is not None:
            return default
        if value not in choices:
            shown = (
                "required key is missing; expected" if value is None else f"unknown value {value!r}; expected"
            )
            self.fail(_join(path, key), f"{shown} one of: {', '.join(choices)}")
        return str(value)

    def when(self, obj: Mapping[str, Any], key: str, path: str, default: str | None) -> timedelta | datetime:
        """``-2d`` / ``-90m`` / ``now`` (relative to the sandbox start) or an ISO-8601 time with a zone."""
        value = obj.get(key, default)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        if value == "now":
            return timedelta(0)
        if isinstance(value, str):
            match = _RELATIVE_RE.match(value.strip())
            if match:
                sign = -1 if match.group(1) == "-" else 1
                return sign * timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        if value is None:
            self.fail(_join(path, key), "required key is missing")
        self.fail(
            _join(path, key), f"expected a relative time like -2d, -3h, -90m, now, or ISO-8601; got {value!r}"
        )

    def ids(self, values: list[dict[str, Any]], path: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(values):
            ident = str(item.get("id"))
            if ident in seen:
                self.fail(f"{path}[{i}].id", f"duplicate id {ident!r}")
            seen.add(ident)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


_TOP_KEYS = (
    "org",
    "divisions",
    "roles",
    "oauth_clients",
    "users",
    "groups",
    "tokens",
    "conversations",
    "audit",
    "quality_audit",
    "permission_catalog",
    "faults",
    "demo",
    "recording_settings",
    "expect",
)
_RECORDING_SETTINGS = {
    "max_simultaneous_streams": "maxSimultaneousStreams",
    "max_configurable_screen_recording_streams": "maxConfigurableScreenRecordingStreams",
    "regional_recording_storage_enabled": "regionalRecordingStorageEnabled",
    "recording_playback_url_ttl": "recordingPlaybackUrlTtl",
    "recording_batch_download_url_ttl": "recordingBatchDownloadUrlTtl",
    "stop_recording_when_only_external_participants": "stopRecordingWhenOnlyExternalParticipants",
}


def _build(data: dict[str, Any], source: str) -> Org:
    r = _Reader(source)
    r.mapping(data, "", ("org", "divisions"), _TOP_KEYS)
    raw = copy.deepcopy(data)

    org = r.mapping(data["org"], "org", ("id", "name", "region"), ("enforce_scopes",))
    org_id, org_name = r.text(org, "id", "org"), r.text(org, "name", "org")
    region = r.choice(org, "region", "org", vocab.REGIONS)
    enforce = r.flag(org, "enforce_scopes", "org", False)

    # divisions
    divisions: list[Division] = []
    raw_divisions = r.items(data, "divisions", "", required=True)
    for i, d in enumerate(raw_divisions):
        p = f"divisions[{i}]"
        r.mapping(d, p, ("id", "name"), ("home", "description"))
        divisions.append(
            Division(
                r.text(d, "id", p),
                r.text(d, "name", p),
                r.flag(d, "home", p, False),
                r.text(d, "description", p, ""),
            )
        )
    r.ids(raw_divisions, "divisions")
    homes = [d for d in divisions if d.home]
    if len(homes) != 1:
        r.fail("divisions", f"expected exactly one division with home: true, found {len(homes)}")
    home = homes[0].id
    division_ids = {d.id for d in divisions}

    # permission catalog overrides (read first: they extend the set of known permissions)
    permission_catalog: dict[str, bool] = {}
    for i, item in enumerate(r.items(data, "permission_catalog", "")):
        p = f"permission_catalog[{i}]"
        r.mapping(item, p, ("permission", "division_aware"))
        perm = r.text(item, "permission", p)
        if not _PERMISSION_RE.match(perm) or "*" in perm:
            r.fail(
                f"{p}.permission",
                f"expected a domain:entity:action permission without wildcards, got {perm!r}",
            )
        if not isinstance(item["division_aware"], bool):
            r.fail(f"{p}.division_aware", f"expected true or false, got {_kind(item['division_aware'])}")
        permission_catalog[perm] = item["division_aware"]

    # roles
    roles: dict[str, Role] = {}
    descriptions: dict[str, str] = {}
    raw_roles = r.items(data, "roles", "")
    for i, role in enumerate(raw_roles):
        p = f"roles[{i}]"
        r.mapping(role, p, ("id", "name"), ("permissions", "general_permissions", "description"))
        perms = [
            _permission(r, v, f"{p}.permissions[{j}]", permission_catalog)
            for j, v in enumerate(r.items(role, "permissions", p))
        ]
        general = [
            r.text({"v": v}, "v", f"{p}.general_permissions[{j}]")
            for j, v in enumerate(r.items(role, "general_permissions", p))
        ]
        role_id = r.text(role, "id", p)
        descriptions[role_id] = r.text(role, "description", p, "")
        roles[role_id] = Role(
            role_id, r.text(role, "name", p), tuple(general), _policies(perms), descriptions[role_id]
        )
    r.ids(raw_roles, "roles")

    def role_divisions(owner: Mapping[str, Any], path: str) -> list[tuple[str, str]]:
        out = []
        for j, rd in enumerate(r.items(owner, "role_divisions", path)):
            q = f"{path}.role_divisions[{j}]"
            r.mapping(rd, q, ("role",), ("division",))
            role_id = r.text(rd, "role", q)
            if role_id not in roles:
                r.fail(f"{q}.role", f"unknown role id {role_id!r} (not in roles)")
            # A missing division means the home division (genesys-facts §4; Terraform oauth_client docs).
            division_id = r.text(rd, "division", q, home)
            if division_id != ALL_DIVISIONS and division_id not in division_ids:
                r.fail(
                    f"{q}.division", f'unknown division id {division_id!r} (expected a divisions id or "*")'
                )
            out.append((role_id, division_id))
        return out

    # OAuth clients
    clients: dict[str, OAuthClient] = {}
    raw_clients = r.items(data, "oauth_clients", "")
    for i, c in enumerate(raw_clients):
        p = f"oauth_clients[{i}]"
        r.mapping(
            c,
            p,
            ("id", "name", "secret", "grant"),
            (
                "scopes",
                "state",
                "role_divisions",
                "description",
                "access_token_validity_seconds",
                "date_to_delete",
            ),
        )
        grant = r.choice(c, "grant", p, vocab.GRANT_TYPES)
        scopes = _scopes(r, c, p)
        rds = role_divisions(c, p)
        if grant == "client_credentials" and scopes:
            r.fail(
                f"{p}.scopes",
                "expected no scopes: scopes only apply to clients not using the "
                "client_credentials grant (genesys-facts §1.1)",
            )
        if grant != "client_credentials" and rds:
            r.fail(
                f"{p}.role_divisions",
                "expected no role_divisions: roles and divisions only apply to "
                "client_credentials clients (genesys-facts §1.1)",
            )
        client_id = r.text(c, "id", p)
        state = r.choice(c, "state", p, vocab.CLIENT_STATES, "active")
        to_delete = r.when(c, "date_to_delete", p, None) if c.get("date_to_delete") is not None else None
        if to_delete is not None and state != "inactive":
            r.fail(
                f"{p}.date_to_delete",
                "expected only with state: inactive (an inactive client will be deleted)",
            )
        clients[client_id] = OAuthClient(
            id=client_id,
            name=r.text(c, "name", p),
            secret=r.text(c, "secret", p),
            grant=grant,
            scopes=scopes,
            state=state,
            role_divisions=rds,
            description=r.text(c, "description", p, ""),
            token_validity=r.number(
                c,
                "access_token_validity_seconds",
                p,
                vocab.TOKEN_VALIDITY_DEFAULT,
                vocab.TOKEN_VALIDITY_MIN,
                vocab.TOKEN_VALIDITY_MAX,
            ),
            date_to_delete=to_delete,
        )
    r.ids(raw_clients, "oauth_clients")

    # users
    users: dict[str, User] = {}
    raw_users = r.items(data, "users", "")
    for i, u in enumerate(raw_users):
        p = f"users[{i}]"
        r.mapping(u, p, ("id", "name"), ("email", "division", "role_divisions", "state"))
        division_id = r.text(u, "division", p, home)
        if division_id not in division_ids:
            r.fail(f"{p}.division", f"unknown division id {division_id!r}")
        user_id = r.text(u, "id", p)
        users[user_id] = User(
            user_id,
            r.text(u, "name", p),
            r.text(u, "email", p, ""),
            division_id,
            role_divisions(u, p),
            r.choice(u, "state", p, vocab.USER_STATES, "active"),
        )
    r.ids(raw_users, "users")

    # groups
    groups: dict[str, Group] = {}
    raw_groups = r.items(data, "groups", "")
    for i, g in enumerate(raw_groups):
        p = f"groups[{i}]"
        r.mapping(
            g, p, ("id", "name"), ("description", "state", "roles_enabled", "members", "role_divisions")
        )
        members = []
        for j, member in enumerate(r.items(g, "members", p)):
            if member not in users:
                r.fail(f"{p}.members[{j}]", f"unknown user id {member!r} (not in users)")
            members.append(str(member))
        group_id = r.text(g, "id", p)
        if group_id in users or group_id in clients:
            r.fail(f"{p}.id", f"id {group_id!r} is already a user or OAuth client id")
        roles_enabled = r.flag(g, "roles_enabled", p, True)
        rds = role_divisions(g, p)
        if rds and not roles_enabled:
            r.fail(f"{p}.role_divisions", "expected none: roles_enabled is false (Group.rolesEnabled)")
        groups[group_id] = Group(
            id=group_id,
            name=r.text(g, "name", p),
            description=r.text(g, "description", p, ""),
            state=r.choice(g, "state", p, vocab.GROUP_STATES, "active"),
            roles_enabled=roles_enabled,
            members=members,
            role_divisions=rds,
        )
    r.ids(raw_groups, "groups")

    # pre-issued tokens
    tokens: list[Token] = []
    for i, t in enumerate(r.items(data, "tokens", "")):
        p = f"tokens[{i}]"
        r.mapping(t, p, ("token", "client"), ("user", "scopes", "expires_in", "cloned_user"))
        client_id = r.text(t, "client", p)
        client = clients.get(client_id)
        if client is None:
            r.fail(f"{p}.client", f"unknown OAuth client id {client_id!r} (not in oauth_clients)")
        user_id = t.get("user")
        scopes = _scopes(r, t, p)
        if client.grant == "client_credentials":
            if user_id is not None:
                r.fail(
                    f"{p}.user", "expected null: a client_credentials token has no user (genesys-facts §1.1)"
                )
            if scopes:
                r.fail(
                    f"{p}.scopes", "expected no scopes for a client_credentials token (genesys-facts §1.1)"
                )
        else:
            user_id = r.text(t, "user", p)
            if user_id not in users:
                r.fail(f"{p}.user", f"unknown user id {user_id!r} (not in users)")
            extra = sorted(set(scopes) - set(client.scopes))
            if extra:
                r.fail(f"{p}.scopes", f"expected a subset of the client's scopes; not granted to it: {extra}")
        cloned = None
        if t.get("cloned_user") is not None:
            # A clone of a trustee user exists only in a user context (TokenInfoClonedUser {id, organization}
            # [SDK-M:token_info_cloned_user]: "a clone of trustee user in the trustor org").
            if client.grant == "client_credentials":
                r.fail(f"{p}.cloned_user", "expected none: a client_credentials token has no user")
            q = f"{p}.cloned_user"
            r.mapping(t["cloned_user"], q, ("id", "organization"))
            cloned = (r.text(t["cloned_user"], "id", q), r.text(t["cloned_user"], "organization", q))
        value = r.text(t, "token", p)
        if len(value) < 16:
            r.fail(f"{p}.token", "expected an opaque string of at least 16 characters")
        tokens.append(Token(value, client_id, user_id, scopes, r.number(t, "expires_in", p, 86400), cloned))
    if len({t.token for t in tokens}) != len(tokens):
        r.fail("tokens", "duplicate token values")

    # conversations
    conversations: dict[str, Conversation] = {}
    raw_conversations = r.items(data, "conversations", "")
    for i, c in enumerate(raw_conversations):
        conv = _conversation(r, c, f"conversations[{i}]", division_ids, users)
        conversations[conv.id] = conv
    r.ids(raw_conversations, "conversations")

    audit = [_audit(r, a, f"audit[{i}]", users, clients) for i, a in enumerate(r.items(data, "audit", ""))]
    quality = [
        _quality_audit(r, a, f"quality_audit[{i}]", users, clients, conversations)
        for i, a in enumerate(r.items(data, "quality_audit", ""))
    ]
    faults = _faults(r, data.get("faults"))
    settings = _recording_settings(r, data.get("recording_settings"))
    demo = _demo(r, data.get("demo"), clients, tokens, conversations)
    expect = None if data.get("expect") is None else parse_expectation(data["expect"], r.fail)

    return Org(
        id=org_id,
        name=org_name,
        region=region,
        enforce_scopes=enforce,
        divisions=divisions,
        roles=roles,
        role_descriptions=descriptions,
        clients=clients,
        users=users,
        groups=groups,
        tokens=tokens,
        conversations=conversations,
        audit=audit,
        quality_audit=quality,
        permission_catalog=permission_catalog,
        faults=faults,
        demo=demo,
        recording_settings=settings,
        source=source,
        raw=raw,
        expect=expect,
    )


def _permission(r: _Reader, value: Any, path: str, declared: Mapping[str, bool]) -> str:
    if not isinstance(value, str) or not _PERMISSION_RE.match(value):
        r.fail(
            path, f"expected a permission domain:entity:action (entity/action may be *), got {_kind(value)}"
        )
    known, domains, entities = _catalog_permissions()
    domain, entity, action = value.split(":")
    if value in known or value in declared:
        return value
    if entity == "*" and domain in domains and action == "*":
        return value
    if action == "*" and (domain, entity) in entities:
        return value
    if (
        entity == "*"
        and domain in domains
        and any(p.startswith(f"{domain}:") and p.endswith(f":{action}") for p in known)
    ):
        return value
    r.fail(
        path,
        f"unknown permission {value!r}: not in the SDK's operation catalog (declare it in "
        "permission_catalog if it is real)",
    )


def _policies(permissions: list[str]) -> tuple[Policy, ...]:
    """Group permission strings into one policy per (domain, entity), as DomainPermissionPolicy does."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for perm in permissions:
        domain, entity, action = perm.split(":")
        actions = grouped.setdefault((domain, entity), [])
        if action not in actions:
            actions.append(action)
    return tuple(Policy(d, e, ("*",) if "*" in a else tuple(a)) for (d, e), a in grouped.items())


def _scopes(r: _Reader, obj: Mapping[str, Any], path: str) -> tuple[str, ...]:
    out = []
    for j, scope in enumerate(r.items(obj, "scopes", path)):
        if scope not in vocab.KNOWN_SCOPES:
            r.fail(
                f"{path}.scopes[{j}]",
                f"unknown scope {scope!r}: not a Genesys Cloud scope name (genesys-facts §1.3)",
            )
        out.append(scope)
    return tuple(out)


def _conversation(
    r: _Reader, c: Any, p: str, division_ids: set[str], users: Mapping[str, User]
) -> Conversation:
    r.mapping(
        c,
        p,
        ("id",),
        (
            "division",
            "divisions",
            "media",
            "state",
            "recording_state",
            "secure_pause",
            "participants",
            "recordings",
            "start",
            "end",
        ),
    )
    if ("division" in c) == ("divisions" in c):
        r.fail(p, "expected exactly one of division: ID or divisions: [IDs]")
    divs = [c["division"]] if "division" in c else r.items(c, "divisions", p, required=True)
    for j, d in enumerate(divs):
        key = f"{p}.division" if "division" in c else f"{p}.divisions[{j}]"
        if d not in division_ids:
            r.fail(key, f"unknown division id {d!r} (not in divisions)")
    media = r.choice(c, "media", p, ("call",), "call")
    ended = r.choice(c, "state", p, vocab.CONVERSATION_STATES, "connected") == "disconnected"
    rec_state = r.choice(c, "recording_state", p, vocab.RECORDING_STATES, "NONE")
    secure = r.flag(c, "secure_pause", p, False)
    if secure and rec_state != "PAUSED":
        r.fail(
            f"{p}.secure_pause",
            "expected recording_state: PAUSED with secure_pause: true (a secure pause "
            "reads as PAUSED, genesys-facts §3.2)",
        )
    start = r.when(c, "start", p, "-5m")
    if isinstance(start, datetime):
        r.fail(f"{p}.start", "expected a relative time such as -5m")
    end: timedelta | datetime | None = None
    if ended:
        end = r.when(c, "end", p, "-1m")
        if isinstance(end, datetime) or end <= start:
            r.fail(f"{p}.end", "expected a relative time after start, such as -1m")
    elif "end" in c:
        r.fail(f"{p}.end", "expected no end on a connected conversation")
    participants = []
    raw_participants = r.items(c, "participants", p, required=True)
    if not raw_participants:
        r.fail(f"{p}.participants", "expected at least one participant")
    for j, part in enumerate(raw_participants):
        q = f"{p}.participants[{j}]"
        r.mapping(
            part, q, ("id", "purpose"), ("user", "name", "ani", "dnis", "state", "recording", "adhoc", "held")
        )
        user_id = part.get("user")
        if user_id is not None and user_id not in users:
            r.fail(f"{q}.user", f"unknown user id {user_id!r} (not in users)")
        state = r.choice(part, "state", q, vocab.CALL_STATES, "disconnected" if ended else "connected")
        if ended and state not in ("disconnected", "terminated"):
            r.fail(f"{q}.state", "expected disconnected or terminated in a disconnected conversation")
        name = r.text(part, "name", q, users[user_id].name if user_id else "")
        held = r.flag(part, "held", q, False)
        if held and state != "connected":
            r.fail(
                f"{q}.held", "expected held only on a connected participant (a held call is still connected)"
            )
        participants.append(
            Participant(
                id=r.text(part, "id", q),
                purpose=r.choice(part, "purpose", q, vocab.PURPOSES),
                user_id=user_id,
                name=name,
                ani=r.text(part, "ani", q, ""),
                dnis=r.text(part, "dnis", q, ""),
                state=state,
                recording=r.flag(part, "recording", q, False),
                adhoc=r.flag(part, "adhoc", q, False),
                held=held,
            )
        )
    r.ids(raw_participants, f"{p}.participants")
    recordings = []
    raw_recordings = r.items(c, "recordings", p)
    for j, rec in enumerate(raw_recordings):
        q = f"{p}.recordings[{j}]"
        r.mapping(
            rec,
            q,
            ("id", "file_role"),
            ("file_state", "media_subtype", "archive_date", "delete_date", "participant"),
        )
        owner = rec.get("participant")
        if owner is not None:
            if owner not in {x.id for x in participants}:
                r.fail(f"{q}.participant", f"unknown participant id {owner!r} (not in participants)")
            if rec.get("file_role") != "ADHOC":
                r.fail(
                    f"{q}.participant",
                    "expected only on an ADHOC recording (ad hoc recording is per participant)",
                )
        subtype = rec.get("media_subtype")
        dates = {
            k: r.when(rec, k, q, None) if rec.get(k) is not None else None
            for k in ("archive_date", "delete_date")
        }
        recordings.append(
            Recording(
                id=r.text(rec, "id", q),
                file_role=r.choice(rec, "file_role", q, vocab.FILE_ROLES),
                file_state=r.choice(
                    rec, "file_state", q, vocab.FILE_STATES, "AVAILABLE" if ended else "UPLOADING"
                ),
                media_subtype=None
                if subtype is None
                else r.choice(rec, "media_subtype", q, vocab.MEDIA_SUBTYPES),
                archive_date=dates["archive_date"],
                delete_date=dates["delete_date"],
                participant_id=None if owner is None else str(owner),
            )
        )
    r.ids(raw_recordings, f"{p}.recordings")
    return Conversation(
        id=r.text(c, "id", p),
        division_ids=[str(d) for d in divs],
        media=media,
        ended=ended,
        recording_state=rec_state,
        secure_pause=secure,
        start=start,
        end=end if isinstance(end, timedelta) else None,
        participants=participants,
        recordings=recordings,
    )


def _ref(
    r: _Reader, obj: Mapping[str, Any], key: str, path: str, known: Mapping[str, Any] | None
) -> dict[str, str]:
    where = _join(path, key)
    value = r.mapping(obj.get(key), where, ("id",), ("name",))
    ident = r.text(value, "id", where)
    if known is not None and ident not in known:
        r.fail(f"{where}.id", f"unknown id {ident!r}")
    out = {"id": ident}
    if value.get("name") is not None:
        out["name"] = r.text(value, "name", where)
    return out


def _changes(r: _Reader, obj: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    out = []
    for j, change in enumerate(r.items(obj, "property_changes", path)):
        q = f"{path}.property_changes[{j}]"
        r.mapping(change, q, ("property",), ("old_values", "new_values"))
        old = [str(v) for v in r.items(change, "old_values", q)]
        new = [str(v) for v in r.items(change, "new_values", q)]
        out.append({"property": r.text(change, "property", q), "oldValues": old, "newValues": new})
    return out


def _audit(
    r: _Reader, a: Any, p: str, users: Mapping[str, User], clients: Mapping[str, OAuthClient]
) -> AuditEntry:
    r.mapping(
        a,
        p,
        ("id", "service_name", "entity_type", "action", "event_date"),
        ("entity", "user", "client", "property_changes", "message_code", "level", "status"),
    )
    message_code = a.get("message_code")
    return AuditEntry(
        id=r.text(a, "id", p),
        service_name=r.choice(a, "service_name", p, vocab.AUDIT_SERVICES),
        entity_type=r.choice(a, "entity_type", p, vocab.AUDIT_ENTITY_TYPES),
        entity=_ref(r, a, "entity", p, None) if a.get("entity") is not None else None,
        action=r.choice(a, "action", p, vocab.AUDIT_ACTIONS),
        user=_ref(r, a, "user", p, users) if a.get("user") is not None else None,
        client=_ref(r, a, "client", p, clients) if a.get("client") is not None else None,
        when=r.when(a, "event_date", p, None),
        property_changes=_changes(r, a, p),
        message_code=None if message_code is None else r.text(a, "message_code", p),
        level=r.choice(a, "level", p, vocab.AUDIT_LEVELS, "USER"),
        status=r.choice(a, "status", p, vocab.AUDIT_STATUSES, "SUCCESS"),
    )


def _quality_audit(
    r: _Reader,
    a: Any,
    p: str,
    users: Mapping[str, User],
    clients: Mapping[str, OAuthClient],
    conversations: Mapping[str, Conversation],
) -> QualityAuditEntry:
    r.mapping(
        a,
        p,
        ("id", "conversation", "service_name", "entity_type", "entity", "action", "event_date"),
        ("user", "client", "property_changes", "status"),
    )
    conversation = r.text(a, "conversation", p)
    if conversation not in conversations:
        r.fail(f"{p}.conversation", f"unknown conversation id {conversation!r}")
    return QualityAuditEntry(
        id=r.text(a, "id", p),
        conversation_id=conversation,
        service_name=r.choice(a, "service_name", p, vocab.QUALITY_SERVICES),
        entity_type=r.choice(a, "entity_type", p, vocab.QUALITY_ENTITY_TYPES),
        entity=_ref(r, a, "entity", p, None),
        action=r.choice(a, "action", p, vocab.QUALITY_ACTIONS),
        user=_ref(r, a, "user", p, users) if a.get("user") is not None else None,
        client=_ref(r, a, "client", p, clients) if a.get("client") is not None else None,
        when=r.when(a, "event_date", p, None),
        property_changes=_changes(r, a, p),
        status=r.choice(a, "status", p, vocab.QUALITY_STATUSES, "Success"),
    )


def _faults(r: _Reader, value: Any) -> FaultConfig:
    if value is None:
        return FaultConfig()
    r.mapping(value, "faults", (), ("latency_ms", "rate_limit_per_minute", "fail", "max_page_size"))
    rules = []
    for i, rule in enumerate(r.items(value, "fail", "faults")):
        p = f"faults.fail[{i}]"
        r.mapping(rule, p, ("path_regex", "status"), ("times", "code"))
        try:
            pattern = re.compile(r.text(rule, "path_regex", p))
        except re.error as exc:
            r.fail(f"{p}.path_regex", f"expected a valid regular expression ({exc})")
        status = r.number(rule, "status", p, None, 400, 599)
        code = rule.get("code")
        if code is None:
            if status not in vocab.CODE_FOR_STATUS:
                r.fail(
                    f"{p}.code",
                    f"required for status {status}: no genesys-facts §6 code is known for it "
                    f"(known statuses: {sorted(vocab.CODE_FOR_STATUS)})",
                )
            code = vocab.CODE_FOR_STATUS[status]
        else:
            code = r.text(rule, "code", p)
        rules.append(FailRule(pattern, status, r.number(rule, "times", p, 1, 1), code))
    limit = value.get("rate_limit_per_minute")
    cap = value.get("max_page_size")
    return FaultConfig(
        max_page_size=None if cap is None else r.number(value, "max_page_size", "faults", None, 1),
        latency_ms=r.number(value, "latency_ms", "faults", 0, 0, 60000),
        rate_limit_per_minute=None
        if limit is None
        else r.number(value, "rate_limit_per_minute", "faults", None, 1),
        fail=rules,
    )


def _recording_settings(r: _Reader, value: Any) -> dict[str, Any]:
    # Org configuration values of this fake org (RecordingSettings, genesys-facts §3.4), not facts about the API.
    out: dict[str, Any] = {
        "maxSimultaneousStreams": 0,
        "maxConfigurableScreenRecordingStreams": 0,
        "regionalRecordingStorageEnabled": False,
        "recordingPlaybackUrlTtl": 60,
        "recordingBatchDownloadUrlTtl": 60,
        "stopRecordingWhenOnlyExternalParticipants": False,
    }
    if value is None:
        return out
    r.mapping(value, "recording_settings", (), _RECORDING_SETTINGS)
    for key, api_name in _RECORDING_SETTINGS.items():
        if key in value:
            if isinstance(out[api_name], bool):
                out[api_name] = r.flag(value, key, "recording_settings", False)
            else:
                out[api_name] = r.number(value, key, "recording_settings", 0, 0)
    return out


def _demo(
    r: _Reader,
    value: Any,
    clients: Mapping[str, OAuthClient],
    tokens: list[Token],
    conversations: Mapping[str, Conversation],
) -> dict[str, Any]:
    if value is None:
        return {}
    r.mapping(
        value,
        "demo",
        ("conversation", "description"),
        ("subject_client", "subject_token", "inspector_client", "recording", "call", "scopes_enforced"),
    )
    if ("subject_client" in value) == ("subject_token" in value):
        r.fail("demo", "expected exactly one of subject_client or subject_token")
    for key in ("subject_client", "inspector_client"):
        if key in value and r.text(value, key, "demo") not in clients:
            r.fail(f"demo.{key}", f"unknown OAuth client id {value[key]!r}")
    if "subject_token" in value and r.text(value, "subject_token", "demo") not in {t.token for t in tokens}:
        r.fail("demo.subject_token", "expected one of the tokens: values")
    conversation = conversations.get(r.text(value, "conversation", "demo"))
    if conversation is None:
        r.fail("demo.conversation", f"unknown conversation id {value['conversation']!r}")
    if "recording" in value and r.text(value, "recording", "demo") not in {
        x.id for x in conversation.recordings
    }:
        r.fail("demo.recording", f"expected a recording id of conversation {conversation.id}")
    if "call" in value:
        from gcdiag.genesys.catalog import split_call

        try:
            split_call(r.text(value, "call", "demo"))
        except ValueError as exc:
            r.fail("demo.call", str(exc))
    r.text(value, "description", "demo")
    if "scopes_enforced" in value:
        r.flag(value, "scopes_enforced", "demo", False)
    return dict(value)


def utc(moment: datetime) -> str:
    """Genesys-style timestamp: ``2024-05-01T12:00:00.000Z``."""
    return (
        moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )
