"""gcdiag against a minimal hand-written `requests` script, over TLS on two hosts, in one run.

Run:  python bench/bench_tls.py [--runs 9] [--latencies 50 100 200]

For each latency, `gcdiag sandbox serve --tls --login-port 0 --latency-ms L` serves seed-403 as Genesys does:
the token from one host, the API from another, both over HTTPS, a new connection costing two round trips (TCP,
then TLS 1.3) before its first request. gcdiag's recording-stop diagnosis (subject + inspector) and
bench/minimal_script.py (token → conversation → OAuth client, one after another) run in turn, A B A B …, so a
drift of the machine's speed touches both; the ratio is taken pair by pair and its median printed.

Printed: per latency the median wall of each, the median ratio gcdiag / script, and gcdiag's target
5 × latency + 0.15 s; then for each a least-squares fit of the medians, wall = fixed + k × latency (k: the
sequential round trips, connection set-up included; fixed: start-up and local work).
Targets (issue #17): at 100 ms gcdiag ≤ 5 × latency + 0.15 s and ≤ 1.0 × the script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    TlsSandbox,
    credentials_env,
    ensure_bytecode,
    fixture,
    gcdiag_cmd,
    machine,
    median,
    print_table,
    sandbox_reset,
    timed,
    tls_sandbox,
)

FIXTURE = "seed-403"
SCRIPT = Path(__file__).resolve().parent / "minimal_script.py"


def _target(sb: TlsSandbox) -> list[str]:
    """Where both clients go: the sandbox's API and login hosts, and the CA that signed them."""
    return ["--api-url", sb.api_url, "--login-url", sb.login_url, "--ca-bundle", sb.ca_bundle]


def gcdiag_run(sb: TlsSandbox) -> list[str]:
    demo = fixture(FIXTURE)["demo"]
    return [
        *gcdiag_cmd(),
        *_target(sb),
        "recording-stop",
        demo["conversation"],
        "--recording",
        demo["recording"],
        "-o",
        "json",
    ]


def script_run(sb: TlsSandbox) -> list[str]:
    return [sys.executable, str(SCRIPT), *_target(sb), fixture(FIXTURE)["demo"]["conversation"]]


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    slope, intercept = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    return slope, intercept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9, help="pairs per latency (medians)")
    parser.add_argument("--latencies", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args()
    ensure_bytecode()
    latencies = " ".join(str(x) for x in args.latencies)
    print(f"# gcdiag vs a minimal requests script over TLS, two hosts — {machine()}")
    print(f"# command: python bench/bench_tls.py --runs {args.runs} --latencies {latencies}\n")
    env = credentials_env(FIXTURE, inspector=True)
    rows: list[list[object]] = []
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for latency in args.latencies:
        with tls_sandbox(FIXTURE, "--latency-ms", str(latency)) as sb:
            walls: list[float] = []
            script_walls: list[float] = []
            ratios: list[float] = []
            for _ in range(args.runs):
                sandbox_reset(sb.api_url, sb.ca_bundle)
                wall, code, out = timed(gcdiag_run(sb), env)
                if code not in (0, 1, 3):
                    raise SystemExit(f"gcdiag failed (exit {code}):\n{out[-2000:]}")
                script_wall, code, out = timed(script_run(sb), env)
                if code != 0:
                    raise SystemExit(f"the script failed (exit {code}):\n{out[-2000:]}")
                walls.append(wall)
                script_walls.append(script_wall)
                ratios.append(wall / script_wall)
        seconds = latency / 1000
        ours.append((seconds, median(walls)))
        theirs.append((seconds, median(script_walls)))
        target = 5 * seconds + 0.15
        rows.append(
            [
                latency,
                f"{median(walls):.3f}",
                f"{min(walls):.3f}",
                f"{median(script_walls):.3f}",
                f"{median(ratios):.2f}",
                f"{target:.3f}",
                "yes" if median(walls) <= target else "no",
            ]
        )
    print(f"## {args.runs} pairs per latency (fixture {FIXTURE}; gcdiag: subject + inspector)")
    print_table(
        rows,
        [
            "latency ms",
            "gcdiag median s",
            "gcdiag best s",
            "script median s",
            "ratio (median of pairs)",
            "5 x latency + 0.15",
            "within",
        ],
    )
    if len(args.latencies) >= 2:
        for name, points in (("gcdiag", ours), ("script", theirs)):
            k, fixed = fit(points)
            print(
                f"{name}: wall = {fixed:.3f} s + {k:.2f} x latency ({k:.2f} round trips, {fixed:.3f} s fixed)"
            )


if __name__ == "__main__":
    main()
