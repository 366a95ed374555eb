"""Concrete fix text: which role to change, which grant to add, which call to make instead.

Shared by the checks and by ``can-i`` so that the same shortfall is always explained the same way. Every
endpoint named here is in the operation catalog (the bundled catalog); UI wording uses only the confirmed
"Domain > Entity > Action" permission label form (genesys-facts §4).
"""

from __future__ import annotations

from collections.abc import Sequence

from gcdiag.genesys.authz import Evaluation, Grant
from gcdiag.genesys.constants import ALL_DIVISIONS


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


def permission_fix(
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
) -> list[str]:
    """Steps that make ``evaluation`` allowed, most direct first.

    For an ANY requirement one permission is enough: ``prefer`` (the one matching what the call does, when the
    caller knows it), else the first missing. ``also_required`` are permissions the route needs besides the
    operation's own (all of them).
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
    steps: list[str] = []
    who = (
        f"the OAuth client {client_name!r}"
        if identity_kind == "client_credentials"
        else f"the user {user or ''}"
    ).strip()
    # Prefer a role the identity already holds where it matters (in *, else any), so one edit fixes it.
    ordered = sorted(grants, key=lambda g: (g.division_id != ALL_DIVISIONS, g.role.name))
    for permission in needed:
        if permission in evaluation.held_elsewhere:
            holder = next((g for g in grants if g.role.grant_reason(permission)), None)
            role = f"for example {holder.role.name!r}, id {holder.role.id}" if holder else permission
            if identity_kind == "client_credentials":
                steps.append(grant_role_to_client(role, division_label, client_name or "", client_id or ""))
            else:
                steps.append(grant_role_to_user(role, division_label, user or "this user"))
        elif ordered:
            target = ordered[0]
            steps.append(add_permission_to_role(permission, target.role.id, target.role.name, who))
        elif identity_kind == "client_credentials":
            steps.append(grant_role_to_client(permission, division_label, client_name or "", client_id or ""))
        else:
            steps.append(grant_role_to_user(permission, division_label, user or "this user"))
    if wanted and evaluation.requirement_type == "ANY" and len(evaluation.required) > 1:
        chosen = (
            f" {prefer} is the one for what this call does (inferred: Genesys lists permissions per operation, "
            "not per field)."
            if prefer in needed
            else ""
        )
        steps.append(f"Any one of these permissions is enough: {', '.join(evaluation.required)}.{chosen}")
    steps.append(
        "Permission changes can take a few minutes to take effect (Genesys Resource Center); run gcdiag again."
    )
    return steps
