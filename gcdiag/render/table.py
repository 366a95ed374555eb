"""The terminal renderer: a check table, the verdict line, the numbered fix and the notes.

Layout (documented for users and kept by golden tests)::

    id                 status   summary
    -----------------  -------  ---------------------------------------------
    auth.permissions   FAIL*    the OAuth client's roles do not grant ...
    3 checks           ERROR*   not run: GET /api/v2/oauth/clients/{clientId} refused (403) (auth.permissions, …)

    * blocking check: its fail means the diagnosed call would fail

    VERDICT: would_fail — PUT ... would fail: ...

    Fix:
      1. ...

    Notes:
      - ...

Blocking checks carry a ``*`` after their status (``FAIL*``, ``PASS*``) so the column stays narrow; the legend
line appears when any check is blocking. Checks that could not run because of one shared cause (the report's
``causes``) are one row. Checks left out by ``--only``/``--skip`` are counted in one line, not listed.

When a cause **stops** the diagnosis (no token, an unreachable host, a conversation that does not exist), the
table gives way to a few lines: the verdict, any other failure, one line counting what did not run and why, and
what to do — the detail is in ``-o yaml``.

Width: ``width`` columns (the terminal's on a TTY; a fixed 100 otherwise, so saved output and goldens stay
stable). With ``fit`` (a terminal) a word longer than the line is broken so that no line is wider than the
terminal; otherwise ids, paths and commands are never broken, so they stay copy-pasteable. Colour (ANSI) is
added only with ``color=True``; without it the output holds no escape code at all.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tabulate import tabulate

from gcdiag.render.common import (
    BLOCKING_LEGEND,
    BLOCKING_MARK,
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
from gcdiag.report.model import EXPECTATION_ID, Cause, CheckResult, Outcome, Report, Status

WIDTH = 100  # without a terminal
MIN_SUMMARY_WIDTH = 40  # without a terminal: the summary column is never narrower
MIN_FIT_SUMMARY_WIDTH = 16  # on a narrow terminal
_GAP = 2  # tabulate's "simple" format separates columns with two spaces
_HEADER_PAD = 2  # ... and pads each header by two (tabulate.MIN_PADDING), so a column is at least that wide


@dataclass(frozen=True)
class Layout:
    """How wide the output may be, and whether a long word may be broken to stay within it (a terminal)."""

    width: int = WIDTH
    fit: bool = False

    def wrap(self, text: str, width: int | None = None, first: str = "", rest: str = "") -> list[str]:
        """Wrap; without ``fit`` long words (ids, paths, commands) are never broken, so they stay copy-pasteable."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            wrapped = textwrap.wrap(
                paragraph,
                width=max(width or self.width, len(first) + 1, len(rest) + 1),
                initial_indent=first if not lines else rest,
                subsequent_indent=rest,
                break_long_words=self.fit,
                break_on_hyphens=False,
            )
            lines.extend(wrapped or [(first if not lines else rest).rstrip()])
        return lines


@dataclass(frozen=True)
class _Row:
    id: str
    label: str
    status: Status
    summary: str


def _cause_groups(report: Report) -> dict[str, list[CheckResult]]:
    """Results that could not run because of a shared cause, by cause id."""
    groups: dict[str, list[CheckResult]] = {}
    for r in report.results:
        if r.status is Status.ERROR and r.cause:
            groups.setdefault(r.cause, []).append(r)
    return groups


def _label(cause_id: str, members: Sequence[CheckResult], causes: dict[str, Cause]) -> str:
    cause = causes.get(cause_id)
    if cause is not None and cause.label:
        return cause.label
    return members[0].summary.removeprefix("not run: ")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rows(report: Report) -> list[_Row]:
    causes = {c.id: c for c in report.causes}
    groups = {cid: m for cid, m in _cause_groups(report).items() if len(m) > 1}
    rows: list[_Row] = []
    for r in report.results:
        members = groups.get(r.cause or "") if r.status is Status.ERROR else None
        if members is None:
            rows.append(_Row(strip_ansi(r.id), status_label(r), r.status, strip_ansi(r.summary)))
        elif r is members[0]:
            blocking = BLOCKING_MARK if any(m.blocking for m in members) else ""
            ids = ", ".join(strip_ansi(m.id) for m in members)
            rows.append(
                _Row(
                    _plural(len(members), "check"),
                    Status.ERROR.value.upper() + blocking,
                    Status.ERROR,
                    f"not run: {strip_ansi(_label(r.cause or '', members, causes))} ({ids})",
                )
            )
    return rows


def _left_out_line(report: Report) -> list[str]:
    checks = list((report.left_out or {}).get("checks") or ())
    if not checks:
        return []
    reason = strip_ansi(str((report.left_out or {}).get("reason") or "left out"))
    return [f"{_plural(len(checks), 'other check')} {reason}"]


