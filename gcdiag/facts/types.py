"""The frozen fact types checks read: the public vocabulary of the check-author API.

Field names and enum values follow the official SDK's models (docs/genesys-facts.md is the index of sources).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gcdiag.facts.engine import FactError
from gcdiag.genesys.authz import Grant, Role


@dataclass(frozen=True)
class Identity:
    """Who the subject token belongs to, from ``GET /api/v2/tokens/me`` (+ ``/users/me`` for user tokens)."""

    kind: str  # client_credentials | user | unknown
    grant_type: str | None
    client_id: str | None
    client_name: str | None
    client_state: str | None
    org_id: str | None
    org_name: str | None
    home_org_id: str | None
    cloned_user: bool
    scopes: tuple[str, ...]
    date_token_idles: str | None
    user_id: str | None = None
    user_name: str | None = None
    # "tokens/me": the subject's own token; "inspector": the subject got no token, and this is the inspector's
    # read of its OAuth client (GET /api/v2/oauth/clients/{clientId}): no org, scopes or user from a token.
    source: str = "tokens/me"
    # TokenInfo.clonedUser.organization.id: the trustee org whose grants a cloned user acts with [SDK-M:token_info]
    cloned_user_org: str | None = None

    @property
    def via_inspector(self) -> bool:
        return self.source == "inspector"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "grant_type": self.grant_type,
            "client": {"id": self.client_id, "name": self.client_name, "state": self.client_state},
            "user": {"id": self.user_id, "name": self.user_name} if self.user_id else None,
            "org": {"id": self.org_id, "name": self.org_name},
            "home_org_id": self.home_org_id,
            "cloned_user": self.cloned_user,
            **({"cloned_user_org": self.cloned_user_org} if self.cloned_user else {}),
            "scopes": list(self.scopes),
            "date_token_idles": self.date_token_idles,
        }
        if self.via_inspector:
            out["source"] = "GET /api/v2/oauth/clients/{clientId} (inspector): the subject got no token"
        return out


@dataclass(frozen=True)
class GrantSet:
    """The subject's role × division grants and where they were read from."""

    grants: tuple[Grant, ...]
    source: (
        str  # "GET /api/v2/oauth/clients/{clientId} roleDivisions" | "GET /api/v2/authorization/subjects/me"
    )
    unresolved_divisions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "grants": [
                {
                    "role": {"id": g.role.id, "name": g.role.name},
                    "division": {"id": g.division_id, "label": g.division_label},
                }
                for g in self.grants
            ],
        }


@dataclass(frozen=True)
class PermittedDivisions:
    """Genesys' own answer to 'in which divisions does the subject hold P' (divisionspermitted/paged/me)."""

    permission: str
    all_divisions: bool
    divisions: tuple[tuple[str, str], ...]  # (id, name)

    def covers(self, division_ids: Sequence[str]) -> bool:
        return self.all_divisions or bool({d for d, _ in self.divisions} & set(division_ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "permission": self.permission,
            "allDivsPermitted": self.all_divisions,
            "divisions": [{"id": d, "name": n} for d, n in self.divisions],
        }


@dataclass(frozen=True)
class TargetDivisions:
    """The divisions the target lives in, by id, with a label naming them."""

    ids: tuple[str, ...]
    label: str
    source: str  # "conversation" | "--division"

    def to_dict(self) -> dict[str, Any]:
        return {"ids": list(self.ids), "label": self.label, "source": self.source}


@dataclass(frozen=True)
class TargetIds:
    """The concrete ids a diagnosis is about, and where each came from.

    recording-stop: the conversation and recording the user named (ID, --conversation, --recording, --event) and
    the participant in the diagnosed call's path; can-i: the ids written in the call's path (``…/calls/<id>/…``),
    which is how ``can-i`` with a concrete id is checked against the very object it names.
    """

    conversation_id: str | None = None
    recording_id: str | None = None
    participant_id: str | None = None
    from_path: tuple[
        str, ...
    ] = ()  # which of conversationId, recordingId, participantId the call's path gave

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "recording_id": self.recording_id,
            "participant_id": self.participant_id,
            "from_path": list(self.from_path),
        }


@dataclass(frozen=True)
class ReadRefusal:
    """The subject's own read of the target was refused (403): what that read needs, and where the subject holds
    it. A refusal is evidence: with the subject's grants it tells in which divisions the target is not."""

    request: str  # "GET /api/v2/conversations/{conversationId}"
    status: int
    code: str
    permission_type: str | None
    permissions: tuple[str, ...]  # what the read needs (the operation catalog)
    scopes: tuple[str, ...] | None  # the read's OAuth scopes (any of), None when unknown
    scope_basis: str
    # divisionspermitted/paged/me per read permission (subject's token); empty when that could not be read
    permitted: Mapping[str, PermittedDivisions]
    division_aware: Mapping[str, bool | None]
    permitted_problem: str = ""
    # The inspector's read of it was refused too: what would let gcdiag see it is then the inspector's grant
    inspector_refused: bool = False
    remedy: str = ""  # what would let gcdiag read it (the refused look-up's remedy)

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "status": self.status,
            "code": self.code,
            **({"inspector_refused": True} if self.inspector_refused else {}),
            "requires": {"type": self.permission_type, "permissions": list(self.permissions)},
            "scopes": None if self.scopes is None else list(self.scopes),
            "divisionspermitted": [p.to_dict() for p in self.permitted.values()],
            "divisionAware": dict(self.division_aware),
            **({"divisionspermitted_problem": self.permitted_problem} if self.permitted_problem else {}),
        }


