"""The fetch functions on a fake reader: which request each fact makes, as which identity, and what it makes of
the answer (or the refusal). No HTTP, no sandbox: the reader answers from a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import pytest

from gcdiag.client.errors import ApiError
from gcdiag.client.response import ApiResponse
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import Facts
from gcdiag.facts.registry import fact_definitions
from gcdiag.facts.types import GrantSet, Identity, TargetDivisions, TargetIds
from gcdiag.genesys.catalog import CatalogChoice, load_bundled
from gcdiag.genesys.constants import TOKEN_PATH
from gcdiag.inputs.model import Inputs
from gcdiag.util.background import Background

CATALOG = Background.done(CatalogChoice(load_bundled(), "bundled catalog"))
CLIENT = "0a8f48f1-e321-4739-8a6a-737db7484ca9"
CONV = "7dd0cd93-d6d6-49a8-9fb7-662b8c669880"
HOME, SUPPORT = "7c68f59e-e9f4-4223-9fd7-8fa2f58cea65", "aee5059a-1ec8-4f7f-b9a3-a71cb3c96b21"
ROLE = "637fbdd4-8fd8-43ca-8489-d738e0ae4bbe"
Answer = tuple[int, Any] | Callable[[Mapping[str, Any]], tuple[int, Any]]


class FakeReader:
    """An identity's API client that answers from ``routes`` (``"METHOD template"`` → (status, body)) and logs."""

    def __init__(self, identity: str, routes: Mapping[str, Answer]) -> None:
        self.identity = identity
        self.routes = dict(routes)
        self.log: list[tuple[str, str, dict[str, Any]]] = []

    def request(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> ApiResponse:
        self.log.append((method, template, dict(params or {})))
        key = f"{method} {template}"
        if key not in self.routes:
            raise AssertionError(f"unexpected request {key} by the {self.identity}")
        answer = self.routes[key]
        status, body = answer(dict(params or {})) if callable(answer) else answer
        if status == 0:  # the identity's token request failed: the look-up was never sent
            raise ApiError(
                kind="auth",
                method="POST",
                path=TOKEN_PATH,
                identity=self.identity,
                status=401,
                host="login.example",
            )
        if status >= 300:
            code = body.get("code") if isinstance(body, dict) else None
            raise ApiError(
                kind="http", method=method, path=template, identity=self.identity, status=status, code=code
            )
        return ApiResponse(status=status, headers={}, json=body, text="")


def token_info(grant: str = "CLIENT-CREDENTIALS", client: str = CLIENT) -> tuple[int, Any]:
    return 200, {
        "organization": {"id": "org-1", "name": "Acme"},
        "homeOrganization": {"id": "org-1"},
        "authorizedScope": [] if grant == "CLIENT-CREDENTIALS" else ["conversations"],
        "OAuthClient": {
            "id": client,
            "name": "Recording Integration",
            "authorizedGrantType": grant,
            "state": "active",
        },
    }


DIVISIONS = (
    200,
    {
        "entities": [
            {"id": HOME, "name": "Home", "homeDivision": True},
            {"id": SUPPORT, "name": "Support", "homeDivision": False},
        ],
        "pageCount": 1,
    },
)
ROLE_BODY = (
    200,
    {
        "id": ROLE,
        "name": "Recording Viewer",
        "permissionPolicies": [
            {"domain": "conversation", "entityName": "recording", "actionSet": ["pauseOthers"]}
        ],
    },
)


@contextmanager
def facts_on(
    subject: FakeReader,
    inspector: FakeReader | None = None,
    *,
    client_credentials: bool = True,
    scenario: str = "recording-stop",
    **inputs: Any,
) -> Iterator[Facts]:
    ctx = RunContext(
        inputs=Inputs(**inputs),
        subject=subject,
        inspector=inspector,
        catalog_choice=CATALOG,
        api_url="https://api.example",
        region="us_east_1",
        now=lambda: datetime(2026, 12, 1, tzinfo=timezone.utc),
        poll_interval=0.0,
        # With client credentials the client id is known before any request (gcdiag logged in with it).
        subject_client_id=CLIENT if client_credentials else None,
        scenario=scenario,
    )
    with Facts(fact_definitions(), ctx) as facts:
        yield facts


def test_a_client_credentials_identity_reads_its_grants_from_its_oauth_client() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/oauth/clients/{clientId}": (
                200,
                {
                    "id": CLIENT,
                    "roleDivisions": [
                        {"roleId": ROLE, "divisionId": ""},
                        {"roleId": ROLE, "divisionId": SUPPORT},
                    ],
                },
            ),
            "GET /api/v2/authorization/roles/{roleId}": ROLE_BODY,
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject) as facts:
        ident: Identity = facts.get("identity")
        grants: GrantSet = facts.get("grants")
    assert ident.kind == "client_credentials" and ident.client_id == CLIENT and ident.user_id is None
    # An empty divisionId is the home division (Terraform docs of oauth_client, CONFIRMED).
    assert [(g.division_id, g.division_label) for g in grants.grants] == [
        (HOME, f"Home ({HOME})"),
        (SUPPORT, f"Support ({SUPPORT})"),
    ]
    assert grants.grants[0].role.name == "Recording Viewer"
    assert ("GET", "/api/v2/users/me", {}) not in subject.log  # not valid for client credentials


