"""What the sandbox serves for who-can: roles (paged, the permission filter), subject grants, OAuth clients,
groups and their members, the page-size cap, groups in the fixture vocabulary and group grants applied to members.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gcdiag.sandbox import FixtureError, load_fixture
from gcdiag.testing import fixture_data

from .conftest import inspector

PAUSE = "conversation:recording:pauseOthers"


def pages(api: Any, path: str, **params: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """Every entity of a listing, and the pageNumber of each page read (to its pageCount)."""
    entities: list[dict[str, Any]] = []
    numbers: list[int] = []
    number = 1
    while True:
        body = api.json(path, params={**params, "pageSize": 100, "pageNumber": number})
        entities += body["entities"]
        numbers.append(body["pageNumber"])
        if number >= body["pageCount"]:
            return entities, numbers
        number += 1


def test_lists_are_paged_under_the_fixture_cap(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("exposure")
    api = inspector(sb)
    roles, numbers = pages(api, "/api/v2/authorization/roles")
    assert len(roles) == len(sb.org.roles) and numbers == [1, 2, 3, 4]  # 7 roles, 2 a page
    assert all("permissionPolicies" in r for r in roles)
    first = api.json("/api/v2/authorization/roles", params={"pageSize": 100})
    assert first["pageSize"] == 2 and first["total"] == 7 and first["pageCount"] == 4


def test_role_subject_grants_name_users_groups_and_clients_with_their_divisions(
    sandbox: Callable[..., Any],
) -> None:
    sb = sandbox("exposure")
    org = sb.org
    api = inspector(sb)
    legacy = next(r.id for r in org.roles.values() if r.name == "Legacy Recording Control")
    found, _ = pages(api, f"/api/v2/authorization/roles/{legacy}/subjectgrants")
    by_name = {g["name"]: g for g in found}
    assert {n: g["type"] for n, g in by_name.items()} == {
        "Legacy WFM Sync": "PC_OAUTH_CLIENT",
        "Old Recorder Bridge": "PC_OAUTH_CLIENT",
    }
    # An all-divisions grant reads as "*" (the sandbox's best guess, UNCONFIRMED).
    assert by_name["Legacy WFM Sync"]["divisions"] == [{"id": "*", "name": "*"}]
    payments = next(d for d in org.divisions if d.name == "Payments")
    assert by_name["Old Recorder Bridge"]["divisions"][0]["id"] == payments.id
    supervisor = next(r.id for r in org.roles.values() if r.name == "Supervisor")
    found, numbers = pages(api, f"/api/v2/authorization/roles/{supervisor}/subjectgrants")
    assert {(g["name"], g["type"]) for g in found} == {
        ("Dana Supervisor", "PC_USER"),
        ("Ivy Former", "PC_USER"),
        ("Payments Supervisors", "PC_GROUP"),
    }
    assert numbers == [1, 2]
    assert api.get("/api/v2/authorization/roles/nope/subjectgrants").status_code == 404


def test_the_permission_filter_is_an_exact_policy_match(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("exposure")
    api = inspector(sb)
    filtered, _ = pages(api, "/api/v2/authorization/roles", permission=PAUSE)
    # The sandbox's best guess (UNCONFIRMED): a policy naming the permission, so the conversation:*:* role is not
    # returned — one reason gcdiag never relies on the filter for completeness.
    assert {r["name"] for r in filtered} == {"Supervisor", "Legacy Recording Control"}


def test_oauth_clients_list_every_client_on_one_page(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("exposure")
    body = inspector(sb).json("/api/v2/oauth/clients")
    assert body["pageCount"] == 1 and len(body["entities"]) == len(sb.org.clients)
    states = {c["name"]: c["state"] for c in body["entities"]}
    assert states["Old Recorder Bridge"] == "disabled" and states["Analytics Export"] == "inactive"
    assert all("secret" not in c for c in body["entities"])


def test_groups_and_members(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("exposure")
    api = inspector(sb)
    group = next(g for g in sb.org.groups.values() if g.name == "Payments Supervisors")
    listed = api.json("/api/v2/groups", params={"id": [group.id]})
    assert [g["id"] for g in listed["entities"]] == [group.id]
    assert listed["entities"][0]["rolesEnabled"] is True and listed["entities"][0]["memberCount"] == 2
    members, numbers = pages(api, f"/api/v2/groups/{group.id}/members")
    assert {m["name"] for m in members} == {"Paula Payments Lead", "Sam Agent"} and numbers == [1]
    assert api.get("/api/v2/groups/nope/members").status_code == 404


def test_a_group_grant_applies_to_its_members(
    sandbox: Callable[..., Any], write_fixture: Callable[..., Path]
) -> None:
    org = load_fixture("exposure")
    paula = next(u for u in org.users.values() if u.name == "Paula Payments Lead")
    group = next(g for g in org.groups.values() if g.name == "Payments Supervisors")
    grants = org.user_grants(paula)
    assert [(s, org.roles[r].name) for s, r, _ in grants] == [(group.id, "Supervisor")]
    # A group whose roles are switched off confers nothing.
    sam = next(u for u in org.users.values() if u.name == "Sam Agent")
    assert {s for s, _, _ in org.user_grants(sam)} == {sam.id, group.id}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["groups"][0]["members"].append("nobody"), r"groups\[0\]\.members\[2\]: unknown user id"),
        (lambda d: d["groups"][0].update(state="gone"), r"groups\[0\]\.state: unknown value 'gone'"),
        (
            lambda d: d["groups"][0].update(roles_enabled=False),
            r"groups\[0\]\.role_divisions: expected none: roles_enabled is false",
        ),
        (
            lambda d: d["groups"][0].update(id=d["users"][0]["id"]),
            r"groups\[0\]\.id: id .* is already a user",
        ),
        (
            lambda d: d["faults"].update(max_page_size=0),
            r"faults\.max_page_size: expected an integer at least 1",
        ),
    ],
)
def test_group_and_paging_vocabulary_is_validated(
    write_fixture: Callable[..., Path], change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = fixture_data("exposure")
    change(data)
    with pytest.raises(FixtureError, match=message):
        load_fixture(write_fixture(data))
