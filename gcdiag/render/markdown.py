"""A ticket-ready Markdown summary (GitHub/GitLab/Jira-with-markdown flavoured).

Title with scenario and outcome, the verdict and exit code, the numbered fix, a table ``id | status |
summary`` (blocking checks marked ``(blocking)``), then each non-pass result's detail, fix and evidence in a
collapsed ``<details>`` block with a fenced YAML snippet, then the notes. Text from the report is inert: HTML-special
characters and link/image brackets become entities (names come from the org and may carry ``[x](javascript:…)``),
table cells escape ``|``; fenced blocks use a fence longer than any backtick run inside, so report text cannot
break out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from gcdiag.render.common import (
    SEE_MORE_TITLE,
    call_text,
    code_blocks,
    code_notes,
    dump_yaml,
    exit_line,
    fix_code,
    strip_ansi,
)
from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.model import CheckResult, Outcome, Report, Status, to_plain


def _neutral(text: str) -> str:
    """Text from a report as inert Markdown: HTML-special characters and the brackets of link and image syntax
    as entities, so a name the server sent (``[x](javascript:…)``, ``![img](http://…)``) shows as text and is
    never a link or an image. (Entities read the same in Markdown and in the ``<summary>`` HTML.)"""
    escaped = html.escape(strip_ansi(text), quote=False)
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


def _inline(text: str) -> str:
    """Text for a paragraph or list item: no HTML, no links; line breaks kept as Markdown hard breaks."""
    escaped = _neutral(text)
    return "  \n".join(escaped.splitlines()) if "\n" in escaped else escaped


def _cell(text: str) -> str:
    """Text for a table cell: ``|`` escaped, newlines as ``<br>``, no HTML, no links."""
    escaped = _neutral(text).replace("|", "\\|")
    return "<br>".join(escaped.splitlines()) if escaped else ""


def _code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    text = strip_ansi(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced(text: str, lang: str = "") -> list[str]:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", *strip_ansi(text).rstrip("\n").splitlines(), fence]


def _status(result: CheckResult) -> str:
    label = result.status.value.upper() + (" (inferred)" if result.inferred else "")
    return f"{label} (blocking)" if result.blocking else label


def _details(result: CheckResult) -> list[str]:
    summary = _neutral(f"{result.id} — {_status(result)}: {result.summary}")
    lines = [f"<details><summary>{summary}</summary>", ""]
    if result.detail:
        lines += [_inline(result.detail), ""]
    if result.because:
        lines += ["Inferred because:", ""]
        lines += [f"- {_inline(b.rule)}" for b in result.because]
        lines.append("")
    if result.fix:
        lines += ["Fix:", ""]
        lines += [f"{n}. {_inline(step)}" for n, step in enumerate(result.fix, 1)]
        lines.append("")
    if result.see_more:
        lines += [SEE_MORE_TITLE, ""]
        lines += [f"{n}. {_inline(step)}" for n, step in enumerate(result.see_more, 1)]
        lines.append("")
    if result.evidence:
        lines += ["Evidence:", "", *_fenced(dump_yaml(to_plain(result.evidence), compact=False), "yaml"), ""]
    if not (result.detail or result.fix or result.see_more or result.evidence):
        lines += ["No detail, fix or evidence recorded.", ""]
    lines += ["</details>", ""]
    return lines


def _code_lines(report: Report, fix_forms: Sequence[str]) -> list[list[str]]:
    """Under each fix step, its code forms as indented fenced blocks (a list item's continuation)."""
    out: list[list[str]] = []
    for entry in fix_code(report):
        lines: list[str] = []
        if entry is not None:
            for title, lang, text in code_blocks(entry, fix_forms):
                lines += ["", f"   {_inline(title)}:", ""]
                lines += [f"   {line}".rstrip() for line in _fenced(text, lang)]
            notes = code_notes(entry, fix_forms)
            if notes:
                lines.append("")
                lines += [f"   - {_inline(note)}" for note in notes]
            if lines:
                lines.append("")
        out.append(lines)
    return out


def render_lines(report: Report, heading: str = "#", fix_forms: Sequence[str] = FIX_FORMS) -> list[str]:
    verdict = report.verdict
    lines = [f"{heading} gcdiag {_inline(report.scenario)}: {verdict.outcome.value}", ""]
    call = call_text(report)
    if call:
        lines += [f"**Call:** {_code(call)}", ""]
    lines += [f"**Verdict:** {verdict.outcome.value} — {_inline(verdict.summary)}", ""]
    lines += [f"**Exit code:** {exit_line(report)}", ""]
    if report.generated_at:
        lines += [f"**Generated:** {_inline(report.generated_at)} by gcdiag {_inline(report.version)}", ""]
    if report.fix:
        lines += [f"{heading}# Fix", ""]
        code = _code_lines(report, fix_forms)
        for n, step in enumerate(report.fix, 1):
            lines.append(f"{n}. {_inline(step)}")
            lines += code[n - 1]
        lines.append("")
    if report.see_more:
        lines += [f"{heading}# {SEE_MORE_TITLE.rstrip(':')}", ""]
        lines += [f"{n}. {_inline(step)}" for n, step in enumerate(report.see_more, 1)]
        lines.append("")
    lines += [f"{heading}# Checks", "", "| id | status | summary |", "| --- | --- | --- |"]
    lines += [f"| {_code(r.id)} | {_status(r)} | {_cell(r.summary)} |" for r in report.results]
    lines.append("")
    if report.causes:
        lines += [f"{heading}# Causes", ""]
        for cause in report.causes:
            label = f"{_code(cause.id)} ({_inline(cause.label)})" if cause.label else _code(cause.id)
            lines.append(f"- {label}: {_inline(cause.summary)}")
        lines.append("")
    others = [r for r in report.results if r.status is not Status.PASS]
    if others:
        lines += [f"{heading}# Details", ""]
        for result in others:
            lines += _details(result)
    if report.facts:
        lines += [
            "<details><summary>Facts read once (the evidence refers to them as #/facts/NAME)</summary>",
            "",
        ]
        lines += [*_fenced(dump_yaml(to_plain(report.facts), compact=False), "yaml"), "", "</details>", ""]
    if report.notes:
        lines += [f"{heading}# Notes", ""]
        lines += [f"- {_inline(note)}" for note in report.notes]
        lines.append("")
    return lines


def render(report: Report, *, fix_forms: Sequence[str] = FIX_FORMS) -> str:
    return "\n".join(render_lines(report, fix_forms=fix_forms)).rstrip("\n") + "\n"


def render_many(reports: Sequence[Report], *, title: str = "", fix_forms: Sequence[str] = FIX_FORMS) -> str:
    counts = {o: sum(1 for r in reports if r.verdict.outcome is o) for o in Outcome}
    lines = [f"# {_inline(title or 'gcdiag smoke')}", ""]
    lines += [
        f"{len(reports)} report{'' if len(reports) == 1 else 's'}: "
        + ", ".join(f"{n} {o.value}" for o, n in counts.items()),
        "",
    ]
    for index, report in enumerate(reports, 1):
        section = render_lines(report, heading="##", fix_forms=fix_forms)
        section[0] = section[0].replace("## gcdiag ", f"## {index}. gcdiag ", 1)
        lines += section
    return "\n".join(lines).rstrip("\n") + "\n"
