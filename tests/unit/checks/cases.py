"""Every built-in check on hand-built facts: one case per outcome, no HTTP.

Each case names the check, the status it must give, a phrase its summary (or fix) must contain, and the facts.
The meta-test in test_meta.py requires at least one ``pass`` and one non-pass case for every built-in check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gcdiag.facts.engine import FactError
from gcdiag.facts.types import AuditChanges, InteractionAudits, OrgRole, TargetDivisions
from gcdiag.genesys.authz import Role
from gcdiag.genesys.errors import parse_error_body
from gcdiag.genesys.targets import given_call
from gcdiag.report.model import Status
from gcdiag.testing.facts import (
    CATALOG,
    CONV,
    ENV,
    ENV_CAN_I,
    HOME,
    PAUSER,
    REC,
    SUPPORT,
    VIEWER,
    conversation,
    denied,
    grants,
    identity,
    inputs,
    permitted,
    recordings,
    target,
    target_ids,
)

DISCONNECTER = Role("role-disc", "Call Control", ("conversation:communication:disconnect",))
PARTICIPANT_PAUSE = Role("role-ppause", "Participant Pause", ("conversation:recording:pause",))


def recorders(adhoc: str = "NONE", cx: str = "NONE") -> dict[str, str]:
    return {
        "adhocState": adhoc,
        "customerExperienceState": cx,
        "agentExperienceState": "NONE",
        "snippetState": "NONE",
    }


def adhoc_on_agent(policy_too: bool = False) -> dict[str, Any]:
    """The agent (p-agent) records ad hoc; the customer leg records by policy only when ``policy_too``."""
    cx = "ACTIVE" if policy_too else "NONE"
    return conversation(
        participants=[
            {
                "id": "p-customer",
                "purpose": "customer",
                "calls": [
                    {"state": "connected", "recording": policy_too, "recordersState": recorders(cx=cx)}
                ],
            },
            {
                "id": "p-agent",
                "purpose": "agent",
                "userId": "user-1",
                "calls": [
                    {"state": "connected", "recording": True, "recordersState": recorders("ACTIVE", cx)}
                ],
            },
        ]
    )


FLAG = "PATCH /api/v2/conversations/calls/{conversationId}/participants/"


def where() -> TargetDivisions:
    return TargetDivisions((SUPPORT,), f"Support ({SUPPORT})", "conversation")


GENESYS_403 = (
    '{"message": "Unable to perform the requested action. You must have at least one of the following permissions '
    'assigned: [conversation:recording:pauseOthers]", "code": "missing.any.permissions", "status": 403, '
    '"contextId": "5e1b6a3c-0000-4000-8000-000000000000", "details": [], "errors": []}'
)
STOP = "POST /api/v2/recording/recordings/{recordingId}/actions/stop"


@dataclass(frozen=True)
class Case:
    check: str
    status: Status
    phrase: str
    facts: Callable[[], dict[str, Any]]
    problems: Callable[[], dict[str, FactError]] = field(default=lambda: {})
    name: str = ""


def token_info(**over: Any) -> dict[str, Any]:
    base = {
        "organization": {"id": "org-1", "name": "Acme"},
        "homeOrganization": {"id": "org-1", "name": "Acme"},
        "authorizedScope": [],
        "OAuthClient": {
            "id": "client-1",
            "name": "Recording Integration",
            "authorizedGrantType": "CLIENT-CREDENTIALS",
            "state": "active",
        },
    }
    base.update(over)
    return base


def audit_entry(entity: str, entity_type: str = "Role") -> dict[str, Any]:
    return {
        "id": "a1",
        "eventDate": "2026-11-26T10:00:00.000Z",
        "serviceName": "PeoplePermissions",
        "entityType": entity_type,
        "entity": {"id": entity},
        "action": "Update",
        "user": {"id": "admin-1"},
        "propertyChanges": [{"property": "permissionPolicies", "oldValues": ["a"], "newValues": ["b"]}],
    }


def audit_changes(*entries: dict[str, Any], unread: int = 0, roles_unknown: str = "") -> AuditChanges:
    watched = {"client-1": "OAuth client 'Recording Integration'"}
    if not roles_unknown:
        watched["role-viewer"] = "role 'Recording Viewer'"
    return AuditChanges(tuple(entries), watched, unread, roles_unknown)


CASES: list[Case] = [
    # endpoint.exists
    Case(
        "endpoint.exists",
        Status.SKIP,
        "no --call given",
        lambda: {"target_call": target(), "environment": ENV},
    ),
    Case(
        "endpoint.exists",
        Status.PASS,
        "is a public API operation",
        lambda: {
            "target_call": target(f"PUT /api/v2/conversations/calls/{CONV}/recordingstate"),
            "environment": ENV,
        },
    ),
    Case(
        "endpoint.exists",
        Status.FAIL,
        "is not a public Genesys Cloud API operation",
        lambda: {"target_call": given_call(CATALOG, ("GET", "/api/v2/nothing/here")), "environment": ENV},
        name="can-i",
    ),
    Case(
        "endpoint.exists",
        Status.FAIL,
        "is not a Genesys Cloud API operation",
        lambda: {"target_call": target(STOP), "environment": ENV},
    ),
    # auth.token
    Case(
        "auth.token",
        Status.PASS,
        "valid token for org 'Acme'",
        lambda: {"environment": ENV, "token_info": token_info(), "identity": identity()},
    ),
    Case(
        "auth.token",
        Status.FAIL,
        "is disabled",
        lambda: {
            "environment": ENV,
            "token_info": token_info(),
            "identity": identity(client_state="disabled"),
        },
    ),
    Case(
        "auth.token",
        Status.WARN,
        "is inactive: no new tokens can be created with it",
        lambda: {
            "environment": ENV,
            "token_info": token_info(),
            "identity": identity(client_state="inactive"),
        },
        name="inactive-client",
    ),
    Case(
        "auth.token",
        Status.FAIL,
        "token was rejected",
        lambda: {"environment": ENV},
        lambda: {"token_info": denied("token_info", 401, "bad.credentials")},
    ),
    Case(
        "auth.token",
        Status.ERROR,
        "not run: GET x → 503",
        lambda: {"environment": ENV},
        lambda: {"token_info": denied("token_info", 503, "service.unavailable")},
    ),
    # auth.scopes
    Case(
        "auth.scopes",
        Status.SKIP,
        "scopes do not apply",
        lambda: {"identity": identity(), "target_call": target(), "inputs": inputs(), "environment": ENV},
    ),
    Case(
        "auth.scopes",
        Status.PASS,
        "has a scope the call accepts",
        lambda: {
            "identity": identity("user"),
            "target_call": target(kind="user"),
            "inputs": inputs(),
            "environment": ENV,
        },
    ),
    Case(
        "auth.scopes",
        Status.ERROR,
        "Enforce Scopes",
        lambda: {
            "identity": identity("user", scopes=("conversations:readonly",)),
            "target_call": target(kind="user"),
            "inputs": inputs(),
            "environment": ENV,
        },
    ),
    Case(
        "auth.scopes",
        Status.FAIL,
        "lacks the scope conversations",
        lambda: {
            "identity": identity("user", scopes=("conversations:readonly",)),
            "target_call": target(kind="user"),
            "inputs": inputs(scopes_enforced=True),
            "environment": ENV,
        },
    ),
    Case(
        "auth.scopes",
        Status.PASS,
        "does not enforce scopes",
        lambda: {
            "identity": identity("user", scopes=()),
            "target_call": target(kind="user"),
            "inputs": inputs(scopes_enforced=False),
            "environment": ENV,
        },
        name="not-enforced",
    ),
    Case(
        "auth.scopes",
        Status.WARN,
        "does not know which scopes",
        lambda: {
            "identity": identity("user"),
            "target_call": target("GET /api/v2/alerting/alerts/x", kind="user"),
            "inputs": inputs(),
            "environment": ENV,
        },
    ),
    Case(
        "auth.scopes",
        Status.WARN,
        "http://127.0.0.1:8080 is not a Genesys region's API host, so gcdiag uses its bundled catalog",
        lambda: {
            "identity": identity("user"),
            "target_call": target("GET /api/v2/alerting/alerts/x", kind="user"),
            "inputs": inputs(),
            "environment": {**ENV, "api_url": "http://127.0.0.1:8080", "region": None},
        },
        name="sandbox",
    ),
    # auth.permissions
    Case(
        "auth.permissions",
        Status.PASS,
        "holds conversation:recording:pauseOthers",
        lambda: {"identity": identity(), "target_call": target(), "grants": grants((PAUSER, "*"))},
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "lists conversation:recording:pauseOthers in no division, and its roles could not be read",
        lambda: {"identity": identity(), "target_call": target(), "permitted_divisions": permitted(False)},
        lambda: {"grants": denied("oauth_client")},
        name="roles-unread-held-nowhere",
    ),
    Case(
        # Held somewhere per divisionspermitted, roles unread: unconfirmed good news is not a pass.
        "auth.permissions",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "permitted_divisions": permitted(False, (HOME, "Home")),
        },
        lambda: {"grants": denied("oauth_client")},
        name="roles-unread-held-somewhere",
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "Recording Viewer",
        lambda: {"identity": identity(), "target_call": target(), "grants": grants((VIEWER, "*"))},
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "(conversation:recording:pause is the inferred name of Conversation > Recording > Pause)",
        lambda: {
            "identity": identity("user"),
            "kind": "user",
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}", kind="user"),
            "grants": grants((PAUSER, "*")),
        },
        name="participant-route-needs-pause",
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        'Use PUT /api/v2/conversations/calls/{conversationId}/recordingstate with {"recordingState": "PAUSED"}: '
        "it needs conversation:recording:pauseOthers and no participation",
        lambda: {
            "identity": identity(),
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}"),
            "grants": grants((VIEWER, "*")),
        },
        name="participant-route-client-credentials",
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "conversation:call:record is the one for what this call does (inferred",
        lambda: {
            "identity": identity("user"),
            "target_call": target(
                "PATCH /api/v2/conversations/calls/{conversationId}/participants/{participantId}",
                role="ADHOC",
                kind="user",
            ),
            "grants": grants((VIEWER, "*")),
        },
        name="recording-flag-prefers-call-record",
    ),
    Case(
        "auth.permissions",
        Status.ERROR,
        "depends on an unconfirmed fact",
        lambda: {
            "identity": identity("user"),
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}", kind="user"),
            "grants": grants((DISCONNECTER, "*")),
        },
        name="only-the-inferred-pause-string-missing",
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "it holds conversation:recording:pause, which does not substitute",
        lambda: {
            "identity": identity("user"),
            "target_call": target(kind="user"),
            "grants": grants((PARTICIPANT_PAUSE, "*")),
        },
        name="near-miss-pause",
    ),
    Case(
        "auth.permissions",
        Status.FAIL,
        "the existing role 'Pauser'",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "grants": grants((VIEWER, "*")),
            "org_roles": (OrgRole(VIEWER), OrgRole(PAUSER)),
            "target_divisions": where(),
        },
        name="existing-role-in-the-conversations-division",
    ),
    # auth.division
    Case(
        "auth.division",
        Status.PASS,
        "covers the conversation's division",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((PAUSER, "*")),
            "permitted_divisions": permitted(True),
        },
    ),
    Case(
        "auth.division",
        Status.FAIL,
        "only in Home",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((PAUSER, HOME)),
            "permitted_divisions": permitted(False, (HOME, "Home")),
        },
    ),
    Case(
        "auth.division",
        Status.FAIL,
        "only in Home",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((PAUSER, HOME)),
            "permission_info": {"conversation:recording:pauseOthers": True},
        },
        lambda: {"permitted_divisions": denied("permitted_divisions", 400, "bad.request")},
        name="fallback-to-grants",
    ),
    Case(
        "auth.division",
        Status.FAIL,
        "only in Home (Home), but the conversation is in Support ({SUPPORT}); assuming "
        "conversation:recording:pauseOthers is division-aware: GET /api/v2/authorization/permissions did not say "
        "(unconfirmed)".replace("{SUPPORT}", SUPPORT).replace("Home (Home)", f"Home ({HOME})"),
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((PAUSER, HOME)),
            "permission_info": {"conversation:recording:pauseOthers": None},
        },
        lambda: {"permitted_divisions": denied("permitted_divisions", 400, "bad.request")},
        name="division-awareness-assumed-in-the-summary",
    ),
    Case(
        "auth.division",
        Status.PASS,
        "not division-aware",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((PAUSER, HOME)),
            "permission_info": {"conversation:recording:pauseOthers": False},
        },
    ),
    Case(
        "auth.division",
        Status.SKIP,
        "in no division at all",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "grants": grants((VIEWER, "*")),
            "permitted_divisions": permitted(False),
        },
    ),
    Case(
        # Held in no division per the subject's own answer: a missing permission, which auth.permissions decides.
        "auth.division",
        Status.SKIP,
        "in no division at all: see auth.permissions",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "permitted_divisions": permitted(False),
        },
        lambda: {"grants": denied("oauth_client")},
        name="subject-alone",
    ),
    Case(
        "auth.division",
        Status.FAIL,
        "whose answer for a client-credentials token is unconfirmed",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "target_divisions": where(),
            "permitted_divisions": permitted(False, (HOME, "Home")),
        },
        lambda: {"grants": denied("oauth_client")},
        name="subject-alone-says-uncertain",
    ),
    Case(
        "auth.division",
        Status.PASS,
        "held in all divisions (*)",
        lambda: {"identity": identity(), "target_call": target(), "grants": grants((PAUSER, "*"))},
        name="no-target-all-divisions",
    ),
    Case(
        "auth.division",
        Status.WARN,
        "the call succeeds only for objects in that division; assuming conversation:recording:pauseOthers is "
        "division-aware",
        lambda: {"identity": identity(), "target_call": target(), "grants": grants((PAUSER, HOME))},
        name="no-target-some-divisions",
    ),
    Case(
        "auth.division",
        Status.WARN,
        "the call succeeds only for objects in that division",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "grants": grants((PAUSER, HOME)),
            "permission_info": {"conversation:recording:pauseOthers": True},
        },
        name="no-target-some-divisions-known-aware",
    ),
    Case(
        "auth.division",
        Status.SKIP,
        "no division given",
        lambda: {
            "identity": identity(),
            "target_call": target(),
            "grants": grants((PAUSER, HOME)),
            "permission_info": {"conversation:recording:pauseOthers": False},
        },
        name="no-target-not-division-aware",
    ),
    Case(
        "auth.division",
        Status.ERROR,
        "no division 'Sales'",
        lambda: {"identity": identity(), "target_call": target(), "grants": grants((PAUSER, "*"))},
        lambda: {"target_divisions": FactError("target_divisions", "no division 'Sales' in this org")},
        name="unknown-division",
    ),
    Case(
        "auth.division",
        Status.ERROR,
        "could not see",
        lambda: {"identity": identity(), "target_call": target(), "target_divisions": where()},
        lambda: {"grants": denied("oauth_client"), "permitted_divisions": denied("permitted_divisions", 400)},
    ),
    # auth.participant
    Case(
        "auth.participant",
        Status.SKIP,
        "does not require",
        lambda: {"identity": identity(), "target_call": target(), "conversation": conversation()},
    ),
    Case(
        "auth.participant",
        Status.PASS,
        "is a participant",
        lambda: {
            "identity": identity("user"),
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}"),
            "conversation": conversation(),
        },
    ),
    Case(
        "auth.participant",
        Status.FAIL,
        "can never be a participant",
        lambda: {
            "identity": identity(),
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}"),
            "conversation": conversation(),
        },
    ),
    Case(
        "auth.participant",
        Status.FAIL,
        "is not a participant",
        lambda: {
            "identity": identity("user", user_id="someone-else"),
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}"),
            "conversation": conversation(),
        },
        name="user-not-participant",
    ),
    Case(
        "auth.participant",
        Status.WARN,
        "depends on the conversation (write its id in the path)",
        lambda: {
            "identity": identity("user"),
            "target_call": given_call(CATALOG, ("PATCH", "/api/v2/conversations/calls/{conversationId}")),
            "target_ids": target_ids(None, None),
        },
        name="can-i-placeholder",
    ),
    # can-i --body '{"recording": true}': not the off switch, so the wrong-leg rule does not apply.
    Case(
        "recording.participant",
        Status.SKIP,
        "not a participant-flag call",
        lambda: {
            "target_call": given_call(
                CATALOG,
                ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/p-customer"),
                {"recording": True},
            ),
            "target_ids": target_ids(
                participant_id="p-customer", from_path=("conversationId", "participantId")
            ),
            "environment": ENV_CAN_I,
            "conversation": adhoc_on_agent(),
        },
        name="can-i-body-not-the-flag-off",
    ),
    Case(
        "auth.participant",
        Status.FAIL,
        "can never be a participant",
        lambda: {
            "identity": identity(),
            "target_call": given_call(CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}")),
            "target_ids": target_ids(from_path=("conversationId",)),
        },
        name="can-i-client-credentials",
    ),
    # auth.user-context
    Case(
        "auth.user-context",
        Status.SKIP,
        "not a call that needs a user",
        lambda: {"identity": identity(), "target_call": target()},
    ),
    Case(
        "auth.user-context",
        Status.FAIL,
        "needs a user, and a client-credentials token has none",
        lambda: {"identity": identity(), "target_call": given_call(CATALOG, ("GET", "/api/v2/users/me"))},
    ),
    Case(
        "auth.user-context",
        Status.PASS,
        "the token is Sam Agent's",
        lambda: {
            "identity": identity("user"),
            "target_call": given_call(CATALOG, ("GET", "/api/v2/users/me")),
        },
    ),
    Case(
        "auth.user-context",
        Status.ERROR,
        "could not tell whether the token has one",
        lambda: {
            "identity": identity("unknown", grant_type=None),
            "target_call": given_call(CATALOG, ("GET", "/api/v2/users/me")),
        },
        name="unknown-kind",
    ),
    # conversation.found
    Case(
        "conversation.found",
        Status.PASS,
        "Support",
        lambda: {"target_ids": target_ids(), "environment": ENV, "conversation": conversation()},
    ),
    Case(
        "conversation.found",
        Status.FAIL,
        "It is not a user's id either",
        lambda: {"target_ids": target_ids(), "environment": ENV},
        lambda: {"conversation": denied("conversation", 404, "not.found")},
    ),
    Case(
        "conversation.found",
        Status.FAIL,
        "is not a conversation id: it is the id of the user 'Sam Agent'",
        lambda: {
            "target_ids": target_ids(from_path=("conversationId",)),
            "environment": ENV_CAN_I,
            "id_kind": {
                "id": CONV,
                "kind": "user",
                "name": "Sam Agent",
                "request": "GET /api/v2/users/{userId}",
            },
        },
        lambda: {"conversation": denied("conversation", 404, "not.found")},
        name="user-id",
    ),
    Case(
        "conversation.found",
        Status.FAIL,
        "Whether it is a user's id gcdiag could not tell (could not read id_kind: GET x → 403",
        lambda: {"target_ids": target_ids(from_path=("conversationId",)), "environment": ENV_CAN_I},
        lambda: {
            "conversation": denied("conversation", 404, "not.found"),
            "id_kind": denied("id_kind", 403, "missing.permissions"),
        },
        name="user-lookup-refused",
    ),
    Case(
        "conversation.found",
        Status.SKIP,
        "names no conversation id",
        lambda: {"target_ids": target_ids(None, None), "environment": ENV_CAN_I},
        name="placeholder",
    ),
    Case(
        "conversation.found",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {"target_ids": target_ids(), "environment": ENV},
        lambda: {"conversation": denied("conversation")},
    ),
    # conversation.path-ids
    Case(
        "conversation.path-ids",
        Status.SKIP,
        "no participant or recording id",
        lambda: {"target_ids": target_ids(), "conversation": conversation()},
    ),
    Case(
        "conversation.path-ids",
        Status.PASS,
        "participant p-customer (customer) and recording",
        lambda: {
            "target_ids": target_ids(
                participant_id="p-customer", from_path=("conversationId", "participantId", "recordingId")
            ),
            "conversation": conversation(),
            "path_recordings": recordings(),
        },
    ),
    Case(
        "conversation.path-ids",
        Status.FAIL,
        "user-1 is not a participant of conversation "
        f"{CONV}: it is the user id of the participant p-agent (agent); the participant's own id is p-agent",
        lambda: {
            "target_ids": target_ids(participant_id="user-1", from_path=("conversationId", "participantId")),
            "conversation": conversation(),
        },
        name="user-id-as-participant",
    ),
    Case(
        "conversation.path-ids",
        Status.FAIL,
        f"{REC} is not a participant of conversation {CONV}: it is the id of a recording",
        lambda: {
            "target_ids": target_ids(participant_id=REC, from_path=("conversationId", "participantId")),
            "conversation": conversation(),
            "path_recordings": recordings(),
        },
        name="recording-id-as-participant",
    ),
    Case(
        "conversation.path-ids",
        Status.FAIL,
        f"p-agent is not a recording of conversation {CONV}: it is the id of the participant p-agent (agent)",
        lambda: {
            "target_ids": target_ids(recording_id="p-agent", from_path=("conversationId", "recordingId")),
            "conversation": conversation(),
            "path_recordings": recordings(),
        },
        name="participant-id-as-recording",
    ),
    Case(
        "conversation.path-ids",
        Status.FAIL,
        "is not a participant of conversation",
        lambda: {
            "target_ids": target_ids(participant_id="nobody", from_path=("conversationId", "participantId")),
            "conversation": conversation(),
        },
        name="unknown-participant",
    ),
    Case(
        "conversation.path-ids",
        Status.FAIL,
        f"Call PATCH /api/v2/conversations/calls/{CONV}/participants/p-agent with body",
        lambda: {
            "target_ids": target_ids(
                participant_id="p-nobody", from_path=("conversationId", "participantId")
            ),
            "target_call": target(FLAG + "p-nobody", "ADHOC", conv=adhoc_on_agent()),
            "conversation": adhoc_on_agent(),
        },
        name="unknown-participant-flag-names-right-leg",
    ),
    Case(
        "conversation.path-ids",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {
            "target_ids": target_ids(recording_id="r-other", from_path=("conversationId", "recordingId")),
            "conversation": conversation(),
        },
        lambda: {"path_recordings": denied("recordings")},
        name="recordings-unread",
    ),
    # conversation.state
    Case(
        "conversation.state",
        Status.PASS,
        "the call is live",
        lambda: {
            "conversation": conversation(),
            "target_ids": target_ids(),
            "target_call": target(),
            "environment": ENV,
        },
    ),
    Case(
        "conversation.state",
        Status.FAIL,
        "the call ended",
        lambda: {
            "conversation": conversation(endTime="2026-11-28T10:05:00.000Z"),
            "target_ids": target_ids(),
            "target_call": target(),
            "environment": ENV,
        },
    ),
    Case(
        "conversation.state",
        Status.FAIL,
        "no participant has a connected call",
        lambda: {
            "conversation": conversation(participants=[{"id": "p", "calls": [{"state": "disconnected"}]}]),
            "target_ids": target_ids(),
            "target_call": target(),
            "environment": ENV,
        },
        name="no-connected",
    ),
    Case(
        "conversation.state",
        Status.SKIP,
        "does not act on a live recording",
        lambda: {
            "conversation": conversation(endTime="2026-11-28T10:05:00.000Z"),
            "target_ids": target_ids(from_path=("conversationId",)),
            "target_call": given_call(CATALOG, ("GET", f"/api/v2/conversations/{CONV}")),
            "environment": ENV_CAN_I,
        },
        name="can-i-read",
    ),
    Case(
        "conversation.state",
        Status.FAIL,
        "the call ended",
        lambda: {
            "conversation": conversation(endTime="2026-11-28T10:05:00.000Z"),
            "target_ids": target_ids(from_path=("conversationId",)),
            "target_call": given_call(CATALOG, ("PUT", f"/api/v2/conversations/calls/{CONV}/recordingstate")),
            "environment": ENV_CAN_I,
        },
        name="can-i-pause",
    ),
    # recording.state
    Case("recording.state", Status.PASS, "recording is active", lambda: {"conversation": conversation()}),
    Case(
        "recording.state",
        Status.WARN,
        "already secure-paused",
        lambda: {"conversation": conversation(securePause=True, recordingState="PAUSED")},
    ),
    Case(
        "recording.state",
        Status.WARN,
        "hold",
        lambda: {"conversation": conversation(recordingState="PAUSED")},
        name="paused-by-hold",
    ),
    Case(
        "recording.state",
        Status.FAIL,
        "no active recording",
        lambda: {
            "conversation": conversation(
                recordingState="NONE",
                participants=[
                    {
                        "id": "p",
                        "calls": [{"state": "connected", "recording": False, "recordingState": "none"}],
                    }
                ],
            )
        },
    ),
    Case(
        "recording.state",
        Status.SKIP,
        "has ended",
        lambda: {"conversation": conversation(endTime="2026-11-28T10:05:00.000Z")},
    ),
    # recording.participant
    Case(
        "recording.participant",
        Status.PASS,
        "participant p-agent is the one whose ad hoc recording runs",
        lambda: {
            "target_call": target(FLAG + "p-agent", "ADHOC", conv=adhoc_on_agent()),
            "target_ids": target_ids(participant_id="p-agent"),
            "environment": ENV,
            "conversation": adhoc_on_agent(),
        },
    ),
    Case(
        "recording.participant",
        Status.FAIL,
        "participant p-customer (customer) has no ad hoc recording to switch off; the ad hoc recording runs on "
        "participant p-agent",
        lambda: {
            "target_call": target(FLAG + "p-customer", "ADHOC", conv=adhoc_on_agent()),
            "target_ids": target_ids(participant_id="p-customer"),
            "environment": ENV,
            "conversation": adhoc_on_agent(),
        },
        name="another-leg",
    ),
    # An id that is no participant at all is conversation.path-ids's failure: said once, there.
    Case(
        "recording.participant",
        Status.SKIP,
        "see conversation.path-ids",
        lambda: {
            "target_call": target(FLAG + "p-nobody", "ADHOC", conv=adhoc_on_agent()),
            "target_ids": target_ids(participant_id="p-nobody"),
            "environment": ENV,
            "conversation": adhoc_on_agent(),
        },
        name="unknown-participant",
    ),
    Case(
        "recording.participant",
        Status.SKIP,
        "not a participant-flag call",
        lambda: {
            "target_call": target(),
            "target_ids": target_ids(),
            "environment": ENV,
            "conversation": conversation(),
        },
    ),
    # can-i: the call is chosen before the conversation is read; the rule reads who records ad hoc from it.
    Case(
        "recording.participant",
        Status.FAIL,
        f"Call PATCH /api/v2/conversations/calls/{CONV}/participants/p-agent",
        lambda: {
            "target_call": given_call(
                CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/p-customer")
            ),
            "target_ids": target_ids(
                participant_id="p-customer", from_path=("conversationId", "participantId")
            ),
            "environment": ENV_CAN_I,
            "conversation": adhoc_on_agent(),
        },
        name="can-i-wrong-leg",
    ),
    Case(
        "recording.participant",
        Status.PASS,
        "participant p-agent is the one whose ad hoc recording runs",
        lambda: {
            "target_call": given_call(
                CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/p-agent")
            ),
            "target_ids": target_ids(participant_id="p-agent", from_path=("conversationId", "participantId")),
            "environment": ENV_CAN_I,
            "conversation": adhoc_on_agent(),
        },
        name="can-i-right-leg",
    ),
    Case(
        "recording.participant",
        Status.SKIP,
        "names no participant id",
        lambda: {
            "target_call": given_call(
                CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/{{participantId}}")
            ),
            "target_ids": target_ids(from_path=("conversationId",)),
            "environment": ENV_CAN_I,
            "conversation": adhoc_on_agent(),
        },
        name="can-i-placeholder",
    ),
    # can-i --body '{"recording": true}': not the off switch, so the wrong-leg rule does not apply.
    Case(
        "recording.participant",
        Status.SKIP,
        "not a participant-flag call",
        lambda: {
            "target_call": given_call(
                CATALOG,
                ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/p-customer"),
                {"recording": True},
            ),
            "target_ids": target_ids(
                participant_id="p-customer", from_path=("conversationId", "participantId")
            ),
            "environment": ENV_CAN_I,
            "conversation": adhoc_on_agent(),
        },
        name="can-i-body-not-the-flag-off",
    ),
    Case(
        "recording.participant",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {
            "target_call": given_call(
                CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/p-agent")
            ),
            "target_ids": target_ids(participant_id="p-agent", from_path=("conversationId", "participantId")),
            "environment": ENV_CAN_I,
        },
        lambda: {"conversation": denied("conversation")},
        name="can-i-unread",
    ),
    Case(
        "recording.kind",
        Status.WARN,
        "switches off only the ad hoc recording of participant p-agent; the policy (CUSTOMER_EXPERIENCE) recording "
        "keeps running",
        lambda: {"target_call": target(FLAG + "p-agent", "CUSTOMER_EXPERIENCE", conv=adhoc_on_agent(True))},
        name="both-run-flag-policy-recording-asked",
    ),
    Case(
        "recording.kind",
        Status.WARN,
        "a policy (CUSTOMER_EXPERIENCE) recording runs too and keeps running",
        lambda: {"target_call": target(FLAG + "p-agent", "ADHOC", conv=adhoc_on_agent(True))},
        name="both-run-flag",
    ),
    # recording.kind
    Case(
        "recording.kind",
        Status.PASS,
        "no API operation stops it (there is no stop endpoint), secure pause halts it",
        lambda: {"target_call": target(), "recordings": recordings()},
    ),
    Case(
        "recording.kind",
        Status.PASS,
        "switches it off",
        lambda: {"target_call": target(role="ADHOC"), "recordings": recordings("ADHOC")},
        name="adhoc",
    ),
    Case(
        "recording.kind",
        Status.WARN,
        "does not stop a policy recording",
        lambda: {
            "target_call": target(f"PATCH /api/v2/conversations/calls/{CONV}/participants/p-customer"),
            "recordings": recordings(),
        },
    ),
    Case(
        "recording.kind",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {"target_call": target(role=None)},
        lambda: {"recordings": denied("recordings")},
    ),
    Case(
        "recording.kind",
        Status.WARN,
        "does not pause or stop",
        lambda: {"target_call": target(f"GET /api/v2/conversations/{CONV}"), "recordings": recordings()},
        name="unrelated-call",
    ),
    # recording.found
    Case(
        "recording.found",
        Status.PASS,
        "belongs to conversation",
        lambda: {"inputs": inputs(), "recordings": recordings()},
    ),
    Case(
        "recording.found",
        Status.FAIL,
        "is not among",
        lambda: {"inputs": inputs(recording_id="r-other"), "recordings": recordings()},
    ),
    Case("recording.found", Status.SKIP, "no recording id", lambda: {"inputs": inputs(recording_id=None)}),
    Case(
        "recording.found",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {"inputs": inputs()},
        lambda: {"recordings": denied("recordings")},
    ),
    # audit.recent-changes
    Case(
        "audit.recent-changes",
        Status.PASS,
        "no change",
        lambda: {
            "inputs": inputs(),
            "audit_changes": audit_changes(),
            "interaction_audits": InteractionAudits(()),
        },
    ),
    Case(
        "audit.recent-changes",
        Status.WARN,
        "1 change(s)",
        lambda: {
            "inputs": inputs(),
            # "unrelated": an entry the service returned although the EntityId filter excludes it is ignored
            "audit_changes": audit_changes(audit_entry("role-viewer"), audit_entry("unrelated")),
            "interaction_audits": InteractionAudits(()),
        },
    ),
    Case(
        "audit.recent-changes",
        Status.WARN,
        "could not read changes to the identity's OAuth client",
        lambda: {"inputs": inputs(), "interaction_audits": InteractionAudits(())},
        lambda: {"audit_changes": denied("audit_changes")},
        name="partial",
    ),
    Case(
        "audit.recent-changes",
        Status.WARN,
        "roles not looked up: could not read grants",
        lambda: {
            "inputs": inputs(),
            "audit_changes": audit_changes(
                roles_unknown="could not read grants: GET /api/v2/oauth/clients → 403"
            ),
            "interaction_audits": InteractionAudits(()),
        },
        name="roles-unknown",
    ),
    Case(
        "audit.recent-changes",
        Status.WARN,
        "30 older change(s) not read",
        lambda: {
            "inputs": inputs(),
            "audit_changes": audit_changes(unread=30),
            "interaction_audits": InteractionAudits(()),
        },
        name="unread",
    ),
    Case(
        "audit.recent-changes",
        Status.WARN,
        "recording actions older than the newest 1 not read",
        lambda: {
            "inputs": inputs(),
            "audit_changes": audit_changes(),
            "interaction_audits": InteractionAudits((audit_entry(REC, "Recording"),), more=True),
        },
        name="older-actions",
    ),
    # --interaction-audit not given (the default): no value and no problem; the check says it did not look
    Case(
        "audit.recent-changes",
        Status.PASS,
        "were not looked up: the interaction audit query is slow",
        lambda: {"inputs": inputs(), "audit_changes": audit_changes(), "interaction_audits": None},
        name="interaction-audit-off",
    ),
    Case(
        "audit.recent-changes",
        Status.ERROR,
        "not run: GET x refused (403)",
        lambda: {"inputs": inputs(), "interaction_audits": None},
        lambda: {"audit_changes": denied("audit_changes")},
        name="interaction-audit-off-and-changes-denied",
    ),
    Case(
        "audit.recent-changes",
        Status.ERROR,
        "could not read the audit logs",
        lambda: {"inputs": inputs()},
        lambda: {
            "audit_changes": denied("audit_changes"),
            "interaction_audits": denied("interaction_audits"),
        },
    ),
    # error.body
    Case("error.body", Status.SKIP, "no --error-body", lambda: {"inputs": inputs(), "target_call": target()}),
    Case(
        "error.body",
        Status.PASS,
        "a Genesys ErrorBody: 403 missing.any.permissions, naming conversation:recording:pauseOthers",
        lambda: {"inputs": inputs(error_body=parse_error_body(GENESYS_403)), "target_call": target()},
    ),
    Case(
        "error.body",
        Status.WARN,
        "may come from a proxy or gateway",
        lambda: {
            "inputs": inputs(error_body=parse_error_body('{"code": "bad_request", "status": 403}')),
            "target_call": target(),
        },
    ),
    Case(
        "error.body",
        Status.WARN,
        "is not JSON",
        lambda: {
            "inputs": inputs(error_body=parse_error_body("<html><body>403 Forbidden</body></html>")),
            "target_call": target(),
        },
        name="html",
    ),
    Case(
        "error.body",
        Status.WARN,
        "was it from another call",
        lambda: {
            "inputs": inputs(
                error_body=parse_error_body(
                    GENESYS_403.replace("conversation:recording:pauseOthers", "conversation:webchat:create")
                )
            ),
            "target_call": target(),
        },
        name="other-call",
    ),
    # YAML checks
    Case("conversation.media", Status.PASS, "call leg", lambda: {"conversation": conversation()}),
    Case(
        "conversation.media",
        Status.FAIL,
        "not a voice call",
        lambda: {"conversation": conversation(participants=[{"id": "p", "chats": [{}]}])},
    ),
    Case("auth.trustee", Status.PASS, "not a trustee", lambda: {"identity": identity("user")}),
    Case(
        "auth.trustee",
        Status.WARN,
        "cloned trustee user of org org-9",
        lambda: {"identity": identity("user", cloned_user=True, cloned_user_org="org-9")},
    ),
    Case(
        # Read from tokens/me, or by the inspector from the OAuth client when the subject got no token: either way
        # a client-credentials token has no user, so it is never a cloned user's.
        "auth.trustee",
        Status.SKIP,
        "grant type is CLIENT-CREDENTIALS: its tokens have no user",
        lambda: {"identity": identity(source="inspector", org_id=None)},
    ),
]

_ = (REC, SUPPORT)
