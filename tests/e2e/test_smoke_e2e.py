"""`gcdiag smoke` against one sandbox org: shared look-ups, expectations, JUnit, exit codes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from gcdiag.report.io import load_reports

from .conftest import Org


def smoke_file(org: Org, tmp_path: Path, expect: str = "would_fail", count: int = 3) -> Path:
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join([org.demo["conversation"]] * count) + "\n")
    path = tmp_path / "smoke.yaml"
    path.write_text(
        "items:\n"
        f"  - name: pause is refused\n    conversations_file: ids.txt\n    expect: {expect}\n"
        "    expect_failing: [auth.permissions]\n"
        "  - name: may read conversations\n    scenario: can-i\n"
        f"    call: GET /api/v2/conversations/{org.demo['conversation']}\n    expect: would_succeed\n"
    )
    return path


def test_smoke_matches_and_writes_junit(org: Org, tmp_path: Path) -> None:
    out = tmp_path / "smoke.xml"
    result = org.run("smoke", str(smoke_file(org, tmp_path)), "-o", "junit", "--output-file", str(out))
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites" and len(root.findall("testsuite")) == 4
    assert "4/4 item(s) as expected" in result.stderr
    # The expected auth.permissions failures are what the smoke file asserts: not a CI failure.
    assert (root.get("failures"), root.get("errors")) == ("0", "0")
    assert not root.findall(".//failure") and not root.findall(".//error")
    assert "auth.permissions" in "".join(root.itertext())  # still shown, in system-out


def test_smoke_junit_fails_only_the_expectation_of_a_mismatched_item(org: Org, tmp_path: Path) -> None:
    out = tmp_path / "smoke.xml"
    result = org.run(
        "smoke",
        str(smoke_file(org, tmp_path, expect="would_succeed")),
        "-o",
        "junit",
        "--output-file",
        str(out),
    )
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    failed = [case for case in root.iter("testcase") if case.find("failure") is not None]
    # Named by the smoke file's items; the message says which check decided and why.
    assert [c.get("name") for c in failed] == [
        "pause is refused #1",
        "pause is refused #2",
        "pause is refused #3",
    ]
    assert [s.get("name") for s in root.iter("testsuite")][:3] == [c.get("name") for c in failed]
    assert root.get("failures") == "3"
    message = failed[0].find("failure").get("message")  # type: ignore[union-attr]
    assert message.startswith("expected would_succeed, got would_fail: auth.permissions — the OAuth client")


def test_smoke_mismatch_is_exit_1(org: Org, tmp_path: Path) -> None:
    result = org.run("smoke", str(smoke_file(org, tmp_path, expect="would_succeed")))
    assert result.exit_code == 1
    assert "expected would_succeed, got would_fail" in result.stderr


def test_smoke_shares_lookups(org: Org, tmp_path: Path) -> None:
    single = tmp_path / "one"
    single.mkdir()
    org.run("smoke", str(smoke_file(org, single, count=1)))
    one = len(org.sandbox.requests())
    many = tmp_path / "many"
    many.mkdir()
    result = org.run("smoke", str(smoke_file(org, many, count=11)))
    ten_more = len(org.sandbox.requests()) - one - one
    assert ten_more / 10 <= 2, f"{ten_more / 10:.1f} requests per extra item"
    # The last line splits the run's time into work and rate-limit wait (none at the default 300/min here).
    last = result.stderr.strip().splitlines()[-1]
    assert re.search(r"s: [0-9.]+ s of work, 0\.0 s waiting for the rate limit; exit 0$", last), last


def test_smoke_yaml_document_reloads(org: Org, tmp_path: Path) -> None:
    out = tmp_path / "smoke.yaml.out"
    org.run("smoke", str(smoke_file(org, tmp_path)), "-o", "yaml", "--output-file", str(out))
    reports = load_reports(str(out))
    assert len(reports) == 4 and all(r.results[-1].id == "smoke.expectation" for r in reports)
    shown = org.run("report", "show", str(out), "-o", "junit")
    assert shown.exit_code == 1 and "<testsuites" in shown.stdout


def test_bad_smoke_file_is_exit_2(org: Org, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: [")
    result = org.run("smoke", str(bad))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert org.sandbox.requests() == []


def test_unknown_expected_check_id_is_exit_2(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "smoke.yaml"
    path.write_text(
        f"items:\n  - conversation: {org.demo['conversation']}\n    expect: would_fail\n"
        "    expect_failing: [auth.permisions]\n"
    )
    result = org.run("smoke", str(path))
    assert result.exit_code == 2 and "auth.permisions" in result.stderr
    assert org.sandbox.requests() == []


def test_smoke_never_runs_the_interaction_audit(org: Org, tmp_path: Path) -> None:
    # Not even with --with-audit and the recording-stop variable set: the 4-deep chain stays out of smoke.
    before = len(org.sandbox.requests())
    result = org.run(
        "smoke", str(smoke_file(org, tmp_path)), "--with-audit", env={"GCDIAG_INTERACTION_AUDIT": "1"}
    )
    assert result.exit_code == 0, result.output
    made = org.sandbox.requests()[before:]
    assert any(r["path"] == "/api/v2/audits/query/realtime" for r in made)  # the audit check did run
    assert not [r for r in made if "/quality/" in r["path"]]