def test_a_user_identity_reads_its_grants_with_full_roles() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info("CODE"),
            "GET /api/v2/users/me": (200, {"id": "user-1", "name": "Sam Agent"}),
            "GET /api/v2/authorization/subjects/me": lambda params: (
                200,
                {
                    "grants": [
                        {
                            "division": {"id": SUPPORT, "name": "Support"},
                            "role": {
                                "id": ROLE,
                                "name": "Agent",
                                "policies": [
                                    {
                                        "domain": "conversation",
                                        "entityName": "recording",
                                        "actions": ["pauseOthers"],
                                    }
                                ]
                                if params.get("includeFullRoles") == "true"
                                else [],
                            },
                        }
                    ]
                },
            ),
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject, client_credentials=False) as facts:
        grants: GrantSet = facts.get("grants")
        ident: Identity = facts.get("identity")
    assert ident.kind == "user" and ident.user_name == "Sam Agent"
    assert [p.text for p in grants.grants[0].role.policies] == ["conversation:recording:pauseOthers"]


def test_the_inspector_reads_configuration_and_the_subject_reads_itself() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": token_info()})
    inspector = FakeReader(
        "inspector",
        {
            "GET /api/v2/oauth/clients/{clientId}": (200, {"id": CLIENT, "roleDivisions": []}),
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject, inspector) as facts:
        facts.get("grants")
    assert [r[1] for r in subject.log] == ["/api/v2/tokens/me"]
    assert {r[1] for r in inspector.log} == {
        "/api/v2/oauth/clients/{clientId}",
        "/api/v2/authorization/divisions",
    }


def test_a_refused_read_names_the_permission_that_would_let_gcdiag_see() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/oauth/clients/{clientId}": (403, {"code": "missing.any.permissions"}),
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject) as facts:
        _, error = facts.outcome("grants")
    assert error is not None and error.status == 403 and error.fact == "oauth_client"  # the read that failed
    assert "oauth:client:view" in error.remedy and "--inspector-client-id" in error.remedy


def test_a_failed_token_request_is_named_instead_of_the_unsent_look_up() -> None:
    subject = FakeReader("subject", {"GET /api/v2/tokens/me": (0, None)})
    with facts_on(subject) as facts:
        _, error = facts.outcome("identity")
    assert error is not None and error.request == f"POST {TOKEN_PATH}"
    assert "the subject's client id and secret" in error.remedy and error.host == "login.example"


def test_division_awareness_stops_reading_pages_once_every_permission_is_known() -> None:
    def permissions(params: Mapping[str, Any]) -> tuple[int, Any]:
        page = params["pageNumber"]
        action = "pauseOthers" if page == 2 else f"other{page}"
        return 200, {
            "pageCount": 9,
            "entities": [
                {
                    "permissionMap": {
                        "recording": [
                            {
                                "domain": "conversation",
                                "entityType": "recording",
                                "action": action,
                                "divisionAware": True,
                            }
                        ]
                    }
                }
            ],
        }

    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/conversations/{conversationId}/recordings": (200, []),
            "GET /api/v2/conversations/{conversationId}": (200, {"id": CONV, "participants": []}),
            "GET /api/v2/authorization/permissions": permissions,
        },
    )
    with facts_on(subject, conversation_id=CONV) as facts:
        aware = facts.get("permission_info")
    assert aware == {"conversation:recording:pauseOthers": True}
    pages = [p["pageNumber"] for m, t, p in subject.log if t == "/api/v2/authorization/permissions"]
    assert pages == [1, 2]


def test_the_target_divisions_are_the_conversations() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/conversations/{conversationId}": (
                200,
                {"id": CONV, "divisions": [{"division": {"id": SUPPORT, "name": "Support"}, "entities": []}]},
            )
        },
    )
    with facts_on(subject, conversation_id=CONV) as facts:
        where: TargetDivisions = facts.get("target_divisions")
    assert (
        where.ids == (SUPPORT,) and where.label == f"Support ({SUPPORT})" and where.source == "conversation"
    )


