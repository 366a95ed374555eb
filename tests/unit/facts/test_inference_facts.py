"""The facts behind the inference rules (issue #16 items 1, 2), on fake readers: the refused read, what the
subject's own reads show about scope enforcement, and the identity the inspector reads when the subject got no
token. Each makes no request when there is nothing to reason from.
"""

from __future__ import annotations

from typing import Any

import pytest

from gcdiag.client.errors import ApiError
from gcdiag.facts.engine import FactUnavailable
from gcdiag.facts.types import Identity, ReadRefusal, ScopeEnforcement
from gcdiag.genesys.constants import TOKEN_PATH

from .test_fetchers import CLIENT, CONV, DIVISIONS, HOME, ROLE, ROLE_BODY, FakeReader, facts_on, token_info

VIEW = "conversation:communication:view"
DENIED = (403, {"code": "missing.any.permissions"})


def _permitted(params: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"entities": [{"id": HOME, "name": "Home"}], "allDivsPermitted": False}


def test_a_refused_conversation_read_asks_where_the_subject_may_read_conversations() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/conversations/{conversationId}": DENIED,
            "GET /api/v2/authorization/divisionspermitted/paged/me": _permitted,
            "GET /api/v2/authorization/permissions": (
                200,
                {
                    "entities": [
                        {
                            "permissionMap": {
                                "communication": [
                                    {
                                        "domain": "conversation",
                                        "entityType": "communication",
                                        "action": "view",
                                        "divisionAware": True,
                                    }
                                ]
                            }
                        }
                    ],
                    "pageCount": 1,
                },
            ),
        },
    )
    with facts_on(subject, conversation_id=CONV) as facts:
        refusal: ReadRefusal = facts.get("refused_read")
    assert refusal.request == "GET /api/v2/conversations/{conversationId}" and refusal.permissions == (VIEW,)
    assert refusal.code == "missing.any.permissions"
    assert refusal.permitted[VIEW].divisions == ((HOME, "Home"),) and refusal.division_aware == {VIEW: True}
    asked = [p for m, t, p in subject.log if t.endswith("divisionspermitted/paged/me")]
    assert asked == [{"permission": VIEW, "pageSize": 100, "pageNumber": 1}]


def test_a_conversation_read_by_the_inspector_or_answered_gives_no_refusal() -> None:
    subject = FakeReader(
        "subject", {"GET /api/v2/conversations/{conversationId}": (404, {"code": "not.found"})}
    )
    inspector = FakeReader("inspector", {"GET /api/v2/conversations/{conversationId}": DENIED})
    with facts_on(subject, inspector, conversation_id=CONV) as facts:
        assert facts.get("refused_read") is None  # the subject's read was not refused: nothing to reason from
        _, error = facts.outcome("conversation")
        assert error is not None and error.identity == "inspector"  # the inspector's refusal stands
    answered = FakeReader("subject", {"GET /api/v2/conversations/{conversationId}": (200, {"id": CONV})})
    with facts_on(answered, conversation_id=CONV) as facts:
        assert facts.get("refused_read") is None
    assert [t for _, t, _ in answered.log] == ["/api/v2/conversations/{conversationId}"]


def _user(routes: dict[str, Any]) -> FakeReader:
    info = token_info("CODE")
    info[1]["authorizedScope"] = ["user-basic-info"]  # no authorization scope, no conversations scope
    return FakeReader("subject", {"GET /api/v2/tokens/me": info, **routes})


def test_a_read_that_needs_no_permission_refused_without_its_scope_shows_enforcement() -> None:
    subject = _user(
        {
            "GET /api/v2/users/me": (200, {"id": "user-1", "name": "Sam"}),
            "GET /api/v2/authorization/subjects/me": (403, {"code": "not.authorized"}),
        }
    )
    inspector = FakeReader("inspector", {"GET /api/v2/authorization/divisions": DIVISIONS})
    with facts_on(subject, inspector, client_credentials=False) as facts:
        facts.outcome("grants")
        seen: ScopeEnforcement = facts.get("scope_enforcement")
    assert seen.enforced is True
    (refused,) = seen.refused
    assert refused.request == "GET /api/v2/authorization/subjects/me" and refused.why == "needs no permission"
    assert refused.code == "not.authorized" and refused.fact == "grants"
    assert "authorization or authorization:readonly" in refused.line()


def test_a_read_answered_without_its_scope_shows_no_enforcement() -> None:
    subject = _user(
        {
            "GET /api/v2/users/me": (200, {"id": "user-1", "name": "Sam"}),
            "GET /api/v2/authorization/subjects/me": (200, {"grants": []}),
        }
    )
    inspector = FakeReader("inspector", {"GET /api/v2/authorization/divisions": DIVISIONS})
    with facts_on(subject, inspector, client_credentials=False) as facts:
        seen: ScopeEnforcement = facts.get("scope_enforcement")
    assert seen.enforced is False and [o.request for o in seen.allowed] == [
        "GET /api/v2/authorization/subjects/me"
    ]


