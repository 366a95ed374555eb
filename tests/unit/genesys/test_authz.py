"""The permission evaluator: ANY/ALL, wildcard policies, divisions, division-awareness, explanations."""

from __future__ import annotations

from gcdiag.genesys.authz import Grant, Policy, Role, evaluate, scopes_cover

PAUSE = "conversation:recording:pauseOthers"
VIEW = "recording:recording:view"
viewer = Role("r1", "Recording Viewer", (), (Policy("recording", "recording", ("view",)),))
pauser = Role("r2", "Pauser", (), (Policy("conversation", "recording", ("pauseOthers",)),))
wild = Role("r3", "Conversation Admin", (), (Policy("conversation", "*", ("*",)),))
plain = Role("r4", "Plain", (PAUSE,), ())


def test_policy_matching_rules() -> None:
    assert Policy("conversation", "recording", ("pauseOthers",)).grants(PAUSE)
    assert Policy("conversation", "*", ("pauseOthers",)).grants(PAUSE)
    assert Policy("conversation", "recording", ("*",)).grants(PAUSE)
    assert not Policy("conversation", "recording", ("pause",)).grants(PAUSE)
    assert not Policy("recording", "recording", ("*",)).grants(PAUSE)
    assert not Policy("conversation", "call", ("*",)).grants(PAUSE)
    assert plain.grant_reason(PAUSE) == PAUSE
    assert wild.grant_reason(PAUSE) == "policy conversation:*:*"


def test_any_allowed_names_the_deciding_grant() -> None:
    ev = evaluate("ANY", [PAUSE], [Grant(viewer, "*"), Grant(pauser, "*")], None)
    assert ev.allowed
    assert ev.deciding is not None and ev.deciding.role_name == "Pauser"
    assert len(ev.considered) == 2
    assert not ev.considered[0].applies and "does not grant" in ev.considered[0].reason


def test_missing_permission() -> None:
    ev = evaluate("ANY", [PAUSE], [Grant(viewer, "*")], ["d1"])
    assert not ev.allowed and ev.missing == (PAUSE,) and ev.deciding is None
    assert not ev.permission_ok


def test_all_needs_every_permission() -> None:
    ev = evaluate("ALL", [PAUSE, VIEW], [Grant(pauser, "*")], None)
    assert not ev.allowed and ev.satisfied == (PAUSE,) and ev.missing == (VIEW,)
    ev = evaluate("ALL", [PAUSE, VIEW], [Grant(pauser, "*"), Grant(viewer, "*")], None)
    assert ev.allowed


def test_wrong_division_is_held_elsewhere() -> None:
    ev = evaluate("ANY", [PAUSE], [Grant(pauser, "home", "Home")], ["support"], {PAUSE: True})
    assert not ev.allowed
    assert ev.held_elsewhere == (PAUSE,) and ev.missing == ()
    assert ev.permission_ok
    assert "only in Home (home)" in ev.considered[0].reason


def test_star_division_and_matching_division_cover() -> None:
    assert evaluate("ANY", [PAUSE], [Grant(pauser, "*")], ["support"], {PAUSE: True}).allowed
    assert evaluate("ANY", [PAUSE], [Grant(pauser, "support")], ["home", "support"], {PAUSE: True}).allowed


def test_not_division_aware_ignores_divisions_and_unknown_is_assumed_aware() -> None:
    assert evaluate("ANY", [PAUSE], [Grant(pauser, "home")], ["support"], {PAUSE: False}).allowed
    ev = evaluate("ANY", [PAUSE], [Grant(pauser, "home")], ["support"], {})
    assert not ev.allowed and ev.division_assumed == (PAUSE,)


def test_no_requirement_is_allowed() -> None:
    assert evaluate(None, [], [], ["x"]).allowed


def test_role_from_api_body() -> None:
    role = Role.from_api(
        {
            "id": "r",
            "name": "R",
            "permissions": ["group_creation"],
            "permissionPolicies": [
                {"domain": "conversation", "entityName": "recording", "actionSet": ["pauseOthers"]}
            ],
        }
    )
    assert role.grant_reason(PAUSE) and not role.grant_reason(VIEW)


def test_scopes_cover() -> None:
    assert scopes_cover(("conversations",), ["conversations"]) is True
    assert scopes_cover(("conversations",), ["conversations:readonly"]) is False
    assert scopes_cover(("recordings", "recordings:readonly"), ["recordings:readonly"]) is True
    assert scopes_cover(None, ["x"]) is None
    assert scopes_cover((), []) is True
