"""What gcdiag knows for ``who-can``: the recording-control preset, each permission with its evidence, and the
subject types of role grants.

Sources: [OPS] (the bundled operation catalog, gcdiag/genesys/data/catalog.json), the official SDK 269.0.0 (model
enums and API docstrings, [SDK-M]/[SDK-A]) and docs/genesys-facts.md (cited as genesys-facts §N). The operations
each permission guards are read from the catalog at run time, never typed here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gcdiag.genesys.catalog import Catalog


class Evidence(str, enum.Enum):
    """The label of a fact, as docs/genesys-facts.md uses them."""

    CONFIRMED = "confirmed"
    INFERRED = "inferred"
    UNCONFIRMED = "unconfirmed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class PresetPermission:
    """One permission of a preset: what it lets a holder do to recordings, and how sure gcdiag is."""

    permission: str
    controls: str  # what a holder can do with it
    evidence: Evidence
    source: str  # where that comes from

    def to_dict(self, catalog: Catalog | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "permission": self.permission,
            "controls": self.controls,
            "evidence": self.evidence.value,
            "source": self.source,
        }
        if catalog is not None:
            out["operations"] = operations_for(catalog, self.permission)
        return out


def operations_for(catalog: Catalog, permission: str) -> list[str]:
    """``METHOD path (ANY|ALL)`` of every operation whose requirement lists ``permission``."""
    return [
        f"{op.method} {op.path} ({op.permission_type})"
        for op in catalog
        if permission in op.permissions and op.permission_type
    ]


# The permissions that let a holder pause, resume or stop a recording, switch off ad hoc recording, delete
# recordings or change how long they are kept. Recording settings (PUT /api/v2/recording/settings) are left out:
# which of its four ANY permissions guards stopRecordingWhenOnlyExternalParticipants is UNCONFIRMED.
RECORDING_CONTROL: tuple[PresetPermission, ...] = (
    PresetPermission(
        permission="conversation:recording:pauseOthers",
        controls="secure pause and resume of a conversation's recordings (the …/recordingstate operations)",
        evidence=Evidence.CONFIRMED,
        source="[OPS] ANY of this one permission on every …/recordingstate operation; genesys-facts §3.2",
    ),
    PresetPermission(
        permission="conversation:recording:pause",
        controls=(
            "UI 'Conversation > Recording > Pause': a participant user's pause through PATCH "
            "/api/v2/conversations/calls/{conversationId}"
        ),
        evidence=Evidence.UNCONFIRMED,
        source=(
            "the string form is inferred from the UI name (genesys-facts §10.12, §3.2); no operation in [OPS] lists "
            "it, so that it exists is unconfirmed"
        ),
    ),
    PresetPermission(
        permission="conversation:call:record",
        controls="switch ad hoc recording of a participant on or off (the participant PATCH, field recording)",
        evidence=Evidence.INFERRED,
        source=(
            "[OPS] one of the ANY list of the participant PATCH operations (with conversation:participant:wrapup and "
            "conversation:communication:disconnect); that the recording field needs this one is inferred "
            "(genesys-facts §3.2 d)"
        ),
    ),
    PresetPermission(
        permission="conversation:recording:snippetRecord",
        controls="start or stop the snippet recording of a participant",
        evidence=Evidence.CONFIRMED,
        source=(
            "[OPS] ANY of this one permission; 'Start/stop the snippet recording for a participant' "
            "[SDK-A:conversations_api post_conversations_call_participant_snippet_record]"
        ),
    ),
    PresetPermission(
        permission="recording:recording:editRetention",
        controls="change a recording's archive and delete dates (deletion by retention)",
        evidence=Evidence.CONFIRMED,
        source=(
            "'editRetention is required when updating retention dates' [SDK-A:recording_api put_conversation_recording]"
        ),
    ),
    PresetPermission(
        permission="recording:screenRecording:editRetention",
        controls="change a screen recording's archive and delete dates",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT …/recordings/{recordingId} (ANY) and PUT /api/v2/recording/jobs/{jobId} (ALL)",
    ),
    PresetPermission(
        permission="recording:snippetRecording:editRetention",
        controls="change a snippet recording's archive and delete dates",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT …/recordings/{recordingId} (ANY) and PUT /api/v2/recording/jobs/{jobId} (ALL)",
    ),
    PresetPermission(
        permission="recording:job:add",
        controls="create bulk recording jobs, whose action may be DELETE",
        evidence=Evidence.CONFIRMED,
        source="[OPS]; RecordingJobsQuery.action ARCHIVE, DELETE, EXPORT [SDK-M:recording_jobs_query]",
    ),
    PresetPermission(
        permission="recording:job:edit",
        controls="execute a bulk recording job (with the three editRetention permissions)",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT /api/v2/recording/jobs/{jobId} requires ALL of it and the editRetention permissions",
    ),
    PresetPermission(
        permission="recording:retentionPolicy:add",
        controls="create media retention policies (what is recorded, and for how long it is kept)",
        evidence=Evidence.CONFIRMED,
        source="[OPS] POST /api/v2/recording/mediaretentionpolicies",
    ),
    PresetPermission(
        permission="recording:retentionPolicy:edit",
        controls="change media retention policies",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT and PATCH /api/v2/recording/mediaretentionpolicies/{policyId}",
    ),
    PresetPermission(
        permission="recording:retentionPolicy:delete",
        controls="delete media retention policies",
        evidence=Evidence.CONFIRMED,
        source="[OPS] DELETE /api/v2/recording/mediaretentionpolicies[/{policyId}]",
    ),
    PresetPermission(
        permission="recording:crossPlatformRetentionPolicy:add",
        controls="create cross-platform media retention policies",
        evidence=Evidence.CONFIRMED,
        source="[OPS] POST /api/v2/recording/crossplatform/mediaretentionpolicies",
    ),
    PresetPermission(
        permission="recording:crossPlatformRetentionPolicy:edit",
        controls="change cross-platform media retention policies",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT and PATCH /api/v2/recording/crossplatform/mediaretentionpolicies/{policyId}",
    ),
    PresetPermission(
        permission="recording:crossPlatformRetentionPolicy:delete",
        controls="delete cross-platform media retention policies",
        evidence=Evidence.CONFIRMED,
        source="[OPS] DELETE /api/v2/recording/crossplatform/mediaretentionpolicies[/{policyId}]",
    ),
    PresetPermission(
        permission="recording:orphan:delete",
        controls="delete orphan recordings",
        evidence=Evidence.CONFIRMED,
        source="[OPS] DELETE /api/v2/orphanrecordings/{orphanId}",
    ),
    PresetPermission(
        permission="recording:deletionProtection:revoke",
        controls="revoke the deletion protection of conversations' recordings",
        evidence=Evidence.CONFIRMED,
        source="[OPS] PUT /api/v2/recordings/deletionprotection (ANY with recording:deletionProtection:apply)",
    ),
)

PRESETS = {"recording-control": RECORDING_CONTROL}


# SubjectDivisionGrants.type [SDK-M:subject_division_grants] → gcdiag's subject kind.
SUBJECT_KINDS = {
    "PC_USER": "user",
    "PC_GROUP": "group",
    "PC_OAUTH_CLIENT": "oauth_client",
    "PC_TRUSTEE_USER": "trustee_user",
    "PC_TRUSTEE_GROUP": "trustee_group",
    "UNKNOWN": "unknown",
}

# OAuthClient.state [SDK-M:o_auth_client]: "Disabled: Access tokens created by the client are invalid and new ones
# cannot be created. Inactive: Access tokens cannot be created with this OAuth client and it will be deleted."
# Either way its role grants remain until they are removed (or the client is deleted), so who-can lists it.
CLIENT_STATE_NOTES = {
    "disabled": "disabled: its tokens are invalid and it cannot get new ones; the grant remains",
    "inactive": "inactive: it cannot get new tokens and Genesys will delete it; until then the grant remains",
}