@pytest.mark.parametrize("states", [["Queued", "Running", "Succeeded"], ["Succeeded"]])
def test_interaction_audits_are_polled_to_completion_and_read_newest_first(states: list[str]) -> None:
    remaining = list(states)

    def status(params: Mapping[str, Any]) -> tuple[int, Any]:
        return 200, {"id": "tx-1", "state": remaining.pop(0) if len(remaining) > 1 else remaining[0]}

    subject = FakeReader(
        "subject",
        {
            "POST /api/v2/quality/conversations/audits/query": (200, {"id": "tx-1", "state": "Queued"}),
            "GET /api/v2/quality/conversations/audits/query/{transactionId}": status,
            "GET /api/v2/quality/conversations/audits/query/{transactionId}/results": (
                200,
                {"entities": [{"action": "Update", "entityType": "Recording"}]},
            ),
        },
    )
    with facts_on(subject, conversation_id=CONV, interaction_audit=True) as facts:
        audits = facts.get("interaction_audits")
    assert audits.entries == ({"action": "Update", "entityType": "Recording"},) and not audits.more


def test_the_interaction_audit_is_not_read_unless_asked_for() -> None:
    # No route: any request would fail the look-up; not asked for, it sends none and has no value.
    subject = FakeReader("subject", {})
    with facts_on(subject, conversation_id=CONV) as facts:
        assert facts.outcome("interaction_audits") == (None, None)
        assert facts.provenance("interaction_audits") == []


# --- shapes: an answer of the wrong shape is an error naming the field, never a fact (#13) -------------------


OTHER = "0d5e3f5a-1111-4222-8333-444455556666"
CONVERSATION_BODY = {
    "id": CONV,
    "divisions": [{"division": {"id": SUPPORT, "name": "Support"}, "entities": []}],
    "participants": [{"id": "p1", "purpose": "agent", "calls": [{"state": "connected", "recording": True}]}],
}


@pytest.mark.parametrize(
    ("garble", "field"),
    [
        ({"id": None}, "id is null"),
        ({"id": OTHER}, f"id is {OTHER}, not {CONV}: the answer is about another conversation"),
        ({"divisions": {"division": {"id": SUPPORT}}}, "divisions is an object, not a list"),
        ({"divisions": [{"division": "Support"}]}, "divisions[0].division is a string, not an object"),
        (
            {"participants": [{"calls": [{"recording": "yes"}]}]},
            "participants[0].calls[0].recording is a string",
        ),
    ],
)
def test_a_conversation_of_the_wrong_shape_is_an_error_naming_the_field(
    garble: dict[str, Any], field: str
) -> None:
    subject = FakeReader(
        "subject", {"GET /api/v2/conversations/{conversationId}": (200, {**CONVERSATION_BODY, **garble})}
    )
    with facts_on(subject, conversation_id=CONV) as facts:
        value, error = facts.outcome("conversation")
    assert value is None and error is not None
    assert field in error.reason and error.request == "GET /api/v2/conversations/{conversationId}"
    assert "gcdiag decides nothing on this answer" in error.reason


def test_the_right_shape_with_unknown_fields_and_nulls_is_read() -> None:
    body = {**CONVERSATION_BODY, "endTime": None, "newField": {"x": 1}}
    subject = FakeReader("subject", {"GET /api/v2/conversations/{conversationId}": (200, body)})
    with facts_on(subject, conversation_id=CONV) as facts:
        assert facts.get("conversation") == body


@pytest.mark.parametrize(
    ("client", "field"),
    [
        ({"id": CLIENT, "roleDivisions": ROLE}, "roleDivisions is a string, not a list"),
        ({"id": CLIENT, "roleDivisions": [{"divisionId": SUPPORT}]}, "roleDivisions[0].roleId is null"),
        ({"id": OTHER, "roleDivisions": []}, f"id is {OTHER}, not {CLIENT}"),
    ],
)
def test_an_oauth_client_of_the_wrong_shape_leaves_the_grants_unknown(
    client: dict[str, Any], field: str
) -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/oauth/clients/{clientId}": (200, client),
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject) as facts:
        _, error = facts.outcome("grants")
    assert error is not None and field in error.reason


def test_recordings_of_another_conversation_are_refused() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/conversations/{conversationId}/recordings": (
                200,
                [{"id": "r1", "conversationId": CONV}, {"id": "r2", "conversationId": OTHER}],
            )
        },
    )
    with facts_on(subject, conversation_id=CONV) as facts:
        _, error = facts.outcome("recordings")
    assert error is not None and f"[1].conversationId is {OTHER}, not {CONV}" in error.reason


