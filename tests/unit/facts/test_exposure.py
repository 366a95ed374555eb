"""The who-can facts on a fake reader: every list paged to its end, the permission matched by gcdiag itself, the
OAuth clients' role divisions, group members, and what could not be read kept with what would let gcdiag read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gcdiag.facts.exposure import holdings
from gcdiag.facts.types import Exposure

from .test_fetchers import DIVISIONS, HOME, SUPPORT, FakeReader, facts_on

PAUSE = "conversation:recording:pauseOthers"
ROLE_A, ROLE_B, ROLE_C = "role-a", "role-b", "role-c"
CLIENT_LIVE, CLIENT_OFF = "client-live", "client-off"
GROUP, USER, MEMBER = "group-1", "user-1", "user-2"


def _paged(entities: list[dict[str, Any]], size: int = 2) -> Any:
    """A listing that answers ``size`` entities a page whatever pageSize asks (pages counted from 1)."""

    def answer(params: Mapping[str, Any]) -> tuple[int, Any]:
        number = int(params.get("pageNumber", 1))
        page = entities[(number - 1) * size : number * size]
        return 200, {"entities": page, "pageNumber": number, "pageCount": max(1, -(-len(entities) // size))}

    return answer


def _policy(domain: str, entity: str, *actions: str) -> dict[str, Any]:
    return {"domain": domain, "entityName": entity, "actionSet": list(actions)}


ROLES = [
    {
        "id": ROLE_A,
        "name": "Pausers",
        "permissionPolicies": [_policy("conversation", "recording", "pauseOthers")],
    },
    {"id": ROLE_B, "name": "Conversation Admin", "permissionPolicies": [_policy("conversation", "*", "*")]},
    {"id": ROLE_C, "name": "Viewers", "permissionPolicies": [_policy("conversation", "recording", "view")]},
]


def _routes(**override: Any) -> dict[str, Any]:
    grants = {
        ROLE_A: [
            {
                "id": USER,
                "name": "Dana",
                "type": "PC_USER",
                "divisions": [{"id": SUPPORT, "name": "Support"}],
            },
            {"id": GROUP, "name": "Team", "type": "PC_GROUP", "divisions": [{"id": HOME, "name": "Home"}]},
            {"id": CLIENT_LIVE, "name": "Live", "type": "PC_OAUTH_CLIENT", "divisions": [{"id": "*"}]},
        ],
        ROLE_B: [],
    }
    routes: dict[str, Any] = {
        "GET /api/v2/authorization/roles": _paged(ROLES),
        "GET /api/v2/oauth/clients": (
            200,
            {
                "entities": [
                    {
                        "id": CLIENT_LIVE,
                        "name": "Live",
                        "state": "active",
                        "authorizedGrantType": "CLIENT-CREDENTIALS",
                        "roleDivisions": [{"roleId": ROLE_A, "divisionId": "*"}],
                    },
                    {
                        "id": CLIENT_OFF,
                        "name": "Off",
                        "state": "disabled",
                        "authorizedGrantType": "CLIENT-CREDENTIALS",
                        # An empty divisionId is the home division (genesys-facts §4).
                        "roleDivisions": [{"roleId": ROLE_B, "divisionId": ""}],
                    },
                    {
                        "id": "code-client",
                        "name": "Desktop",
                        "state": "active",
                        "authorizedGrantType": "CODE",
                    },
                ],
                "pageCount": 1,
            },
        ),
        "GET /api/v2/groups": (200, {"entities": [{"id": GROUP, "state": "active", "rolesEnabled": True}]}),
        "GET /api/v2/groups/{groupId}/members": _paged(
            [
                {"id": MEMBER, "name": "Paula", "state": "active"},
                {"id": USER, "name": "Dana", "state": "active"},
            ],
            size=1,
        ),
        # A user named by the subject grants: its state is read by id.
        "GET /api/v2/users": (200, {"entities": [{"id": USER, "name": "Dana", "state": "inactive"}]}),
        "GET /api/v2/authorization/divisions": DIVISIONS,
        "GET /api/v2/authorization/permissions": (
            200,
            {
                "entities": [
                    {
                        "permissionMap": {
                            "recording": [
                                {
                                    "domain": "conversation",
                                    "entityType": "recording",
                                    "action": "pauseOthers",
                                    "divisionAware": True,
                                }
                            ]
                        }
                    }
                ],
                "pageCount": 1,
            },
        ),
    }
    for role, entities in grants.items():
        routes[f"{SUBJECT_GRANTS}#{role}"] = _paged(entities)
    routes[f"{SUBJECT_GRANTS}#{ROLE_C}"] = _paged([])
    routes.update(override)
    return routes


SUBJECT_GRANTS = "GET /api/v2/authorization/roles/{roleId}/subjectgrants"


class _Reader(FakeReader):
    """A fake reader that answers a role's reads per role (``…/roles/{roleId}[/subjectgrants]#ROLE_ID``)."""

    def request(
        self, method: str, template: str, *, path_params: Mapping[str, Any] | None = None, **kw: Any
    ) -> Any:
        if template.startswith("/api/v2/authorization/roles/{roleId}"):
            template = f"{template}#{(path_params or {})['roleId']}"
        return super().request(method, template, path_params=path_params, **kw)


def _exposure(routes: dict[str, Any], *permissions: str) -> tuple[Exposure, _Reader]:
    reader = _Reader("inspector", routes)
    subject = FakeReader("subject", {})
    with facts_on(subject, reader, permissions=permissions or (PAUSE,)) as facts:
        exposure: Exposure = facts.get("exposure")
    return exposure, reader


def _who(exposure: Exposure, **query: Any) -> set[tuple[str, str, str, str]]:
    return {
        (h.holder.kind, h.holder.id, h.role.id, h.holder.via_group[0] if h.holder.via_group else "")
        for h in holdings(exposure, **query)
    }


