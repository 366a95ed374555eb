"""The diagnoses gcdiag runs (``recording-stop``, ``can-i``) and the canonical order of their checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """A diagnosis: its name (the ``scenarios`` value checks declare) and the canonical order of its checks."""

    name: str
    title: str
    order: tuple[str, ...]


# The checks both diagnoses run first, in this order: the operation, then who calls it (token, scopes,
# permissions, where they apply), then the conversation the call names.
_CALLER_AND_CONVERSATION = (
    "endpoint.exists",
    "auth.token",
    "auth.user-context",
    "auth.scopes",
    "auth.permissions",
    "auth.division",
    "auth.participant",
    "auth.trustee",
    "conversation.found",
    "conversation.path-ids",
    "conversation.state",
)

RECORDING_STOP = Scenario(
    name="recording-stop",
    title="Why would stopping or pausing this call recording fail?",
    order=(
        *_CALLER_AND_CONVERSATION,
        "conversation.media",
        "recording.state",
        "recording.kind",
        "recording.participant",
        "recording.found",
        "error.body",
        "audit.recent-changes",
    ),
)


CAN_I = Scenario(
    name="can-i",
    title="Can this identity call this operation?",
    order=(*_CALLER_AND_CONVERSATION, "recording.participant", "error.body"),
)


SCENARIOS = {s.name: s for s in (RECORDING_STOP, CAN_I)}
