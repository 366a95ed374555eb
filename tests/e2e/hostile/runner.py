"""Running the real CLI in a child process, with a hard time limit, its peak memory and an optional signal.

The child is forked from a zygote (``zygote.py``: a process of this worker's that has imported gcdiag once)
and runs ``python -m gcdiag`` as its own process; ``fresh=True`` starts a new interpreter instead, through a
bare launcher (``launcher.py``). Either parent reaps the child with ``os.wait4`` and reports its ``ru_maxrss``:
started straight from the pytest worker, the child would inherit the worker's high-water mark (Linux keeps
``ru_maxrss`` across ``fork`` and ``exec``), and every run would "peak" at the worker's size. While it runs,
``VmHWM`` in ``/proc/PID/status`` (the same peak, so far) is polled so a child that balloons is killed at
:data:`MEMORY_KILL_MB` before it can hurt the machine. The child is only ever ended by its own pid.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What the issue asks for ("Done when"), and the small deadlines the tests pass through the environment. The
# variable names are the planned ones (#13); today's gcdiag ignores them, which is why the runs that depend on
# them hang until the hard limit and are marked xfail.
REQUEST_DEADLINE_S = 2.0  # GCDIAG_DEADLINE: one request's total deadline
RUN_DEADLINE_S = 4.0  # GCDIAG_RUN_DEADLINE: the whole run
CHECK_TIMEOUT_S = 2.0  # GCDIAG_CHECK_TIMEOUT: one check's time limit
GRACE_S = 5.0  # "ends within its deadline + 5 s"
HARD_LIMIT_S = RUN_DEADLINE_S + GRACE_S
MEMORY_BUDGET_MB = 250.0
MEMORY_KILL_MB = 300.0  # above the budget already fails; stop there, before the child hurts the machine
ALLOWED_EXIT = (0, 1, 3)

DEADLINE_ENV = {
    "GCDIAG_DEADLINE": f"{REQUEST_DEADLINE_S:g}",
    "GCDIAG_RUN_DEADLINE": f"{RUN_DEADLINE_S:g}",
}
# For runs whose assertions need the whole diagnosis (a verdict, a named field, a rendered report): deadlines a
# busy test machine cannot reach, so a fixed gcdiag cannot cut them short and turn the test flaky.
RELAXED_RUN_DEADLINE_S = 20.0
RELAXED_ENV = {"GCDIAG_DEADLINE": "10", "GCDIAG_RUN_DEADLINE": f"{RELAXED_RUN_DEADLINE_S:g}"}
RELAXED_LIMIT_S = RELAXED_RUN_DEADLINE_S + GRACE_S


@dataclass
class Run:
    args: list[str]
    code: int | None  # None when the child was killed by the harness
    stdout: str
    stderr: str
    elapsed: float
    peak_rss_mb: float
    killed: str | None = None  # "time" | "memory" when the harness ended it
    signalled_after: float | None = None  # seconds from the signal to the child's end

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def report(self) -> dict[str, Any] | None:
        text = self.stdout.strip()
        if not text.startswith("{"):
            return None
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    def describe(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return (
            f"exit {self.code} killed={self.killed} in {self.elapsed:.1f} s, peak {self.peak_rss_mb:.0f} MB; "
            f"stderr tail: {tail}"
        )


def clean_env(home: Path) -> dict[str, str]:
    """The parent's environment without Genesys/gcdiag settings, with a private HOME and cache."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GENESYSCLOUD_", "GCDIAG_")) and k not in ("NO_COLOR", "PYTHONUNBUFFERED")
    }
    env["HOME"] = str(home)
    env["GCDIAG_CACHE_DIR"] = str(home / "cache")
    return env


def _vm_hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


LAUNCHER = Path(__file__).with_name("launcher.py")
ZYGOTE = Path(__file__).with_name("zygote.py")


def _launched(info: Path) -> dict[str, int]:
    """What the launcher wrote so far: ``pid`` and, once the child ended, ``maxrss_kb``."""
    found: dict[str, int] = {}
    try:
        text = info.read_text(encoding="ascii")
    except OSError:
        return found
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            found[key] = int(value)
    return found


