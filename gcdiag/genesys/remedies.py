"""Concrete fix text: which role to change, which grant to add, which call to make instead.

Shared by the checks and by ``can-i`` so that the same shortfall is always explained the same way. Every
endpoint named here is in the operation catalog (the bundled catalog); UI wording uses only the confirmed
"Domain > Entity > Action" permission label form (genesys-facts §4).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from gcdiag.genesys.authz import Evaluation, Grant, Role
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.exposure import RECORDING_CONTROL
from gcdiag.genesys.fixcode import Action, Change, ExistingGrant, FixSubject, SubjectKind

# The permissions that control a live call recording (pause, resume, the ad hoc flag, snippets): a role granting one
# of them has the purpose "recording control", so a recording-control permission may be added to it.
LIVE_RECORDING_CONTROL = tuple(
    p.permission for p in RECORDING_CONTROL if p.permission.startswith("conversation:")
)
# The name proposed for a new role when no existing role fits (named for its purpose, never after an identity).
NEW_ROLE_NAME = "Recording Control"


@dataclass(frozen=True)
class FixStep:
    """One step of a fix: its text, and the configuration change it asks for in structured form (None for steps
    that change no configuration: another endpoint, a note). :mod:`gcdiag.genesys.fixcode` writes the change as
    API requests, Terraform and gc CLI commands."""

    text: str
    change: Change | None = None


def permission_label(permission: str) -> str:
    """``conversation:recording:pauseOthers`` → ``Conversation > Recording > PauseOthers`` (the UI form)."""
    parts = permission.split(":")
    if len(parts) != 3:
        return permission
    return " > ".join(p[:1].upper() + p[1:] for p in parts)


def add_permission_to_role(permission: str, role_id: str, role_name: str, who: str) -> str:
    return (
        f"Add the permission {permission} (UI: {permission_label(permission)}) to role {role_name!r} "
        f"(id {role_id}), which {who} already holds. API: PUT /api/v2/authorization/roles/{{roleId}} with the "
        "permission added to permissionPolicies (needs authorization:role:edit)."
    )


def grant_role_to_client(role: str, division: str, client_name: str, client_id: str) -> str:
    """``role`` is the role phrase: 'a role that has the permission (…)', 'the existing role …'."""
    return (
        f"Grant the OAuth client {client_name!r} (id {client_id}) {role} in {division}. API: PUT "
        "/api/v2/oauth/clients/{clientId} with the role–division pair added to roleDivisions (needs "
        "oauth:client:edit)."
    )


def grant_role_to_user(role: str, division: str, user: str) -> str:
    return (
        f"Grant the user {user} {role} in {division}. "
        "API: POST /api/v2/authorization/roles/{roleId} (bulk-grant subjects and divisions; needs "
        "authorization:grant:add)."
    )


def create_role(permission: str, *, roles_read: bool = True) -> str:
    """The first half of a fix that needs a new role (named for its purpose, never after an identity)."""
    unread = (
        ""
        if roles_read
        else " (or use an existing role that grants it: gcdiag could not read the org's roles to look for one)"
    )
    return (
        f"Create a role named for its purpose, for example {NEW_ROLE_NAME!r}, with {permission} (UI: "
        f"{permission_label(permission)}; API: POST /api/v2/authorization/roles, needs authorization:role:add)"
        f"{unread}; then "
    )


def fix_subject(
    identity_kind: str,
    grants: Sequence[Grant],
    *,
    client_id: str | None,
    client_name: str | None,
    client_grant_type: str | None = None,
    user_id: str | None = None,
    user: str | None = None,
) -> FixSubject:
    """The identity a fix is for, with the grants it holds itself (a user's grants through groups excluded)."""
    if identity_kind == "client_credentials":
        kind, ident, name = SubjectKind.OAUTH_CLIENT, client_id or "", client_name or ""
    else:
        kind, ident, name = SubjectKind.USER, user_id or "", user or ""
    own = tuple(
        ExistingGrant(role_id=g.role.id, role_name=g.role.name, division_id=g.division_id)
        for g in grants
        if not g.subject_id or g.subject_id == ident
    )
    return FixSubject(kind=kind, id=ident, name=name, grant_type=client_grant_type, grants=own)


def permission_fix_steps(
    evaluation: Evaluation,
    grants: Sequence[Grant],
    *,
    identity_kind: str,
    client_name: str | None,
    client_id: str | None,
    user: str | None,
    division_label: str,
    prefer: str | None = None,
    also_required: Sequence[str] = (),
    user_id: str | None = None,
    client_grant_type: str | None = None,
    division_ids: Sequence[str] = (),
    org_roles: Sequence[Role] | None = None,
) -> list[FixStep]:
    """Steps that make ``evaluation`` allowed, most direct first, each with its structured change.

    For an ANY requirement one permission is enough: ``prefer`` (the one matching what the call does, when the
    caller knows it), else the first missing. ``also_required`` are permissions the route needs besides the
    operation's own (all of them). ``division_ids`` are the target's divisions, when known (a grant in the first
    one is proposed). ``org_roles`` are the org's roles (GET /api/v2/authorization/roles; None: not read), without
    roles whose policy for the permission carries a condition.
    """
    wanted = list(evaluation.missing) + [p for p in evaluation.held_elsewhere if p not in evaluation.missing]
    if evaluation.allowed:
        wanted = []
    if not wanted and not also_required:
        return []
    if evaluation.requirement_type == "ALL":
        needed = wanted
    else:
        needed = [prefer if prefer in wanted else wanted[0]] if wanted else []
    needed += [p for p in also_required if p not in needed]
    steps: list[FixStep] = []
    who = (
        f"the OAuth client {client_name!r}"
        if identity_kind == "client_credentials"
        else f"the user {user or ''}"
    ).strip()
    subject = fix_subject(
        identity_kind,
        grants,
        client_id=client_id,
        client_name=client_name,
        client_grant_type=client_grant_type,
        user_id=user_id,
        user=user,
    )
    division_id = division_ids[0] if division_ids else None

    def grant(permission: str, role: Role | None, role_text: str) -> FixStep:
        if identity_kind == "client_credentials":
            text = grant_role_to_client(role_text, division_label, client_name or "", client_id or "")
        else:
            text = grant_role_to_user(role_text, division_label, user or "this user")
        change = Change(
            action=Action.GRANT_ROLE,
            permission=permission,
            subject=subject,
            role=role,
            division_id=division_id,
            division_label=division_label,
        )
        return FixStep(text, change if subject.id else None)

    held_ids = {g.role.id for g in grants}
    for permission in needed:
        if permission in evaluation.held_elsewhere:
            # The identity holds it, only not where the target is: the same role, granted where it is needed.
            holder = next((g for g in grants if g.role.grant_reason(permission)), None)
            role = f"for example {holder.role.name!r}, id {holder.role.id}" if holder else permission
            steps.append(
                grant(permission, holder.role if holder else None, f"a role that has the permission ({role})")
            )
            continue
        # Where an admin would put it: an existing role that already grants it, assigned where it is needed; else
        # a role the identity holds for the same purpose; else a new role named for the purpose. Never an
        # unrelated role because it came first.
        existing = existing_roles(permission, org_roles or (), exclude=held_ids)
        purpose = purpose_role(permission, grants)
        if existing:
            best = existing[0]
            others = other_grants(best, permission, grants)
            step = grant(
                permission,
                best,
                f"the existing role {best.name!r} (id {best.id}), which grants {permission},",
            )
            also = (
                f" The role also grants {', '.join(others)}, which the identity does not hold yet: check that it "
                "may have these too."
                if others
                else ""
            )
            steps.append(replace(step, text=step.text + also))
        elif purpose is not None:
            steps.append(
                FixStep(
                    add_permission_to_role(permission, purpose.id, purpose.name, who)
                    + f" The role already controls recordings ({', '.join(_controls(purpose))}).",
                    Change(
                        action=Action.ADD_PERMISSION, permission=permission, subject=subject, role=purpose
                    ),
                )
            )
        else:
            step = grant(permission, None, "that role")
            first = create_role(permission, roles_read=org_roles is not None)
            steps.append(replace(step, text=first + step.text[:1].lower() + step.text[1:]))
    if wanted and evaluation.requirement_type == "ANY" and len(evaluation.required) > 1:
        chosen = (
            f" {prefer} is the one for what this call does (inferred: Genesys lists permissions per operation, "
            "not per field)."
            if prefer in needed
            else ""
        )
        steps.append(
            FixStep(f"Any one of these permissions is enough: {', '.join(evaluation.required)}.{chosen}")
        )
    steps.append(
        FixStep(
            "Permission changes can take a few minutes to take effect (Genesys Resource Center); run gcdiag again."
        )
    )
    return steps


def existing_roles(permission: str, roles: Sequence[Role], *, exclude: Collection[str] = ()) -> list[Role]:
    """Roles of the org that grant ``permission`` by name, best first: a recording-control purpose first, then the
    fewest other rights (least privilege), then by name. A role that grants it only through a ``*`` (an admin
    role) is left out: assigning it would grant far more than the fix needs."""
    found = [
        r
        for r in roles
        if r.id not in exclude and r.grant_reason(permission) and not _by_wildcard(r, permission)
    ]
    return sorted(
        found, key=lambda r: (not _controls(r, besides=permission), len(other_grants(r, permission)), r.name)
    )


def _by_wildcard(role: Role, permission: str) -> bool:
    policy = role.granting_policy(permission)
    return policy is not None and policy.by_wildcard(permission)


def purpose_role(permission: str, grants: Sequence[Grant]) -> Role | None:
    """A role the identity holds whose purpose is recording control (it grants a live-recording-control
    permission), for a recording-control ``permission``; None otherwise."""
    if permission not in LIVE_RECORDING_CONTROL:
        return None
    ordered = sorted(grants, key=lambda g: (g.division_id != ALL_DIVISIONS, g.role.name))
    return next((g.role for g in ordered if _controls(g.role, besides=permission)), None)


def _controls(role: Role, besides: str = "") -> list[str]:
    return [p for p in LIVE_RECORDING_CONTROL if p != besides and role.grant_reason(p)]


def other_grants(role: Role, permission: str, held: Sequence[Grant] = ()) -> list[str]:
    """What else ``role`` grants (its permissions, one per action of each policy), leaving out ``permission`` and
    what the ``held`` grants already give: what assigning the role adds besides the fix."""
    granted = list(role.permissions) + [
        f"{policy.domain}:{policy.entity}:{action}" for policy in role.policies for action in policy.actions
    ]
    return [
        p for p in dict.fromkeys(granted) if p != permission and not any(g.role.grant_reason(p) for g in held)
    ]


# Permissions an identity may hold instead of the one a call lists, and why each does not substitute. Genesys
# checks the permissions an operation lists by name (genesys-facts §4: a grant matches domain:entity:action, with
# * the only wildcard), so a neighbour never stands in; the text says what each one is for instead.
_NEAR_MISS_WHY = {
    "conversation:recording:pause": (
        "it is the inferred string form of 'Conversation > Recording > Pause' (UNCONFIRMED, genesys-facts §10.12), "
        "which lets a user who is a participant pause through PATCH /api/v2/conversations/calls/{conversationId}; "
        "the …/recordingstate operations list only conversation:recording:pauseOthers (genesys-facts §3.2)"
    ),
    "conversation:recording:pauseOthers": (
        "it is the permission of secure pause (the …/recordingstate operations, genesys-facts §3.2 a-b), not one "
        "this operation lists"
    ),
    "conversation:call:record": (
        "it is listed for the participant recording flag that switches an ad hoc recording off (genesys-facts "
        "§3.2 d), not for this operation"
    ),
    "conversation:recording:snippetRecord": "it starts or stops snippet recordings only (genesys-facts §3.2 e)",
    "recording:recording:view": "it lets the identity read recordings; a view permission changes nothing",
    "conversation:communication:view": "it lets the identity read conversations; a view permission changes nothing",
}


def near_misses(required: Sequence[str], grants: Sequence[Grant]) -> list[tuple[str, str]]:
    """(permission, why it does not substitute) for each neighbour of ``required`` the identity holds: a
    recording-control or view permission that is not one the operation lists. Only for a call that controls a
    recording: elsewhere these neighbours are no near miss."""
    if not set(required) & set(LIVE_RECORDING_CONTROL):
        return []
    out = []
    for permission, why in _NEAR_MISS_WHY.items():
        if permission in required:
            continue
        if any(g.role.grant_reason(permission) for g in grants):
            out.append((permission, why))
    return out
