"""The smoke file (``gcdiag smoke FILE``): validated items, each one diagnosis with its expectation.

The file (YAML)::

    items:
      - name: integration cannot pause            # optional
        scenario: recording-stop                   # default recording-stop; can-i also works
        conversation: 3fa85f64-...                 # or conversations_file: ids.txt (one id per line)
        recording: 9a1b...                         # optional
        call: "PUT /api/v2/conversations/calls/{conversationId}/recordingstate"   # optional (required for can-i)
        expect: would_fail                         # would_succeed | would_fail
        expect_failing: [auth.permissions]         # optional: these check ids must be among the failures

A smoke file often comes from a pull request, so it may read nothing but its own ids files: a
``conversations_file`` is a relative path below the smoke file's folder (no absolute path, no ``..``, no link
leading out), each file is capped (:data:`MAX_SMOKE_BYTES`, :data:`MAX_IDS_BYTES`), YAML aliases are refused,
and a line that is not an id is reported by its number, never echoed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gcdiag.report.model import Outcome

ITEM_KEYS = {
    "name",
    "scenario",
    "conversation",
    "conversations_file",
    "recording",
    "call",
    "expect",
    "expect_failing",
    "division",
}


# A smoke file lists a few dozen items; an ids file a few thousand lines.
MAX_SMOKE_BYTES = 1024 * 1024
MAX_IDS_BYTES = 1024 * 1024


class SmokeError(ValueError):
    """The smoke file is unreadable or invalid (one line naming the file and key)."""


@dataclass(frozen=True)
class SmokeItem:
    name: str
    scenario: str
    conversation: str | None
    recording: str | None
    call: str | None
    expect: Outcome
    expect_failing: tuple[str, ...]
    division: str | None = None


def _read_text(path: Path, limit: int, what: str) -> str:
    from gcdiag.inputs.files import read_text

    return read_text(path, limit, what, SmokeError)


def _ids_file(smoke: Path, reference: str, where: str) -> Path:
    """``conversations_file`` as a path below the smoke file's own folder: a smoke file comes from a pull
    request in CI, so it may not make gcdiag read anything else (an absolute path, ``..``, a link out)."""
    relative = Path(reference)
    if not reference.strip() or relative.is_absolute() or relative.drive or ".." in relative.parts:
        raise SmokeError(
            f"{where}.conversations_file must be a relative path below the smoke file's folder, without '..'"
        )
    folder = smoke.parent.resolve()
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        raise SmokeError(f"{where}.conversations_file leads out of the smoke file's folder (a symbolic link)")
    return folder / relative


def load_smoke_file(path: str) -> list[SmokeItem]:
    from gcdiag.inputs.ids import IdError, is_id, validate_id
    from gcdiag.util import yamlio
    from gcdiag.util.documents import DocumentError, load_yaml

    file = Path(path)
    try:
        data = load_yaml(_read_text(file, MAX_SMOKE_BYTES, f"smoke file {path}"), what=f"smoke file {path}")
    except DocumentError as exc:
        raise SmokeError(str(exc)) from None
    except yamlio.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SmokeError(f"{path}: malformed YAML{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) or not data["items"]:
        raise SmokeError(f"{path}: expected a mapping with a non-empty 'items' list")
    items: list[SmokeItem] = []
    for n, raw in enumerate(data["items"]):
        where = f"{path}: items[{n}]"
        if not isinstance(raw, dict):
            raise SmokeError(f"{where}: expected a mapping")
        unknown = set(raw) - ITEM_KEYS
        if unknown:
            raise SmokeError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(ITEM_KEYS)}")
        scenario = str(raw.get("scenario", "recording-stop"))
        if scenario not in ("recording-stop", "can-i"):
            raise SmokeError(f"{where}.scenario: expected recording-stop or can-i, got {scenario!r}")
        try:
            expect = Outcome(str(raw.get("expect")))
        except ValueError:
            raise SmokeError(f"{where}.expect: expected would_succeed or would_fail") from None
        if expect is Outcome.INCOMPLETE:
            raise SmokeError(f"{where}.expect: expected would_succeed or would_fail")
        failing = raw.get("expect_failing") or []
        if not isinstance(failing, list):
            raise SmokeError(f"{where}.expect_failing: expected a list of check ids")
        conversations: list[str | None] = []
        try:
            if raw.get("conversation"):
                conversations.append(validate_id(str(raw["conversation"]), f"{where}.conversation"))
            if raw.get("conversations_file"):
                ids_path = _ids_file(file, str(raw["conversations_file"]), where)
                text = _read_text(ids_path, MAX_IDS_BYTES, f"{where}.conversations_file {ids_path}")
                for number, line in enumerate(text.splitlines(), 1):
                    entry = line.strip()
                    if not entry or entry.startswith("#"):
                        continue
                    if not is_id(entry):
                        # Never echo the line: a file that is not a list of ids may hold anything.
                        raise SmokeError(
                            f"{ids_path}: line {number} is not a Genesys Cloud id (expected one UUID a line)"
                        )
                    conversations.append(entry)
            recording = (
                validate_id(str(raw["recording"]), f"{where}.recording") if raw.get("recording") else None
            )
        except IdError as exc:
            raise SmokeError(str(exc)) from None
        call = None
        if raw.get("call"):
            from gcdiag.genesys.catalog import split_call

            try:
                split_call(str(raw["call"]))
            except ValueError as exc:
                raise SmokeError(f"{where}.call: {exc}") from None
            call = str(raw["call"]).strip()
        if scenario == "recording-stop" and not conversations:
            raise SmokeError(f"{where}: needs conversation or conversations_file")
        if scenario == "can-i":
            if not raw.get("call"):
                raise SmokeError(f"{where}: a can-i item needs call")
            conversations = conversations or [None]
        for k, conversation in enumerate(conversations):
            name = str(raw.get("name") or f"item {n + 1}")
            items.append(
                SmokeItem(
                    name=name if len(conversations) == 1 else f"{name} #{k + 1}",
                    scenario=scenario,
                    conversation=conversation,
                    recording=recording,
                    call=call,
                    expect=expect,
                    expect_failing=tuple(str(x) for x in failing),
                    division=str(raw["division"]) if raw.get("division") else None,
                )
            )
    return items


def smoke_inputs(item: SmokeItem) -> Any:
    from gcdiag.inputs.model import Inputs

    call = None
    if item.call:
        method, path = item.call.split(None, 1)
        call = (method.upper(), path.strip())
    return Inputs(
        conversation_id=item.conversation, recording_id=item.recording, call=call, division=item.division
    )
