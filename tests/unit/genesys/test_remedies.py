"""Where a missing permission goes (gcdiag/genesys/remedies.py): an existing role that grants it, in the target's
division; else a role the identity holds for the same purpose; else a new role named for the purpose."""

from __future__ import annotations

from gcdiag.genesys.authz import Grant, Policy, Role, evaluate
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.fixcode import Action
from gcdiag.genesys.remedies import existing_roles, near_misses, permission_fix_steps, purpose_role

PAUSE = "conversation:recording:pauseOthers"
SUPPORT = "d-support"
VIEWER = Role("r-viewer", "Recording Viewer", ("recording:recording:view", "conversation:communication:view"))
AARDVARK = Role("r-a", "Aardvark Reports", ("analytics:conversationDetail:view",))  # sorts first, unrelated
SUPERVISOR = Role(
    "r-sup", "Supervisor", (PAUSE, "conversation:communication:view", "recording:recording:view")
)
PAUSER = Role("r-pauser", "Pause Only", (), (Policy("conversation", "recording", ("pauseOthers",)),))
ADMIN = Role("r-admin", "Admin", (), (Policy("conversation", "*", ("*",)),))
CALL_REC = Role("r-callrec", "Call Recording", ("conversation:call:record",))


def steps(held: list[Role], org: list[Role] | None, division_ids: tuple[str, ...] = (SUPPORT,)) -> list:  # type: ignore[type-arg]
    grants = [Grant(r, ALL_DIVISIONS) for r in held]
    return permission_fix_steps(
        evaluate("ANY", [PAUSE], grants, None),
        grants,
        identity_kind="client_credentials",
        client_name="Integration",
        client_id="client-1",
        user=None,
        division_label="the division Support",
        division_ids=division_ids,
        org_roles=org,
    )


def test_an_existing_role_that_grants_it_is_assigned_in_the_targets_division() -> None:
    first = steps([AARDVARK, VIEWER], [AARDVARK, VIEWER, SUPERVISOR])[0]
    assert first.change is not None and first.change.action is Action.GRANT_ROLE
    assert first.change.role == SUPERVISOR and first.change.division_id == SUPPORT
    assert "the existing role 'Supervisor'" in first.text and "in the division Support" in first.text
    assert "Aardvark" not in first.text and "Recording Viewer" not in first.text
    assert "also grants" not in first.text  # what else Supervisor grants, the identity holds already
    bare = steps([AARDVARK], [AARDVARK, SUPERVISOR])[0]
    assert (
        "The role also grants conversation:communication:view, recording:recording:view, which the identity"
        in (bare.text)
    )


def test_the_least_privileged_role_wins_and_a_wildcard_admin_role_is_never_proposed() -> None:
    assert existing_roles(PAUSE, [ADMIN, SUPERVISOR, PAUSER]) == [PAUSER, SUPERVISOR]
    assert existing_roles(PAUSE, [ADMIN]) == []


def test_without_an_existing_role_the_identitys_recording_control_role_gets_the_permission() -> None:
    first = steps([AARDVARK, VIEWER, CALL_REC], [AARDVARK, VIEWER, CALL_REC])[0]
    assert first.change is not None and first.change.action is Action.ADD_PERMISSION
    assert first.change.role == CALL_REC
    assert (
        purpose_role(PAUSE, [Grant(VIEWER, "*"), Grant(AARDVARK, "*")]) is None
    )  # view is no control purpose


def test_with_nothing_fitting_a_new_role_named_for_the_purpose_is_proposed() -> None:
    first = steps([AARDVARK, VIEWER], [AARDVARK, VIEWER])[0]
    assert first.change is not None and first.change.action is Action.GRANT_ROLE and first.change.role is None
    assert first.text.startswith("Create a role named for its purpose, for example 'Recording Control'")
    assert "Aardvark" not in first.text and "Recording Viewer" not in first.text
    unread = steps([VIEWER], None)[0]
    assert "gcdiag could not read the org's roles" in unread.text


def test_near_misses_say_why_they_do_not_substitute_and_mark_the_inferred_pause_string() -> None:
    pause = Role("r-p", "Participant Pause", ("conversation:recording:pause",))
    found = dict(near_misses([PAUSE], [Grant(pause, "*"), Grant(VIEWER, "*")]))
    assert set(found) == {
        "conversation:recording:pause",
        "recording:recording:view",
        "conversation:communication:view",
    }
    assert "UNCONFIRMED" in found["conversation:recording:pause"]
    assert "participant" in found["conversation:recording:pause"]
    # A call that controls no recording has no near miss among these.
    assert near_misses(["directory:user:view"], [Grant(VIEWER, "*")]) == []


def test_a_user_is_granted_the_existing_role_through_a_bulk_grant_in_the_division() -> None:
    grants = [Grant(VIEWER, ALL_DIVISIONS, subject_id="user-1")]
    first = permission_fix_steps(
        evaluate("ANY", [PAUSE], grants, None),
        grants,
        identity_kind="user",
        client_name=None,
        client_id=None,
        user="Sam Agent",
        user_id="user-1",
        division_label="the division Support",
        division_ids=(SUPPORT,),
        org_roles=[VIEWER, SUPERVISOR],
    )[0]
    assert first.text.startswith("Grant the user Sam Agent the existing role 'Supervisor'")
    assert "POST /api/v2/authorization/roles/{roleId}" in first.text
    assert first.change is not None and first.change.division_id == SUPPORT
