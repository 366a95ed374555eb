"""JUnit XML follows the shape CI servers read (Jenkins' junit.xsd / Ant's junit.xsd), checked as code.

The rules encoded in :func:`check_junit` (no network, no xsd download):

* root ``<testsuites>`` (attributes name, tests, failures, errors, time, disabled) holding only
  ``<testsuite>``;
* ``<testsuite>``: required ``name`` and ``tests``; optional failures, errors, skipped, time, timestamp,
  hostname, id, package, disabled, file, log, url, version; children: properties (at most one, first),
  testcase, system-out, system-err (at most one each, after the testcases);
* ``<properties>`` holds only ``<property name value>`` (both required);
* ``<testcase>``: required ``name``, and (as gcdiag promises) ``classname`` and ``time``; children: at most
  one of failure / error / skipped, then system-out / system-err;
* ``<failure>``/``<error>``: optional message and type, text content; ``<skipped>``: optional message;
* counts add up: a suite's tests/failures/errors/skipped equal its testcases, the root's equal the suites'
  sums;
* numbers are non-negative integers; times are non-negative decimals; timestamps are ISO 8601 without zone.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from gcdiag.render import render, render_many
from gcdiag.report.model import CheckResult, Status

from .sample import passing_report, sample_report

SUITES_ATTRS = {"name", "tests", "failures", "errors", "time", "disabled"}
SUITE_REQUIRED = {"name", "tests"}
SUITE_ATTRS = SUITE_REQUIRED | {
    "failures",
    "errors",
    "skipped",
    "time",
    "timestamp",
    "hostname",
    "id",
    "package",
    "disabled",
    "file",
    "log",
    "url",
    "version",
}
CASE_REQUIRED = {"name", "classname", "time"}
CASE_ATTRS = CASE_REQUIRED | {"assertions", "status", "file", "line"}
OUTCOMES = {"failure", "error", "skipped"}
INT = re.compile(r"^\d+$")
TIME = re.compile(r"^\d+(\.\d+)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


class JUnitShapeError(AssertionError):
    pass


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise JUnitShapeError(message)


def _attrs(element: ET.Element, allowed: set[str], required: set[str], where: str) -> None:
    extra = set(element.attrib) - allowed
    missing = required - set(element.attrib)
    _need(not extra, f"{where}: attributes not in the schema: {sorted(extra)}")
    _need(not missing, f"{where}: missing required attributes {sorted(missing)}")
    for name in ("tests", "failures", "errors", "skipped", "disabled"):
        if name in element.attrib:
            _need(
                bool(INT.match(element.attrib[name])),
                f"{where}: {name}={element.attrib[name]!r} is not a count",
            )
    if "time" in element.attrib:
        _need(bool(TIME.match(element.attrib["time"])), f"{where}: time={element.attrib['time']!r}")
    if "timestamp" in element.attrib:
        _need(
            bool(TIMESTAMP.match(element.attrib["timestamp"])),
            f"{where}: timestamp={element.attrib['timestamp']!r}",
        )


def _case(case: ET.Element, where: str) -> str:
    _attrs(case, CASE_ATTRS, CASE_REQUIRED, where)
    tags = [child.tag for child in case]
    _need(set(tags) <= OUTCOMES | {"system-out", "system-err"}, f"{where}: unexpected children {tags}")
    outcomes = [t for t in tags if t in OUTCOMES]
    _need(len(outcomes) <= 1, f"{where}: more than one of failure/error/skipped: {outcomes}")
    if outcomes:
        _need(tags.index(outcomes[0]) == 0, f"{where}: {outcomes[0]} must come before system-out/err")
    for child in case:
        if child.tag in ("failure", "error"):
            _attrs(child, {"message", "type"}, set(), f"{where}/{child.tag}")
        elif child.tag == "skipped":
            _attrs(child, {"message"}, set(), f"{where}/skipped")
            _need(not (child.text or "").strip() and not len(child), f"{where}/skipped: must be empty")
        else:
            _need(not child.attrib and not len(child), f"{where}/{child.tag}: text only")
    return outcomes[0] if outcomes else "pass"


def _suite(suite: ET.Element, where: str) -> dict[str, int]:
    _attrs(suite, SUITE_ATTRS, SUITE_REQUIRED, where)
    tags = [child.tag for child in suite]
    _need(set(tags) <= {"properties", "testcase", "system-out", "system-err"}, f"{where}: unexpected {tags}")
    _need(
        tags.count("properties") <= 1 and (not tags.count("properties") or tags[0] == "properties"),
        f"{where}: properties must come first, once",
    )
    for tag in ("system-out", "system-err"):
        _need(tags.count(tag) <= 1, f"{where}: more than one {tag}")
        if tag in tags:
            _need("testcase" not in tags[tags.index(tag) :], f"{where}: {tag} before a testcase")
    for prop in suite.iter("property"):
        _attrs(prop, {"name", "value"}, {"name", "value"}, f"{where}/property")
    properties = suite.find("properties")
    if properties is not None:
        _need(all(p.tag == "property" for p in properties), f"{where}/properties: only property elements")
    counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for index, case in enumerate(suite.findall("testcase")):
        outcome = _case(case, f"{where}/testcase[{index}]")
        counts["tests"] += 1
        if outcome != "pass":
            counts[outcome] += 1
    for attr, key in (
        ("tests", "tests"),
        ("failures", "failure"),
        ("errors", "error"),
        ("skipped", "skipped"),
    ):
        if attr in suite.attrib:
            _need(
                int(suite.attrib[attr]) == counts[key],
                f"{where}: {attr}={suite.attrib[attr]} but the testcases say {counts[key]}",
            )
    return counts


def check_junit(xml_text: str) -> ET.Element:
    """Raise JUnitShapeError unless ``xml_text`` has the JUnit shape described in the module docstring."""
    _need(xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>'), "no XML declaration")
    root = ET.fromstring(xml_text.encode("utf-8"))
    _need(root.tag == "testsuites", f"root is <{root.tag}>, not <testsuites>")
    _attrs(root, SUITES_ATTRS, set(), "testsuites")
    _need(all(child.tag == "testsuite" for child in root), "testsuites holds only testsuite elements")
    totals = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for index, suite in enumerate(root):
        for key, value in _suite(suite, f"testsuite[{index}]").items():
            totals[key] += value
    for attr, key in (("tests", "tests"), ("failures", "failure"), ("errors", "error")):
        if attr in root.attrib:
            _need(int(root.attrib[attr]) == totals[key], f"testsuites: {attr} does not add up")
    return root


def test_single_report_shape_and_content() -> None:
    report = sample_report()
    root = check_junit(render(report, "junit"))
    (suite,) = root
    assert suite.attrib["name"] == "gcdiag.recording-stop"
    assert suite.attrib["tests"] == str(len(report.results))
    assert (suite.attrib["failures"], suite.attrib["errors"], suite.attrib["skipped"]) == ("3", "2", "1")
    assert suite.attrib["timestamp"] == "2026-11-28T15:00:00"
    props = {p.attrib["name"]: p.attrib["value"] for p in suite.iter("property")}
    assert props["verdict.outcome"] == "would_fail"
    assert props["verdict.summary"] == report.verdict.summary
    assert props["exit_code"] == "1" and "would fail" in props["exit_code.meaning"]
    assert props["scenario"] == "recording-stop"
    assert props["inputs.conversation_id"] == report.inputs["conversation_id"]
    assert props["inputs.diagnosed_call_detail.body.recordingState"] == "PAUSED"
    assert props["gcdiag.version"] == "0.1.0"
    cases = {c.attrib["name"]: c for c in suite.iter("testcase")}
    assert list(cases) == [r.id for r in report.results]
    for result in report.results:
        case = cases[result.id]
        assert case.attrib["classname"] == "gcdiag.recording-stop"
        assert float(case.attrib["time"]) == pytest.approx(result.duration_ms / 1000, abs=0.00051)
        out = case.find("system-out")
        assert out is not None and result.summary in (out.text or "")
        expected = {Status.FAIL: "failure", Status.ERROR: "error", Status.SKIP: "skipped"}.get(result.status)
        children = [c.tag for c in case if c.tag != "system-out"]
        assert children == ([expected] if expected else [])
        if expected:
            assert case[0].attrib["message"] == result.summary
        if result.status is Status.WARN:
            assert (out.text or "").startswith("WARN")
    failure = cases["auth.permissions"].find("failure")
    assert failure is not None and failure.attrib["type"] == "blocking"
    assert "Fix:\n1. Add the permission conversation:recording:pauseOthers" in (failure.text or "")
    assert "Supervisor | QA <&> Ops" in (failure.text or "")  # escaped in the file, intact when parsed


def test_many_reports_one_suite_each_with_distinct_names() -> None:
    reports = [sample_report(), passing_report()]
    root = check_junit(render_many(reports, "junit", title="nightly <smoke>"))
    assert root.attrib["name"] == "nightly <smoke>"
    assert [s.attrib["name"] for s in root] == ["gcdiag.recording-stop [1]", "gcdiag.recording-stop [2]"]
    assert root.attrib["tests"] == str(sum(len(r.results) for r in reports))
    for suite in root:
        assert {c.attrib["classname"] for c in suite.iter("testcase")} == {suite.attrib["name"]}


def test_hostile_text_stays_well_formed() -> None:
    nasty = "]]> </testcase> \x00\x07\x1b[31m & \"quotes\" 'apos' \ufffe end"
    result = CheckResult(
        "error.body", nasty, Status.FAIL, True, nasty, detail=nasty, fix=(nasty,), evidence={"x": nasty}
    )
    report = dataclasses.replace(sample_report(), results=(result,), notes=(nasty,), inputs={"call": nasty})
    text = render(report, "junit")
    root = check_junit(text)
    assert "\x1b" not in text and "\x00" not in text
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "]]> </testcase>" in failure.attrib["message"]


def test_empty_report_is_still_valid() -> None:
    report = dataclasses.replace(sample_report(), results=())
    root = check_junit(render(report, "junit"))
    assert root.attrib["tests"] == "0" and root[0].attrib["time"] == "0.000"


@pytest.mark.parametrize(
    ("mutation", "complaint"),
    [
        (
            lambda t: t.replace(
                'tests="9" failures="3" errors="2" skipped', 'tests="10" failures="3" errors="2" skipped'
            ),
            "testcases say",
        ),
        (
            lambda t: t.replace(
                "<system-out>PASS (blocking) endpoint.exists",
                '<failure message="a" /><error message="b" /><system-out>PASS (blocking) endpoint.exists',
            ),
            "more than one",
        ),
        (
            lambda t: t.replace(
                '<testcase classname="gcdiag.recording-stop" name="auth.token" ',
                '<testcase classname="gcdiag.recording-stop" ',
            ),
            "missing required",
        ),
        (
            lambda t: t.replace("<testsuites ", "<testruns ").replace("</testsuites>", "</testruns>"),
            "root is",
        ),
        (lambda t: t.replace('timestamp="2026-11-28T15:00:00"', 'timestamp="yesterday"'), "timestamp"),
        (lambda t: t.replace("<properties>", "<properties><bogus />"), "only property"),
        (
            lambda t: t.replace(
                '<testsuites name="gcdiag" tests="9" failures="3"',
                '<testsuites name="gcdiag" tests="9" failures="4"',
            ),
            "does not add up",
        ),
    ],
)
def test_the_shape_checker_rejects_broken_junit(mutation: object, complaint: str) -> None:
    """The checker above can fail: each mutation of a valid file breaks one rule."""
    text = render(sample_report(), "junit")
    mutated = mutation(text)  # type: ignore[operator]
    assert mutated != text
    with pytest.raises(JUnitShapeError, match=complaint):
        check_junit(mutated)
