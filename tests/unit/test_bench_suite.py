"""bench/bench_suite.py reads each tree's own test command from its .ci/run (the figure #12 is judged by)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_suite", ROOT / "bench" / "bench_suite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_this_trees_command_is_the_ci_command() -> None:
    command, env = _bench().ci_test_command(ROOT)
    assert command[:2] == ["-m", "pytest"] and command[-2:] == ["-n", "auto"]
    assert env == {"HYPOTHESIS_PROFILE": "ci"}


def test_a_baseline_command_without_variables_and_comments_around_it(tmp_path: Path) -> None:
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text(
        "#!/usr/bin/env bash\n# Fails when pytest fails\npython -m pip install -e '.[test]'\n"
        "python -m pytest -q -p no:cacheprovider  # the suite\n"
    )
    assert _bench().ci_test_command(tmp_path) == (["-m", "pytest", "-q", "-p", "no:cacheprovider"], {})
