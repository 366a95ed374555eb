"""The inference rules of the auth checks on hand-built facts (issue #16 items 1, 2): a refused read is evidence,
and an inspector's read of the subject's OAuth client says why it got no token. Each rule has a case where it
concludes (pass or fail, marked inferred, with its chain of evidence) and one where it must not (the error stands).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from checks.auth import auth_division, auth_scopes, auth_token
from gcdiag.facts.engine import FactError
from gcdiag.genesys.authz import Policy, Role
from gcdiag.genesys.constants import TOKEN_PATH
from gcdiag.report.model import Basis, Status
from gcdiag.testing.facts import (
    ENV,
    HOME,
    PAUSER,
    SUPPORT,
    denied,
    grants,
    identity,
    inputs,
    permitted,
    refused_read,
    run_check,
    scope_enforcement,
    scope_read,
    target,
)

VIEWER = Role("role-view", "Conversation Viewer", (), (Policy("conversation", "communication", ("view",)),))
CONVERSATION_DENIED = FactError(
    fact="conversation",
    reason="GET /api/v2/conversations/{conversationId} → 403 missing.any.permissions",
    request="GET /api/v2/conversations/{conversationId}",
    identity="subject",
    status=403,
    code="missing.any.permissions",
)


def _division(**over: Any) -> Any:
    values: dict[str, Any] = dict(
        identity=identity(),
        target_call=target(),
        refused_read=refused_read((HOME, "Home")),
        permitted_divisions=permitted(False, (HOME, "Home")),
        inputs=inputs(),
    )
    values.update(over)
    return run_check(auth_division, problems={"target_divisions": CONVERSATION_DENIED}, **values)


def test_a_refused_conversation_read_places_the_conversation_outside_the_subjects_divisions() -> None:
    finding = _division()
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert "only in Home" in finding.summary and "another division" in finding.summary
    facts = [b.fact for b in finding.because]
    assert facts[:3] == ["conversation", "refused_read", "permitted_divisions"]
    assert "→ 403 missing.any.permissions" in finding.because[0].rule
    assert "division-protected" in finding.because[-1].rule
    assert any("inspector read GET /api/v2/conversations/{conversationId}" in s for s in finding.see_more)
    assert "access policy (ABAC)" in finding.detail


def test_the_grants_stand_in_when_divisionspermitted_could_not_be_read() -> None:
    finding = _division(
        refused_read=refused_read(),  # divisionspermitted of the view permission: nothing read
        permitted_divisions=None,
        grants=grants((PAUSER, HOME), (VIEWER, HOME)),
    )
    assert refused_read().permitted == {}
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED


def test_held_in_all_divisions_covers_whichever_division_the_conversation_is_in() -> None:
    finding = _division(permitted_divisions=permitted(True))
    assert finding.status is Status.PASS and finding.basis is Basis.INFERRED
    assert "all divisions (*)" in finding.summary


def test_held_where_conversations_cannot_be_read_settles_nothing() -> None:
    # pauseOthers also in Support, where the subject may not view conversations: the conversation may be there.
    finding = _division(permitted_divisions=permitted(False, (HOME, "Home"), (SUPPORT, "Support")))
    assert finding.status is Status.ERROR and finding.basis is Basis.OBSERVED
    assert finding.cause == "denied-conversation"


def test_a_view_permission_held_everywhere_means_something_else_refused_the_read() -> None:
    finding = _division(refused_read=refused_read(all_divs=True))
    assert finding.status is Status.ERROR


def test_without_a_refusal_the_error_stands() -> None:
    finding = _division(refused_read=None)
    assert finding.status is Status.ERROR and not finding.because


def test_a_user_token_without_the_reads_scope_may_have_been_refused_for_the_scope() -> None:
    user = identity(
        "user", scopes=("conversations",)
    )  # the read accepts conversations or conversations:readonly
    assert _division(identity=user, target_call=target(kind="user")).status is Status.FAIL
    lacking = identity("user", scopes=("user-basic-info",))
    finding = _division(identity=lacking, target_call=target(kind="user"))
    assert finding.status is Status.ERROR  # enforcement unknown: the scope may be what refused it
    known = _division(identity=lacking, target_call=target(kind="user"), inputs=inputs(scopes_enforced=False))
    assert known.status is Status.FAIL and "scope_enforcement" in [b.fact for b in known.because]


def _scopes(enforcement: Any, **over: Any) -> Any:
    values: dict[str, Any] = dict(
        identity=identity("user", scopes=("conversations:readonly",)),
        target_call=target(kind="user"),
        inputs=inputs(),
        environment=ENV,
        scope_enforcement=enforcement,
    )
    values.update(over)
    return run_check(auth_scopes, **values)


def test_a_read_refused_for_want_of_a_scope_shows_enforcement() -> None:
    finding = _scopes(scope_enforcement(scope_read(403)))
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert "enforces scopes" in finding.summary
    assert finding.because[0].fact == "grants" and "→ 403 not.authorized" in finding.because[0].rule
    assert "needs no permission" in finding.because[0].rule
    assert "the org enforces scopes" in finding.because[-1].rule


def test_a_read_answered_without_its_scope_shows_no_enforcement() -> None:
    finding = _scopes(scope_enforcement(scope_read(200)))
    assert finding.status is Status.PASS and finding.basis is Basis.INFERRED
    assert "does not enforce scopes" in finding.summary and "→ 200" in finding.because[0].rule


def test_reads_that_contradict_each_other_or_say_nothing_leave_the_setting_open() -> None:
    for enforcement in (scope_enforcement(scope_read(403), scope_read(200)), scope_enforcement(), None):
        finding = _scopes(enforcement)
        assert finding.status is Status.ERROR and "Enforce Scopes" in finding.summary
        assert finding.basis is Basis.OBSERVED


def test_the_users_word_on_the_setting_wins_over_inference() -> None:
    finding = _scopes(scope_enforcement(scope_read(200)), inputs=inputs(scopes_enforced=True))
    assert finding.status is Status.FAIL and finding.basis is Basis.OBSERVED


TOKEN_REFUSED = FactError(
    fact="token_info",
    reason="the subject identity could not get a token: POST /oauth/token → 401 invalid_client",
    request=f"POST {TOKEN_PATH}",
    identity="subject",
    status=401,
    code="invalid_client",
)


def _client(**over: Any) -> dict[str, Any]:
    body = {"id": "client-1", "name": "Recording Integration", "authorizedGrantType": "CLIENT-CREDENTIALS"}
    body.update(over)
    return body


def _token(client: Any, client_problem: FactError | None = None) -> Any:
    problems = {"token_info": TOKEN_REFUSED}
    if client_problem is not None:
        problems["refused_client"] = client_problem
    return run_check(auth_token, problems=problems, environment=ENV, refused_client=client)


def test_a_disabled_client_is_named_with_how_to_enable_it() -> None:
    finding = _token(_client(state="disabled"))
    assert finding.status is Status.FAIL and "is disabled (OAuthClient.state 'disabled')" in finding.summary
    assert any("set its state to 'active'" in f and "oauth:client:edit" in f for f in finding.fix)
    assert finding.cause == "token-subject"


def test_an_inactive_client_is_named() -> None:
    finding = _token(_client(state="inactive"))
    assert finding.status is Status.FAIL and "inactive" in finding.summary and "delete" in finding.summary


def test_an_active_client_credentials_client_means_the_secret() -> None:
    finding = _token(_client(state="active"))
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert "the secret is wrong" in finding.summary
    assert [b.fact for b in finding.because][:2] == ["token_info", "refused_client"]


def test_a_code_grant_client_gets_no_token_by_id_and_secret() -> None:
    finding = _token(_client(state="active", authorizedGrantType="CODE"))
    assert finding.status is Status.FAIL and "not a client-credentials one" in finding.summary


def test_a_client_the_inspector_cannot_find_is_an_unknown_id() -> None:
    gone = FactError(
        fact="oauth_client",
        reason="404",
        request="GET /api/v2/oauth/clients/{clientId}",
        identity="inspector",
        status=404,
        code="not.found",
        params=(("clientId", "client-1"),),
    )
    finding = _token(None, gone)
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert "no OAuth client with the subject's client id" in finding.summary


def test_without_the_inspectors_read_the_token_error_is_said_as_before() -> None:
    finding = _token(None, denied("oauth_client"))
    assert finding.status is Status.FAIL and finding.basis is Basis.OBSERVED
    assert finding.summary.startswith("the token was rejected (401 invalid_client)")
    assert _token(None).summary.startswith("the token was rejected")


def test_the_verdict_on_a_disabled_client_does_not_depend_on_the_token_endpoints_answer() -> None:
    # Which status and error body the token endpoint gives a disabled client is unconfirmed (genesys-facts §1.4).
    for status, code in ((400, "unauthorized_client"), (401, "invalid_client"), (403, "")):
        error = dataclasses.replace(TOKEN_REFUSED, status=status, code=code, reason="anything")
        finding = run_check(
            auth_token,
            problems={"token_info": error},
            environment=ENV,
            refused_client=_client(state="disabled"),
        )
        assert finding.status is Status.FAIL and "is disabled" in finding.summary


def test_a_client_of_unknown_grant_type_is_not_said_to_have_a_wrong_secret() -> None:
    assert _token(_client(state="active", authorizedGrantType=None)).summary.startswith(
        "the token was rejected"
    )


def test_a_permission_divisionspermitted_lists_nowhere_is_missing_when_the_roles_cannot_be_read() -> None:
    from checks.auth import auth_permissions

    finding = run_check(
        auth_permissions,
        problems={"grants": denied("oauth_client")},
        identity=identity(),
        target_call=target(),
        permitted_divisions=permitted(False),
    )
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert [b.fact for b in finding.because] == ["grants", "permitted_divisions", None]
    assert "unconfirmed for a client-credentials token" in finding.summary
    assert finding.see_more[0] == "grant oauth:client:view"  # the refused read's remedy confirms it
    # A user token: divisionspermitted is documented for the current user, so no caveat.
    user = run_check(
        auth_permissions,
        problems={"grants": denied("oauth_client")},
        identity=identity("user"),
        target_call=target(kind="user"),
        permitted_divisions=permitted(False),
    )
    assert user.status is Status.FAIL and "unconfirmed" not in user.summary


def test_the_inspector_refused_too_its_grant_is_what_would_confirm_the_division() -> None:
    remedy = (
        "the inspector identity needs the permission conversation:communication:view in all divisions (*)"
    )
    refusal = dataclasses.replace(refused_read((HOME, "Home")), inspector_refused=True, remedy=remedy)
    finding = _division(refused_read=refusal)
    assert finding.status is Status.FAIL and finding.basis is Basis.INFERRED
    assert finding.see_more == (remedy,)  # the same step as the refused read's: the report states it once
    assert "by the inspector → 403 too" in finding.because[1].rule


def test_divisionspermitted_alone_for_a_client_credentials_token_is_an_inferred_result_in_either_direction() -> (
    None
):
    # What divisionspermitted/paged/me evaluates for a token without a user is unconfirmed (genesys-facts §4): its
    # answer alone may decide, but as an inference that names the answer and the rule, never as an observed pass.
    from .cases import where

    def alone(answer: Any) -> Any:
        return run_check(
            auth_division,
            problems={"grants": denied("oauth_client")},
            identity=identity(),
            target_call=target(),
            target_divisions=where(),
            permitted_divisions=answer,
        )

    covered = alone(permitted(True))
    assert covered.status is Status.PASS and covered.basis is Basis.INFERRED
    assert "unconfirmed" in covered.summary and covered.summary.count("divisionspermitted/paged/me") == 1
    assert [b.fact for b in covered.because] == ["permitted_divisions"]
    assert "lists the division of the conversation" in covered.because[0].rule
    missed = alone(permitted(False, (HOME, "Home")))
    assert missed.status is Status.FAIL and missed.basis is Basis.INFERRED
    assert "lists no division of the conversation" in missed.because[0].rule
    # With the client's grants read (an inspector) and agreeing, the answer is observed as before.
    seen = run_check(
        auth_division,
        identity=identity(),
        target_call=target(),
        target_divisions=where(),
        grants=grants((PAUSER, "*")),
        permitted_divisions=permitted(True),
    )
    assert seen.status is Status.PASS and seen.basis is Basis.OBSERVED
