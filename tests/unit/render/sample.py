"""One fixed, hand-built report for the renderer, report-I/O and redaction tests.

The story: a client-credentials integration pauses a live call recording and gets 403. Every Genesys fact in
it comes from docs/genesys-facts.md: the endpoint and its ANY permission
``conversation:recording:pauseOthers`` (§2, §3.2), the UI label "Conversation > Recording > PauseOthers" (§4),
scopes not applying to client credentials (§1.1), ``conversation:communication:view`` for GET
/api/v2/conversations/{conversationId} (§2), the Recording fields
``recordingFileRole``/``mediaSubtype``/``fileState`` and their values (§3.3), policy recordings being only
secure-pausable (§3.1, INFERRED there), the non-Genesys error body ``bad_request`` (§10.11),
``audits:audit:view`` for the audit query (§7) and the 403 codes
``missing.permissions``/``missing.any.permissions`` (§6).

It covers every status, blocking and non-blocking results, unicode, ``|`` and ``<&>`` in text, nested
evidence, notes and request records.
"""

from __future__ import annotations

from gcdiag.genesys.authz import Policy, Role
from gcdiag.genesys.fixcode import Action, Change, ExistingGrant, FixSubject, SubjectKind, as_code
from gcdiag.report.model import Basis, Because, CheckResult, Report, Status, decide

CONV = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
REC = "8d0f3c1e-2b4a-4c6e-9f10-1a2b3c4d5e6f"
CLIENT = "5c1e9a2b-7d3f-4e8a-b6c0-0f1e2d3c4b5a"
ORG = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
HOME = "1a2b3c4d-0000-4000-8000-00000000000a"
ROLE_VIEW = "2b3c4d5e-0000-4000-8000-00000000000b"
ROLE_QA = "3c4d5e6f-0000-4000-8000-00000000000c"
CALL = "PUT /api/v2/conversations/calls/{conversationId}/recordingstate"
CONCRETE = f"PUT /api/v2/conversations/calls/{CONV}/recordingstate"
PERM = "conversation:recording:pauseOthers"
QA_ROLE_NAME = "Supervisor | QA <&> Ops"
PERMISSION_FIX = (
    f"Add the permission {PERM} (UI: Conversation > Recording > PauseOthers) "
    "to a role of the OAuth client, "
    "in a division that covers the conversation (or '*')."
)
# The fix step as code (gcdiag.genesys.fixcode): the role it names, with the policy it has.
PERMISSION_FIX_CODE = as_code(
    Change(
        action=Action.ADD_PERMISSION,
        permission=PERM,
        subject=FixSubject(
            kind=SubjectKind.OAUTH_CLIENT,
            id=CLIENT,
            name="Enregistrement — Intégration",
            grant_type="CLIENT-CREDENTIALS",
            grants=(ExistingGrant(role_id=ROLE_VIEW, role_name="Recording Viewer", division_id=HOME),),
        ),
        role=Role(ROLE_VIEW, "Recording Viewer", (), (Policy("recording", "recording", ("view",)),)),
    ),
    "https://api.mypurecloud.com",
    fix=PERMISSION_FIX,
)

