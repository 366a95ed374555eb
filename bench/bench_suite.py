"""The whole test suite's wall time against an earlier revision's, paired: issue #12's "at most half".

Run:  python bench/bench_suite.py [--baseline 7da977d] [--runs 3] [--workdir /tmp/gcdiag-bench-suite]

Each tree runs the test command of its own ``.ci/run`` (the baseline's was ``python -m pytest -q -p
no:cacheprovider``; today's adds the CI Hypothesis profile and ``-n auto``), in its own virtual environment:
the baseline is checked out with ``git worktree add --detach`` under ``--workdir`` and installed there with its
test extras once (later calls reuse it); this tree runs with the interpreter that runs this script. The two
alternate, baseline first, ``--runs`` times each, so a machine that speeds up or slows down during the run
weighs on both alike. Printed: every run's wall and CPU seconds (user + sys of pytest and its children), its
pytest summary line and the tests that failed, the medians, the ratio of the medians and each pair's ratio.
The figures to quote are the medians and the ratios; machines here are shared and noisy, and a single run
says little.

Nothing here asserts a target: the issue's target (ratio at most 0.5, on 2 cores) is read off the output.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^=*\s*(\d+ passed.*?)\s*=*$", re.M)


@dataclass(frozen=True)
class Tree:
    name: str
    path: Path
    python: str
    command: list[str]  # pytest's arguments, from the tree's own .ci/run
    env: dict[str, str]


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    summary: str
    code: int


def ci_test_command(tree: Path) -> tuple[list[str], dict[str, str]]:
    """The pytest line of ``tree``'s ``.ci/run`` (its arguments after ``python``), and the variables it sets."""
    for line in (tree / ".ci" / "run").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if "pytest" not in words:
            continue
        env = {}
        while words and "=" in words[0] and not words[0].startswith("-"):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        if words and words[0] in ("python", "python3"):
            return words[1:], env
    raise SystemExit(f"{tree}/.ci/run has no 'python -m pytest' line")


def baseline_tree(revision: str, workdir: Path) -> Tree:
    """The baseline checked out and installed under ``workdir`` (reused when it is already there)."""
    path = workdir / "tree"
    if not (path / ".ci" / "run").exists():
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), revision], check=True
        )
    venv = path / ".venv-bench"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-e", ".[test]"], cwd=path, check=True
        )
    command, env = ci_test_command(path)
    return Tree(f"baseline {revision}", path, str(python), command, env)


def current_tree() -> Tree:
    command, env = ci_test_command(ROOT)
    return Tree("this tree", ROOT, sys.executable, command, env)


def run_suite(tree: Tree) -> Timing:
    env = {**os.environ, **tree.env}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [tree.python, *tree.command], cwd=tree.path, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = SUMMARY.findall(done.stdout)
    summary = found[-1] if found else (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return Timing(wall, cpu, "; ".join([summary, *failed]), done.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--baseline", default="7da977d", help="the revision to compare with (default: 7da977d)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each suite (default: 3)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/gcdiag-bench-suite"),
        help="where the baseline is checked out and installed (default: /tmp/gcdiag-bench-suite)",
    )
    args = parser.parse_args()
    baseline, current = baseline_tree(args.baseline, args.workdir), current_tree()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for tree in (baseline, current):
        print(
            f"# {tree.name}: {' '.join(f'{k}={v}' for k, v in tree.env.items())} python {' '.join(tree.command)}"
        )
    timings: dict[str, list[Timing]] = {baseline.name: [], current.name: []}
    for index in range(args.runs):
        for tree in (baseline, current):
            timing = run_suite(tree)
            timings[tree.name].append(timing)
            print(
                f"run {index + 1} {tree.name}: wall {timing.wall:.1f} s, cpu {timing.cpu:.1f} s, "
                f"exit {timing.code}: {timing.summary}",
                flush=True,
            )
    walls = {name: [t.wall for t in runs] for name, runs in timings.items()}
    for name, values in walls.items():
        cpu = statistics.median(t.cpu for t in timings[name])
        print(f"median {name}: wall {statistics.median(values):.1f} s, cpu {cpu:.1f} s")
    pairs = [c / b for b, c in zip(walls[baseline.name], walls[current.name])]
    ratio = statistics.median(walls[current.name]) / statistics.median(walls[baseline.name])
    print(
        f"ratio of medians (this tree / baseline): {ratio:.2f}; per pair: {', '.join(f'{p:.2f}' for p in pairs)}"
    )


if __name__ == "__main__":
    main()
