"""Meta-tests: every built-in check is documented, listed, ordered and tested for pass and non-pass."""

from __future__ import annotations

from pathlib import Path

from gcdiag.pipeline.plugins import load_checkset
from gcdiag.pipeline.scenarios import SCENARIOS
from gcdiag.report.model import Status

from .cases import CASES

ROOT = Path(__file__).resolve().parents[3]
BUILTIN = [c for c in load_checkset().checks if c.source == "builtin"]


def test_builtins_load_from_the_entry_point_and_include_yaml_checks() -> None:
    kinds = {c.kind for c in BUILTIN}
    assert kinds == {"python", "yaml"}
    assert len([c for c in BUILTIN if c.kind == "yaml"]) >= 2


def test_every_check_has_a_pass_and_a_non_pass_case() -> None:
    for check in BUILTIN:
        statuses = {case.status for case in CASES if case.check == check.id}
        assert Status.PASS in statuses, f"{check.id} has no pass case"
        assert statuses - {Status.PASS}, f"{check.id} has no non-pass case"


def test_every_check_is_documented_in_the_readme_and_has_a_docstring() -> None:
    readme = (ROOT / "README.md").read_text()
    for check in BUILTIN:
        assert f"`{check.id}`" in readme, f"{check.id} is not in README.md"
        assert check.doc, f"{check.id} has no docstring/doc"
        assert check.fix, f"{check.id} has no fix text"


def test_every_check_is_in_its_scenarios_order() -> None:
    for check in BUILTIN:
        for name in check.scenarios:
            if name in SCENARIOS:
                assert check.id in SCENARIOS[name].order, f"{check.id} is not ordered in scenario {name}"
