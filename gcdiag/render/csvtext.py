"""CSV: one row per check result (per item of a smoke run), for a spreadsheet.

Columns: ``item, scenario, call, outcome, id, status, blocking, basis, summary, fix, fix_api, fix_terraform,
fix_gc``. ``fix`` holds the result's steps one a line; the ``fix_*`` columns its configuration changes as code
(curl lines, Terraform, gc CLI) when ``--fix-format`` asks for them. The values are the report's, as given:
nothing is decided here. Cells starting with ``=``, ``+``, ``-`` or ``@`` get a leading apostrophe so a
spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from gcdiag.render.common import call_text, code_blocks, strip_ansi
from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.model import Report

COLUMNS = (
    "item",
    "scenario",
    "call",
    "outcome",
    "id",
    "status",
    "blocking",
    "basis",
    "summary",
    "fix",
    "fix_api",
    "fix_terraform",
    "fix_gc",
)


def cell(value: object) -> str:
    """One CSV cell: text without escape codes, formula-looking text neutralised."""
    text = strip_ansi("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (RFC 4180 quoting, ``\\n`` line ends) with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def _rows(index: int, report: Report, fix_forms: Sequence[str]) -> list[list[object]]:
    rows: list[list[object]] = []
    for result in report.results:
        forms: dict[str, list[str]] = {"api": [], "terraform": [], "gc": []}
        for entry in result.fix_as_code:
            for form in fix_forms:
                forms[form] += [text for _, _, text in code_blocks(entry, (form,))]
        rows.append(
            [
                index,
                report.scenario,
                call_text(report),
                report.verdict.outcome.value,
                result.id,
                result.status.value,
                "true" if result.blocking else "false",
                result.basis.value,
                result.summary,
                "\n".join(result.fix),
                "\n\n".join(forms["api"]),
                "\n\n".join(forms["terraform"]),
                "\n\n".join(forms["gc"]),
            ]
        )
    return rows


def render(report: Report, *, fix_forms: Sequence[str] = FIX_FORMS) -> str:
    return render_many([report], fix_forms=fix_forms)


def render_many(reports: Sequence[Report], *, title: str = "", fix_forms: Sequence[str] = FIX_FORMS) -> str:
    rows = [row for index, report in enumerate(reports, 1) for row in _rows(index, report, fix_forms)]
    return write_rows(COLUMNS, rows)
