"""Benchmarks of one recording-stop diagnosis: start-up, critical path, requests per diagnosis, peak memory.

Run:  python bench/bench_diagnosis.py [--runs 5]

1. start-up: `gcdiag --version` and `gcdiag --help` against `python -c pass` (20 runs each, medians).
   Target: ≤ 0.15 s above bare Python.
2. critical path: the diagnosis against the sandbox at --latency-ms 50, 100 and 200; (wall − `gcdiag --version`)
   / latency = the number of sequential round trips. Target ≤ 5 at each latency, and at 100 ms wall − version
   ≤ 0.5 s.
3. requests per diagnosis by identity (subject alone; subject + inspector), from the sandbox's request log.
   Target ≤ 15.
4. peak memory of a diagnosis (getrusage of the child processes). Target < 100 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    credentials_env,
    ensure_bytecode,
    fixture,
    gcdiag_cmd,
    machine,
    median,
    peak_rss_mb,
    print_table,
    sandbox,
    sandbox_requests,
    sandbox_reset,
    timed,
    with_peak_rss,
)

FIXTURE = "seed-403"


def startup(runs: int) -> dict[str, float]:
    bare = [timed([sys.executable, "-c", "pass"])[0] for _ in range(runs)]
    version = [timed([*gcdiag_cmd(), "--version"])[0] for _ in range(runs)]
    helptext = [timed([*gcdiag_cmd(), "--help"])[0] for _ in range(runs)]
    return {
        "python -c pass": median(bare),
        "gcdiag --version": median(version),
        "gcdiag --help": median(helptext),
    }


def diagnosis_cmd(url: str) -> list[str]:
    demo = fixture(FIXTURE)["demo"]
    return [
        *gcdiag_cmd(),
        "--api-url",
        url,
        "--login-url",
        url,
        "recording-stop",
        demo["conversation"],
        "--recording",
        demo["recording"],
        "-o",
        "json",
    ]


def critical_path(
    runs: int, version_s: float, latencies: tuple[int, ...] = (50, 100, 200)
) -> tuple[list[list[object]], str]:
    """Rows per latency (median, quartile and best wall), and the least-squares fit of the medians."""
    rows: list[list[object]] = []
    points: list[tuple[float, float]] = []
    for latency in latencies:
        with sandbox(FIXTURE, "--latency-ms", str(latency)) as url:
            env = credentials_env(FIXTURE, inspector=True)
            walls = []
            for _ in range(runs):
                wall, code, out = timed(diagnosis_cmd(url), env)
                if code not in (0, 1, 3):
                    raise SystemExit(f"diagnosis failed (exit {code}):\n{out[-2000:]}")
                walls.append(wall)
        wall = median(walls)
        extra = wall - version_s
        points.append((latency / 1000, extra))
        rows.append(
            [
                latency,
                f"{wall:.3f}",
                f"{extra:.3f}",
                f"{statistics.quantiles(walls, n=4)[0] - version_s:.3f}",
                f"{min(walls) - version_s:.3f}",
                f"{extra / (latency / 1000):.2f}",
            ]
        )
    slope, intercept = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    fit = (
        f"fit of the medians: wall - version = {intercept:.3f} s + {slope:.2f} x latency "
        f"({slope:.2f} sequential round trips, {intercept:.3f} s of local work on the critical path)"
    )
    return rows, fit


def requests_per_diagnosis() -> list[list[object]]:
    rows: list[list[object]] = []
    with sandbox(FIXTURE) as url:
        for label, inspector in (("subject alone", False), ("subject + inspector", True)):
            sandbox_reset(url)
            _, code, out = timed(diagnosis_cmd(url), credentials_env(FIXTURE, inspector=inspector))
            if code not in (0, 1, 3):
                raise SystemExit(f"diagnosis failed (exit {code}):\n{out[-2000:]}")
            log = sandbox_requests(url)
            by_client = Counter(r.get("client_id") or "(token endpoint / none)" for r in log)
            mutating = sum(1 for r in log if r.get("mutating"))
            rows.append([label, len(log), dict(by_client), mutating, code])
    return rows


def peak_memory_mb() -> float:
    """Peak RSS of one diagnosis process (the sandbox's own memory is not counted)."""
    with sandbox(FIXTURE) as url:
        _, code, out = timed(with_peak_rss(diagnosis_cmd(url)), credentials_env(FIXTURE, inspector=True))
    if code not in (0, 1, 3):
        raise SystemExit(f"diagnosis failed (exit {code}):\n{out[-2000:]}")
    return peak_rss_mb(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="diagnoses per latency (median)")
    parser.add_argument("--startup-runs", type=int, default=20)
    # Larger latencies (400 800) count the round trips on a busy machine, where local work varies by more than a
    # 50 ms round trip.
    parser.add_argument("--latencies", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args()
    ensure_bytecode()

    print(f"# gcdiag diagnosis benchmark — {machine()}")
    print(
        f"# command: python bench/bench_diagnosis.py --runs {args.runs} --startup-runs {args.startup_runs}"
        f" --latencies {' '.join(map(str, args.latencies))}\n"
    )
    start = startup(args.startup_runs)
    print("## start-up (median seconds)")
    base = start["python -c pass"]
    print_table(
        [[k, f"{v:.3f}", f"{v - base:+.3f}"] for k, v in start.items()], ["command", "median s", "vs python"]
    )
    print()
    rows, fit = critical_path(args.runs, start["gcdiag --version"], tuple(args.latencies))
    print(f"## critical path ({args.runs} runs per latency; fixture {FIXTURE}, subject + inspector)")
    print_table(
        rows,
        ["latency ms", "median wall s", "median - version s", "p25 - version s", "best - version s", "ratio"],
    )
    print(fit)
    print()
    print("## requests per diagnosis")
    print_table(requests_per_diagnosis(), ["identities", "requests", "by client id", "mutating", "exit"])
    print()
    print(f"## peak memory of one diagnosis process: {peak_memory_mb():.1f} MB (ru_maxrss of the process)")


if __name__ == "__main__":
    main()
