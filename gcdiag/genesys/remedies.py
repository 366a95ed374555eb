"""Concrete fix text: which role to change, which grant to add, which call to make instead.

Shared by the checks and by ``can-i`` so that the same shortfall is always explained the same way. Every
endpoint named here is in the operation catalog (the bundled catalog); UI wording uses only the confirmed
"Domain > Entity > Action" permission label form (genesys-facts §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gcdiag.genesys.authz import Evaluation, Grant, Role
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.fixcode import Action, Change, ExistingGrant, FixSubject, SubjectKind


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
    return (
        f"Grant the OAuth client {client_name!r} (id {client_id}) a role that has the permission ({role}) in "
        f"{division}. API: PUT /api/v2/oauth/clients/{{clientId}} with the role–division pair added to "
        "roleDivisions (needs oauth:client:edit)."
    )


def grant_role_to_user(role: str, division: str, user: str) -> str:
    return (
        f"Grant the user {user} a role that has the permission ({role}) in {division}. "
        "API: POST /api/v2/authorization/roles/{roleId} (bulk-grant subjects and divisions; needs "
        "authorization:grant:add)."
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
) -> list[FixStep]:
    """Steps that make ``evaluation`` allowed, most direct first, each with its structured change.

    For an ANY requirement one permission is enough: ``prefer`` (the one matching what the call does, when the
    caller knows it), else the first missing. ``also_required`` are permissions the route needs besides the
    operation's own (all of them). ``division_ids`` are the target's divisions, when known (a grant in the first
    one is proposed).
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

    # Prefer a role the identity already holds where it matters (in *, else any), so one edit fixes it.
    ordered = sorted(grants, key=lambda g: (g.division_id != ALL_DIVISIONS, g.role.name))
    for permission in needed:
        if permission in evaluation.held_elsewhere:
            holder = next((g for g in grants if g.role.grant_reason(permission)), None)
            role = f"for example {holder.role.name!r}, id {holder.role.id}" if holder else permission
            steps.append(grant(permission, holder.role if holder else None, role))
        elif ordered:
            target = ordered[0]
            steps.append(
                FixStep(
                    add_permission_to_role(permission, target.role.id, target.role.name, who),
                    Change(
                        action=Action.ADD_PERMISSION, permission=permission, subject=subject, role=target.role
                    ),
                )
            )
        else:
            steps.append(grant(permission, None, permission))
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
