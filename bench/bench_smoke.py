"""Benchmark of `gcdiag smoke` at scale against one sandbox org with a 300/min rate limit.

Run:  python bench/bench_smoke.py [--sizes 50 200 1000]

For each size N it writes an org fixture with N live conversations (copies of seed-403's, new ids), starts
`gcdiag sandbox serve --rate-limit 300` on it, runs `gcdiag smoke` over all N (subject + inspector) and reports:
requests per item (beyond and including the shared look-ups), wall time against the rate-limit floor
(the busiest token's requests in sliding 60 s windows of 300), gcdiag's own split of that time into work and
rate-limit wait (its last line) and how many progress lines said it was waiting, the number of 429 answers
(target 0) and the peak memory of the gcdiag process. Targets: ≤ 2 requests per item beyond the shared
look-ups; zero 429s.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    FIXTURES,
    credentials_env,
    ensure_bytecode,
    gcdiag_cmd,
    machine,
    peak_rss_mb,
    print_table,
    sandbox_requests,
    timed,
    with_peak_rss,
)

RATE = 300
BASE = "seed-403"


def scaled_fixture(n: int, directory: Path) -> tuple[Path, list[str]]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{BASE}.yaml").read_text())
    template = data["conversations"][0]
    conversations, ids = [], []
    for _ in range(n):
        conversation = copy.deepcopy(template)
        conversation["id"] = str(uuid.uuid4())
        for participant in conversation.get("participants", []):
            participant["id"] = str(uuid.uuid4())
        for recording in conversation.get("recordings", []):
            recording["id"] = str(uuid.uuid4())
        conversations.append(conversation)
        ids.append(conversation["id"])
    data["conversations"] = conversations
    data["demo"]["conversation"] = ids[0]
    data["demo"]["recording"] = conversations[0]["recordings"][0]["id"]
    data["demo"].pop("call", None)
    data.setdefault("faults", {})["rate_limit_per_minute"] = RATE
    path = directory / f"scaled-{n}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path, ids


def run(n: int, directory: Path) -> list[object]:
    import subprocess

    fixture_path, ids = scaled_fixture(n, directory)
    (directory / "ids.txt").write_text("\n".join(ids) + "\n")
    smoke = directory / "smoke.yaml"
    smoke.write_text("items:\n  - conversations_file: ids.txt\n    expect: would_fail\n")
    proc = subprocess.Popen(
        [
            *gcdiag_cmd(),
            "sandbox",
            "serve",
            "--org",
            str(fixture_path),
            "--port",
            "0",
            "--rate-limit",
            str(RATE),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("listening on ")
        env = credentials_env(BASE, inspector=True)
        env["GCDIAG_RATE_LIMIT"] = str(RATE)
        measure = with_peak_rss(
            [
                *gcdiag_cmd(),
                "--api-url",
                url,
                "--login-url",
                url,
                "smoke",
                str(smoke),
                "-o",
                "json",
                "--output-file",
                str(directory / "out.json"),
            ]
        )
        started = time.perf_counter()
        _, code, out = timed(measure, env)
        wall = time.perf_counter() - started
        log = sandbox_requests(url)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    peak = peak_rss_mb(out)
    statuses = Counter(r.get("status") for r in log)
    per_client = Counter(r.get("client_id") for r in log)
    busiest = max(per_client.values()) if per_client else 0
    # The sandbox (like gcdiag) allows RATE requests in any sliding 60 s window: a burst of RATE goes at once,
    # and each further RATE requests wait a full window.
    floor = 60 * ((busiest - 1) // RATE) if busiest else 0
    conversation_reads = sum(1 for r in log if "/api/v2/conversations/" in r.get("path", ""))
    return [
        n,
        len(log),
        f"{len(log) / n:.2f}",
        f"{conversation_reads / n:.2f}",
        f"{wall:.1f}",
        f"{floor:.1f}",
        *_time_split(out),
        statuses.get(429, 0),
        code,
        f"{peak:.0f}",
    ]


def _time_split(output: str) -> list[str]:
    """gcdiag's own split of its time (its last line) and how many times its progress said it waited."""
    found = re.search(r"([0-9.]+) s of work, ([0-9.]+) s waiting for the rate limit", output)
    waits = len(re.findall(r"waiting [0-9]+ s for the rate limit", output))
    work, wait = (found.group(1), found.group(2)) if found else ("?", "?")
    return [work, wait, str(waits)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    args = parser.parse_args()
    ensure_bytecode()
    print(f"# gcdiag smoke benchmark — {machine()}")
    print(f"# command: python bench/bench_smoke.py --sizes {' '.join(map(str, args.sizes))}\n")
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(run(n, Path(tmp)))
    print_table(
        rows,
        [
            "items",
            "requests",
            "req/item",
            "conversation reads/item",
            "wall s",
            "rate floor s",
            "work s",
            "rate-limit wait s",
            "wait lines",
            "429s",
            "exit",
            "peak MB",
        ],
    )


if __name__ == "__main__":
    main()
