"""What the subject may do: its role x division grants, the divisions, ``divisionAware`` and
``divisionspermitted``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import FactError, Facts, FactUnavailable
from gcdiag.facts.http import http, pages, parallel
from gcdiag.facts.types import GrantSet, Identity, PermittedDivisions
from gcdiag.genesys.authz import Grant, Policy, Role
from gcdiag.genesys.targets import TargetCall


def fetch_divisions(facts: Facts) -> dict[str, dict[str, Any]]:
    """All divisions by id (``AuthzDivision``: id, name, homeDivision)."""
    out: dict[str, dict[str, Any]] = {}
    for body in pages(
        facts, "divisions", "reader", "/api/v2/authorization/divisions", shape=shapes.DIVISIONS_PAGE
    ):
        for div in body.get("entities") or ():
            out[str(div.get("id"))] = div
    return out


def _home_division(divisions: dict[str, dict[str, Any]]) -> str | None:
    for div_id, div in divisions.items():
        if div.get("homeDivision"):
            return div_id
    return None


def client_role_pairs(client: dict[str, Any]) -> list[tuple[str, str]]:
    """(role id, division id) of an OAuth client's ``roleDivisions`` ("" for no division)."""
    return [
        (str(rd.get("roleId")), str(rd.get("divisionId") or "")) for rd in client.get("roleDivisions") or ()
    ]


def fetch_grants(facts: Facts) -> GrantSet:
    ctx: RunContext = facts.context
    # Division names only label the grants: fetch them beside the grant chain, not in front of it.
    facts.prefetch(["divisions", "oauth_client"] if ctx.subject_client_id else ["divisions"])
    ident: Identity = facts.get("identity")
    if ident.kind == "client_credentials":
        client = facts.get("oauth_client")
        pairs = client_role_pairs(client)
        role_ids = sorted({r for r, _ in pairs})

        def read_role(role_id: str) -> Role:
            body = http(
                facts,
                "grants",
                "reader",
                "GET",
                "/api/v2/authorization/roles/{roleId}",
                path_params={"roleId": role_id},
                shape=shapes.ROLE,
                expect_id=("id", role_id, "role"),
            )
            return Role.from_api(body)

        roles = dict(zip(role_ids, parallel(facts, read_role, role_ids)))
        divisions, _ = facts.outcome("divisions")
        names = {k: str(v.get("name", "")) for k, v in (divisions or {}).items()}
        home = _home_division(divisions or {})
        grants = []
        for role_id, div in pairs:
            # An empty division means the home division (genesys-facts §4, Terraform docs).
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
            shape=shapes.SUBJECT,
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
                    Role(
                        str(role.get("id", "")),
                        str(role.get("name", "")),
                        (),
                        policies,
                        str(role.get("description") or ""),
                    ),
                    div_id,
                    str(division.get("name") or names.get(div_id, "")),
                    # AuthzGrant.subjectId: the user's own grant, or one through a group [SDK-M:authz_grant].
                    str(g.get("subjectId") or ""),
                )
            )
        return GrantSet(tuple(grants), "GET /api/v2/authorization/subjects/me")
    raise FactUnavailable(
        FactError("grants", "the token's grant type is unknown, so gcdiag cannot tell whose grants apply")
    )


def fetch_permission_info(facts: Facts) -> dict[str, bool | None]:
    """``divisionAware`` for the target call's permissions, from ``GET /api/v2/authorization/permissions``."""
    target: TargetCall = facts.get("target_call")
    wanted = set(target.operation.permissions if target.operation else ())
    wanted.update(target.extra_permissions)
    return division_awareness(facts, "permission_info", wanted)


def division_awareness(facts: Facts, fact: str, wanted: Iterable[str]) -> dict[str, bool | None]:
    """``divisionAware`` of each wanted permission (None: not listed), paging only until all are found."""
    out: dict[str, bool | None] = {p: None for p in wanted}
    if not out:
        return out

    def known() -> bool:  # every wanted permission found: no need to read further pages
        return all(v is not None for v in out.values())

    for body in pages(
        facts,
        fact,
        "reader",
        "/api/v2/authorization/permissions",
        enough=known,
        shape=shapes.PERMISSIONS_PAGE,
    ):
        for collection in body.get("entities") or ():
            for perms in (collection.get("permissionMap") or {}).values():
                for p in perms or ():
                    key = f"{p.get('domain')}:{p.get('entityType')}:{p.get('action')}"
                    if key in out and p.get("divisionAware") is not None:
                        out[key] = bool(p.get("divisionAware"))
    return out


def fetch_permitted_divisions(facts: Facts) -> dict[str, PermittedDivisions]:
    target: TargetCall = facts.get("target_call")
    permissions = list(target.operation.permissions if target.operation else ())

    return permitted_in(facts, "permitted_divisions", permissions)


def permitted_in(facts: Facts, fact: str, permissions: Sequence[str]) -> dict[str, PermittedDivisions]:
    """Genesys' own answer, with the subject's token, to "in which divisions does the subject hold P"."""

    def one(permission: str) -> PermittedDivisions:
        body = http(
            facts,
            fact,
            "subject",
            "GET",
            "/api/v2/authorization/divisionspermitted/paged/me",
            params={"permission": permission, "pageSize": 100, "pageNumber": 1},
            shape=shapes.PERMITTED_PAGE,
        )
        divisions = tuple((str(d.get("id")), str(d.get("name", ""))) for d in body.get("entities") or ())
        return PermittedDivisions(permission, bool(body.get("allDivsPermitted")), divisions)

    return dict(zip(permissions, parallel(facts, one, list(permissions))))
