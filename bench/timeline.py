"""Where one diagnosis spends its wall time: a timeline of marks, medians over several runs.

Run:  python bench/timeline.py [--runs 10] [--latency-ms 100]

Each run starts gcdiag (recording-stop on fixture seed-403, subject + inspector) through a small wrapper that
writes ``time.time()`` marks to stderr: interpreter up, HTTP stack import begins, token requests start, the
process ends. The sandbox's request log gives when each answer left the sandbox. All times are seconds after
the parent launched the process; the table shows medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_diagnosis import diagnosis_cmd
from common import (
    credentials_env,
    ensure_bytecode,
    gcdiag_cmd,
    machine,
    print_table,
    sandbox,
    sandbox_requests,
)

WRAPPER = r"""
import importlib.abc, os, runpy, sys, threading, time

def mark(what):
    sys.stderr.write("MARK %.6f %.6f %s\n" % (time.time(), time.process_time(), what))
    sys.stderr.flush()

mark("interpreter up")

class Hook(importlib.abc.MetaPathFinder):
    seen = False
    def find_spec(self, name, path, target=None):
        if name == "gcdiag.client.api" and not Hook.seen:
            Hook.seen = True
            mark("HTTP stack import begins")
        return None

sys.meta_path.insert(0, Hook())
start = threading.Thread.start
def traced_start(self):
    if self.name == "gcdiag-warm-up":
        mark("token requests start")
    return start(self)
threading.Thread.start = traced_start
leave = os._exit
def traced_exit(code):
    mark("exit")
    leave(code)
os._exit = traced_exit
sys.argv = ["gcdiag", *sys.argv[1:]]
runpy.run_module("gcdiag", run_name="__main__")
"""

STEPS = (
    "interpreter up",
    "HTTP stack import begins",
    "token requests start",
    "first answer",
    "last answer",
    "exit",
)


def one_run(url: str, env: dict[str, str]) -> tuple[dict[str, float], dict[str, float]]:
    cmd = [sys.executable, "-c", WRAPPER, *diagnosis_cmd(url)[len(gcdiag_cmd()) :]]
    urllib.request.urlopen(
        urllib.request.Request(f"{url}/__sandbox/reset", method="POST", data=b""), timeout=10
    )
    launched = time.time()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    ended = time.time()
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"diagnosis failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    marks, cpu = {}, {}
    for line in done.stderr.splitlines():
        if line.startswith("MARK "):
            _, stamp, used, what = line.split(" ", 3)
            marks[what] = float(stamp) - launched
            cpu[what] = float(used)
    answers = sorted(float(r["time"]) - launched for r in sandbox_requests(url))
    marks["first answer"], marks["last answer"] = answers[0], answers[-1]
    marks["process gone"] = ended - launched
    return marks, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    ensure_bytecode()
    print(f"# gcdiag diagnosis timeline — {machine()}")
    print(f"# command: python bench/timeline.py --runs {args.runs} --latency-ms {args.latency_ms}\n")
    version = statistics.median([_timed([*gcdiag_cmd(), "--version"]) for _ in range(max(5, args.runs))])
    with sandbox("seed-403", "--latency-ms", str(args.latency_ms)) as url:
        env = credentials_env("seed-403", inspector=True)
        runs = [one_run(url, env) for _ in range(args.runs)]
    rows = []
    for step in (*STEPS, "process gone"):
        values = [r[step] for r, _ in runs if step in r]
        used = [c[step] for _, c in runs if step in c]
        rows.append(
            [step, f"{statistics.median(values):.3f}", f"{statistics.median(used):.3f}" if used else ""]
        )
    print_table(rows, ["mark", "median s after launch", "median CPU s of gcdiag by then"])
    print(
        f"\ngcdiag --version takes {version:.3f} s (median); the sandbox answers each request after {args.latency_ms} ms."
    )


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
