"""JUnit XML for CI servers (the Jenkins/Ant ``junit.xsd`` shape).

``<testsuites>`` → one ``<testsuite name="gcdiag.<scenario>">`` per report → ``<properties>`` (verdict, exit
code and its meaning, scenario, flattened inputs, gcdiag version) → one ``<testcase>`` per check result:

======  ==========================================================================
status  testcase content
======  ==========================================================================
pass    ``<system-out>`` only
warn    passes; ``<system-out>`` starts with ``WARN`` and holds the warning
fail    ``<failure message=summary type="blocking|non-blocking">`` detail and fix
error   ``<error message=summary type="blocking|non-blocking">`` detail and fix
skip    ``<skipped message=summary>``
======  ==========================================================================

In a smoke document each item's ``smoke.expectation`` testcase says whether the item came out as expected; the
item's own check results then appear in ``<system-out>`` only, as passed testcases: a failure the smoke file
expects (``expect: would_fail``) must not turn a CI run red, and an unexpected one shows up once, where the
expectation failed.

Every testcase carries ``<system-out>`` with status, summary, detail and fix; times are seconds. ElementTree
does the XML escaping; ANSI sequences and characters XML 1.0 cannot carry are removed first. When several
smoke run's suites and testcase classnames are the smoke file's item names (the expectation's testcase too);
other reports' are ``gcdiag.<scenario>``; a name that would repeat gets the position, ``NAME [n]``, so that a CI
server does not merge them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence

from gcdiag.render.common import (
    EXIT_MEANING,
    SEE_MORE_TITLE,
    code_by_text,
    fix_text,
    flatten,
    result_text,
    xml_safe,
)
from gcdiag.report.formats import FIX_FORMS
from gcdiag.report.model import EXPECTATION_ID, CheckResult, Report, Status

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _seconds(ms: float) -> str:
    return f"{max(ms, 0.0) / 1000:.3f}"


def _timestamp(stamp: str) -> str:
    """The Ant schema's ``timestamp`` has no zone designator; gcdiag stamps are UTC (``...Z``)."""
    return stamp[:-1] if stamp.endswith("Z") else stamp


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        element.text = xml_safe(text)
    return element


def _properties(report: Report) -> list[tuple[str, str]]:
    verdict = report.verdict
    props = [
        ("verdict.outcome", verdict.outcome.value),
        ("verdict.summary", verdict.summary),
        ("verdict.blocking_failures", ", ".join(verdict.blocking_failures)),
        ("verdict.blocking_errors", ", ".join(verdict.blocking_errors)),
        ("exit_code", str(int(report.exit_code))),
        ("exit_code.meaning", EXIT_MEANING[report.exit_code]),
        ("scenario", report.scenario),
        ("generated_at", report.generated_at),
    ]
    props += list(flatten(dict(report.inputs), "inputs")) if report.inputs else []
    props += [("gcdiag.version", report.version), ("gcdiag.report_schema", str(report.report_schema))]
    return props


def _suite(
    parent: ET.Element, report: Report, name: str, fix_forms: Sequence[str] = FIX_FORMS
) -> tuple[int, int, int, int, float]:
    judged = any(r.id == EXPECTATION_ID for r in report.results)  # a smoke item: its expectation decides

    def shown(result: CheckResult) -> Status:
        if judged and result.id != EXPECTATION_ID and result.status in (Status.FAIL, Status.ERROR):
            return Status.PASS
        return result.status

    counts = Counter(shown(r) for r in report.results)
    total_ms = sum(max(r.duration_ms, 0.0) for r in report.results)
    suite = _sub(
        parent,
        "testsuite",
        name=name,
        tests=str(len(report.results)),
        failures=str(counts[Status.FAIL]),
        errors=str(counts[Status.ERROR]),
        skipped=str(counts[Status.SKIP]),
        time=_seconds(total_ms),
        timestamp=_timestamp(report.generated_at),
    )
    properties = _sub(suite, "properties")
    for key, value in _properties(report):
        _sub(properties, "property", name=key, value=value)
    item = str(report.inputs.get("smoke_item") or "")
    for result in report.results:
        # A smoke item's expectation is the case a CI server shows red: it bears the item's name.
        case_name = item if item and result.id == EXPECTATION_ID else result.id
        case = _sub(suite, "testcase", classname=name, name=case_name, time=_seconds(result.duration_ms))
        kind = "blocking" if result.blocking else "non-blocking"
        body = "\n\n".join(
            part
            for part in (
                result.detail,
                "Fix:\n" + fix_text(result.fix, code_by_text([result]), fix_forms) if result.fix else "",
            )
            if part
        )
        status = shown(result)
        if status is Status.FAIL:
            _sub(case, "failure", body, message=result.summary, type=kind)
        elif status is Status.ERROR:
            _sub(case, "error", body, message=result.summary, type=kind)
        elif status is Status.SKIP:
            _sub(case, "skipped", message=result.summary)
        _sub(case, "system-out", result_text(result, fix_forms))
    suite_out = [f"VERDICT: {report.verdict.outcome.value} — {report.verdict.summary}"]
    if report.fix:
        suite_out += ["", "Fix:", fix_text(report.fix, code_by_text(report.results), fix_forms)]
    if report.see_more:
        suite_out += ["", SEE_MORE_TITLE, fix_text(report.see_more)]
    if report.notes:
        suite_out += ["", "Notes:", *(f"- {n}" for n in report.notes)]
    _sub(suite, "system-out", "\n".join(suite_out))
    _sub(suite, "system-err")  # required (possibly empty) by the Ant schema
    return len(report.results), counts[Status.FAIL], counts[Status.ERROR], counts[Status.SKIP], total_ms


def _names(reports: Sequence[Report]) -> list[str]:
    """A suite per report: a smoke item's name (the smoke file's own words), else ``gcdiag.<scenario>``; names
    that would repeat get the item's position, so that a CI server does not merge them."""
    names = [str(r.inputs.get("smoke_item") or f"gcdiag.{r.scenario}") for r in reports]
    counts = Counter(names)
    return [n if counts[n] == 1 else f"{n} [{index}]" for index, n in enumerate(names, 1)]


def render_many(reports: Sequence[Report], *, title: str = "", fix_forms: Sequence[str] = FIX_FORMS) -> str:
    root = ET.Element("testsuites")
    totals = [0, 0, 0, 0]
    total_ms = 0.0
    for report, name in zip(reports, _names(reports), strict=True):
        tests, failures, errors, skipped, ms = _suite(root, report, name, fix_forms)
        for i, n in enumerate((tests, failures, errors, skipped)):
            totals[i] += n
        total_ms += ms
    # Attribute order: name first reads best; ElementTree keeps insertion order.
    attrs = {
        "name": xml_safe(title or "gcdiag"),
        "tests": str(totals[0]),
        "failures": str(totals[1]),
        "errors": str(totals[2]),
        "time": _seconds(total_ms),
    }
    root.attrib = attrs
    ET.indent(root, space="  ")
    return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def render(report: Report, *, fix_forms: Sequence[str] = FIX_FORMS) -> str:
    return render_many([report], fix_forms=fix_forms)
