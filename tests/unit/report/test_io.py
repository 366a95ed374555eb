"""Reading saved reports back: round trips, smoke documents, one-line errors, and the schema itself."""

from __future__ import annotations

import copy
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gcdiag.render import render, render_many
from gcdiag.report import io as reportio
from gcdiag.report.io import ReportError, load_report, load_reports, report_schema, validate_report_dict
from gcdiag.report.model import Report

from ..render.sample import passing_report, sample_report


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(source: Any, *phrases: str, loader: Callable[[Any], Any] = load_report) -> str:
    with pytest.raises(ReportError) as info:
        loader(source)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400, message
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    return message


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_through_a_file(tmp_path: Path, fmt: str) -> None:
    report = sample_report()
    path = _write(tmp_path, f"report.{fmt}", render(report, fmt))
    loaded = load_report(path)
    assert loaded.to_dict() == report.to_dict()
    assert load_report(str(path)).to_dict() == report.to_dict()
    assert [r.to_dict() for r in load_reports(path)] == [report.to_dict()]
    # Re-rendering the loaded report gives the same document: `gcdiag report show` is faithful.
    assert render(loaded, fmt) == render(report, fmt)


def test_round_trip_from_text_and_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = render(sample_report(), "yaml")
    assert load_report(text).to_dict() == sample_report().to_dict()
    monkeypatch.setattr(sys, "stdin", io.StringIO(render(sample_report(), "json")))
    assert load_report("-").to_dict() == sample_report().to_dict()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_smoke_document_loads_as_many(tmp_path: Path, fmt: str) -> None:
    reports = [sample_report(), passing_report()]
    path = _write(tmp_path, f"smoke.{fmt}", render_many(reports, fmt, title="nightly"))
    assert [r.to_dict() for r in load_reports(path)] == [r.to_dict() for r in reports]
    _one_line_error(path, "is a smoke document with 2 reports", "load_reports")


def test_hand_edited_unquoted_timestamp_stays_a_string(tmp_path: Path) -> None:
    text = render(sample_report(), "yaml").replace(
        "generated_at: '2026-11-28T15:00:00Z'", "generated_at: 2026-11-28T15:00:00Z"
    )
    assert "generated_at: 2026-11-28T15:00:00Z\n" in text
    assert load_report(_write(tmp_path, "r.yaml", text)).generated_at == "2026-11-28T15:00:00Z"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + render(sample_report(), "json").encode("utf-8"))
    assert load_report(path).scenario == "recording-stop"


# --- every error kind is one line ---------------------------------------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    _one_line_error(tmp_path / "missing.yaml", "cannot read report", "missing.yaml", "file not found")


def test_directory(tmp_path: Path) -> None:
    _one_line_error(tmp_path, "cannot read report", "directory")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("gcdiag: caf\xe9\n".encode("latin-1"))
    _one_line_error(path, "not UTF-8")


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", "gcdiag:\n  version: 1\nscenario: [unclosed\nverdict: x\n")
    message = _one_line_error(path, "bad.yaml is not valid YAML", "line 4")
    assert "JSON" not in message


def test_malformed_json_gets_a_json_message(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", '{\n  "gcdiag": {"version": "0.1.0",}\n}\n')
    message = _one_line_error(path, "bad.json is not valid JSON", "line 2, column")
    assert "YAML" not in message
    _one_line_error('{"gcdiag": ', "is not valid JSON", "line 1")  # text, not a file
    _one_line_error(_write(tmp_path, "r.yaml", '{"a": [1, 2}\n'), "r.yaml is not valid JSON", "line 1")


def test_empty_file(tmp_path: Path) -> None:
    _one_line_error(_write(tmp_path, "empty.yaml", "\n\n"), "empty.yaml is empty")


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "array"), ("just a string\n", "string"), ("42\n", "integer")]
)
def test_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    _one_line_error(_write(tmp_path, "list.yaml", text), "not a gcdiag report", f"is {kind}, not a mapping")


