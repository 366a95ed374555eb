"""Shared helpers for the benchmark scripts: a sandbox in a subprocess, timed gcdiag runs, medians.

Benchmarks run gcdiag as a user would (a subprocess per run) against `gcdiag sandbox serve` on loopback, so the
figures include interpreter start-up and real HTTP. Machines are shared and noisy: compare ratios within one run
and quote medians.
"""

from __future__ import annotations

import compileall
import json
import os
import platform
import shutil
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "gcdiag" / "sandbox" / "fixtures"


def ensure_bytecode() -> None:
    """Compile gcdiag's modules once, as ``pip install`` does for a regular install.

    An editable install leaves no bytecode, and with PYTHONDONTWRITEBYTECODE=1 (set on some CI machines) none
    is ever written: every run would then recompile about 50 modules, about 70 ms that users do not pay.
    """
    for folder in (ROOT / "gcdiag", ROOT / "checks"):
        compileall.compile_dir(str(folder), quiet=2)


def gcdiag_cmd() -> list[str]:
    exe = shutil.which("gcdiag")
    return [exe] if exe else [sys.executable, "-m", "gcdiag"]


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


def credentials_env(name: str, *, inspector: bool) -> dict[str, str]:
    """Environment for a run against fixture ``name`` with its demo subject (and inspector)."""
    data = fixture(name)
    demo = data["demo"]
    secrets = {c["id"]: c["secret"] for c in data["oauth_clients"]}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    if demo.get("subject_token"):
        env["GENESYSCLOUD_ACCESS_TOKEN"] = demo["subject_token"]
    else:
        env["GENESYSCLOUD_OAUTHCLIENT_ID"] = demo["subject_client"]
        env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] = secrets[demo["subject_client"]]
    if inspector and demo.get("inspector_client"):
        env["GCDIAG_INSPECTOR_CLIENT_ID"] = demo["inspector_client"]
        env["GCDIAG_INSPECTOR_CLIENT_SECRET"] = secrets[demo["inspector_client"]]
    return env


@contextmanager
def _serve(org: str, extra: Sequence[str], lines: int) -> Iterator[list[str]]:
    """``gcdiag sandbox serve`` in a subprocess: yields the first ``lines`` lines it prints (the first is
    ``listening on URL``) and stops it afterwards."""
    proc = subprocess.Popen(
        [*gcdiag_cmd(), "sandbox", "serve", "--org", org, "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        said = [proc.stdout.readline().strip() for _ in range(lines)]
        if not said[0].startswith("listening on "):
            raise RuntimeError(f"sandbox did not start: {said!r}")
        yield said
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def sandbox(org: str = "seed-403", *extra: str) -> Iterator[str]:
    """``gcdiag sandbox serve`` in a subprocess; yields its URL and stops it afterwards."""
    with _serve(org, extra, 1) as said:
        yield said[0].removeprefix("listening on ")


@dataclass(frozen=True)
class TlsSandbox:
    api_url: str
    login_url: str
    ca_bundle: str


@contextmanager
def tls_sandbox(org: str = "seed-403", *extra: str) -> Iterator[TlsSandbox]:
    """``gcdiag sandbox serve --tls --login-port 0`` in a subprocess: two hosts over HTTPS, as Genesys serves
    them; a new connection costs two round trips of the latency (TCP and TLS 1.3) before its first request."""
    with _serve(org, ("--login-port", "0", "--tls", *extra), 3) as said:
        yield TlsSandbox(
            said[0].removeprefix("listening on "),
            said[1].removeprefix("login on "),
            said[2].removeprefix("ca bundle "),
        )


def _open(request: urllib.request.Request | str, ca_bundle: str | None) -> Any:
    context = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None
    return urllib.request.urlopen(request, timeout=10, context=context)


def sandbox_requests(url: str, ca_bundle: str | None = None) -> list[dict[str, Any]]:
    with _open(f"{url}/__sandbox/requests", ca_bundle) as response:
        data: list[dict[str, Any]] = json.loads(response.read())
        return data


def sandbox_reset(url: str, ca_bundle: str | None = None) -> None:
    request = urllib.request.Request(f"{url}/__sandbox/reset", method="POST", data=b"")
    with _open(request, ca_bundle):
        pass


def timed(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# Runs a command as its only child and reports that child's peak RSS (gcdiag ends with os._exit, so the figure
# cannot be printed from inside the measured process). The helper exits with the child's code.
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], check=False)\n"
    "sys.stderr.write('\\nmaxrss_kb=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def with_peak_rss(cmd: Sequence[str]) -> list[str]:
    """``cmd`` wrapped so that its output ends with a ``maxrss_kb=`` line (read it with :func:`peak_rss_mb`)."""
    return [sys.executable, "-c", _PEAK, *cmd]


def peak_rss_mb(output: str) -> float:
    for line in reversed(output.splitlines()):
        if line.startswith("maxrss_kb="):
            kib = int(line.split("=", 1)[1])
            return kib / 1024 if sys.platform != "darwin" else kib / (1024 * 1024)
    return float("nan")


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
