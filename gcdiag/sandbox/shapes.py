"""Response bodies: the in-memory org rendered as the real API's JSON shapes.

Field names are the JSON names of the official SDK models' ``attribute_map`` (PureCloudPlatformClientV2
269.0.0); each builder names its model. Fields the sandbox has no honest value for are left out rather than
filled with a plausible-looking invention: every model field is optional in the SDK, and an absent field is
what a client must cope with anyway.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gcdiag.genesys.authz import Role
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.sandbox.fixture import (
    AuditEntry,
    Conversation,
    Division,
    Group,
    OAuthClient,
    Org,
    Participant,
    QualityAuditEntry,
    Recording,
    User,
    utc,
)

API = "/api/v2"


# --- small references ---------------------------------------------------------------------------------------


def division_ref(org: Org, division_id: str) -> dict[str, Any]:
    """DomainEntityRef of a division (id, name, selfUri)."""
    division = org.division(division_id)
    out: dict[str, Any] = {"id": division_id}
    if division is not None:
        out["name"] = division.name
    out["selfUri"] = f"{API}/authorization/divisions/{division_id}"
    return out


def authz_division(division: Division) -> dict[str, Any]:
    """AuthzDivision."""
    out: dict[str, Any] = {"id": division.id, "name": division.name}
    if division.description:
        out["description"] = division.description
    out["homeDivision"] = division.home
    out["selfUri"] = f"{API}/authorization/divisions/{division.id}"
    return out


def named_org(org: Org) -> dict[str, Any]:
    """NamedEntity of the organization."""
    return {"id": org.id, "name": org.name}


def user_ref(org: Org, user_id: str) -> dict[str, Any]:
    """DomainEntityRef of a user."""
    user = org.users.get(user_id)
    out: dict[str, Any] = {"id": user_id}
    if user is not None:
        out["name"] = user.name
    out["selfUri"] = f"{API}/users/{user_id}"
    return out


def listing(entities: list[Any], page_size: int, page_number: int, **extra: Any) -> dict[str, Any]:
    """An entity listing page (``entities, pageSize, pageNumber, total, pageCount``)."""
    total = len(entities)
    start = (page_number - 1) * page_size
    page_count = max(1, -(-total // page_size)) if page_size else 1
    return {
        "entities": entities[start : start + page_size],
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        **extra,
        "pageCount": page_count,
    }


# --- identity: tokens, clients, users, roles ----------------------------------------------------------------


def oauth_client(org: Org, client: OAuthClient) -> dict[str, Any]:
    """OAuthClient (GET /api/v2/oauth/clients/{clientId}).

    The model has a ``secret`` field; the sandbox never returns it. gcdiag must never need a secret from an
    API response, and leaving it out makes that testable.
    """
    out: dict[str, Any] = {"id": client.id, "name": client.name}
    out["accessTokenValiditySeconds"] = client.token_validity
    if client.description:
        out["description"] = client.description
    out["dateCreated"] = utc(org.epoch - timedelta(days=30))
    out["authorizedGrantType"] = client.grant_type
    out["scope"] = list(client.scopes)
    out["roleDivisions"] = [{"roleId": r, "divisionId": d} for r, d in client.role_divisions]
    out["state"] = client.state
    if client.date_to_delete is not None:
        out["dateToDelete"] = utc(org.at(client.date_to_delete))
    out["selfUri"] = f"{API}/oauth/clients/{client.id}"
    return out


def token_info(
    org: Org,
    client: OAuthClient,
    scopes: tuple[str, ...],
    idles: str,
    cloned_user: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """TokenInfo (GET /api/v2/tokens/me). ``cloned_user`` (clone id, trustee org id) adds ``clonedUser``, "only
    present when a user is a clone of trustee user in the trustor org" [SDK-M:token_info]."""
    out: dict[str, Any] = {
        "organization": named_org(org),
        # "The token's home organization" differs under org trustee access (genesys-facts §5): for a clone, the
        # trustee's org, INFERRED; the sandbox knows only its id (NamedEntity.name is optional).
        "homeOrganization": {"id": cloned_user[1]} if cloned_user else named_org(org),
        # For a client-credentials token this is UNCONFIRMED (genesys-facts §5): best guess an empty list. For user
        # tokens, the scopes the token carries (INFERRED, genesys-facts §5).
        "authorizedScope": list(scopes),
        # OrgOAuthClient. roleDivisions is declared by the model, but whether tokens/me fills it is
        # UNCONFIRMED (genesys-facts §4), so it is left out.
        "OAuthClient": {
            "id": client.id,
            "name": client.name,
            "dateCreated": utc(org.epoch - timedelta(days=30)),
            "authorizedGrantType": client.grant_type,
            "scope": list(client.scopes),
            "state": client.state,
            **(
                {"dateToDelete": utc(org.at(client.date_to_delete))}
                if client.date_to_delete is not None
                else {}
            ),
            "organization": named_org(org),
        },
        "dateTokenIdles": idles,
    }
    if cloned_user:
        out["clonedUser"] = {
            "id": cloned_user[0],
            "organization": {"id": cloned_user[1]},
        }  # TokenInfoClonedUser
    return out


