"""Permission evaluation: does a set of role × division grants satisfy an operation's requirement?

One evaluator serves the ``auth.permissions`` / ``auth.division`` checks, ``can-i`` and the sandbox's enforcement,
so the diagnosis and the emulated org cannot drift apart.

Rules (genesys-facts §4):

* A permission is ``domain:entity:action``. A role grants it through a plain permission string or through a
  permission policy ``{domain, entityName, actionSet}`` where ``entityName`` may be ``*`` and ``actionSet`` may
  contain ``*`` (INFERRED matching rule; policy conditions are ignored).
* A grant is a role in a division: ``*`` covers every division; otherwise it covers exactly its division.
* ``ANY`` needs one permission of the list, ``ALL`` needs every one.
* For a division-aware permission the grant's division must cover one of the target's divisions; a permission
  that is not division-aware is satisfied by a grant in any division. Whether a permission is division-aware
  comes from ``GET /api/v2/authorization/permissions`` (``divisionAware``); when that is unknown the evaluator
  assumes it is division-aware and says so, because treating it otherwise could call a failing call fine.

The result is structured: every grant considered, why it did or did not apply, and the one that decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gcdiag.genesys.constants import ALL_DIVISIONS


@dataclass(frozen=True)
class Policy:
    """One permission policy of a role (``DomainPermissionPolicy``)."""

    domain: str
    entity: str
    actions: tuple[str, ...]

    def grants(self, permission: str) -> bool:
        domain, entity, action = _split(permission)
        return (
            self.domain == domain
            and (self.entity in (entity, "*"))
            and (action in self.actions or "*" in self.actions)
        )

    def by_wildcard(self, permission: str) -> bool:
        """Whether this policy grants ``permission`` only through a ``*`` (entity or action), not by name."""
        _, entity, action = _split(permission)
        return self.grants(permission) and (self.entity != entity or action not in self.actions)

    @property
    def text(self) -> str:
        return f"{self.domain}:{self.entity}:{','.join(self.actions)}"


@dataclass(frozen=True)
class Role:
    """A role as gcdiag reasons about it: its id, name, plain permissions and policies."""

    id: str
    name: str
    permissions: tuple[str, ...] = ()
    policies: tuple[Policy, ...] = ()
    description: str = ""

    def granting_policy(self, permission: str) -> Policy | None:
        """The first policy that grants ``permission`` (None when none does, or a plain permission does)."""
        if permission in self.permissions:
            return None
        return next((p for p in self.policies if p.grants(permission)), None)

    def grant_reason(self, permission: str) -> str | None:
        """How this role grants ``permission`` (the permission or policy text), or None."""
        if permission in self.permissions:
            return permission
        for policy in self.policies:
            if policy.grants(permission):
                return f"policy {policy.text}"
        return None

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> Role:
        """From a ``DomainOrganizationRole`` JSON body (GET /api/v2/authorization/roles/{roleId})."""
        policies = tuple(
            Policy(
                domain=str(p.get("domain", "")),
                entity=str(p.get("entityName", "")),
                actions=tuple(str(a) for a in p.get("actionSet") or ()),
            )
            for p in body.get("permissionPolicies") or ()
        )
        return cls(
            id=str(body.get("id", "")),
            name=str(body.get("name", "")),
            permissions=tuple(str(p) for p in body.get("permissions") or ()),
            policies=policies,
            description=str(body.get("description") or ""),
        )


@dataclass(frozen=True)
class Grant:
    """A role granted in a division (``*`` = all divisions)."""

    role: Role
    division_id: str
    division_name: str = ""
    # Who the grant is made to (AuthzGrant.subjectId): a user's subject view also lists grants it holds through a
    # group, whose subjectId is the group's (INFERRED from the includeDuplicates docstring, [SDK-A]). "" = unknown.
    subject_id: str = ""

    def covers(self, divisions: Iterable[str]) -> bool:
        return self.division_id == ALL_DIVISIONS or self.division_id in set(divisions)

    @property
    def division_label(self) -> str:
        if self.division_id == ALL_DIVISIONS:
            return "all divisions (*)"
        return f"{self.division_name} ({self.division_id})" if self.division_name else self.division_id


@dataclass(frozen=True)
class Consideration:
    """One grant weighed for one permission."""

    permission: str
    role_id: str
    role_name: str
    division_id: str
    division: str
    has_permission: bool
    covers_division: bool | None  # None: division not relevant (permission not division-aware)
    applies: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "permission": self.permission,
            "role": {"id": self.role_id, "name": self.role_name},
            "division": {"id": self.division_id, "label": self.division},
            "has_permission": self.has_permission,
        }
        if self.covers_division is not None:  # not asked: the target is not division-scoped
            out["covers_division"] = self.covers_division
        out["applies"] = self.applies
        out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Evaluation:
    """The answer for one requirement, with every grant considered."""

    requirement_type: str | None
    required: tuple[str, ...]
    allowed: bool
    satisfied: tuple[str, ...]  # permissions held with a covering grant
    held_elsewhere: tuple[str, ...]  # permissions held, but only in divisions that do not cover the target
    missing: tuple[str, ...]  # permissions not held by any role
    deciding: Consideration | None
    considered: tuple[Consideration, ...]
    target_divisions: tuple[str, ...]
    division_assumed: tuple[str, ...] = field(default=())  # permissions whose divisionAware flag was unknown

    @property
    def permission_ok(self) -> bool:
        """Held in some division (ignoring where): separates 'missing permission' from 'wrong division'."""
        held = set(self.satisfied) | set(self.held_elsewhere)
        if not self.required:
            return True
        if self.requirement_type == "ALL":
            return all(p in held for p in self.required)
        return any(p in held for p in self.required)

    def to_dict(self) -> dict[str, Any]:
        """The evaluation as data; lists that are empty are left out (nothing satisfied, nothing missing…), and the
        deciding grant is named by its index in ``considered``."""
        out: dict[str, Any] = {
            "requirement": {"type": self.requirement_type, "permissions": list(self.required)},
            "allowed": self.allowed,
        }
        for key, values in (
            ("satisfied", self.satisfied),
            ("held_in_other_divisions_only", self.held_elsewhere),
            ("missing", self.missing),
            ("target_divisions", self.target_divisions),
            ("division_awareness_assumed_for", self.division_assumed),
        ):
            if values:
                out[key] = list(values)
        if self.deciding is not None:
            out["deciding_grant"] = (
                self.considered.index(self.deciding)
                if self.deciding in self.considered
                else (self.deciding.to_dict())
            )
        out["considered"] = [c.to_dict() for c in self.considered]
        return out


def evaluate(
    requirement_type: str | None,
    permissions: Sequence[str],
    grants: Sequence[Grant],
    target_divisions: Sequence[str] | None,
    division_aware: Mapping[str, bool | None] | None = None,
) -> Evaluation:
    """Evaluate a requirement against grants for a target living in ``target_divisions``.

    ``target_divisions=None`` means the target is not division-scoped (e.g. can-i without ``--division``):
    any grant of the permission counts.
    """
    division_aware = division_aware or {}
    targets = tuple(target_divisions) if target_divisions is not None else ()
    considered: list[Consideration] = []
    satisfied: list[str] = []
    elsewhere: list[str] = []
    missing: list[str] = []
    assumed: list[str] = []
    deciding: Consideration | None = None

    for permission in permissions:
        aware = division_aware.get(permission)
        if aware is None and target_divisions is not None:
            assumed.append(permission)
        scoped = target_divisions is not None and aware is not False
        held = covered = False
        for grant in grants:
            how = grant.role.grant_reason(permission)
            covers: bool | None = grant.covers(targets) if scoped else None
            applies = how is not None and covers is not False
            if how is None:
                reason = f"role {grant.role.name!r} does not grant {permission}"
            elif covers is False:
                reason = (
                    f"role {grant.role.name!r} grants {permission} ({how}) but only in "
                    f"{grant.division_label}, which does not cover the target's divisions"
                )
            elif covers is None and target_divisions is None:
                # Not compared with a target here (none is known, or the caller asks only whether the permission
                # is held: auth.permissions leaves divisions to auth.division), so the reason just says where.
                reason = f"role {grant.role.name!r} grants {permission} ({how}) in {grant.division_label}"
            elif covers is None:
                reason = (
                    f"role {grant.role.name!r} grants {permission} ({how}); {permission} is not division-aware, "
                    "so the division does not matter"
                )
            else:
                reason = f"role {grant.role.name!r} grants {permission} ({how}) in {grant.division_label}"
            item = Consideration(
                permission=permission,
                role_id=grant.role.id,
                role_name=grant.role.name,
                division_id=grant.division_id,
                division=grant.division_label,
                has_permission=how is not None,
                covers_division=covers,
                applies=applies,
                reason=reason,
            )
            considered.append(item)
            held = held or how is not None
            if applies:
                covered = True
                if deciding is None:
                    deciding = item
        if covered:
            satisfied.append(permission)
        elif held:
            elsewhere.append(permission)
        else:
            missing.append(permission)

    if not permissions:
        allowed = True
    elif requirement_type == "ALL":
        allowed = len(satisfied) == len(permissions)
    else:
        allowed = bool(satisfied)
    if not allowed:
        deciding = None
    return Evaluation(
        requirement_type=requirement_type,
        required=tuple(permissions),
        allowed=allowed,
        satisfied=tuple(satisfied),
        held_elsewhere=tuple(elsewhere),
        missing=tuple(missing),
        deciding=deciding,
        considered=tuple(considered),
        target_divisions=targets,
        division_assumed=tuple(assumed),
    )


def scopes_cover(required: Sequence[str] | None, held: Iterable[str]) -> bool | None:
    """Whether a token's scopes include one of an operation's alternative scopes; None when unknown.

    The catalog lists a read-write scope and its ``:readonly`` twin as alternatives where both work, so a plain
    membership test is the whole rule (genesys-facts §1.3); gcdiag adds no wildcard semantics it cannot source.
    """
    if required is None:
        return None
    if not required:
        return True
    have = set(held)
    return any(scope in have for scope in required)


def _split(permission: str) -> tuple[str, str, str]:
    parts = permission.split(":")
    if len(parts) != 3:
        return (permission, "", "")
    return parts[0], parts[1], parts[2]