class _Zygote:
    """This worker's ``zygote.py``: gcdiag imported once, one forked child per run (see that file for why)."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="gcdiag-zygote-"))
        self.errors = self.home / "zygote.stderr"  # the zygote's own errors, if any
        # Started like a fresh child (clean_env: no PYTHONUNBUFFERED, no Genesys or gcdiag settings): what the
        # interpreter reads from the environment once, at start-up, is then what a fresh child would read.
        with open(self.errors, "wb") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, str(ZYGOTE)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=clean_env(self.home),
            )
        atexit.register(self.close)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def check(self) -> None:
        """Raise, with the zygote's own last words, when it has ended (a child it forked cannot then be seen)."""
        if not self.alive():
            raise RuntimeError(f"the zygote ended: {self.errors.read_text(errors='replace')[-2000:]}")

    def run(self, request: dict[str, Any]) -> None:
        self.check()
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


_zygotes: list[_Zygote] = []


def _zygote() -> _Zygote:
    """This worker's zygote, started on first use (again if it ended)."""
    if not _zygotes or not _zygotes[-1].alive():
        _zygotes.append(_Zygote())
    return _zygotes[-1]


def run_gcdiag(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    timeout: float = HARD_LIMIT_S,
    signal_at: float | None = None,
    signal_when: Callable[[], bool] | None = None,
    signal_number: int = signal.SIGINT,
    close_stdout: bool = False,
    memory_kill_mb: float = MEMORY_KILL_MB,
    fresh: bool = False,
    tmp: Path,
) -> Run:
    """``python -m gcdiag ARGS`` with a hard time limit; stdout and stderr go to files (no pipe dead-locks).

    The child is forked from this worker's zygote (gcdiag imported once: ``zygote.py``), or with ``fresh`` a
    new interpreter started by ``launcher.py``. Its stdin is ``/dev/null``.
    ``close_stdout``: stdout is a pipe whose reading end is closed at once (``gcdiag ... | head -c0``).
    ``signal_at``: send ``signal_number`` to gcdiag that many seconds after the start, and (``signal_when``) once
    that condition holds too (e.g. a request reached the server: the child is past its start-up, which a busy
    machine can stretch beyond any fixed delay).
    """
    out_path, err_path, info = tmp / "child.stdout", tmp / "child.stderr", tmp / "child.info"
    info.unlink(missing_ok=True)
    out_path.write_bytes(b"")
    with contextlib.ExitStack() as stack:
        launcher: subprocess.Popen[bytes] | None = None
        if fresh:
            out_file = stack.enter_context(open(out_path, "wb"))
            err_file = stack.enter_context(open(err_path, "wb"))
            argv = [
                sys.executable,
                "-I",
                "-S",
                str(LAUNCHER),
                str(info),
                sys.executable,
                "-m",
                "gcdiag",
                *args,
            ]
            launcher = subprocess.Popen(
                argv,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if close_stdout else out_file,
                stderr=err_file,
            )
            if close_stdout:
                assert launcher.stdout is not None
                launcher.stdout.close()
        else:
            zygote = _zygote()
            zygote.run(
                {
                    "argv": list(args),
                    "env": dict(env),
                    "cwd": os.getcwd(),
                    "stdin": os.devnull,
                    "stdout": None if close_stdout else str(out_path),
                    "stderr": str(err_path),
                    "info": str(info),
                }
            )

        def ended() -> int | None:
            """The child's raw wait status once it has ended, else None."""
            if launcher is not None:
                pid, status, _usage = os.wait4(launcher.pid, os.WNOHANG)
                return status if pid == launcher.pid else None
            zygote.check()
            return _launched(info).get("status")

        start = time.monotonic()
        killed = None
        signalled = None
        peak = 0.0
        child: int | None = None
        while True:
            status = ended()
            if status is not None:
                break
            now = time.monotonic()
            if child is None:
                child = _launched(info).get("pid")
            if child is not None:
                peak = max(peak, _vm_hwm_mb(child))
            if killed is None and now - start > timeout:
                killed = "time"
            elif killed is None and peak > memory_kill_mb:
                killed = "memory"
            if killed is not None:
                if child is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGKILL)
                elif launcher is not None:
                    launcher.kill()  # the launcher itself never got as far as starting gcdiag
                else:
                    raise RuntimeError("the zygote started no child within the time limit")
                while (status := ended()) is None:  # reaped by the launcher or the zygote
                    time.sleep(0.01)
                break
            if (
                signal_at is not None
                and signalled is None
                and child is not None
                and now - start >= signal_at
                and (signal_when is None or signal_when())
            ):
                os.kill(child, signal_number)
                signalled = now
            time.sleep(0.02)
        end = time.monotonic()
        if launcher is not None:
            launcher.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    code = os.waitstatus_to_exitcode(
        status
    )  # negative: ended by that signal (the launcher ends the same way)
    peak = max(peak, _launched(info).get("maxrss_kb", 0) / 1024.0)  # Linux: kilobytes
    return Run(
        args=list(args),
        code=None if killed else code,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace") if err_path.exists() else "",
        elapsed=end - start,
        peak_rss_mb=peak,
        killed=killed,
        signalled_after=(end - signalled) if signalled is not None else None,
    )