def test_not_a_gcdiag_report(tmp_path: Path) -> None:
    _one_line_error(
        _write(tmp_path, "other.yaml", "name: something\nitems: []\n"), "not a gcdiag report", "'gcdiag'"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (3, "report_schema 3"),
        ("1", "report_schema '1'"),
        (True, "report_schema True"),
        (None, "no report_schema"),
    ],
)
def test_unknown_report_schema_says_which_is_supported(tmp_path: Path, value: Any, shown: str) -> None:
    doc = sample_report().to_dict()
    doc["gcdiag"]["report_schema"] = value
    path = _write(tmp_path, "future.json", json.dumps(doc))
    _one_line_error(path, shown, "reads report_schema 1, 2")


def test_unknown_document_kind(tmp_path: Path) -> None:
    doc = {"gcdiag": {"version": "0.1.0", "report_schema": 1}, "kind": "inventory", "items": []}
    _one_line_error(
        _write(tmp_path, "k.json", json.dumps(doc)), "unknown kind 'inventory'", loader=load_reports
    )


def test_empty_smoke_document(tmp_path: Path) -> None:
    text = render_many([], "json")
    _one_line_error(_write(tmp_path, "s.json", text), "no items", loader=load_reports)


def test_smoke_item_failing_the_schema_names_the_item(tmp_path: Path) -> None:
    doc = yaml.safe_load(render_many([sample_report(), passing_report()], "yaml"))
    doc["items"][1]["results"][0]["status"] = "maybe"
    path = _write(tmp_path, "s.yaml", yaml.safe_dump(doc))
    _one_line_error(path, "at items[1].results[0].status", "'maybe' is not one of", loader=load_reports)


def _broken(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = sample_report().to_dict()
    mutate(doc)
    return doc


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "status",
        lambda d: d["results"][2].update(status="maybe"),
        "results[2].status",
        "'maybe' is not one of pass, fail, warn, skip, error",
    ),
    ("outcome", lambda d: d["verdict"].update(outcome="probably"), "verdict.outcome", "is not one of"),
    ("extra top key", lambda d: d.update(token="x"), "the top level", "unexpected key 'token'"),
    ("extra result key", lambda d: d["results"][0].update(secret=1), "results[0]", "unexpected key 'secret'"),
    ("extra verdict key", lambda d: d["verdict"].update(why="x"), "verdict", "unexpected key 'why'"),
    ("missing key", lambda d: d.pop("results"), "the top level", "missing required key 'results'"),
    (
        "missing result key",
        lambda d: d["results"][1].pop("blocking"),
        "results[1]",
        "missing required key 'blocking'",
    ),
    ("wrong type", lambda d: d.update(fix="do it"), "fix", "expected array, got string"),
    (
        "bool is not a number",
        lambda d: d["results"][0].update(duration_ms=True),
        "results[0].duration_ms",
        "expected number, got boolean",
    ),
    ("bad check id", lambda d: d["results"][0].update(id="Auth Token"), "results[0].id", "does not match"),
    (
        "negative duration",
        lambda d: d["results"][0].update(duration_ms=-1),
        "results[0].duration_ms",
        "minimum",
    ),
    ("subject kind", lambda d: d["subject"].update(kind="robot"), "subject.kind", "is not one of"),
    (
        "request without path",
        lambda d: d["requests"][0].pop("path"),
        "requests[0]",
        "missing required key 'path'",
    ),
    (
        "evidence not a mapping",
        lambda d: d["results"][0].update(evidence=[1]),
        "results[0].evidence",
        "expected object, got array",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "path", "phrase"), BROKEN, ids=[b[0] for b in BROKEN])