def test_a_role_answer_for_another_role_is_refused() -> None:
    subject = FakeReader(
        "subject",
        {
            "GET /api/v2/tokens/me": token_info(),
            "GET /api/v2/oauth/clients/{clientId}": (
                200,
                {"id": CLIENT, "roleDivisions": [{"roleId": ROLE}]},
            ),
            "GET /api/v2/authorization/roles/{roleId}": (200, {**ROLE_BODY[1], "id": OTHER}),
            "GET /api/v2/authorization/divisions": DIVISIONS,
        },
    )
    with facts_on(subject) as facts:
        _, error = facts.outcome("grants")
    assert (
        error is not None and f"id is {OTHER}, not {ROLE}: the answer is about another role" in error.reason
    )


# --- can-i with concrete ids: the ids in the path are read, as recording-stop reads its conversation ------------

PART = "53847d57-2f06-4e00-9de4-2e0933a394db"
USER = "58f98699-ce85-4243-b020-ebfa5f75e52d"
CONVERSATION = (
    200,
    {"id": CONV, "divisions": [{"division": {"id": SUPPORT, "name": "Support"}, "entities": []}]},
)


def test_can_i_takes_its_ids_from_the_path_and_checks_the_conversation_in_its_own_divisions() -> None:
    inspector = FakeReader("inspector", {"GET /api/v2/conversations/{conversationId}": CONVERSATION})
    call = ("PATCH", f"/api/v2/conversations/calls/{CONV.upper()}/participants/{PART}")
    with facts_on(
        FakeReader("subject", {}), inspector, scenario="can-i", call=call, division="Home"
    ) as facts:
        ids: TargetIds = facts.get("target_ids")
        where: TargetDivisions = facts.get("target_divisions")
    assert ids == TargetIds(
        CONV, None, PART, ("conversationId", "participantId")
    )  # ids normalised to lower case
    assert where.ids == (SUPPORT,) and where.source == "conversation"
    assert "--division Home not used" in where.label


def test_can_i_with_placeholders_reads_no_conversation() -> None:
    inspector = FakeReader("inspector", {})  # any request would fail the test
    call = ("PUT", "/api/v2/conversations/calls/{conversationId}/recordingstate")
    with facts_on(FakeReader("subject", {}), inspector, scenario="can-i", call=call) as facts:
        assert facts.get("target_ids") == TargetIds()
        assert facts.get("target_divisions") is None
        assert facts.get("id_kind") is None
    assert inspector.log == []


@pytest.mark.parametrize(
    ("user_answer", "kind"),
    [((200, {"id": USER, "name": "Dana Supervisor"}), "user"), ((404, {"code": "not.found"}), None)],
)
def test_a_conversation_id_not_found_is_looked_up_as_a_user(
    user_answer: tuple[int, Any], kind: str | None
) -> None:
    inspector = FakeReader(
        "inspector",
        {
            "GET /api/v2/conversations/{conversationId}": (404, {"code": "not.found"}),
            "GET /api/v2/users/{userId}": user_answer,
        },
    )
    call = ("PUT", f"/api/v2/conversations/calls/{USER}/recordingstate")
    with facts_on(FakeReader("subject", {}), inspector, scenario="can-i", call=call) as facts:
        found = facts.get("id_kind")
    assert (found or {}).get("kind") == kind
    if kind:
        assert found == {
            "id": USER,
            "kind": "user",
            "name": "Dana Supervisor",
            "request": "GET /api/v2/users/{userId}",
        }


def test_a_conversation_that_was_found_is_not_looked_up_as_a_user() -> None:
    inspector = FakeReader("inspector", {"GET /api/v2/conversations/{conversationId}": CONVERSATION})
    with facts_on(FakeReader("subject", {}), inspector, conversation_id=CONV) as facts:
        assert facts.get("id_kind") is None
    assert [t for _, t, _ in inspector.log] == ["/api/v2/conversations/{conversationId}"]


def test_the_recordings_are_read_only_when_an_id_in_the_path_needs_them() -> None:
    recordings = (200, [{"id": "r1", "conversationId": CONV, "recordingFileRole": "ADHOC"}])
    conversation = (200, {**CONVERSATION[1], "participants": [{"id": PART, "purpose": "customer"}]})
    routes = {
        "GET /api/v2/conversations/{conversationId}": conversation,
        "GET /api/v2/conversations/{conversationId}/recordings": recordings,
    }
    flag = f"/api/v2/conversations/calls/{CONV}/participants/"
    for path, read in (
        (flag + PART, False),
        (flag + USER, True),
        (f"/api/v2/conversations/{CONV}/recordings/{USER}", True),
    ):
        inspector = FakeReader("inspector", routes)
        call = ("PATCH" if "participants" in path else "GET", path)
        with facts_on(FakeReader("subject", {}), inspector, scenario="can-i", call=call) as facts:
            found = facts.get("path_recordings")
        assert (found is not None) is read, path
        assert (
            "/api/v2/conversations/{conversationId}/recordings" in [t for _, t, _ in inspector.log]
        ) is read