def _table(report: Report, color: bool, layout: Layout) -> list[str]:
    # Text from a report is printed, never interpreted: drop any escape sequence it may carry, so colour comes
    # only from here and color=False really means no escape code.
    rows = _rows(report)
    id_width = max([len("id") + _HEADER_PAD, *(len(r.id) for r in rows)])
    status_width = max([len("status") + _HEADER_PAD, *(len(r.label) for r in rows)])
    floor = MIN_FIT_SUMMARY_WIDTH if layout.fit else MIN_SUMMARY_WIDTH
    summary_width = max(floor, layout.width - id_width - status_width - 2 * _GAP)
    cells = [
        [
            r.id,
            colorize(r.label, STATUS_STYLE[r.status], color),
            "\n".join(layout.wrap(r.summary, summary_width)),
        ]
        for r in rows
    ]
    text = tabulate(cells, headers=["id", "status", "summary"], tablefmt="simple", disable_numparse=True)
    lines = [line.rstrip() for line in text.splitlines()]
    lines += _left_out_line(report)
    legends = []
    if any(r.blocking for r in report.results):
        legends.append(BLOCKING_LEGEND)
    if any(r.inferred for r in report.results):
        legends.append(INFERRED_LEGEND)
    for legend in legends:
        lines += (
            ["", *layout.wrap(legend, rest="  ")] if legend is legends[0] else layout.wrap(legend, rest="  ")
        )
    return lines


def _verdict(report: Report, color: bool, layout: Layout) -> list[str]:
    outcome = report.verdict.outcome
    label = colorize(outcome.value, {**OUTCOME_STYLE[outcome], "bold": True}, color)
    # Wrap the plain text, then colour the outcome word in the first line only.
    lines = layout.wrap(f"VERDICT: {outcome.value} — {strip_ansi(report.verdict.summary)}", rest="  ")
    lines[0] = lines[0].replace(f"VERDICT: {outcome.value}", f"VERDICT: {label}", 1)
    return lines


def _numbered(title: str, items: Sequence[str], layout: Layout, code: Sequence[list[str]] = ()) -> list[str]:
    """Numbered steps; ``code[i]`` (already laid out) follows step i, indented under it and never re-wrapped:
    commands and snippets must stay copy-pasteable."""
    lines = [title]
    for n, item in enumerate(items, 1):
        marker = f"  {n}. "
        lines += layout.wrap(strip_ansi(item), first=marker, rest=" " * len(marker))
        if n <= len(code) and code[n - 1]:
            lines += [strip_ansi(line).rstrip() for line in code[n - 1]]
    return lines


def _steps(title: str, items: Sequence[str], layout: Layout, code: Sequence[list[str]] = ()) -> list[str]:
    """``Fix: step`` with further steps aligned under the first (the short form); each step's code under it."""
    lines: list[str] = []
    pad = " " * (len(title) + 1)
    for n, item in enumerate(items):
        lines += layout.wrap(strip_ansi(item), first=f"{title} " if n == 0 else pad, rest=pad)
        if n < len(code) and code[n]:
            lines += [strip_ansi(line).rstrip() for line in code[n]]
    return lines


def _code(
    entry: Mapping[str, Any] | None, forms: Sequence[str], layout: Layout, indent: str = "     "
) -> list[str]:
    """A fix step's code forms under it: titles and notes wrap like prose, code lines are never wrapped."""
    if entry is None:
        return []
    lines: list[str] = []
    for title, _, text in code_blocks(entry, forms):
        lines += layout.wrap(f"{title}:", first=indent, rest=indent + "  ")
        lines += [f"{indent}  {line}" if line else "" for line in text.splitlines()]
    for note in code_notes(entry, forms):
        lines += layout.wrap(note, first=f"{indent}- ", rest=f"{indent}  ")
    return lines


def _bulleted(title: str, items: Sequence[str], layout: Layout) -> list[str]:
    lines = [title]
    for item in items:
        lines += layout.wrap(strip_ansi(item), first="  - ", rest="    ")
    return lines


def stopping_causes(report: Report) -> list[Cause]:
    """The causes the diagnosis could not go past (the table's short form)."""
    return [c for c in report.causes if c.stops]


def _short(
    report: Report, color: bool, layout: Layout, stopping: list[Cause], fix_forms: Sequence[str]
) -> list[str]:
    """The verdict, other failures, one line of what did not run and why, and what to do."""
    lines = _verdict(report, color, layout)
    quoted = report.verdict.blocking_failures[:1]
    for r in report.results:
        if r.status is Status.FAIL and r.id not in quoted:
            label = colorize(status_label(r), STATUS_STYLE[r.status], color)
            lines += layout.wrap(f"{label} {strip_ansi(r.id)}: {strip_ansi(r.summary)}", rest="  ")
    stop_ids = {c.id for c in stopping}
    groups = _cause_groups(report)
    shown = [r for r in report.results if r.status is Status.FAIL or r.id in quoted]
    parts = []
    for cause in stopping:
        members = groups.get(cause.id, [])
        if members:
            # Said by the verdict already (it quotes the cause or the check stating it): a label is enough.
            said = report.verdict.outcome is Outcome.INCOMPLETE or any(r.cause == cause.id for r in shown)
            parts.append(
                f"{_plural(len(members), 'check')} not run: {cause.label if said else cause.summary}"
            )
    rest = Counter(
        r.status
        for r in report.results
        if r not in shown and not (r.cause in stop_ids and r.status is Status.ERROR)
    )
    others = [
        f"{rest[Status.PASS]} passed" if rest[Status.PASS] else "",
        f"{rest[Status.WARN]} warned" if rest[Status.WARN] else "",
        f"{rest[Status.SKIP]} skipped" if rest[Status.SKIP] else "",
        f"{rest[Status.ERROR]} not run for other reasons" if rest[Status.ERROR] else "",
        f"{len((report.left_out or {}).get('checks') or ())} left out"
        if (report.left_out or {}).get("checks")
        else "",
    ]
    counted = "; ".join(p for p in [*parts, ", ".join(o for o in others if o)] if p)
    if counted:
        lines += layout.wrap(counted, rest="  ")
    if report.fix:
        code = [_code(entry, fix_forms, layout) for entry in fix_code(report)]
        lines += _steps("Fix:", report.fix, layout, code)
    following = [s for c in stopping for s in (*c.fix, *c.see_more) if s not in report.fix]
    if following:
        lines += _steps("Next:", list(dict.fromkeys(following)), layout)
    return lines