def user_me(org: Org, user: User) -> dict[str, Any]:
    """UserMe (GET /api/v2/users/me)."""
    out: dict[str, Any] = {"id": user.id, "name": user.name, "division": division_ref(org, user.division_id)}
    if user.email:
        out["email"] = user.email
    out["state"] = "active"
    if user.email:
        out["username"] = user.email
    out["version"] = 1
    out["selfUri"] = f"{API}/users/{user.id}"
    return out


def role(org: Org, role_obj: Role, user_count: bool) -> dict[str, Any]:
    """DomainOrganizationRole (GET /api/v2/authorization/roles/{roleId}).

    Domain permissions live in ``permissionPolicies`` (DomainPermissionPolicy); ``permissions`` holds only
    general role permissions such as ``group_creation`` (genesys-facts §4).
    """
    out: dict[str, Any] = {"id": role_obj.id, "name": role_obj.name}
    if org.role_descriptions.get(role_obj.id):
        out["description"] = org.role_descriptions[role_obj.id]
    out["permissions"] = list(role_obj.permissions)
    out["permissionPolicies"] = [
        {"domain": p.domain, "entityName": p.entity, "actionSet": list(p.actions), "allowConditions": False}
        for p in role_obj.policies
    ]
    if user_count:
        out["userCount"] = sum(
            1 for u in org.users.values() if any(r == role_obj.id for r, _ in u.role_divisions)
        )
    out["default"] = False
    out["base"] = False
    out["selfUri"] = f"{API}/authorization/roles/{role_obj.id}"
    return out


def authz_subject(
    org: Org, subject_id: str, name: str, grants_of: list[tuple[str, str, str]], *, full_roles: bool = False
) -> dict[str, Any]:
    """AuthzSubject (GET /api/v2/authorization/subjects/me) with AuthzGrant/AuthzGrantRole/AuthzGrantPolicy.

    ``grants_of`` is (subject id, role id, division id): a grant through a group carries the group's id as its
    ``subjectId`` (INFERRED from "Include multiple entries with the same role and division but different subjects",
    includeDuplicates [SDK-A:authorization_api]). A role's ``policies`` only with ``includeFullRoles=true``:
    "Include full role data with permission policies for each grant" [SDK-A:authorization_api
    get_authorization_subjects_me]."""
    grants = []
    for grant_subject, role_id, division_id in grants_of:
        role_obj = org.roles[role_id]
        division = org.division(division_id)
        if division is not None:
            grant_division = authz_division(division)
        else:
            # How the real API shows an all-divisions grant here is UNCONFIRMED (genesys-facts §4): best guess the "*"
            # that RoleDivision uses.
            grant_division = {"id": ALL_DIVISIONS, "name": ALL_DIVISIONS}
        grants.append(
            {
                "subjectId": grant_subject,
                "division": grant_division,
                "role": {
                    "id": role_obj.id,
                    "name": role_obj.name,
                    **(
                        {
                            "policies": [
                                {"actions": list(p.actions), "domain": p.domain, "entityName": p.entity}
                                for p in role_obj.policies
                            ]
                        }
                        if full_roles
                        else {}
                    ),
                    "default": False,
                    "selfUri": f"{API}/authorization/roles/{role_obj.id}",
                },
                "grantMadeAt": utc(org.epoch - timedelta(days=30)),
            }
        )
    return {
        "id": subject_id,
        "name": name,
        "grants": grants,
        "version": 1,
        "selfUri": f"{API}/authorization/subjects/{subject_id}",
    }


def grant_division(org: Org, division_id: str) -> dict[str, Any]:
    """Division {id, name, selfUri} of a grant. How an all-divisions grant shows here is UNCONFIRMED
    (genesys-facts §4): best guess the "*" that RoleDivision uses, as in :func:`authz_subject`."""
    if division_id == ALL_DIVISIONS:
        return {"id": ALL_DIVISIONS, "name": ALL_DIVISIONS}
    return division_ref(org, division_id)