@dataclass(frozen=True)
class ScopeObservation:
    """One of the subject's reads that tells whether the org enforces OAuth scopes: its token lacks the read's
    scope, and either nothing but a scope could have refused it (it needs no permission, or the user holds its
    permission in all divisions) and it was refused, or it succeeded."""

    request: str
    status: int | None
    code: str
    scopes: tuple[str, ...]  # the read's scopes (any of)
    scope_basis: str  # how gcdiag knows the read's scopes (catalog evidence)
    why: str  # why only a scope could refuse it ("needs no permission", "the user holds P in all divisions")
    fact: str  # the fact that made the read

    @property
    def refused(self) -> bool:
        return self.status == 403

    def line(self) -> str:
        answer = f"{self.status} {self.code}".strip() if self.status is not None else "no answer"
        return (
            f"{self.request} (subject) → {answer}; it {self.why}, and the token lacks its scope "
            f"{' or '.join(self.scopes)} ({self.scope_basis})"
        )


@dataclass(frozen=True)
class ScopeEnforcement:
    """What the subject's own reads show about the org's Enforce Scopes setting (user tokens only)."""

    refused: tuple[ScopeObservation, ...]  # refused though only a scope could refuse them: enforced
    allowed: tuple[ScopeObservation, ...]  # succeeded although the token lacks their scope: not enforced

    @property
    def enforced(self) -> bool | None:
        """True/False when the reads agree; None when none tells, or they contradict each other."""
        if self.refused and not self.allowed:
            return True
        if self.allowed and not self.refused:
            return False
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "enforced": self.enforced,
            "refused": [o.line() for o in self.refused],
            "allowed": [o.line() for o in self.allowed],
        }


@dataclass(frozen=True)
class AuditChanges:
    """Changes the realtime audit query found to the identity's own OAuth client and roles."""

    entries: tuple[dict[str, Any], ...]
    watched: dict[str, str]  # entity id → what it is ("OAuth client 'X'", "role 'Y'"): each was looked up
    unread: int = 0  # entries beyond the pages read (the newest come first)
    roles_unknown: str = ""  # why the roles could not be looked up, when they could not


@dataclass(frozen=True)
class InteractionAudits:
    """Recording actions audited on the conversation (the quality audit query's results, newest first)."""

    entries: tuple[dict[str, Any], ...]
    more: bool = False  # a cursor remained after the pages read: older entries exist that were not read


# --- exposure: who holds a permission across the org (gcdiag who-can) ---------------------------------------------


@dataclass(frozen=True)
class OrgRole:
    """A role of the org with its permission policies (``DomainOrganizationRole`` [SDK-M])."""

    role: Role
    conditional: tuple[str, ...] = ()  # "domain:entity" of policies that carry a resourceConditionNode

    def is_conditional(self, permission: str) -> bool:
        policy = self.role.granting_policy(permission)
        return policy is not None and f"{policy.domain}:{policy.entity}" in self.conditional


@dataclass(frozen=True)
class OrgClient:
    """An OAuth client of the org (``OAuthClient`` [SDK-M:o_auth_client]): state, grant type, role divisions."""

    id: str
    name: str
    state: str | None  # active | disabled | inactive
    grant_type: str | None
    role_divisions: tuple[tuple[str, str], ...]  # (role id, division id; "" = home, "*" = all)
    roles_read: bool = True  # False: roleDivisions could not be read


@dataclass(frozen=True)
class RoleHolder:
    """One subject's grant of one role, from one read: which divisions, and through which group if any."""

    kind: str  # oauth_client | user | group | trustee_user | trustee_group | unknown
    id: str
    name: str
    role_id: str
    division_ids: tuple[str, ...]  # "*" = all divisions
    sources: tuple[str, ...]  # the requests it was read from
    state: str | None = None  # OAuthClient.state, User.state or Group.state, where read
    via_group: tuple[str, str] | None = None  # (group id, group name) for a user holding it as a group member
    grant_type: str | None = None  # OAuth clients
    group_note: str = ""  # for a member: what is uncertain about its group's grants applying to it

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.id, self.role_id, self.via_group[0] if self.via_group else "")


@dataclass(frozen=True)
class ClientList:
    """The org's OAuth clients, and what of them could not be read."""

    clients: tuple[OrgClient, ...]
    unread: tuple[FactError, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exposure:
    """What gcdiag read to answer 'who holds these permissions': the roles that grant any of them, every
    subject those roles are granted to (group members expanded), and what could not be read."""

    permissions: tuple[str, ...]
    roles: tuple[OrgRole, ...]  # the roles granting at least one of the permissions
    roles_read: int  # how many roles the org has (all were read and matched by gcdiag)
    holders: tuple[RoleHolder, ...]
    divisions: Mapping[str, str]  # id → name
    division_aware: Mapping[str, bool | None]
    unread: tuple[FactError, ...] = ()
    notes: tuple[str, ...] = ()

    def role(self, role_id: str) -> OrgRole | None:
        return next((r for r in self.roles if r.role.id == role_id), None)
