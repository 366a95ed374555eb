"""Ids from webhook/notification payloads (genesys-facts §8 shapes)."""

from __future__ import annotations

import json

import pytest

from gcdiag.inputs.events import EventError, parse_event

CONV = "11111111-2222-3333-4444-555555555555"
REC = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def test_recording_event_in_envelope() -> None:
    payload = {
        "topicName": f"v2.users.u.conversations.{CONV}.recordings",
        "eventBody": {"id": REC, "conversationId": CONV, "fileState": "AVAILABLE"},
    }
    found = parse_event(json.dumps(payload), "e.json")
    assert (found.conversation_id, found.recording_id) == (CONV, REC)


def test_bare_recording_event() -> None:
    found = parse_event(json.dumps({"id": REC, "conversationId": CONV}), "e.json")
    assert (found.conversation_id, found.recording_id) == (CONV, REC)


def test_conversation_event_has_no_recording_id() -> None:
    payload = {
        "topicName": "v2.users.u.conversations.calls",
        "eventBody": {"id": CONV, "participants": [], "recordingState": "active"},
    }
    found = parse_event(json.dumps(payload), "e.json")
    assert (found.conversation_id, found.recording_id) == (CONV, None)


def test_eventbridge_wrapper() -> None:
    payload = {"detail": {"topicName": "x", "eventBody": {"id": REC, "conversationId": CONV}}}
    assert parse_event(json.dumps(payload), "e.json").conversation_id == CONV


def test_custom_query() -> None:
    payload = {"data": {"conv": CONV, "rec": REC}}
    found = parse_event(json.dumps(payload), "e.json", "{conversationId: data.conv, recordingId: data.rec}")
    assert (found.conversation_id, found.recording_id) == (CONV, REC)
    assert parse_event(json.dumps(payload), "e.json", "data.conv").conversation_id == CONV


@pytest.mark.parametrize(
    ("text", "query", "message"),
    [
        ("{not json", None, "not valid JSON"),
        ("{}", None, "no conversation id"),
        ("{}", "[[[", "not a valid JMESPath"),
        ('{"a": 1}', "a", "expected a conversation id"),
    ],
)
def test_errors_are_one_line(text: str, query: str | None, message: str) -> None:
    with pytest.raises(EventError, match=message) as info:
        parse_event(text, "e.json", query)
    assert "\n" not in str(info.value)