def subject_division_grants(
    org: Org, subject_id: str, name: str, subject_type: str, division_ids: list[str]
) -> dict[str, Any]:
    """SubjectDivisionGrants {id, name, divisions, type} (GET …/roles/{roleId}/subjectgrants): ``type`` is one of
    PC_USER, PC_GROUP, PC_OAUTH_CLIENT, PC_TRUSTEE_USER, PC_TRUSTEE_GROUP, UNKNOWN [SDK-M:subject_division_grants].
    No ``selfUri``: what it points at for each subject type is not documented."""
    return {
        "id": subject_id,
        "name": name,
        "divisions": [grant_division(org, d) for d in division_ids],
        "type": subject_type,
    }


def group(org: Org, group_obj: Group) -> dict[str, Any]:
    """Group (GET /api/v2/groups, /groups/{groupId}); fields the fixture has no value for are left out."""
    out: dict[str, Any] = {"id": group_obj.id, "name": group_obj.name}
    if group_obj.description:
        out["description"] = group_obj.description
    out["memberCount"] = len(group_obj.members)
    out["state"] = group_obj.state
    out["version"] = 1
    out["rolesEnabled"] = group_obj.roles_enabled
    out["selfUri"] = f"{API}/groups/{group_obj.id}"
    return out


def user(org: Org, user_obj: User) -> dict[str, Any]:
    """User (the entities of GET /api/v2/groups/{groupId}/members, a UserEntityListing)."""
    out: dict[str, Any] = {
        "id": user_obj.id,
        "name": user_obj.name,
        "division": division_ref(org, user_obj.division_id),
    }
    if user_obj.email:
        out["email"] = user_obj.email
    out["state"] = user_obj.state
    if user_obj.email:
        out["username"] = user_obj.email
    out["version"] = 1
    out["selfUri"] = f"{API}/users/{user_obj.id}"
    return out


def domain_permission(org: Org, permission: str) -> dict[str, Any]:
    """DomainPermission; ``divisionAware`` is left out when the fixture does not declare it (the sandbox's own
    assumption for ``conversation:*``/``recording:*`` is enforced, never served as Genesys' answer)."""
    domain, entity, action = permission.split(":")
    out: dict[str, Any] = {"domain": domain, "entityType": entity, "action": action}
    aware = org.declared_division_aware(permission)
    if aware is not None:
        out["divisionAware"] = aware
    return out


def permission_collections(org: Org, permissions: list[str]) -> list[dict[str, Any]]:
    """DomainPermissionCollection per domain, ``permissionMap`` keyed by entity type.

    No ``selfUri``: there is no GET operation for a single collection to point at.
    """
    by_domain: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for perm in sorted(permissions):
        domain, entity, _ = perm.split(":")
        by_domain.setdefault(domain, {}).setdefault(entity, []).append(domain_permission(org, perm))
    return [
        {
            "id": domain,
            "name": domain,
            "domain": domain,
            "permissionMap": entities,
        }
        for domain, entities in sorted(by_domain.items())
    ]


# --- conversations and recordings ---------------------------------------------------------------------------


def _live(conv: Conversation, participant: Participant) -> bool:
    return not conv.ended and participant.state not in ("disconnected", "terminated")


def _recorders_state(conv: Conversation, participant: Participant) -> dict[str, str]:
    """RecordersState: which recorders run for this participant's call (ACTIVE|PAUSED|NONE each)."""
    live = conv.recording_state if _live(conv, participant) else "NONE"
    roles = {r.file_role for r in conv.recordings}
    cx = live if participant.recording and "CUSTOMER_EXPERIENCE" in roles else "NONE"
    # UNCONFIRMED (genesys-facts §3.2): whether a secure pause pauses the ad hoc recorder too. The sandbox does the
    # most likely thing (it does: the ad hoc recorder follows the conversation's recordingState); gcdiag's verdicts do
    # not rest on it (recording.kind warns, --attempt states what the ad hoc recorder reads after the pause).
    adhoc = live if participant.adhoc else "NONE"
    # Agent experience and snippet recorders are not modelled by the fixtures.
    return {
        "adhocState": adhoc,
        "customerExperienceState": cx,
        "agentExperienceState": "NONE",
        "snippetState": "NONE",
    }


def _is_recording(conv: Conversation, participant: Participant) -> bool:
    """Call.recording: "true when the call is being recorded" (a secure-paused call still has a recorder)."""
    return (
        _live(conv, participant)
        and (participant.recording or participant.adhoc)
        and conv.recording_state != "NONE"
    )