def test_schema_failures_name_the_first_failing_path(
    tmp_path: Path, name: str, mutate: Callable[[dict[str, Any]], None], path: str, phrase: str
) -> None:
    doc = _broken(mutate)
    file = _write(tmp_path, "broken.json", json.dumps(doc))
    _one_line_error(file, "broken.json does not follow the gcdiag report schema", f"at {path}:", phrase)
    with pytest.raises(ReportError, match="does not follow"):
        validate_report_dict(doc)


def test_validate_report_dict_accepts_every_produced_report() -> None:
    for report in (sample_report(), passing_report()):
        validate_report_dict(report.to_dict())
        validate_report_dict(json.loads(render(report, "json")))


def test_optional_keys_may_be_missing() -> None:
    doc = sample_report().to_dict()
    del doc["notes"]
    del doc["verdict"]["blocking_errors"]
    validate_report_dict(doc)
    assert Report.from_dict(doc).notes == ()


# --- the schema file ----------------------------------------------------------------------------------------


def test_schema_describes_every_key_of_to_dict() -> None:
    schema = report_schema()
    doc = sample_report().to_dict()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Schema 2's optional keys (causes, facts, attempt, left_out) appear only when a run has them.
    assert set(schema["properties"]) == set(doc) | {"causes", "facts", "attempt", "left_out"}
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]["verdict"]["properties"]) == set(doc["verdict"])
    assert schema["properties"]["verdict"]["additionalProperties"] is False
    result = schema["$defs"]["result"]
    keys = set().union(*(set(r) for r in doc["results"]))
    # title: schema 1 reports carry it; schema 2 leaves it out (the check's fixed description).
    assert (
        set(result["properties"]) == keys | {"cause", "title", "fix_as_code"}
        and result["additionalProperties"] is False
    )
    assert schema["properties"]["gcdiag"]["properties"]["report_schema"] == {"enum": [1, 2]}
    assert result["properties"]["status"]["enum"] == ["pass", "fail", "warn", "skip", "error"]
    assert schema["properties"]["verdict"]["properties"]["outcome"]["enum"] == [
        "would_succeed",
        "would_fail",
        "incomplete",
    ]


def test_schema_is_itself_valid_draft_2020_12() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_schema_enums_match_the_model() -> None:
    from gcdiag.pipeline.check import CHECK_ID
    from gcdiag.report.model import Outcome, Status

    schema = report_schema()
    assert schema["$defs"]["result"]["properties"]["status"]["enum"] == [s.value for s in Status]
    assert schema["properties"]["verdict"]["properties"]["outcome"]["enum"] == [o.value for o in Outcome]
    assert schema["$defs"]["check_id"]["pattern"] == CHECK_ID.pattern


def test_report_schema_returns_a_copy() -> None:
    first = report_schema()
    first["properties"].clear()
    assert report_schema()["properties"]


def test_format_path() -> None:
    assert reportio.format_path(["results", 2, "status"]) == "results[2].status"
    assert reportio.format_path([]) == "the top level"
    assert reportio.format_path(["items", 0, "verdict", "outcome"]) == "items[0].verdict.outcome"


def test_validation_does_not_mutate_the_document() -> None:
    doc = sample_report().to_dict()
    before = copy.deepcopy(doc)
    validate_report_dict(doc)
    assert doc == before


def test_yaml_flow_style_starting_with_a_brace_is_accepted() -> None:
    doc = sample_report().to_dict()
    text = yaml.safe_dump(doc, default_flow_style=True, allow_unicode=True, width=10_000)
    assert text.startswith("{") and '"' not in text.split("generated_at")[0]
    assert load_report(text).to_dict() == doc


def test_a_schema_1_report_is_still_read_and_rendered() -> None:
    """Reports written before schema 2 (no basis, see_more, causes, facts) stay readable by report show."""
    from pathlib import Path

    from gcdiag.render import render

    report = load_report(str(Path(__file__).parent / "data" / "report-schema-1.yaml"))
    assert report.report_schema == 1 and report.see_more == () and report.causes == ()
    assert all(not r.inferred for r in report.results)
    assert "VERDICT: would_fail" in render(report, "table")