def test_every_holder_is_found_through_subject_grants_client_roles_and_group_members() -> None:
    exposure, reader = _exposure(_routes())
    assert _who(exposure) == {
        ("oauth_client", CLIENT_LIVE, ROLE_A, ""),
        ("oauth_client", CLIENT_OFF, ROLE_B, ""),  # a wildcard role, read from the client's roleDivisions
        ("user", USER, ROLE_A, ""),
        ("user", USER, ROLE_A, GROUP),  # Dana also holds it through the group
        ("user", MEMBER, ROLE_A, GROUP),
        ("group", GROUP, ROLE_A, ""),
    }
    assert exposure.roles_read == 3 and {r.role.id for r in exposure.roles} == {ROLE_A, ROLE_B}
    # Every list was read to its last page: roles (2 pages of 2), each member list (1 a page).
    pages = [p.get("pageNumber") for m, t, p in reader.log if t == "/api/v2/authorization/roles"]
    assert pages == [1, 2]
    members = [p.get("pageNumber") for m, t, p in reader.log if t.endswith("/members")]
    assert members == [1, 2]
    # The roles list is read without its unconfirmed permission filter, and without the slow userCount.
    assert all(
        "permission" not in p and p.get("userCount") == "false"
        for m, t, p in reader.log
        if t == "/api/v2/authorization/roles"
    )
    assert exposure.unread == ()


def test_how_each_holds_it_wildcard_all_divisions_group_and_state() -> None:
    exposure, _ = _exposure(_routes())
    found = {(h.holder.kind, h.holder.id, h.holder.via_group is not None): h for h in holdings(exposure)}
    off = found[("oauth_client", CLIENT_OFF, False)]
    assert off.wildcard and off.granted_by == "policy conversation:*:*" and off.holder.state == "disabled"
    assert off.division_ids == (HOME,)  # "" → the home division
    live = found[("oauth_client", CLIENT_LIVE, False)]
    assert live.all_divisions and not live.wildcard
    # Read from both sources and merged, not listed twice.
    assert set(live.holder.sources) == {
        "GET /api/v2/authorization/roles/{roleId}/subjectgrants",
        "GET /api/v2/oauth/clients roleDivisions",
    }
    assert found[("user", USER, False)].holder.state == "inactive"
    member = found[("user", MEMBER, True)]
    assert member.holder.via_group == (GROUP, "Team") and member.division_ids == (HOME,)


def test_division_filter_counts_grants_in_that_division_or_in_all() -> None:
    exposure, _ = _exposure(_routes())
    assert _who(exposure, division=SUPPORT) == {
        ("oauth_client", CLIENT_LIVE, ROLE_A, ""),
        ("user", USER, ROLE_A, ""),
    }


def test_all_requirement_needs_every_permission_across_own_and_group_grants() -> None:
    view = "conversation:recording:view"
    exposure, _ = _exposure(_routes(), PAUSE, view)
    both = {(k, i) for k, i, _, _ in _who(exposure, requirement="ALL")}
    # Only the wildcard role grants both; the "Pausers" holders lack view (ROLE_C is granted to nobody).
    assert both == {("oauth_client", CLIENT_OFF)}
    anyone = {(k, i) for k, i, _, _ in _who(exposure, requirement="ANY")}
    assert ("user", MEMBER) in anyone


def test_roles_listed_without_policies_are_read_one_by_one() -> None:
    bare = [{"id": r["id"], "name": r["name"]} for r in ROLES]
    full = {r["id"]: r for r in ROLES}
    routes = _routes(
        **{
            "GET /api/v2/authorization/roles": _paged(bare),
            **{f"GET /api/v2/authorization/roles/{{roleId}}#{r}": (200, full[r]) for r in full},
        }
    )
    reader = _Reader("inspector", routes)
    with facts_on(FakeReader("subject", {}), reader, permissions=(PAUSE,)) as facts:
        roles = facts.get("org_roles")
    assert len([t for _, t, _ in reader.log if t.startswith("/api/v2/authorization/roles/{roleId}#")]) == 3
    assert all(r.role.policies for r in roles)


def test_a_refused_read_is_kept_with_what_would_let_gcdiag_read_it() -> None:
    exposure, _ = _exposure(
        _routes(**{"GET /api/v2/oauth/clients": (403, {"code": "missing.any.permissions"})})
    )
    assert [e.request for e in exposure.unread] == ["GET /api/v2/oauth/clients"]
    assert "oauth:client:view" in exposure.unread[0].remedy
    # The subject grants still list the client that holds the role.
    assert ("oauth_client", CLIENT_LIVE, ROLE_A, "") in _who(exposure)


def test_a_client_list_that_says_it_has_more_pages_is_incomplete() -> None:
    routes = _routes()
    status, body = routes["GET /api/v2/oauth/clients"]
    routes["GET /api/v2/oauth/clients"] = (status, {**body, "pageCount": 2})
    exposure, reader = _exposure(routes)
    assert any("page 1 of 2" in e.reason for e in exposure.unread)
    # The operation takes no paging parameters: gcdiag asks once, without any.
    assert [p for _, t, p in reader.log if t == "/api/v2/oauth/clients"] == [{}]


def test_roles_unreadable_means_no_exposure() -> None:
    reader = _Reader(
        "inspector",
        _routes(**{"GET /api/v2/authorization/roles": (403, {"code": "missing.any.permissions"})}),
    )
    with facts_on(FakeReader("subject", {}), reader, permissions=(PAUSE,)) as facts:
        _, error = facts.outcome("exposure")
    assert error is not None and error.request == "GET /api/v2/authorization/roles"
    assert "authorization:role:view" in error.remedy