def _secure_pause(conv: Conversation, participant: Participant) -> bool:
    """A call's ``securePause`` ("True when the recording of this call is in secure pause status" [SDK-M:call]):
    only a connected leg records, so only a live participant's call reads true. UNCONFIRMED (genesys-facts §3.3):
    what a disconnected leg reports after a secure pause is not documented; the conversation-level flag stays."""
    return conv.secure_pause and _live(conv, participant)


def _call_recording_state(conv: Conversation, participant: Participant) -> str:
    """The lower-case recordingState of call models (``none|active|paused``)."""
    return conv.recording_state.lower() if _is_recording(conv, participant) else "none"


def _recording_id(conv: Conversation, participant: Participant) -> str | None:
    """Call.recordingId: the participant's own ad hoc file when the fixture names one, else the first file of the
    kind that records this leg (ADHOC for an ad-hoc-only leg, otherwise CUSTOMER_EXPERIENCE)."""
    wanted = "ADHOC" if participant.adhoc and not participant.recording else "CUSTOMER_EXPERIENCE"
    if not (participant.recording or participant.adhoc):
        return None
    if wanted == "ADHOC":
        own = [
            rec
            for rec in conv.recordings
            if rec.file_role == "ADHOC" and rec.participant_id == participant.id
        ]
        shared = [rec for rec in conv.recordings if rec.file_role == "ADHOC" and rec.participant_id is None]
        for rec in own or shared:
            return rec.id
    for rec in conv.recordings:
        if rec.file_role == wanted and rec.participant_id in (None, participant.id):
            return rec.id
    return conv.recordings[0].id if conv.recordings else None


def _times(org: Org, conv: Conversation) -> tuple[str, str, str | None]:
    start = org.at(conv.start)
    connected = start + timedelta(seconds=2)
    end = org.at(conv.end) if conv.end is not None else None
    return utc(start), utc(connected), utc(end) if end else None


def divisions(org: Org, conv: Conversation) -> list[dict[str, Any]]:
    """ConversationDivisionMembership list."""
    return [{"division": division_ref(org, d), "entities": []} for d in conv.division_ids]


def conversation(org: Org, conv: Conversation) -> dict[str, Any]:
    """Conversation (GET /api/v2/conversations/{conversationId}).

    No ``state``: "When reading conversations, this field will never have a value present" (genesys-facts §3.3);
    liveness shows as ``endTime`` and the participants' call states.
    """
    start, connected, end = _times(org, conv)
    participants = []
    for p in conv.participants:
        ended = p.state in ("disconnected", "terminated")
        call: dict[str, Any] = {
            "state": p.state,
            "id": _call_id(conv, p),
            "direction": "inbound",
            "recording": _is_recording(conv, p),
            "recordingState": _call_recording_state(conv, p),
            "recordersState": _recorders_state(conv, p),
            "muted": False,
            "confined": False,
            "held": p.held,
            "securePause": _secure_pause(conv, p),
        }
        recording_id = _recording_id(conv, p)
        if recording_id:
            call["recordingId"] = recording_id
        call["connectedTime"] = connected
        if ended:
            call["disconnectedTime"] = end or connected
        part: dict[str, Any] = {"id": p.id, "startTime": start}
        if ended:
            part["endTime"] = end or connected
        part["connectedTime"] = connected
        if p.name:
            part["name"] = p.name
        if p.user_id:
            part["userUri"] = f"{API}/users/{p.user_id}"
            part["userId"] = p.user_id
        part["purpose"] = p.purpose
        if p.ani:
            part["ani"] = p.ani
        if p.dnis:
            part["dnis"] = p.dnis
        part["wrapupRequired"] = False
        part["attributes"] = {}
        part["calls"] = [call]
        participants.append(part)
    out: dict[str, Any] = {"id": conv.id, "startTime": start}
    if end:
        out["endTime"] = end
    out["participants"] = participants
    out["recordingState"] = conv.recording_state
    out["divisions"] = divisions(org, conv)
    out["securePause"] = conv.secure_pause
    out["selfUri"] = f"{API}/conversations/{conv.id}"
    return out


def _call_id(conv: Conversation, participant: Participant) -> str:
    # A stable per-participant communication id derived from the ids the fixture gives (uuid-shaped).
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{conv.id}/{participant.id}/call"))


