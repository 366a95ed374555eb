"""The terminal renderer: a check table, the verdict line, the numbered fix and the notes.

Layout (documented for users and kept by golden tests)::

    id                 status   summary
    -----------------  -------  ---------------------------------------------
    auth.permissions   FAIL*    the OAuth client's roles do not grant ...

    * blocking check: its fail means the diagnosed call would fail

    VERDICT: would_fail — PUT ... would fail: ...

    Fix:
      1. ...

    Notes:
      - ...

Blocking checks carry a ``*`` after their status (``FAIL*``, ``PASS*``) so the column stays narrow; the legend
line appears when any check is blocking. Summaries wrap so a line stays within about 100 characters. Colour
(ANSI) is added only with ``color=True``; without it the output holds no escape code at all.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from tabulate import tabulate

from gcdiag.render.common import (
    BLOCKING_LEGEND,
    INFERRED_LEGEND,
    OUTCOME_STYLE,
    SEE_MORE_TITLE,
    STATUS_STYLE,
    call_text,
    code_blocks,
    code_notes,
    colorize,
    fix_code,
    status_label,
    strip_ansi,
)
from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.model import Outcome, Report

WIDTH = 100
MIN_SUMMARY_WIDTH = 40
_GAP = 2  # tabulate's "simple" format separates columns with two spaces
_HEADER_PAD = 2  # ... and pads each header by two (tabulate.MIN_PADDING), so a column is at least that wide


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Wrap without breaking long words: ids, paths and permissions must stay copy-pasteable."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            paragraph,
            width=width,
            initial_indent=first if not lines else rest,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [(first if not lines else rest).rstrip()])
    return lines


def _table(report: Report, color: bool) -> list[str]:

    # Text from a report is printed, never interpreted: drop any escape sequence it may carry, so colour comes
    # only from here and color=False really means no escape code.
    ids = [strip_ansi(r.id) for r in report.results]
    labels = [status_label(r) for r in report.results]
    id_width = max([len("id") + _HEADER_PAD, *(len(i) for i in ids)])
    status_width = max([len("status") + _HEADER_PAD, *(len(s) for s in labels)])
    summary_width = max(MIN_SUMMARY_WIDTH, WIDTH - id_width - status_width - 2 * _GAP)
    rows = []
    for result, rid, label in zip(report.results, ids, labels, strict=True):
        summary = "\n".join(_wrap(strip_ansi(result.summary), summary_width))
        rows.append([rid, colorize(label, STATUS_STYLE[result.status], color), summary])
    text = tabulate(rows, headers=["id", "status", "summary"], tablefmt="simple", disable_numparse=True)
    lines = [line.rstrip() for line in text.splitlines()]
    if any(r.blocking for r in report.results):
        lines += ["", BLOCKING_LEGEND]
    if any(r.inferred for r in report.results):
        lines += [INFERRED_LEGEND] if any(r.blocking for r in report.results) else ["", INFERRED_LEGEND]
    return lines


def _verdict(report: Report, color: bool) -> list[str]:
    outcome = report.verdict.outcome
    label = colorize(outcome.value, {**OUTCOME_STYLE[outcome], "bold": True}, color)
    # Wrap the plain text, then colour the outcome word in the first line only.
    lines = _wrap(f"VERDICT: {outcome.value} — {strip_ansi(report.verdict.summary)}", WIDTH, rest="  ")
    lines[0] = lines[0].replace(f"VERDICT: {outcome.value}", f"VERDICT: {label}", 1)
    return lines


def _numbered(title: str, items: Sequence[str], code: Sequence[list[str]] = ()) -> list[str]:
    """Numbered steps; ``code[i]`` (already laid out) follows step i, indented under it and never re-wrapped:
    commands and snippets must stay copy-pasteable."""
    lines = [title]
    for n, item in enumerate(items, 1):
        marker = f"  {n}. "
        lines += _wrap(strip_ansi(item), WIDTH, marker, " " * len(marker))
        if n <= len(code) and code[n - 1]:
            lines += [strip_ansi(line).rstrip() for line in code[n - 1]]
    return lines


def _bulleted(title: str, items: Sequence[str]) -> list[str]:
    lines = [title]
    for item in items:
        lines += _wrap(strip_ansi(item), WIDTH, "  - ", "    ")
    return lines


def _code(entry: Mapping[str, Any] | None, forms: Sequence[str], indent: str = "     ") -> list[str]:
    """A fix step's code forms under it: titles and notes wrap like prose, code lines are never wrapped."""
    if entry is None:
        return []
    lines: list[str] = []
    for title, _, text in code_blocks(entry, forms):
        lines += _wrap(f"{title}:", WIDTH, indent, indent + "  ")
        lines += [f"{indent}  {line}" if line else "" for line in text.splitlines()]
    for note in code_notes(entry, forms):
        lines += _wrap(note, WIDTH, f"{indent}- ", f"{indent}  ")
    return lines


def render_lines(report: Report, color: bool, fix_forms: Sequence[str] = FIX_FORMS) -> list[str]:
    lines = _table(report, color)
    lines += ["", *_verdict(report, color)]
    if report.fix:
        code = [_code(entry, fix_forms) for entry in fix_code(report)]
        lines += ["", *_numbered("Fix:", report.fix, code)]
    if report.see_more:
        lines += ["", *_numbered(SEE_MORE_TITLE, report.see_more)]
    if report.notes:
        lines += ["", *_bulleted("Notes:", report.notes)]
    return lines


def render(report: Report, *, color: bool = False, fix_forms: Sequence[str] = FIX_FORMS) -> str:
    return "\n".join(render_lines(report, color, fix_forms)) + "\n"


def _heading(index: int, total: int, report: Report) -> str:
    call = call_text(report)
    return f"[{index}/{total}] {report.scenario}" + (f": {strip_ansi(call)}" if call else "")


def render_many(
    reports: Sequence[Report], *, color: bool = False, title: str = "", fix_forms: Sequence[str] = FIX_FORMS
) -> str:
    """One section per report (heading, table, verdict, fix, notes), then one summary line."""
    lines: list[str] = []
    if title:
        lines += [strip_ansi(title), "=" * min(WIDTH, len(strip_ansi(title))), ""]
    for index, report in enumerate(reports, 1):
        heading = _heading(index, len(reports), report)
        lines += [heading, "-" * min(WIDTH, len(heading)), *render_lines(report, color, fix_forms), ""]
    counts = {o: sum(1 for r in reports if r.verdict.outcome is o) for o in Outcome}
    parts = ", ".join(
        colorize(f"{n} {o.value}", OUTCOME_STYLE[o], color and n > 0) for o, n in counts.items()
    )
    lines.append(f"SUMMARY: {len(reports)} report{'' if len(reports) == 1 else 's'} — {parts}")
    return "\n".join(lines) + "\n"
