"""Finding the conversation and recording ids in a webhook / notification payload (``--event FILE``).

Payload shapes (genesys-facts §8, topic → model class from the SDK's notificationMappings.json):

* recording topics (``v2.users.{id}.conversations.{id}.recordings``, ``RecordingEventRecording``): the body has
  ``id`` (the recording id) and ``conversationId``;
* conversation topics (``v2.users.{id}.conversations.calls`` and the queue variant): the body's ``id`` is the
  conversation id; they carry no recording id;
* a notification envelope wraps the body as ``{"topicName": ..., "eventBody": {...}}``; an EventBridge event wraps
  that envelope in ``detail`` (the EventBridge wrapping is UNCONFIRMED, genesys-facts §8).

Each rule is a pair of JMESPath expressions tried in order; ``--event-query`` replaces them with the user's own
expression, which must give either a string (the conversation id) or an object with ``conversationId`` and/or
``recordingId``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gcdiag.util.text import one_line

# (description, conversation-id expression, recording-id expression)
RULES: tuple[tuple[str, str, str | None], ...] = (
    ("recording event (RecordingEventRecording) in an envelope", "eventBody.conversationId", "eventBody.id"),
    ("recording event (RecordingEventRecording)", "conversationId", "id"),
    ("recording event in an EventBridge envelope", "detail.eventBody.conversationId", "detail.eventBody.id"),
    (
        "conversation event in an envelope",
        "topicName != null && contains(topicName, '.conversations') && eventBody.participants != null && eventBody.id",
        None,
    ),
    (
        "conversation event in an EventBridge envelope",
        "detail.eventBody.participants != null && detail.eventBody.id",
        None,
    ),
    ("conversation body", "participants != null && id", None),
)


class EventError(ValueError):
    """The payload could not be read or held no usable id (one line)."""


@dataclass(frozen=True)
class EventIds:
    conversation_id: str | None
    recording_id: str | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "recording_id": self.recording_id,
            "matched": self.rule,
        }


def parse_event(text: str, source: str, query: str | None = None) -> EventIds:
    import jmespath

    from gcdiag.util.documents import DocumentError, json_error_text, load_json

    try:
        payload = load_json(text, what=source)
    except DocumentError as exc:
        raise EventError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise EventError(f"{source}: not valid JSON ({json_error_text(exc)})") from None
    if query:
        try:
            compiled = jmespath.compile(query)
        except jmespath.exceptions.JMESPathError as exc:
            raise EventError(f"--event-query is not a valid JMESPath expression: {one_line(exc)}") from None
        found = compiled.search(payload)
        if isinstance(found, str) and found:
            return EventIds(found, None, f"--event-query {query}")
        if isinstance(found, dict):
            cid, rid = found.get("conversationId"), found.get("recordingId")
            if isinstance(cid, str) or isinstance(rid, str):
                return EventIds(
                    cid if isinstance(cid, str) else None,
                    rid if isinstance(rid, str) else None,
                    f"--event-query {query}",
                )
        raise EventError(
            f"{source}: --event-query gave {json.dumps(found)[:80]}; expected a conversation id string or an object "
            "with conversationId/recordingId"
        )
    for description, conv_expr, rec_expr in RULES:
        conversation = jmespath.search(conv_expr, payload)
        if isinstance(conversation, str) and conversation:
            recording = jmespath.search(rec_expr, payload) if rec_expr else None
            return EventIds(conversation, recording if isinstance(recording, str) else None, description)
    raise EventError(
        f"{source}: no conversation id found in the payload (tried: {', '.join(r[0] for r in RULES)}); "
        "pass --conversation ID or --event-query EXPR"
    )
