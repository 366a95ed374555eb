"""A fixture's ``expect:`` block: what an expert says gcdiag must conclude about the org, written before it ran.

The scenario catalogue (``tests/scenarios/catalogue/*.yaml``, rendered in ``docs/scenarios.md``) is a set of
fixtures that each carry one. The sandbox itself ignores it; the fixture loader validates it strictly, like the rest
of the fixture, so a typo in an expectation fails loudly instead of silently testing nothing.

Shape (every phrase list is matched case-insensitively, whitespace-normalised)::

    expect:
      why: one line, the expert's reason (docs/scenarios.md)
      verdict: would_succeed | would_fail | incomplete
      deciding: [check ids]        # blocking failures (would_fail) or blocking errors (incomplete); [] to succeed
      explain: [phrases]           # in the verdict summary or the summary/detail of deciding + explain_checks
      explain_checks: [check ids]  # more checks whose words count as the explanation (a success has no deciding)
      fix: [phrases]               # in the report's fix or see_more lists
      inferred: [check ids]        # results that must be marked basis: inferred (report schema 2)
      not_error: [check ids]       # results that must be evaluated (not error)
      run: {conversation, recording, call, inspector, subject_secret, args}   # how recording-stop is invoked
      pending: {item, by, what}    # not met on main yet: a strict xfail "needs #16 item N (by): what"
      can_i: {call, answer: yes|no|unknown, explain, division, agrees, pending}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

VERDICTS = ("would_succeed", "would_fail", "incomplete")
ANSWERS = {"yes": 0, "no": 1, "unknown": 3}  # can-i's exit codes (0 yes, 1 no, 3 unknown)
ANSWER_OF = {
    "would_succeed": "yes",
    "would_fail": "no",
    "incomplete": "unknown",
}  # agreement with recording-stop
ISSUE = 16  # the issue whose items the pending marks name


@dataclass(frozen=True)
class Pending:
    """An expectation gcdiag does not meet yet because a feature of issue #16 is still being built."""

    item: int
    by: str
    what: str

    @property
    def reason(self) -> str:
        return f"needs #{ISSUE} item {self.item} ({self.by}): {self.what}"


@dataclass(frozen=True)
class Run:
    """How the catalogue invokes ``recording-stop``; None means the fixture's demo value."""

    conversation: str | None = None
    recording: str | None = None
    no_recording: bool = False  # recording: null in the file: pass no --recording
    call: str | None = None
    inspector: bool = True
    subject_secret: str | None = field(default=None, repr=False)
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class CanI:
    call: str  # "METHOD PATH", concrete ids allowed
    answer: str  # yes | no | unknown
    explain: tuple[str, ...] = ()
    division: str | None = None
    agrees: bool = True  # the same call as recording-stop's: the answers must agree
    pending: Pending | None = None

    @property
    def exit_code(self) -> int:
        return ANSWERS[self.answer]


@dataclass(frozen=True)
class Expectation:
    why: str
    verdict: str
    deciding: tuple[str, ...]
    explain: tuple[str, ...] = ()
    explain_checks: tuple[str, ...] = ()
    fix: tuple[str, ...] = ()
    inferred: tuple[str, ...] = ()
    not_error: tuple[str, ...] = ()
    run: Run = Run()
    pending: Pending | None = None
    can_i: CanI | None = None

    @property
    def exit_code(self) -> int:
        return {"would_succeed": 0, "would_fail": 1, "incomplete": 3}[self.verdict]


_KEYS = (
    "why",
    "verdict",
    "deciding",
    "explain",
    "explain_checks",
    "fix",
    "inferred",
    "not_error",
    "run",
    "pending",
    "can_i",
)