def call_conversation(org: Org, conv: Conversation) -> dict[str, Any]:
    """CallConversation (GET /api/v2/conversations/calls/{conversationId}) with CallMediaParticipant."""
    start, connected, end = _times(org, conv)
    participants = []
    for p in conv.participants:
        ended = p.state in ("disconnected", "terminated")
        part: dict[str, Any] = {"id": p.id}
        if p.name:
            part["name"] = p.name
        part["startTime"] = start
        part["connectedTime"] = connected
        if ended:
            part["endTime"] = end or connected
        part["purpose"] = p.purpose
        part["state"] = p.state
        part["direction"] = "inbound"
        part["held"] = p.held
        part["wrapupRequired"] = False
        if p.user_id:
            part["user"] = user_ref(org, p.user_id)
        part["attributes"] = {}
        part["muted"] = False
        part["confined"] = False
        part["recording"] = _is_recording(conv, p)
        part["recordingState"] = _call_recording_state(conv, p)
        part["recordersState"] = _recorders_state(conv, p)
        if p.ani:
            part["ani"] = p.ani
        if p.dnis:
            part["dnis"] = p.dnis
        part["securePause"] = _secure_pause(conv, p)
        participants.append(part)
    return {
        "id": conv.id,
        "participants": participants,
        "otherMediaUris": [],
        "divisions": divisions(org, conv),
        "recordingState": conv.recording_state.lower(),
        "securePause": conv.secure_pause,
        "selfUri": f"{API}/conversations/calls/{conv.id}",
    }


def recording(org: Org, conv: Conversation, rec: Recording, *, metadata: bool = False) -> dict[str, Any]:
    """Recording (GET …/recordings, …/recordings/{id}) or RecordingMetadata (``metadata=True``: no file
    role)."""
    start, _, end = _times(org, conv)
    out: dict[str, Any] = {"id": rec.id, "conversationId": conv.id, "startTime": start}
    if end and rec.file_state != "UPLOADING":
        out["endTime"] = end
    out["media"] = "audio"
    if rec.media_subtype:
        out["mediaSubtype"] = rec.media_subtype
    out["fileState"] = rec.file_state
    if rec.archive_date is not None:
        out["archiveDate"] = utc(org.at(rec.archive_date))  # Recording.archiveDate [SDK-M:recording]
    if rec.delete_date is not None:
        out["deleteDate"] = utc(org.at(rec.delete_date))  # Recording.deleteDate [SDK-M:recording]
    if not metadata:
        out["recordingFileRole"] = rec.file_role
    out["selfUri"] = f"{API}/conversations/{conv.id}/recordings/{rec.id}"
    return out


# --- audit --------------------------------------------------------------------------------------------------


def _ref_with_uri(ref: dict[str, str] | None, kind: str) -> dict[str, str] | None:
    if ref is None:
        return None
    return {**ref, "selfUri": f"{API}/{kind}/{ref['id']}"}


def _audit_head(org: Org, entry: AuditEntry | QualityAuditEntry) -> dict[str, Any]:
    """What both audit messages open with: id, home org, who (user, OAuth client) and the service."""
    out: dict[str, Any] = {"id": entry.id, "userHomeOrgId": org.id}
    user = _ref_with_uri(entry.user, "users")
    if user:
        out["user"] = user
    if entry.client:
        out["client"] = {"id": entry.client["id"], "selfUri": f"{API}/oauth/clients/{entry.client['id']}"}
    out["serviceName"] = entry.service_name
    return out


def audit_message(org: Org, entry: AuditEntry) -> dict[str, Any]:
    """AuditLogMessage."""
    out = _audit_head(org, entry)
    out["level"] = entry.level
    out["eventDate"] = utc(org.at(entry.when))
    if entry.message_code:
        out["message"] = {"localizableMessageCode": entry.message_code}
    out["action"] = entry.action
    if entry.entity:
        out["entity"] = dict(entry.entity)
    out["entityType"] = entry.entity_type
    out["status"] = entry.status
    out["propertyChanges"] = [dict(c) for c in entry.property_changes]
    return out


def quality_audit_message(org: Org, entry: QualityAuditEntry) -> dict[str, Any]:
    """QualityAuditLogMessage (the conversation id is an internal index, not a field of the model)."""
    out = _audit_head(org, entry)
    out["status"] = entry.status
    out["eventDate"] = utc(org.at(entry.when))
    out["action"] = entry.action
    out["entity"] = dict(entry.entity)
    out["entityType"] = entry.entity_type
    out["propertyChanges"] = [dict(c) for c in entry.property_changes]
    return out