RESULTS = (
    CheckResult(
        id="endpoint.exists",
        title="The call is a public API operation",
        status=Status.PASS,
        blocking=True,
        summary=f"{CALL} is a public API operation",
        evidence={
            "operation": {
                "method": "PUT",
                "path": CALL.split(" ", 1)[1],
                "permissionType": "ANY",
                "permissions": [PERM],
            }
        },
        duration_ms=0.42,
    ),
    CheckResult(
        id="auth.token",
        title="The token is valid",
        status=Status.PASS,
        blocking=True,
        summary="client-credentials token of OAuth client “Enregistrement — Intégration” "
        "in org Acme Café 東京",
        detail="grant CLIENT-CREDENTIALS; client state active; "
        "no user (client credentials have no user context)",
        evidence={
            "identity": {
                "kind": "client_credentials",
                "client_id": CLIENT,
                "client_name": "Enregistrement — Intégration",
                "org_id": ORG,
                "org_name": "Acme Café 東京",
                "user_id": None,
            }
        },
        duration_ms=131.5,
    ),
    CheckResult(
        id="auth.scopes",
        title="The token's scopes cover the call",
        status=Status.SKIP,
        blocking=True,
        summary="client-credentials grant: OAuth scopes do not apply, "
        "the client's role-division pairs decide",
    ),
    CheckResult(
        id="auth.permissions",
        title="The identity's roles grant the call's permission",
        status=Status.FAIL,
        blocking=True,
        summary=(
            f"no role of the OAuth client grants {PERM} (ANY of 1); the roles considered were "
            f"“Recording Viewer” and “{QA_ROLE_NAME}”, which between them grant only recording:recording:view"
        ),
        detail=(
            f"{CALL} requires ANY of: {PERM}.\n"
            f"Role “{QA_ROLE_NAME}” ({ROLE_QA}) grants recording:recording:view in division Home."
        ),
        fix=(PERMISSION_FIX,),
        fix_as_code=(PERMISSION_FIX_CODE,),
        evidence={
            "required": {"type": "ANY", "permissions": [PERM]},
            "grants": [
                {
                    "role": {"id": ROLE_VIEW, "name": "Recording Viewer"},
                    "division": {"id": HOME, "name": "Home"},
                    "permissions": ["recording:recording:view"],
                },
                {
                    "role": {"id": ROLE_QA, "name": QA_ROLE_NAME},
                    "division": {"id": "*", "name": "all divisions"},
                    "permissions": ["recording:recording:view"],
                },
            ],
        },
        duration_ms=2.25,
    ),
    CheckResult(
        id="conversation.found",
        title="The conversation exists in this org and region",
        status=Status.ERROR,
        blocking=True,
        summary="could not read the conversation: GET /api/v2/conversations/{conversationId} answered 403",
        detail="code missing.any.permissions; the subject lacks conversation:communication:view",
        see_more=(
            "Run with an inspector identity that holds conversation:communication:view "
            "(--inspector-client-id).",
        ),
        evidence={
            "error": {
                "fact": "conversation",
                "request": "GET /api/v2/conversations/{conversationId}",
                "identity": "subject",
                "status": 403,
                "code": "missing.any.permissions",
                "correlation_id": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
            }
        },
        duration_ms=96.0,
    ),
    CheckResult(
        id="auth.division",
        title="A grant of the permission covers the target's division",
        status=Status.FAIL,
        blocking=True,
        summary="the conversation lies outside the divisions where the client holds the permission (Home only)",
        basis=Basis.INFERRED,
        because=(
            Because(rule="the client holds conversation:communication:view only in Home", fact="grants"),
            Because(
                rule="its read of the conversation was refused (403), so the conversation is not in Home",
                request=1,
            ),
        ),
        fix=("Grant the role 'Recording Viewer' in the conversation's division, or in all divisions (*).",),
        duration_ms=0.4,
    ),
    CheckResult(
        id="recording.kind",
        title="What kind of recording is running",
        status=Status.WARN,
        blocking=False,
        summary=(
            f"recording {REC} is a policy recording (CUSTOMER_EXPERIENCE): it cannot be stopped, only "
            "secure-paused (recordingState PAUSED) and resumed (ACTIVE)"
        ),
        fix=("Use PAUSED/ACTIVE with PUT …/recordingstate; there is no API that stops a policy recording.",),
        evidence={
            "recordings": [
                {
                    "id": REC,
                    "recordingFileRole": "CUSTOMER_EXPERIENCE",
                    "mediaSubtype": "Trunk",
                    "fileState": "UPLOADING",
                }
            ]
        },
        duration_ms=54.125,
    ),
    CheckResult(
        id="error.body",
        title="The error you received is a Genesys ErrorBody",
        status=Status.FAIL,
        blocking=False,
        summary="the error body's code 'bad_request' is not a Genesys code (Genesys codes are dot-separated)",
        detail='Received: {"code": "bad_request", "status": 403}',
        fix=(
            "Check that the 403 really came from the Genesys Cloud API "
            "(a proxy or gateway may have answered).",
        ),
        evidence={"body": {"code": "bad_request", "status": 403}, "genesys_format": False},
        duration_ms=0.05,
    ),
    CheckResult(
        id="audit.recent-changes",
        title="Recent changes to the client, its roles and the conversation",
        status=Status.ERROR,
        blocking=False,
        summary="could not query the audit log: POST /api/v2/audits/query answered 403 missing.permissions",
        see_more=("Give the inspector identity audits:audit:view to see recent changes.",),
        evidence={
            "error": {
                "fact": "audit",
                "request": "POST /api/v2/audits/query",
                "status": 403,
                "code": "missing.permissions",
            }
        },
        duration_ms=77.0,
    ),
)

