"""What the user asked about: the inputs of one diagnosis, validated by the CLI before any request is sent.

A module of its own (no imports beyond the standard library) so a command can build its inputs before the
facts layer, the checks and the HTTP stack are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Inputs:
    """What the user asked about (already validated by the CLI)."""

    conversation_id: str | None = None
    recording_id: str | None = None
    call: tuple[str, str] | None = None  # (METHOD, PATH) the user actually made, as given
    body: dict[str, Any] | None = None  # can-i --body: the call's JSON body, when given
    error_body: Any = None  # gcdiag.errors.ParsedError or None
    audit_window_days: float = 7.0
    scopes_enforced: bool | None = (
        None  # --scopes-enforced: gcdiag cannot read the org setting (genesys-facts §1.2)
    )
    division: str | None = None  # can-i --division
    permissions: tuple[str, ...] = ()  # who-can: the permissions whose holders are listed
    event: dict[str, Any] | None = None  # what --event resolved (for the report)
    # --interaction-audit: also read the quality interaction audit of the conversation (query → status →
    # results, the only 4-deep chain), off by default and never in smoke.
    interaction_audit: bool = False

    def to_dict(self) -> dict[str, Any]:
        # What was not given (None: no recording id, scopes enforcement unknown) is left out, as a report leaves out
        # every default; readers take a missing key as None.
        given: dict[str, Any] = {
            "conversation_id": self.conversation_id,
            "recording_id": self.recording_id,
            "given_call": f"{self.call[0]} {self.call[1]}" if self.call else None,
            "audit_window_days": self.audit_window_days,
            "scopes_enforced": self.scopes_enforced,
        }
        out = {k: v for k, v in given.items() if v is not None}
        if self.body is not None:
            out["body"] = self.body
        if self.division:
            out["division"] = self.division
        if self.permissions:
            out["permissions"] = list(self.permissions)
        if self.event:
            out["event"] = self.event
        if self.interaction_audit:
            out["interaction_audit"] = True
        return out
