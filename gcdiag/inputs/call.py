"""The diagnosed call and its ids: ``--call``, the positional id, ``--conversation/--recording``, ``--event``.

Ids are UUIDs in Genesys Cloud; anything else is refused here, before any request is sent.
"""

from __future__ import annotations

from typing import Any

from gcdiag.inputs import InputError
from gcdiag.inputs.files import read_input_file
from gcdiag.inputs.ids import IdError, is_id, validate_id


def check_id_value(value: str | None, what: str) -> str | None:
    """``value`` as a validated id, or None; anything that cannot be an id is an :class:`InputError`."""
    if value is None:
        return None
    try:
        return validate_id(value, what)
    except IdError as exc:
        raise InputError(str(exc)) from None


def parse_call(text: str | None, what: str = "--call") -> tuple[str, str] | None:
    """``"METHOD PATH"`` as (METHOD, PATH as typed); the path keeps its placeholders for the report."""
    if text is None:
        return None
    from gcdiag.genesys.catalog import split_call  # only when a call was given: off the start-up path

    try:
        method, _ = split_call(text)
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None
    # Keep the path as typed (placeholders and all) for the report; matching normalises it.
    return method, text.strip().split()[1]


def parse_body(value: str | None) -> dict[str, Any] | None:
    """``can-i --body JSON``: the call's body as a JSON object, or None when not given."""
    if value is None:
        return None
    import json

    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise InputError(f"--body is not valid JSON ({exc.msg})") from None
    if not isinstance(parsed, dict):
        raise InputError("--body must be a JSON object, e.g. --body '{\"recording\": false}'")
    return parsed


def parse_error_body(value: str | None) -> Any:
    """``--error-body FILE|-``: the parsed error response, or None when not given."""
    if value is None:
        return None
    from gcdiag.genesys.errors import parse_error_body as parse

    text = read_input_file(value, "--error-body")
    if not text.strip():
        raise InputError(f"--error-body {value} is empty")
    return parse(text)


def resolve_ids(
    id_arg: str | None,
    conversation: str | None,
    recording: str | None,
    event_file: str | None,
    event_query: str | None,
    call: tuple[str, str] | None,
) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """Work out conversation and recording ids from the argument, the flags, an event payload or the call path."""
    conversation = check_id_value(conversation, "--conversation")
    recording = check_id_value(recording, "--recording")
    event_info = None
    if event_query and not event_file:
        raise InputError("--event-query needs --event FILE")
    if event_file:
        from gcdiag.inputs.events import EventError, parse_event

        text = read_input_file(event_file, "--event")
        try:
            found = parse_event(text, event_file if event_file != "-" else "stdin", event_query)
        except EventError as exc:
            raise InputError(str(exc)) from None
        event_info = found.to_dict()
        conversation = conversation or check_id_value(found.conversation_id, "the event's conversation id")
        recording = recording or check_id_value(found.recording_id, "the event's recording id")
    if id_arg is not None:
        value = check_id_value(id_arg, "ID")
        if value in (conversation, recording):
            pass
        elif conversation is None:
            conversation = value
        elif recording is None:
            recording = value
        else:
            raise InputError(
                "ID given as well as --conversation and --recording (or an --event with both): it would be "
                "ignored; leave it out or drop one of the others"
            )
    if conversation is None and call is not None:
        # A concrete id in the call's path (…/calls/<id>/recordingstate) names the conversation.
        from gcdiag.genesys.catalog import normalise_path

        parts = normalise_path(call[1]).split("/")
        if "conversations" in parts:
            after = parts[parts.index("conversations") + 1 :]
            candidates = [p for p in after if is_id(p)]
            if candidates:
                conversation = candidates[0].lower()  # as validate_id normalises any id (RFC 4122 §3)
    if conversation is None:
        if recording is not None:
            raise InputError(
                "a recording id alone does not name its conversation: pass --conversation ID, or --event FILE with "
                "the recording notification (it carries conversationId)"
            )
        raise InputError("missing ID: give a conversation id (gcdiag recording-stop CONVERSATION_ID)")
    return conversation, recording, event_info