REQUESTS = (
    {
        "method": "POST",
        "path": "/oauth/token",
        "status": 200,
        "duration_ms": 88.1,
        "identity": "subject",
        "correlation_id": "",
    },
    {
        "method": "GET",
        "path": "/api/v2/tokens/me",
        "status": 200,
        "duration_ms": 43.4,
        "identity": "subject",
        "correlation_id": "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d",
    },
    {
        "method": "GET",
        "path": f"/api/v2/conversations/{CONV}",
        "status": 403,
        "duration_ms": 96.0,
        "identity": "subject",
        "correlation_id": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    },
    {
        "method": "GET",
        "path": f"/api/v2/conversations/{CONV}/recordings?formatId=NONE",
        "status": 200,
        "duration_ms": 54.0,
        "identity": "subject",
        "correlation_id": "1e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f7",
    },
    {
        "method": "POST",
        "path": "/api/v2/audits/query",
        "status": 403,
        "duration_ms": 77.0,
        "identity": "subject",
        "correlation_id": "2f3a4b5c-6d7e-4f80-91a2-b3c4d5e6f708",
    },
)

NOTES = (
    "No inspector identity: configuration was read with the subject's own token; what it may not read is "
    "reported as error with the permission gcdiag would need.",
    "Permission changes can take a few minutes to take effect — re-run after changing a role.",
)


def sample_report() -> Report:
    verdict = decide(RESULTS, subject=CONCRETE)
    fix: list[str] = []
    see_more: list[str] = []
    for result in RESULTS:  # the pipeline orders fix steps; here the order is simply the results'
        fix += [step for step in result.fix if step not in fix]
        see_more += [step for step in result.see_more if step not in see_more]
    return Report(
        scenario="recording-stop",
        generated_at="2026-11-28T15:00:00Z",
        target={
            "region": "us_east_1",
            "api_url": "https://api.mypurecloud.com",
            "org": {"id": ORG, "name": "Acme Café 東京"},
        },
        subject={
            "kind": "client_credentials",
            "client": {"id": CLIENT, "name": "Enregistrement — Intégration"},
            "user": None,
        },
        inputs={
            "conversation_id": CONV,
            "recording_id": REC,
            "call": CALL,
            "diagnosed_call": CONCRETE,
            "diagnosed_call_detail": {
                "method": "PUT",
                "path": CALL.split(" ", 1)[1],
                "body": {"recordingState": "PAUSED"},
            },
        },
        verdict=verdict,
        fix=tuple(fix),
        see_more=tuple(see_more),
        results=RESULTS,
        requests=REQUESTS,
        notes=NOTES,
        version="0.1.0",
        report_schema=2,
    )


def passing_report() -> Report:
    """A second, short report (would succeed) for the smoke renderings."""
    results = (
        CheckResult(
            id="endpoint.exists",
            title="The call is a public API operation",
            status=Status.PASS,
            blocking=True,
            summary=f"{CALL} is a public API operation",
            duration_ms=0.3,
        ),
        CheckResult(
            id="auth.permissions",
            title="The identity's roles grant the call's permission",
            status=Status.PASS,
            blocking=True,
            summary=f"the OAuth client holds {PERM} in all divisions ('*')",
            duration_ms=1.7,
        ),
    )
    return Report(
        scenario="recording-stop",
        generated_at="2026-11-28T15:01:30Z",
        target={
            "region": "us_east_1",
            "api_url": "https://api.mypurecloud.com",
            "org": {"id": ORG, "name": "Acme"},
        },
        subject={"kind": "client_credentials", "client": {"id": CLIENT, "name": "Pauser"}, "user": None},
        inputs={"conversation_id": CONV, "call": CALL, "diagnosed_call": CONCRETE},
        verdict=decide(results, subject=CONCRETE),
        fix=(),
        results=results,
        version="0.1.0",
        report_schema=1,
    )
