"""The frozen fact types checks read: the public vocabulary of the check-author API.

Field names and enum values follow the official SDK's models (docs/genesys-facts.md is the index of sources).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gcdiag.genesys.authz import Grant


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "grant_type": self.grant_type,
            "client": {"id": self.client_id, "name": self.client_name, "state": self.client_state},
            "user": {"id": self.user_id, "name": self.user_name} if self.user_id else None,
            "org": {"id": self.org_id, "name": self.org_name},
            "home_org_id": self.home_org_id,
            "cloned_user": self.cloned_user,
            "scopes": list(self.scopes),
            "date_token_idles": self.date_token_idles,
        }


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