def render_lines(
    report: Report, color: bool, layout: Layout = Layout(), fix_forms: Sequence[str] = FIX_FORMS
) -> list[str]:
    stopping = stopping_causes(report)
    if stopping:
        return _short(report, color, layout, stopping, fix_forms)
    lines = _table(report, color, layout)
    lines += ["", *_verdict(report, color, layout)]
    if report.fix:
        entries = fix_code(report)
        code = [_code(entry, fix_forms, layout) for entry in entries]
        lines += ["", *_numbered("Fix:", report.fix, layout, code)]
        hidden = [f for f in FIX_FORMS if f not in fix_forms]
        if hidden and any(entries):
            lines.append(f"  (also as {' or '.join(hidden)}: --fix-format {'|'.join([*hidden, 'all'])})")
    if report.see_more:
        lines += ["", *_numbered(SEE_MORE_TITLE, report.see_more, layout)]
    if report.notes:
        lines += ["", *_bulleted("Notes:", report.notes, layout)]
    return lines


def render(
    report: Report,
    *,
    color: bool = False,
    width: int = WIDTH,
    fit: bool = False,
    fix_forms: Sequence[str] = FIX_FORMS,
) -> str:
    return "\n".join(render_lines(report, color, Layout(width, fit), fix_forms)) + "\n"


def _heading(index: int, total: int, report: Report) -> str:
    call = call_text(report)
    name = strip_ansi(str(report.inputs.get("smoke_item") or report.scenario))
    return f"[{index}/{total}] {name}" + (f": {strip_ansi(call)}" if call else "")


def _expectation(report: Report) -> CheckResult | None:
    last = report.results[-1] if report.results else None
    return last if last is not None and last.id == EXPECTATION_ID else None


def render_many(
    reports: Sequence[Report],
    *,
    color: bool = False,
    title: str = "",
    width: int = WIDTH,
    fit: bool = False,
    fix_forms: Sequence[str] = FIX_FORMS,
) -> str:
    """Many reports, then one summary line. A smoke run: one line per item (did it come out as expected?), then
    the full section of each item that did not; other documents: one section per report."""
    layout = Layout(width, fit)
    lines: list[str] = []
    if title:
        lines += [strip_ansi(title), "=" * min(layout.width, len(strip_ansi(title))), ""]
    smoke = bool(reports) and all(_expectation(r) is not None for r in reports)
    shown = list(enumerate(reports, 1))
    if smoke:
        for report in reports:
            last = _expectation(report)
            assert last is not None
            label = colorize(f"{last.status.value.upper():<5}", STATUS_STYLE[last.status], color)
            name = strip_ansi(str(report.inputs.get("smoke_item") or report.scenario))
            text = layout.wrap(
                f"{last.status.value.upper():<5} {name}: {strip_ansi(last.summary)}", rest="      "
            )
            text[0] = label + text[0][5:]
            lines += text
        lines.append("")
        shown = [(i, r) for i, r in shown if (_expectation(r) or r.results[-1]).status is not Status.PASS]
    for index, report in shown:
        if smoke:  # the item's line above says what its expectation found
            report = dataclasses.replace(report, results=report.results[:-1])
        heading = _heading(index, len(reports), report)
        lines += [
            heading,
            "-" * min(layout.width, len(heading)),
            *render_lines(report, color, layout, fix_forms),
            "",
        ]
    counts = {o: sum(1 for r in reports if r.verdict.outcome is o) for o in Outcome}
    parts = ", ".join(
        colorize(f"{n} {o.value}", OUTCOME_STYLE[o], color and n > 0) for o, n in counts.items()
    )
    if smoke:
        matched = sum(1 for r in reports if r.results[-1].status is Status.PASS)
        others = len(reports) - matched
        lines.append(
            f"SUMMARY: {_plural(len(reports), 'item')} — {matched} as expected, {others} not; {parts}"
        )
    else:
        lines.append(f"SUMMARY: {len(reports)} report{'' if len(reports) == 1 else 's'} — {parts}")
    return "\n".join(lines) + "\n"
