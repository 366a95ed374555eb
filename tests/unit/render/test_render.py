"""The renderers on one fixed report: golden files for every format, plus the properties goldens cannot show.

Regenerate the golden files with ``GCDIAG_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render`` (see goldens.py).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
import subprocess
import sys

import click
import pytest
import yaml

from gcdiag.render import FORMATS, render, render_many
from gcdiag.render.common import STATUS_STYLE, code_blocks
from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.io import validate_report_dict
from gcdiag.report.model import CheckResult, Outcome, Report, Status, Verdict

from .goldens import assert_golden
from .sample import passing_report, sample_report

ESC = "\x1b"
EXT = {"table": "txt", "yaml": "yaml", "json": "json", "junit": "xml", "markdown": "md", "csv": "csv"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_single(fmt: str) -> None:
    assert_golden(f"report.{EXT[fmt]}", render(sample_report(), fmt))


def test_golden_table_color() -> None:
    assert_golden("report.color.txt", render(sample_report(), "table", color=True))


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_many(fmt: str) -> None:
    text = render_many([sample_report(), passing_report()], fmt, title="nightly smoke")
    assert_golden(f"smoke.{EXT[fmt]}", text)


def test_formats_and_unknown_format() -> None:
    assert FORMATS == ("table", "yaml", "json", "junit", "markdown", "csv")
    with pytest.raises(
        ValueError, match=r"unknown output format 'xml'.*table, yaml, json, junit, markdown, csv"
    ):
        render(sample_report(), "xml")
    with pytest.raises(ValueError, match="unknown output format"):
        render_many([sample_report()], "TABLE")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_one_newline_and_has_no_escape_codes(fmt: str) -> None:
    for text in (render(sample_report(), fmt), render_many([sample_report()], fmt)):
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert ESC not in text


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "table"])
def test_color_only_affects_the_table(fmt: str) -> None:
    assert render(sample_report(), fmt, color=True) == render(sample_report(), fmt)


def test_table_colours_each_status() -> None:
    report = sample_report()
    text = render(report, "table", color=True)
    for result in report.results:
        label = result.status.value.upper() + ("*" if result.blocking else "")
        assert click.style(label, **STATUS_STYLE[result.status]) in text, result.id
    assert "\x1b[31m" in text and "\x1b[32m" in text and "\x1b[33m" in text and "\x1b[35m" in text
    assert "\x1b[2m" in text  # skip is dim
    # Without colour the same text, minus the codes.
    assert re.sub(r"\x1b\[[0-9;]*m", "", text) == render(report, "table")


def test_table_layout() -> None:
    report = sample_report()
    lines = render(report, "table").splitlines()
    assert lines[0].split() == ["id", "status", "summary"]
    assert "auth.permissions      FAIL*" in "\n".join(lines)
    assert "recording.kind        WARN " in "\n".join(lines)  # non-blocking: no mark
    verdict = next(i for i, line in enumerate(lines) if line.startswith("VERDICT: would_fail — "))
    assert lines[verdict - 1] == ""
    fix = lines.index("Fix:")
    assert lines[fix + 1].startswith("  1. Add the permission conversation:recording:pauseOthers")
    see_more = lines.index("To let gcdiag see more:")
    assert sum(1 for line in lines[fix:see_more] if re.match(r"  \d\. ", line)) == len(report.fix)
    assert lines[see_more + 1].startswith("  1. Run with an inspector identity")
    assert "~ inferred: reasoned from other observations" in "\n".join(lines)
    assert "auth.division         FAIL~*" in "\n".join(lines)
    assert "Notes:" in lines
    # Prose stays within 100 columns; code (curl, Terraform, gc) is printed as written, never re-wrapped, so
    # that it pastes whole.
    code = {
        line.strip()
        for entry in report.results[3].fix_as_code
        for _, _, text in code_blocks(entry, FIX_FORMS)
        for line in text.splitlines()
    }
    long = [line for line in lines if len(line) > 100]
    assert long and all(line.strip() in code for line in long)


def test_fix_as_code_follows_its_step_in_every_view_and_fix_format_narrows_it() -> None:
    report = sample_report()
    entry = report.results[3].fix_as_code[0]
    snippet, curl = entry["terraform"]["snippet"], entry["api"][-1]["curl"]
    gc_line = entry["gc"]["commands"][-1]
    for fmt in ("table", "markdown", "junit", "csv"):
        text = render(report, fmt)
        if fmt == "junit":
            text = html.unescape(text)
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            text = "\n".join(r["fix_api"] + r["fix_terraform"] + r["fix_gc"] for r in rows)
        for piece in (snippet.splitlines()[4], curl.splitlines()[-1].strip(), gc_line):
            assert piece in text, (fmt, piece)
    only = render(report, "table", fix_forms=("terraform",))
    assert 'resource "genesyscloud_auth_role"' in only and "curl -sS" not in only and gc_line not in only
    plain = render(report, "markdown", fix_forms=())
    assert "genesyscloud_auth_role" not in plain and "curl -sS -X PUT" not in plain
    fix = render(report, "table").splitlines()
    step = fix.index("Fix:") + 1
    assert fix[step].startswith("  1. Add the permission") and "API (needs" in fix[step + 3]


def test_table_wraps_long_summaries_without_breaking_words() -> None:
    long_word = "/api/v2/" + "x" * 120
    result = CheckResult("auth.token", "t", Status.FAIL, True, "word " * 60 + long_word)
    report = dataclasses.replace(sample_report(), results=(result,), fix=(), notes=())
    lines = render(report, "table").splitlines()
    # Only the line holding the unbreakable word (and the column rule under the header) may be longer.
    assert all(len(line) <= 100 for line in lines[2:] if long_word not in line)
    assert any(long_word in line for line in lines)  # not split inside
    body = [line for line in lines if line.startswith(" ")]
    assert len(body) >= 3  # the summary took several lines


def test_table_without_fix_or_notes_or_blocking() -> None:
    result = CheckResult("recording.kind", "t", Status.PASS, False, "fine")
    report = dataclasses.replace(
        sample_report(),
        results=(result,),
        fix=(),
        notes=(),
        verdict=Verdict(Outcome.WOULD_SUCCEED, (), "PUT x would succeed"),
    )
    text = render(report, "table")
    assert "Fix:" not in text and "Notes:" not in text and "blocking check" not in text
    assert "VERDICT: would_succeed — PUT x would succeed" in text


def test_renderers_print_the_verdict_they_are_given() -> None:
    """A renderer decides nothing: a (deliberately inconsistent) verdict is printed as given."""
    report = dataclasses.replace(
        sample_report(), verdict=Verdict(Outcome.WOULD_SUCCEED, (), "as stated by the report"), fix=()
    )
    assert "VERDICT: would_succeed — as stated by the report" in render(report, "table")
    assert "**Verdict:** would_succeed — as stated by the report" in render(report, "markdown")
    assert 'name="verdict.outcome" value="would_succeed"' in render(report, "junit")
    assert 'name="exit_code" value="0"' in render(report, "junit")
    assert yaml.safe_load(render(report, "yaml"))["verdict"]["outcome"] == "would_succeed"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_data_formats_are_exactly_to_dict(fmt: str) -> None:
    report = sample_report()
    text = render(report, fmt)
    loaded = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    assert loaded == report.to_dict()
    validate_report_dict(loaded)
    assert "東京" in text and "<&>" in text  # unicode and specials are kept, not escaped


def test_json_is_indented_two() -> None:
    text = render(sample_report(), "json")
    assert text.startswith('{\n  "gcdiag": {\n    "version": "0.1.0",')


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_smoke_document(fmt: str) -> None:
    reports = [sample_report(), passing_report()]
    text = render_many(reports, fmt, title="nightly")
    doc = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    assert list(doc) == ["gcdiag", "generated_at", "kind", "title", "items"]
    assert doc["kind"] == "smoke"
    assert doc["gcdiag"]["report_schema"] == 2
    assert doc["generated_at"] == "2026-11-28T15:01:30Z"  # the newest item's stamp
    assert doc["items"] == [r.to_dict() for r in reports]
    explicit = render_many(reports, fmt, generated_at="2027-01-01T00:00:00Z")
    doc = json.loads(explicit) if fmt == "json" else yaml.safe_load(explicit)
    assert doc["generated_at"] == "2027-01-01T00:00:00Z" and "title" not in doc


def test_empty_smoke_document_is_stamped_now() -> None:
    doc = yaml.safe_load(render_many([], "yaml"))
    assert doc["items"] == [] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["generated_at"])


def test_table_many_sections_and_summary() -> None:
    text = render_many([sample_report(), passing_report(), sample_report()], "table", title="nightly")
    assert text.startswith("nightly\n=======\n")
    assert text.count("VERDICT: ") == 3
    assert "[2/3] recording-stop: PUT /api/v2/conversations/calls/" in text
    assert (
        text.rstrip().splitlines()[-1] == "SUMMARY: 3 reports — 1 would_succeed, 2 would_fail, 0 incomplete"
    )


def test_markdown_table_cells_escape_pipes() -> None:
    text = render(sample_report(), "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(sample_report().results)  # header, rule, one row per result
    for row in rows:
        # Unescaped pipes separate exactly three cells.
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row
    assert "Supervisor \\| QA &lt;&amp;&gt; Ops" in text


def test_markdown_details_only_for_non_pass_with_yaml_evidence() -> None:
    report = sample_report()
    text = render(report, "markdown")
    non_pass = [r for r in report.results if r.status is not Status.PASS]
    assert text.count("<details>") == text.count("</details>") == len(non_pass)
    for result in report.results:
        assert (f"<details><summary>{result.id} — " in text) is (result.status is not Status.PASS)
    block = text.split("<details><summary>auth.permissions")[1].split("</details>")[0]
    evidence = block.split("```yaml\n")[1].split("\n```")[0]
    assert yaml.safe_load(evidence) == report.results[3].to_dict()["evidence"]


def test_markdown_fences_survive_backticks_in_evidence() -> None:
    result = CheckResult(
        "error.body", "t", Status.FAIL, False, "s", evidence={"body": "```\n# not a heading\n```"}
    )
    report = dataclasses.replace(sample_report(), results=(result,))
    text = render(report, "markdown")
    block = text.split("<details>")[1]
    fence = re.search(r"^(`{3,})yaml$", block, re.M)
    assert fence is not None and len(fence.group(1)) > 3
    assert re.search(rf"^{fence.group(1)}$", block, re.M)


def test_markdown_many_has_numbered_sections() -> None:
    text = render_many([sample_report(), passing_report()], "markdown", title="nightly")
    assert text.startswith("# nightly\n\n2 reports: 1 would_succeed, 1 would_fail, 0 incomplete\n")
    assert "## 1. gcdiag recording-stop: would_fail" in text
    assert "## 2. gcdiag recording-stop: would_succeed" in text


def test_ansi_in_report_text_never_reaches_any_format() -> None:
    result = CheckResult(
        "auth.token", "t", Status.WARN, False, "\x1b[31mred\x1b[0m summary", detail="\x1b[1mb"
    )
    report = dataclasses.replace(sample_report(), results=(result,), notes=("\x1b]0;title\x07note",))
    for fmt in FORMATS:
        text = render(report, fmt)
        if fmt in ("yaml", "json"):
            continue  # the data formats carry the document exactly (escaped by the serialiser)
        assert ESC not in text, fmt
        assert "red summary" in text


def test_importing_render_stays_light() -> None:
    code = (
        "import sys, gcdiag.render, gcdiag.report.redact, gcdiag.report.io;"
        "print(sorted(m for m in ('tabulate', 'yaml', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_table_renderer_does_not_import_yaml() -> None:
    code = "import sys, gcdiag.render.table; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_sample_report_is_valid_and_covers_what_the_goldens_need() -> None:
    report = sample_report()
    validate_report_dict(report.to_dict())
    assert {r.status for r in report.results} == set(Status)
    assert {(r.status, r.blocking) for r in report.results} >= {
        (Status.FAIL, True),
        (Status.FAIL, False),
        (Status.ERROR, True),
        (Status.ERROR, False),
    }
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    assert "|" in text and "<&>" in text and "東京" in text
    assert report.notes and report.requests
    assert Report.from_dict(report.to_dict()).to_dict() == report.to_dict()
