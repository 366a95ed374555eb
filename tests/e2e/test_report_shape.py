"""Reports that respect the reader: each fact once, the seed report within 200 lines, re-rendered identically."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gcdiag.cli import cli
from gcdiag.report.io import validate_report_dict

from .conftest import Org
from .test_docs import mask


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1, 3), result.output
    return result.stdout


def test_the_seed_report_states_each_fact_once_within_200_lines(tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    CliRunner().invoke(cli, ["demo", "-o", "yaml", "--output-file", str(path)], catch_exceptions=False)
    text = path.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    # The whole document within 200 lines, the fixes as code included: each part of a fix as code (the change,
    # each API request, the Terraform and gc forms) is one line, code a person reads through report show.
    assert len(text.splitlines()) <= 200, len(text.splitlines())
    (code,) = [r["fix_as_code"] for r in document["results"] if r.get("fix_as_code")]
    start = text.index("  fix_as_code:\n")
    block = text[start : text.index("\n  evidence:", start)].splitlines()
    assert len(block) == 1 + len(code[0]) + len(code[0]["api"]), block  # a line a part, a line a request
    assert all(line.startswith("    - {method: ") for line in block if line.startswith("    - "))
    validate_report_dict(document)
    # The call diagnosed and the identity are stated once, in facts; the evidence refers to them.
    assert "diagnosed_call" not in document["inputs"]
    assert set(document["facts"]) >= {"target_call", "identity"}
    assert text.count("concrete_path:") == 1
    assert text.count("{$ref: '#/facts/target_call'}") >= 1 and text.count("{$ref: '#/facts/identity'}") == 1
    # One request a line; no empty values repeated per result.
    assert all(
        line.startswith("- {method: ")
        for line in text.split("\nrequests:\n")[1].split("\nnotes:")[0].splitlines()
    )
    assert not re.search(r"^  (detail: ''|fix: \[\]|evidence: \{\}|title: )", text, re.M)

    # report show re-renders it identically, in every data format and as the table the run printed.
    assert _run("report", "show", str(path), "-o", "yaml") == text
    assert yaml.safe_load(_run("report", "show", str(path), "-o", "json")) == document
    assert mask(_run("report", "show", str(path))) == mask(_run("demo"))


@pytest.mark.parametrize("org", ["seed-403"], indirect=True)
def test_only_lists_what_ran_and_counts_the_rest(org: Org) -> None:
    text = org.run(*org.stop_args("--only", "auth.permissions", "--only", "endpoint.exists")).stdout
    rows = [line.split()[0] for line in text.splitlines()[2:] if line and not line.startswith(" ")]
    assert rows[:2] == ["endpoint.exists", "auth.permissions"]
    assert "16 other checks left out by --only/--skip" in text
    assert "auth.token" not in text
    document = yaml.safe_load(org.run(*org.stop_args("--only", "auth.permissions", "-o", "yaml")).stdout)
    assert [r["id"] for r in document["results"]] == ["auth.permissions"]
    assert len(document["left_out"]["checks"]) == 17
    assert document["left_out"]["reason"] == "left out by --only/--skip"
