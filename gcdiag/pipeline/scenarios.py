"""The diagnoses gcdiag runs (``recording-stop``, ``can-i``) and the canonical order of their checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """A diagnosis: its name (the ``scenarios`` value checks declare) and the canonical order of its checks."""

    name: str
    title: str
    order: tuple[str, ...]


RECORDING_STOP = Scenario(
    name="recording-stop",
    title="Why would stopping or pausing this call recording fail?",
    order=(
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
    order=(
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
        "recording.participant",
        "error.body",
    ),
)


SCENARIOS = {s.name: s for s in (RECORDING_STOP, CAN_I)}
