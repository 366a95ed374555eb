"""Who holds a permission across the org (``gcdiag who-can``).

Read with the reader identity (the inspector when given): every role with its permission policies, the subject
grants of each role that grants a wanted permission, every OAuth client with its state and role divisions, the
groups holding such a role and their members. Every list is paged through to its end. What could not be read is
kept in :attr:`Exposure.unread` with what would let gcdiag read it — never dropped, never read as "nobody".

Completeness does not rest on the roles list's ``permission`` filter: what it matches (wildcard policies?) is
UNCONFIRMED (docs/fix-as-code.md), so gcdiag reads all roles and matches their policies itself
(:meth:`gcdiag.genesys.authz.Role.grant_reason`, the rule of genesys-facts §4).

How each subject holds the permission is kept: its own grant or a group's, through a wildcard policy or by name,
in some divisions or in all (``*``). The pure :func:`holdings` then answers a query (one permission, any or all
of several, in a division).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import FactError, Facts, FactUnavailable
from gcdiag.facts.grants import division_awareness
from gcdiag.facts.http import collect, http, parallel
from gcdiag.facts.types import ClientList, Exposure, OrgClient, OrgRole, RoleHolder
from gcdiag.genesys.authz import Role
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.exposure import SUBJECT_KINDS

ROLES = "/api/v2/authorization/roles"
ROLE = "/api/v2/authorization/roles/{roleId}"
SUBJECT_GRANTS = "/api/v2/authorization/roles/{roleId}/subjectgrants"
CLIENTS = "/api/v2/oauth/clients"
CLIENT = "/api/v2/oauth/clients/{clientId}"
GROUPS = "/api/v2/groups"
MEMBERS = "/api/v2/groups/{groupId}/members"
USERS = "/api/v2/users"
# Ids per GET /api/v2/groups?id=… and /api/v2/users?id=… ("A list of user IDs to fetch by bulk" [SDK-A:users_api
# get_users]; groups_api get_groups has the same list parameter "id").
BATCH = 50


def _org_role(body: Mapping[str, Any]) -> OrgRole:
    conditional = tuple(
        f"{p.get('domain')}:{p.get('entityName')}"
        for p in body.get("permissionPolicies") or ()
        if p.get("resourceConditionNode")
    )
    return OrgRole(Role.from_api(body), conditional)


def fetch_org_roles(facts: Facts) -> tuple[OrgRole, ...]:
    """Every role of the org with its policies (``GET /api/v2/authorization/roles``, all pages; userCount off: it
    "can lead to slower load times" [SDK-A:authorization_api]). A role listed without ``permissionPolicies`` is
    read on its own (whether the list carries them is UNCONFIRMED)."""
    entities, left = collect(facts, "org_roles", "reader", ROLES, params={"userCount": "false"})
    if left:
        raise FactUnavailable(
            FactError(
                "org_roles",
                left,
                request=f"GET {ROLES}",
                remedy="the org has more roles than gcdiag reads; nothing can be said about the roles it did not read",
            )
        )
    bare = [e for e in entities if "permissionPolicies" not in e]

    def read_role(entity: Mapping[str, Any]) -> Mapping[str, Any]:
        body: Mapping[str, Any] = http(
            facts, "org_roles", "reader", "GET", ROLE, path_params={"roleId": str(entity.get("id"))}
        )
        return body

    full = {str(b.get("id")): b for b in parallel(facts, read_role, bare)}
    return tuple(_org_role(full.get(str(e.get("id")), e)) for e in entities)


def fetch_org_clients(facts: Facts) -> ClientList:
    """Every OAuth client with its state and role divisions (``GET /api/v2/oauth/clients``).

    The operation takes no paging parameters [SDK-A:o_auth_api get_oauth_clients]: when the answer says there
    is more than one page, the rest cannot be asked for, and that is said. A client listed without
    ``roleDivisions`` is read on its own (whether the list carries them is UNCONFIRMED).
    """
    body = http(facts, "org_clients", "reader", "GET", CLIENTS)
    entities = [e for e in body.get("entities") or () if isinstance(e, dict)]
    unread: list[FactError] = []
    count = body.get("pageCount")
    if isinstance(count, int) and not isinstance(count, bool) and count > 1:
        unread.append(
            FactError(
                "org_clients",
                f"GET {CLIENTS} answered page 1 of {count}, and the operation takes no paging parameters",
                request=f"GET {CLIENTS}",
                remedy="gcdiag cannot ask for the other pages; clients on them are not listed",
            )
        )
    bare = [
        e
        for e in entities
        if e.get("authorizedGrantType") == "CLIENT-CREDENTIALS" and "roleDivisions" not in e
    ]

    def read_client(entity: Mapping[str, Any]) -> Mapping[str, Any] | FactError:
        try:
            found: Mapping[str, Any] = http(
                facts, "org_clients", "reader", "GET", CLIENT, path_params={"clientId": str(entity.get("id"))}
            )
            return found
        except FactUnavailable as exc:
            return exc.error

    read = dict(zip((str(e.get("id")) for e in bare), parallel(facts, read_client, bare)))
    clients = []
    for entity in entities:
        client_id = str(entity.get("id"))
        full = read.get(client_id, entity)
        if isinstance(full, FactError):
            unread.append(full)
            full = entity
        clients.append(
            OrgClient(
                id=client_id,
                name=str(entity.get("name") or ""),
                state=entity.get("state"),
                grant_type=entity.get("authorizedGrantType"),
                role_divisions=tuple(
                    (str(rd.get("roleId")), str(rd.get("divisionId") or ""))
                    for rd in full.get("roleDivisions") or ()
                ),
                roles_read="roleDivisions" in full or full.get("authorizedGrantType") != "CLIENT-CREDENTIALS",
            )
        )
    return ClientList(tuple(clients), tuple(unread))


def fetch_exposure(facts: Facts) -> Exposure:
    ctx: RunContext = facts.context
    wanted = tuple(ctx.inputs.permissions)
    facts.prefetch(["org_roles", "org_clients", "divisions"])
    roles: tuple[OrgRole, ...] = facts.get("org_roles")
    matching = tuple(r for r in roles if any(r.role.grant_reason(p) for p in wanted))
    unread: list[FactError] = []
    notes: list[str] = []
    divisions, division_error = facts.outcome("divisions")
    if division_error is not None:
        unread.append(division_error)
    names = {k: str(v.get("name") or "") for k, v in (divisions or {}).items()}
    home = next((k for k, v in (divisions or {}).items() if v.get("homeDivision")), "")

    try:
        aware = division_awareness(facts, "exposure", wanted)
    except FactUnavailable as exc:
        unread.append(exc.error)
        aware = {p: None for p in wanted}

    holders: dict[tuple[str, str, str, str], RoleHolder] = {}

    def add(holder: RoleHolder) -> None:
        known = holders.get(holder.key)
        if known is None:
            holders[holder.key] = holder
            return
        holders[holder.key] = replace(
            known,
            division_ids=tuple(dict.fromkeys((*known.division_ids, *holder.division_ids))),
            sources=tuple(dict.fromkeys((*known.sources, *holder.sources))),
            state=known.state or holder.state,
            grant_type=known.grant_type or holder.grant_type,
            name=known.name or holder.name,
        )

    # 1. Each matching role's subject grants.
    def subject_grants(role: OrgRole) -> tuple[list[dict[str, Any]], str, FactError | None]:
        try:
            entities, left = collect(
                facts, "exposure", "reader", SUBJECT_GRANTS, path_params={"roleId": role.role.id}
            )
            return entities, left, None
        except FactUnavailable as exc:
            return [], "", exc.error

    for role, (entities, left, error) in zip(matching, parallel(facts, subject_grants, matching)):
        if error is not None:
            unread.append(error)
            continue
        if left:
            unread.append(FactError("exposure", left, request=f"GET {SUBJECT_GRANTS}"))
        for entity in entities:
            kind = SUBJECT_KINDS.get(str(entity.get("type") or "UNKNOWN"), "unknown")
            division_ids = tuple(
                str(d.get("id") or home) for d in entity.get("divisions") or () if isinstance(d, dict)
            )
            add(
                RoleHolder(
                    kind=kind,
                    id=str(entity.get("id") or ""),
                    name=str(entity.get("name") or ""),
                    role_id=role.role.id,
                    division_ids=division_ids,
                    sources=(f"GET {SUBJECT_GRANTS}",),
                )
            )

    # 2. OAuth clients: their roleDivisions are where a client-credentials client's grants live (genesys-facts §1.1).
    matching_ids = {r.role.id for r in matching}
    client_list, client_error = facts.outcome("org_clients")
    states: dict[str, OrgClient] = {}
    if client_error is not None:
        unread.append(client_error)
    else:
        unread.extend(client_list.unread)
        notes.extend(client_list.notes)
        for client in client_list.clients:
            states[client.id] = client
            by_role: dict[str, list[str]] = {}
            for role_id, division_id in client.role_divisions:
                if role_id in matching_ids:
                    # An empty division means the home division (genesys-facts §4).
                    by_role.setdefault(role_id, []).append(division_id or home)
            for role_id, held_in in by_role.items():
                add(
                    RoleHolder(
                        kind="oauth_client",
                        id=client.id,
                        name=client.name,
                        role_id=role_id,
                        division_ids=tuple(dict.fromkeys(held_in)),
                        sources=(f"GET {CLIENTS} roleDivisions",),
                        state=client.state,
                        grant_type=client.grant_type,
                    )
                )
    for key, holder in list(holders.items()):
        client = states.get(holder.id) if holder.kind == "oauth_client" else None
        if client is not None:
            holders[key] = replace(holder, state=client.state, grant_type=client.grant_type)

    # 3. Groups: their state, and their members (who hold the group's grants).
    groups = {h.id: h.name for h in holders.values() if h.kind == "group"}
    group_info, group_errors = _by_ids(facts, GROUPS, sorted(groups))
    unread.extend(group_errors)
    member_lists = parallel(facts, lambda gid: _members(facts, gid), sorted(groups))
    members = dict(zip(sorted(groups), member_lists))
    for key, holder in list(holders.items()):
        if holder.kind != "group":
            continue
        info = group_info.get(holder.id, {})
        state = info.get("state")
        holders[key] = replace(holder, state=state)
        users, left, error = members[holder.id]
        if error is not None:
            unread.append(error)
        elif left:
            unread.append(FactError("exposure", left, request=f"GET {MEMBERS}"))
        note = ""
        if state not in (None, "active") or info.get("rolesEnabled") is False:
            # Whether an inactive group's (or one with roles switched off) grants apply is not documented.
            note = (
                f"the group is {state}"
                if state not in (None, "active")
                else "the group's rolesEnabled is false"
            ) + "; whether its grants apply to its members is unconfirmed"
        for member in users:
            add(
                RoleHolder(
                    kind="user",
                    id=str(member.get("id") or ""),
                    name=str(member.get("name") or ""),
                    role_id=holder.role_id,
                    division_ids=holder.division_ids,
                    sources=(f"GET {MEMBERS}",),
                    state=member.get("state"),
                    via_group=(holder.id, groups[holder.id]),
                    group_note=note,
                )
            )
    # 4. The state of users named by subject grants (a group member's comes with the member list).
    direct = sorted({h.id for h in holders.values() if h.kind == "user" and h.state is None})
    user_info, user_errors = _by_ids(facts, USERS, direct)
    unread.extend(user_errors)
    for key, holder in list(holders.items()):
        if holder.kind == "user" and holder.state is None and holder.id in user_info:
            holders[key] = replace(holder, state=user_info[holder.id].get("state"))
    if any(h.kind == "user" and not h.via_group for h in holders.values()):
        notes.append(
            "Whether a role's subject grants also list the members of a group that holds it is unconfirmed; gcdiag "
            "lists users named there as holding the role themselves."
        )
    return Exposure(
        permissions=wanted,
        roles=matching,
        roles_read=len(roles),
        holders=tuple(holders.values()),
        divisions=names,
        division_aware=aware,
        unread=tuple(unread),
        notes=tuple(notes),
    )


def _by_ids(
    facts: Facts, template: str, ids: Sequence[str]
) -> tuple[dict[str, dict[str, Any]], list[FactError]]:
    """The entities of a list read by id (its ``id`` parameter), in batches: groups (state, rolesEnabled), users
    (state). Which states GET /api/v2/users returns without its ``state`` filter is not documented, so a user it
    does not return keeps an unknown state."""
    found: dict[str, dict[str, Any]] = {}
    errors: list[FactError] = []
    for start in range(0, len(ids), BATCH):
        batch = tuple(ids[start : start + BATCH])
        try:
            entities, left = collect(facts, "exposure", "reader", template, params={"id": batch})
        except FactUnavailable as exc:
            errors.append(exc.error)
            continue
        if left:
            errors.append(FactError("exposure", left, request=f"GET {template}"))
        found.update({str(e.get("id")): e for e in entities})
    return found, errors


def _members(facts: Facts, group_id: str) -> tuple[list[dict[str, Any]], str, FactError | None]:
    try:
        users, left = collect(facts, "exposure", "reader", MEMBERS, path_params={"groupId": group_id})
        return users, left, None
    except FactUnavailable as exc:
        return [], "", exc.error


# --- answering a query (pure) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """One way one subject holds one permission: through which role, in which divisions, and how."""

    holder: RoleHolder
    permission: str
    role: Role
    division_ids: tuple[str, ...]  # the grant's divisions that count for the query ("*" = all)
    granted_by: str  # the role's permission or policy that grants it
    wildcard: bool  # granted through a * (entity or action), not by name
    conditional: bool  # the granting policy carries a condition gcdiag does not evaluate

    @property
    def all_divisions(self) -> bool:
        return ALL_DIVISIONS in self.division_ids


def holdings(
    exposure: Exposure,
    *,
    requirement: str | None = None,
    division: str | None = None,
) -> list[Holding]:
    """Every holding of the exposure's permissions, filtered by ``division`` (a grant counts there when it is in
    that division, in all divisions, or the permission is not division-aware) and by ``requirement``: with
    ``ALL``, a subject counts only when it holds every permission (its own grants and its groups' together)."""
    out: list[Holding] = []
    for holder in exposure.holders:
        org_role = exposure.role(holder.role_id)
        if org_role is None:
            continue
        for permission in exposure.permissions:
            how = org_role.role.grant_reason(permission)
            if how is None:
                continue
            counted = _counted(holder.division_ids, permission, division, exposure.division_aware)
            if not counted:
                continue
            policy = org_role.role.granting_policy(permission)
            out.append(
                Holding(
                    holder=holder,
                    permission=permission,
                    role=org_role.role,
                    division_ids=counted,
                    granted_by=how,
                    wildcard=policy is not None and policy.by_wildcard(permission),
                    conditional=org_role.is_conditional(permission),
                )
            )
    if requirement == "ALL" and len(exposure.permissions) > 1:
        held: dict[tuple[str, str], set[str]] = {}
        for h in out:
            held.setdefault((h.holder.kind, h.holder.id), set()).add(h.permission)
        out = [h for h in out if held[(h.holder.kind, h.holder.id)] >= set(exposure.permissions)]
    return sorted(out, key=_order)


def _counted(
    division_ids: Iterable[str], permission: str, division: str | None, aware: Mapping[str, bool | None]
) -> tuple[str, ...]:
    ids = tuple(division_ids)
    if division is None or aware.get(permission) is False:
        return ids
    return tuple(d for d in ids if d in (division, ALL_DIVISIONS))


KIND_ORDER = {"oauth_client": 0, "user": 1, "group": 2, "trustee_user": 3, "trustee_group": 4, "unknown": 5}


def _order(h: Holding) -> tuple[Any, ...]:
    return (
        KIND_ORDER.get(h.holder.kind, 9),
        h.holder.name.lower(),
        h.holder.id,
        h.holder.via_group is not None,
        h.permission,
        h.role.name.lower(),
    )
