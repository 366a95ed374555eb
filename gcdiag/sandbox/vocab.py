"""The Genesys Cloud vocabulary the sandbox may use, each list traced to docs/genesys-facts.md or the SDK models.

The sandbox must never answer with a value the real API would not produce, so fixtures are validated against
these lists and the response builders draw their enum values from here. Anything not listed here is not
emitted. Where the real value is only a best guess the constant carries an ``UNCONFIRMED`` note.
"""

from __future__ import annotations

# --- regions (genesys-facts §9, purecloud_region_hosts.py) ----------------------------------------------------------
REGIONS = (
    "us_east_1",
    "us_east_2",
    "us_west_2",
    "ca_central_1",
    "sa_east_1",
    "mx_central_1",
    "eu_west_1",
    "eu_west_2",
    "eu_central_1",
    "eu_central_2",
    "eusc_de_east_1",
    "me_central_1",
    "ap_south_1",
    "ap_southeast_1",
    "ap_southeast_2",
    "ap_northeast_1",
    "ap_northeast_2",
    "ap_northeast_3",
)

# --- OAuth (genesys-facts §1) ---------------------------------------------------------------------------------------
# Fixture grant keyword -> OAuthClient.authorizedGrantType enum [SDK-M:o_auth_client]. "implicit" is the TOKEN
# grant (genesys-facts §1.2: Implicit/"TOKEN").
GRANT_TYPES = {
    "client_credentials": "CLIENT-CREDENTIALS",
    "code": "CODE",
    "implicit": "TOKEN",
    "saml2bearer": "SAML2-BEARER",
}
CLIENT_STATES = ("active", "disabled", "inactive")  # OAuthClient.state [SDK-M:o_auth_client]
GROUP_STATES = ("active", "inactive", "deleted")  # Group.state [SDK-M:group]
USER_STATES = ("active", "inactive", "deleted")  # User.state [SDK-M:user]
# Access token lifetime bounds and default, seconds (genesys-facts §1.4).
TOKEN_VALIDITY_MIN = 300
TOKEN_VALIDITY_MAX = 172800
TOKEN_VALIDITY_DEFAULT = 86400

# Every real scope name genesys-facts §1.3 lists (Terraform swagger union plus the premium-app list). A fixture may
# only use these: `recording:read` and friends are folklore, not scopes.
_SCOPE_FAMILIES_RW = (
    "ai-studio",
    "architect",
    "authorization",
    "business-rules",
    "case-management",
    "employee-performance",
    "external-contacts",
    "greetings",
    "groups",
    "identity-providers",
    "integrations",
    "journey",
    "knowledge",
    "learning",
    "locations",
    "messaging",
    "organization",
    "organization-authorization",
    "outbound",
    "presence",
    "process-automation",
    "quality",
    "response-management",
    "routing",
    "scripts",
    "speech-and-text-analytics",
    "stations",
    "telephony",
    "users-rules",
    "voicemail",
    "webdeployments",
    "workforce-management",
    "workitems",
    # premium-app list (genesys-facts §1.3, second paragraph)
    "alerting",
    "analytics",
    "assistants",
    "content-management",
    "devices",
    "dialog",
    "fax",
    "gdpr",
    "geolocation",
    "license",
    "messaging-platform",
    "scim",
    "textbots",
    "user-recordings",
    "web-chat",
    "widgets",
)
_SCOPES_SINGLE = (
    "coaching",
    "conversations",
    "conversations:readonly",
    "oauth",
    "oauth:readonly",
    "recordings",
    "recordings:readonly",
    "search:readonly",
    "upload",
    "user-basic-info",
    "users",
    "users:readonly",
    "audits:readonly",
    "billing:readonly",
    "notifications",
    "streaming-events:readonly",
)
KNOWN_SCOPES: frozenset[str] = frozenset(
    (*_SCOPES_SINGLE, *_SCOPE_FAMILIES_RW, *(f"{s}:readonly" for s in _SCOPE_FAMILIES_RW))
)
# GET /api/v2/oauth/scopes always lists at least these (the brief's minimum), plus every scope the org uses.
LISTED_SCOPES = (
    "audits:readonly",
    "authorization",
    "authorization:readonly",
    "conversations",
    "conversations:readonly",
    "oauth",
    "oauth:readonly",
    "recordings",
    "recordings:readonly",
    "user-basic-info",
)

# --- conversations (genesys-facts §3.3; SDK models call, conversation, recording) -----------------------------------
PURPOSES = ("customer", "agent", "acd", "ivr")  # the fixture vocabulary; Participant.purpose is a free string
# Call.state / CallMediaParticipant.state [SDK-M:call, call_media_participant]; "parked" is only in
# the latter.
CALL_STATES = (
    "alerting",
    "dialing",
    "contacting",
    "offering",
    "connected",
    "disconnected",
    "terminated",
    "converting",
    "uploading",
    "transmitting",
    "none",
)
RECORDING_STATES = (
    "ACTIVE",
    "PAUSED",
    "NONE",
)  # Conversation.recordingState, SetRecordingState, RecordersState
FILE_ROLES = ("CUSTOMER_EXPERIENCE", "ADHOC")  # Recording.recordingFileRole
FILE_STATES = ("ARCHIVED", "AVAILABLE", "DELETED", "RESTORED", "RESTORING", "UPLOADING", "ERROR")
MEDIA_SUBTYPES = ("Trunk", "Station", "Consult", "Screen", "Snippet")  # Recording.mediaSubtype
CONVERSATION_STATES = (
    "connected",
    "disconnected",
)  # fixture vocabulary only: a read Conversation has no state