def test_a_permission_refusal_is_no_scope_evidence() -> None:
    # The recordings read needs recording:recording:view, which the user does not hold: a permission refused it.
    subject = _user(
        {
            "GET /api/v2/users/me": (200, {"id": "user-1", "name": "Sam"}),
            "GET /api/v2/authorization/subjects/me": (200, {"grants": []}),
            "GET /api/v2/conversations/{conversationId}/recordings": DENIED,
        }
    )
    subject.routes["GET /api/v2/tokens/me"][1]["authorizedScope"] = ["user-basic-info", "authorization"]
    inspector = FakeReader("inspector", {"GET /api/v2/authorization/divisions": DIVISIONS})
    with facts_on(subject, inspector, client_credentials=False, conversation_id=CONV) as facts:
        facts.outcome("recordings")
        seen: ScopeEnforcement = facts.get("scope_enforcement")
    assert seen.enforced is None and not seen.refused and not seen.allowed


def test_a_client_credentials_token_has_no_scope_evidence() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": token_info()})
    with facts_on(subject) as facts:
        assert facts.get("scope_enforcement") is None


CLIENT_BODY = {
    "id": CLIENT,
    "name": "Recording Integration",
    "authorizedGrantType": "CLIENT-CREDENTIALS",
    "state": "disabled",
    "roleDivisions": [{"roleId": ROLE, "divisionId": "*"}],
}


def test_without_a_token_the_inspector_reads_the_subjects_client() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": (0, None)})  # the token request refused
    inspector = FakeReader(
        "inspector",
        {
            "GET /api/v2/oauth/clients/{clientId}": (200, CLIENT_BODY),
            "GET /api/v2/authorization/roles/{roleId}": ROLE_BODY,
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject, inspector) as facts:
        ident: Identity = facts.get("identity")
        grants = facts.get("grants")
        assert facts.get("refused_client")["state"] == "disabled"
    assert ident.via_inspector and ident.kind == "client_credentials" and ident.client_state == "disabled"
    assert ident.org_id is None and ident.to_dict()["source"].endswith("the subject got no token")
    assert [g.division_id for g in grants.grants] == ["*"]


def test_without_an_inspector_no_token_means_no_identity() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": (0, None)})
    with facts_on(subject) as facts:
        assert facts.get("refused_client") is None
        with pytest.raises(FactUnavailable) as raised:
            facts.get("identity")
    assert raised.value.error.status == 401 and raised.value.error.fact == "token_info"
    assert [t for _, t, _ in subject.log] == ["/api/v2/tokens/me"]


def test_a_client_that_is_not_a_client_credentials_one_gives_no_identity() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": (0, None)})
    body = {**CLIENT_BODY, "authorizedGrantType": "CODE", "state": "active"}
    inspector = FakeReader("inspector", {"GET /api/v2/oauth/clients/{clientId}": (200, body)})
    with facts_on(subject, inspector) as facts:
        with pytest.raises(FactUnavailable):
            facts.get("identity")
        assert facts.get("refused_client")["authorizedGrantType"] == "CODE"


def test_the_subject_reads_the_conversation_the_inspector_was_refused() -> None:
    subject = FakeReader("subject", {"GET /api/v2/conversations/{conversationId}": (200, {"id": CONV})})
    inspector = FakeReader("inspector", {"GET /api/v2/conversations/{conversationId}": DENIED})
    with facts_on(subject, inspector, conversation_id=CONV) as facts:
        assert facts.get("conversation") == {"id": CONV}
        assert [p.identity for p in facts.provenance("conversation")] == ["inspector", "subject"]
        assert facts.get("refused_read") is None


def test_refused_to_both_the_subjects_refusal_is_evidence_and_the_inspectors_grant_would_confirm() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/conversations/{conversationId}": DENIED,
            "GET /api/v2/authorization/divisionspermitted/paged/me": _permitted,
        },
    )
    inspector = FakeReader(
        "inspector",
        {
            "GET /api/v2/conversations/{conversationId}": DENIED,
            "GET /api/v2/authorization/permissions": (200, {"entities": [], "pageCount": 1}),
        },
    )
    with facts_on(subject, inspector, conversation_id=CONV) as facts:
        _, error = facts.outcome("conversation")
        refusal: ReadRefusal = facts.get("refused_read")
    assert error is not None and error.identity == "subject" and error.status == 403
    assert "the inspector's read was refused too" in error.reason
    assert refusal.inspector_refused and refusal.remedy == error.remedy
    assert f"the inspector identity needs the permission {VIEW} in all divisions (*)" in refusal.remedy
    assert refusal.permitted[VIEW].divisions == ((HOME, "Home"),)


class _TokenRefused403(FakeReader):
    """The subject's token request refused with 403 (which status a disabled client gets is unconfirmed)."""

    def request(self, method: str, template: str, **kw: Any) -> Any:
        raise ApiError(kind="auth", method="POST", path=TOKEN_PATH, identity=self.identity, status=403)


def test_a_subject_refused_its_token_is_no_refused_read_even_with_a_403() -> None:
    # A 403 from the token endpoint is about the token, not the conversation: the inspector's refusal stands and
    # nothing is inferred from it.
    subject = _TokenRefused403("subject", {})
    inspector = FakeReader("inspector", {"GET /api/v2/conversations/{conversationId}": DENIED})
    with facts_on(subject, inspector, conversation_id=CONV) as facts:
        _, error = facts.outcome("conversation")
        assert error is not None and error.identity == "inspector"
        assert facts.get("refused_read") is None