def parse_expectation(value: Any, fail: Callable[[str, str], NoReturn]) -> Expectation:
    """Validate an ``expect:`` mapping; ``fail(key path, expected)`` raises the fixture's error."""

    def mapping(
        obj: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> Mapping[str, Any]:
        if not isinstance(obj, dict):
            fail(path, "expected a mapping")
        for key in required:
            if obj.get(key) is None:
                fail(f"{path}.{key}", "required key is missing")
        for key in obj:
            if key not in required + optional:
                fail(
                    f"{path}.{key}",
                    f"unknown key (expected one of: {', '.join(sorted(required + optional))})",
                )
        return obj

    def text(obj: Mapping[str, Any], key: str, path: str) -> str:
        item = obj.get(key)
        if not isinstance(item, str) or not item.strip():
            fail(f"{path}.{key}", "expected a non-empty string")
        return item

    def texts(obj: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        items = obj.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            fail(f"{path}.{key}", "expected a list of non-empty strings")
        return tuple(items)

    def pending(obj: Any, path: str) -> Pending | None:
        if obj is None:
            return None
        mapping(obj, path, ("item", "by", "what"), ())
        if not isinstance(obj["item"], int) or isinstance(obj["item"], bool):
            fail(f"{path}.item", f"expected the number of an item of issue #{ISSUE}")
        return Pending(obj["item"], text(obj, "by", path), text(obj, "what", path))

    def call(obj: Mapping[str, Any], key: str, path: str) -> str:
        from gcdiag.genesys.catalog import split_call

        value = text(obj, key, path)
        try:
            split_call(value)
        except ValueError as exc:
            fail(f"{path}.{key}", str(exc))
        return value

    p = "expect"
    mapping(value, p, ("why", "verdict"), _KEYS[2:])
    verdict = text(value, "verdict", p)
    if verdict not in VERDICTS:
        fail(f"{p}.verdict", f"expected one of: {', '.join(VERDICTS)}")
    if "deciding" not in value:
        fail(f"{p}.deciding", "required key is missing (use [] for a call that would succeed)")
    deciding = texts(value, "deciding", p)
    if (verdict == "would_succeed") != (not deciding):
        fail(f"{p}.deciding", "expected [] exactly when the verdict is would_succeed")

    run = Run()
    if value.get("run") is not None:
        q = f"{p}.run"
        raw = mapping(
            value["run"], q, (), ("conversation", "recording", "call", "inspector", "subject_secret", "args")
        )
        inspector = raw.get("inspector", True)
        if not isinstance(inspector, bool):
            fail(f"{q}.inspector", "expected true or false")
        run = Run(
            conversation=text(raw, "conversation", q) if "conversation" in raw else None,
            recording=text(raw, "recording", q) if raw.get("recording") is not None else None,
            no_recording="recording" in raw and raw["recording"] is None,
            call=call(raw, "call", q) if "call" in raw else None,
            inspector=inspector,
            subject_secret=text(raw, "subject_secret", q) if "subject_secret" in raw else None,
            args=texts(raw, "args", q),
        )

    can_i = None
    if value.get("can_i") is not None:
        q = f"{p}.can_i"
        raw = mapping(value["can_i"], q, ("call", "answer"), ("explain", "division", "agrees", "pending"))
        answer = text(raw, "answer", q)
        if answer not in ANSWERS:
            fail(f"{q}.answer", f"expected one of: {', '.join(ANSWERS)}")
        agrees = raw.get("agrees", True)
        if not isinstance(agrees, bool):
            fail(f"{q}.agrees", "expected true or false")
        can_i = CanI(
            call=call(raw, "call", q),
            answer=answer,
            explain=texts(raw, "explain", q),
            division=text(raw, "division", q) if "division" in raw else None,
            agrees=agrees,
            pending=pending(raw.get("pending"), f"{q}.pending"),
        )
        if agrees and answer != ANSWER_OF[verdict]:
            fail(
                f"{q}.answer",
                f"expected {ANSWER_OF[verdict]!r} to agree with the verdict {verdict} (or agrees: false for "
                "another call)",
            )

    return Expectation(
        why=text(value, "why", p),
        verdict=verdict,
        deciding=deciding,
        explain=texts(value, "explain", p),
        explain_checks=texts(value, "explain_checks", p),
        fix=texts(value, "fix", p),
        inferred=texts(value, "inferred", p),
        not_error=texts(value, "not_error", p),
        run=run,
        pending=pending(value.get("pending"), f"{p}.pending"),
        can_i=can_i,
    )