# --- audit (genesys-facts §7) ---------------------------------------------------------------------------------------
# The values genesys-facts §7 names from the audit notification model; the real lists are longer (61 services), but a
# fixture may only use the ones the fact sheet vouches for.
AUDIT_SERVICES = (
    "PeoplePermissions",
    "Directory",
    "Integrations",
    "Quality",
    "Conversations",
    "ContactCenter",
    "Routing",
    "Telephony",
    "Architect",
    "Webhooks",
    "Limits",
    "SCIM",
    "GDPR",
)
AUDIT_ENTITY_TYPES = (
    "OAuthClient",
    "OAuthClientAuthorization",
    "AccessToken",
    "AuthUser",
    "AuthOrganization",
    "Role",
    "RoleSettings",
    "Policy",
    "User",
    "Recording",
    "ScreenRecording",
    "SnippetRecording",
    "RecordingSettings",
    "RecordingAnnotation",
    "RecordingKey",
    "Conversation",
    "Participant",
    "ConversationAttributes",
)
AUDIT_ACTIONS = (
    "Create",
    "Update",
    "Delete",
    "View",
    "Read",
    "Download",
    "Add",
    "Remove",
    "Authorize",
    "Deauthorize",
    "AuthorizationChanged",
    "Authenticate",
    "AuthenticationFailed",
    "Revoke",
    "Start",
    "Stop",
    "Assign",
    "Unassign",
    "Enable",
    "Disable",
    "Execute",
)
AUDIT_LEVELS = ("USER", "SYSTEM", "GENESYS_INTERNAL")  # AuditLogMessage.level
AUDIT_STATUSES = ("SUCCESS", "FAILURE", "WARNING")  # AuditLogMessage.status
AUDIT_FILTER_PROPERTIES = ("UserId", "TrusteeOrganizationId", "ClientId", "Action", "EntityType", "EntityId")
AUDIT_SORT_NAMES = ("Timestamp",)
AUDIT_SORT_ORDERS = ("ascending", "descending")

# QualityAuditLogMessage [SDK-M:quality_audit_log_message]; note the different casing of level and status.
QUALITY_SERVICES = ("RecordingService", "RecordingPlaybackService", "QualityService", "HorusService")
QUALITY_ENTITY_TYPES = (
    "Recording",
    "Evaluation",
    "Calibration",
    "Annotation",
    "ScreenRecording",
    "Survey",
    "SnippetRecording",
    "ScreenMonitoring",
)
QUALITY_ACTIONS = (
    "Read",
    "Create",
    "Update",
    "Delete",
    "Abandon",
    "Archive",
    "Export",
    "Download",
    "RestoreRequest",
    "RestoreComplete",
    "ApplyProtection",
    "RevokeProtection",
    "UpdateRetention",
    "Start",
    "Stop",
)
QUALITY_STATUSES = ("Success", "Failure", "Warning")
QUALITY_FILTER_PROPERTIES = (
    "UserId",
    "TrusteeOrganizationId",
    "TrusteeOnlyAudits",
    "ClientId",
    "Action",
    "EntityType",
    "EntityId",
    "ConversationId",
    "ServiceName",
)
# Audit query results: default and maximum pageSize (genesys-facts §7).
AUDIT_PAGE_SIZE_DEFAULT = 25
AUDIT_PAGE_SIZE_MAX = 500

# --- errors (genesys-facts §6) --------------------------------------------------------------------------------------
# Messages from the genesys-facts §6 table (third-party catalogue, UNCONFIRMED (genesys-facts §6) except where the fact sheet
# cross-checks them). Codes and statuses are those the table pairs them with.
MSG_AUTH_REQUIRED = "No authentication bearer token specified in authorization header."
MSG_BAD_CREDENTIALS = "Invalid login credentials."
MSG_EXPIRED = "The supplied credentials are expired and cannot be used."
MSG_NOT_AUTHORIZED = "You are not authorized to perform the requested action."
MSG_NOT_FOUND = "The requested resource was not found."
MSG_BAD_REQUEST = "The request could not be understood by the server due to malformed syntax."
MSG_MISSING_ALL = (
    "Unable to perform the requested action. You are missing the following permission(s): {perms}"
)
MSG_MISSING_ANY = (
    "Unable to perform the requested action. You must have at least one of the following permissions "
    "assigned: {perms}"
)
MSG_RATE_LIMIT = "Rate limit exceeded the maximum [{limit}] requests within [{window}] seconds"
# Measured against a real org by a third party (genesys-facts §5); the code is UNCONFIRMED (genesys-facts §5): best guess
# bad.request.
MSG_USER_CONTEXT = "This request requires a user context. Client credentials cannot be used..."  # as quoted in genesys-facts §5
# The 503/504 messages are not recorded in genesys-facts §6 ("…"): these texts are UNCONFIRMED (genesys-facts §6)
# placeholders.
MSG_UNAVAILABLE = "The service is currently unavailable."
MSG_TIMEOUT = "The request timed out."

# Status -> code for injected failures (fixture faults.fail), from the genesys-facts §6 table.
CODE_FOR_STATUS = {
    400: "bad.request",
    401: "bad.credentials",
    403: "not.authorized",
    404: "not.found",
    409: "general.conflict",
    415: "unsupported.media.type",
    429: "too.many.requests",
    503: "service.unavailable",
    504: "request.timeout",
}
MESSAGE_FOR_CODE = {
    "bad.request": MSG_BAD_REQUEST,
    "bad.credentials": MSG_BAD_CREDENTIALS,
    "credentials.expired": MSG_EXPIRED,
    "authentication.required": MSG_AUTH_REQUIRED,
    "not.authorized": MSG_NOT_AUTHORIZED,
    "not.found": MSG_NOT_FOUND,
    "service.unavailable": MSG_UNAVAILABLE,
    "request.timeout": MSG_TIMEOUT,
}
