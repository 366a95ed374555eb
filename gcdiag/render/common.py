"""Helpers shared by the renderers: status labels, colours, exit-code wording, flattening, text hygiene.

Nothing here decides anything about a diagnosis: the labels and wordings only spell out what the report
already says (``report.verdict``, ``result.status``, ``result.blocking``, ``report.exit_code``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import click

from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.model import CheckResult, ExitCode, Outcome, Report, Status

# The wording of the exit-code table (README, gcdiag help exit-codes), so JUnit properties and markdown can say what a code means.
EXIT_MEANING: dict[ExitCode, str] = {
    ExitCode.OK: "every blocking check passed: the call would succeed",
    ExitCode.WOULD_FAIL: "at least one blocking check failed: the call would fail (the diagnosis worked)",
    ExitCode.USAGE: "usage or input error (bad flag, bad id, unreadable report, missing credentials)",
    ExitCode.INCOMPLETE: "incomplete: errors prevented a verdict (API unreachable, look-ups denied)",
    ExitCode.INTERNAL: "internal error: a bug in gcdiag or in a plugin check (one line; --debug shows the traceback)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}

# click.style keywords per status. Only the table renderer uses them, and only with color=True.
STATUS_STYLE: dict[Status, dict[str, Any]] = {
    Status.PASS: {"fg": "green"},
    Status.FAIL: {"fg": "red"},
    Status.WARN: {"fg": "yellow"},
    Status.ERROR: {"fg": "magenta"},
    Status.SKIP: {"dim": True},
}
OUTCOME_STYLE: dict[Outcome, dict[str, Any]] = {
    Outcome.WOULD_SUCCEED: STATUS_STYLE[Status.PASS],
    Outcome.WOULD_FAIL: STATUS_STYLE[Status.FAIL],
    Outcome.INCOMPLETE: STATUS_STYLE[Status.ERROR],
}

BLOCKING_MARK = "*"
BLOCKING_LEGEND = "* blocking check: its fail means the diagnosed call would fail"
INFERRED_MARK = "~"
INFERRED_LEGEND = (
    "~ inferred: reasoned from other observations, not read directly (the report's 'because' says how)"
)
SEE_MORE_TITLE = "To let gcdiag see more:"

# CSI sequences (colours, cursor moves) and lone OSC/ESC sequences: text from a report may carry them if a
# plugin wrote them into a summary; machine formats must not.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Characters XML 1.0 cannot carry at all (ElementTree would write them and produce an unparseable file).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def strip_ansi(text: str) -> str:
    """Remove ANSI escape sequences."""
    return _ANSI.sub("", text)


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can carry: ANSI sequences removed, other forbidden control characters as U+FFFD."""
    return _XML_INVALID.sub("\ufffd", strip_ansi(text))


def status_label(result: CheckResult, *, mark_blocking: bool = True) -> str:
    """``FAIL*`` for a blocking check, ``WARN`` for a non-blocking one (upper case, as in the table)."""
    label = result.status.value.upper() + (INFERRED_MARK if result.inferred else "")
    return label + BLOCKING_MARK if mark_blocking and result.blocking else label


def colorize(text: str, style: Mapping[str, Any], color: bool) -> str:
    """``text`` styled (click.style) when ``color``; untouched otherwise."""
    return click.style(text, **style) if color and text else text


def answer_line(report: Report) -> str:
    """The verdict as ``kubectl auth can-i`` answers: ``yes``, ``no - why`` or ``unknown - why`` (one line)."""
    verdict = report.verdict
    if verdict.outcome is Outcome.WOULD_SUCCEED:
        return "yes"
    first = next((r for r in report.results if r.id in verdict.blocking_failures[:1]), None)
    why = first.summary if first is not None else verdict.summary
    word = "no" if verdict.outcome is Outcome.WOULD_FAIL else "unknown"
    return f"{word} - {' '.join(strip_ansi(why).split())}"


def exit_line(report: Report) -> str:
    code = report.exit_code
    return f"{int(code)} — {EXIT_MEANING[code]}"


def flatten(value: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """``{"a": {"b": 1}, "c": [x, y]}`` → ``("p.a.b", "1"), ("p.c.0", "x"), ("p.c.1", "y")``; None → ""."""
    if isinstance(value, Mapping):
        if not value:
            yield prefix, ""
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}")
    elif isinstance(value, (list, tuple)):
        if not value:
            yield prefix, ""
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    else:
        yield prefix, scalar_text(value)


def scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fix_text(
    fix: Sequence[str],
    code: Mapping[str, Mapping[str, Any]] | None = None,
    fix_forms: Sequence[str] = FIX_FORMS,
) -> str:
    """A numbered list, one step a line; a step with code (``code`` by step text) has it indented under it."""
    lines: list[str] = []
    for n, step in enumerate(fix, 1):
        lines.append(f"{n}. {step}")
        entry = (code or {}).get(step)
        if entry is not None:
            lines += code_text(entry, fix_forms, "   ")
    return "\n".join(lines)


def code_by_text(results: Sequence[CheckResult]) -> dict[str, Mapping[str, Any]]:
    """Every fix step's code in these results, by the step's text (the first one wins)."""
    out: dict[str, Mapping[str, Any]] = {}
    for result in results:
        for entry in result.fix_as_code:
            out.setdefault(str(entry.get("fix", "")), entry)
    return out


def result_text(result: CheckResult, fix_forms: Sequence[str] = FIX_FORMS) -> str:
    """Status, summary, detail and fix of one result as plain text (JUnit system-out, failure bodies)."""
    blocking = "blocking" if result.blocking else "non-blocking"
    lines = [f"{result.status.value.upper()} ({blocking}) {result.id}: {result.summary}"]
    if result.detail:
        lines += ["", result.detail]
    if result.because:
        lines += ["", "Inferred because:", *(f"- {b.rule}" for b in result.because)]
    if result.fix:
        lines += ["", "Fix:", fix_text(result.fix, code_by_text([result]), fix_forms)]
    if result.see_more:
        lines += ["", SEE_MORE_TITLE, fix_text(result.see_more)]
    return "\n".join(lines)


def call_text(report: Report) -> str:
    """The diagnosed call as the report states it (inputs), or ``""``."""
    for key in ("diagnosed_call", "call"):
        value = report.inputs.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def dump_yaml(data: Any, *, compact: bool = True) -> str:
    """The one YAML dialect gcdiag writes (``compact=False``: blocks only, for a person reading evidence)."""
    from gcdiag.util import yamlio  # only the views that write YAML pay for PyYAML (not the table)

    return yamlio.dump(data, compact=compact)


# --- fixes as code ------------------------------------------------------------------------------------------------


def fix_code(report: Report) -> list[Mapping[str, Any] | None]:
    """The code of each step of ``report.fix`` (aligned with it), found in the results' ``fix_as_code`` by the
    step's text; None for a step that changes no configuration."""
    by_text = code_by_text(report.results)
    return [by_text.get(step) for step in report.fix]


def code_blocks(entry: Mapping[str, Any], forms: Sequence[str]) -> list[tuple[str, str, str]]:
    """(title, language, text) of each requested form of one fix step's code, ready for any renderer."""
    blocks: list[tuple[str, str, str]] = []
    if "api" in forms and entry.get("api"):
        requests = list(entry["api"])
        needs = ", ".join(dict.fromkeys(str(r["needs"]) for r in requests if r.get("needs")))
        title = "API" + (f" (needs {needs})" if needs else "")
        # The last request carries the change; a read before it is folded into its curl pipeline when it edits.
        curls = [str(r.get("curl", "")) for r in requests if r.get("method") != "GET"] or [
            str(r.get("curl", "")) for r in requests
        ]
        blocks.append((title, "bash", "\n".join(curls)))
    terraform = entry.get("terraform") or {}
    if "terraform" in forms and terraform.get("snippet"):
        blocks.append((f"Terraform ({terraform.get('resource')})", "hcl", str(terraform["snippet"])))
    gc = entry.get("gc") or {}
    if "gc" in forms and gc.get("commands"):
        blocks.append(("gc CLI", "bash", "\n".join(str(c) for c in gc["commands"])))
    return blocks


def code_notes(entry: Mapping[str, Any], forms: Sequence[str]) -> list[str]:
    """The notes that go with the forms shown (placeholders, what gcdiag cannot tell), without repeats."""
    notes: list[str] = []
    if forms:
        notes += [str(n) for n in entry.get("notes") or ()]
    if "terraform" in forms:
        notes += [str(n) for n in (entry.get("terraform") or {}).get("notes") or ()]
    if "gc" in forms:
        notes += [str(n) for n in (entry.get("gc") or {}).get("notes") or ()]
    return list(dict.fromkeys(notes))


def code_text(entry: Mapping[str, Any], forms: Sequence[str], indent: str = "") -> list[str]:
    """One fix step's code as plain text lines (table, JUnit): a title per form, the code indented under it."""
    lines: list[str] = []
    for title, _, text in code_blocks(entry, forms):
        lines.append(f"{indent}{title}:")
        lines += [f"{indent}  {line}" if line else "" for line in text.splitlines()]
    for note in code_notes(entry, forms):
        lines.append(f"{indent}Note: {note}")
    return lines