@functools.cache
def _import_gcdiag() -> None:
    """Import every gcdiag module once per worker, before any traced run: a child pays its imports in its
    start-up, not in its run, and imports traced by tracemalloc take seconds (the first run would miss the
    time limit on the harness's cost, not gcdiag's)."""
    import importlib
    import pkgutil

    import gcdiag

    for module in pkgutil.walk_packages(gcdiag.__path__, "gcdiag."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def run_in_process(args: Sequence[str], *, env: Mapping[str, str]) -> Run:
    """``gcdiag ARGS`` through the console entry's own dispatch (``gcdiag.cli.main._run``: click errors as one
    line, exit codes as ``main`` returns them), inside the pytest worker: no interpreter start-up, no imports.

    For the runs whose purpose is an input error refused before any request (a bad number, URL, path or id):
    those need no real process. ``peak_rss_mb`` is the peak of the Python heap the run allocated (tracemalloc),
    the in-process stand-in for the child's resident-set peak, so "small" keeps its meaning. Runs whose purpose
    is the process itself (memory bombs, signals, a closed stdout, ``sys.exit`` in a plugin) use
    :func:`run_gcdiag`.
    """
    import tracemalloc

    from click.testing import CliRunner

    from gcdiag.cli.main import _run

    _import_gcdiag()
    runner = CliRunner()
    saved_argv = sys.argv
    was_tracing = tracemalloc.is_tracing()
    with runner.isolation(env=dict(env)) as (out, err, _output):
        sys.argv = ["gcdiag", *args]
        if not was_tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        start = time.monotonic()
        try:
            code = _run(debug=False)
        except SystemExit as exc:  # as ``main`` reads it: a command that ends with its own exit code
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 4)
        finally:
            elapsed = time.monotonic() - start
            peak = tracemalloc.get_traced_memory()[1] - base
            if not was_tracing:
                tracemalloc.stop()
            sys.argv = saved_argv
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", errors="replace")
        stderr = err.getvalue().decode("utf-8", errors="replace")
    return Run(
        args=list(args),
        code=code,
        stdout=stdout,
        stderr=stderr,
        elapsed=elapsed,
        peak_rss_mb=peak / (1024 * 1024),
    )


def secret_forms(values: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> set[str]:
    """Each secret, and the forms it may leak in: base64 (padded or not, standard or URL-safe) of the secret
    and of ``client_id:secret`` (HTTP Basic)."""
    forms: set[str] = set()
    texts = [v for v in values if v] + [f"{cid}:{secret}" for cid, secret in pairs]
    for text in texts:
        forms.add(text)
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(text.encode()).decode()
            forms |= {encoded, encoded.rstrip("=")}
    return {f for f in forms if len(f) >= 8}


def leaked(forms: Iterable[str], *texts: str) -> list[str]:
    """The forms found in any of ``texts`` (shortened, so an assertion message does not print them whole)."""
    found = [f for f in forms if any(f in t for t in texts)]
    return [f"{f[:4]}…({len(f)} chars)" for f in found]
