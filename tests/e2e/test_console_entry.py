"""The console entry point as users run it (a separate process): exit codes, whole documents, one-line errors.

``gcdiag.cli.main`` ends the process with ``os._exit`` after flushing (it skips the interpreter's teardown), so
these tests check in a real process that nothing written is lost and every exit code survives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from gcdiag import __version__

from .conftest import Org


def gcdiag(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Any:
    # Without PYTHONUNBUFFERED (set on some CI machines) stdout to a pipe is block-buffered, as for most users:
    # a document not flushed before the process ends would be lost, and these tests would see it.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GENESYSCLOUD_", "GCDIAG_")) and k != "PYTHONUNBUFFERED"
    }
    return subprocess.run(
        [sys.executable, "-m", "gcdiag", *args],
        env={**clean, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_exits_0_with_the_version_on_stdout() -> None:
    done = gcdiag("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"gcdiag {__version__}"


def test_a_bad_id_is_one_line_on_stderr_and_exit_2() -> None:
    done = gcdiag("recording-stop", "not-a-uuid")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "not a Genesys Cloud id" in done.stderr


def test_a_click_usage_error_exits_2() -> None:
    done = gcdiag("--no-such-flag")
    assert done.returncode == 2
    assert "No such option" in done.stderr


def test_a_failing_diagnosis_writes_its_whole_report_and_exits_1(org: Org) -> None:
    done = gcdiag(*org.stop_args("-o", "json"), env=org.env())
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # the whole document arrived: it parses
    assert report["verdict"]["outcome"] == "would_fail"
    assert done.stderr.rstrip().splitlines()[-1].startswith("verdict: would_fail")


def test_a_report_written_to_a_file_is_complete(org: Org, tmp_path: Any) -> None:
    target = tmp_path / "report.yaml"
    done = gcdiag(*org.stop_args("-o", "yaml", "--output-file", str(target)), env=org.env())
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("gcdiag:") and text.endswith("\n")
    shown = gcdiag("report", "show", str(target), "-o", "json")
    assert shown.returncode == 1
    assert json.loads(shown.stdout)["verdict"]["outcome"] == "would_fail"


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_an_incomplete_diagnosis_exits_3(org: Org) -> None:
    # The subject alone may not read its own OAuth client: the run cannot decide every blocking check.
    done = gcdiag(*org.stop_args("-o", "json"), env=org.env(inspector=False))
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["verdict"]["outcome"] == "incomplete"


BROKEN = (
    "import sys; import gcdiag.app.listings as listings\n"
    "def broken(*args): raise RuntimeError('a bug')\n"
    "listings.run_checks_list = broken\n"
    "sys.argv = ['gcdiag', 'checks', 'list', *sys.argv[1:]]\n"
    "from gcdiag.cli.main import main; main()\n"
)


def _broken(*args: str) -> Any:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    return subprocess.run(
        [sys.executable, "-c", BROKEN, *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bug_is_one_line_and_exit_4_and_debug_shows_the_traceback() -> None:
    done = _broken()
    assert done.returncode == 4, done.stderr
    assert done.stderr.strip().splitlines() == [
        "gcdiag: internal error: RuntimeError: a bug (run with --debug)"
    ]
    debug = _broken("--debug")
    assert debug.returncode == 4  # the same code with the traceback, never 0 or 1
    assert (
        debug.stderr.startswith("Traceback (most recent call last):")
        and "RuntimeError: a bug" in debug.stderr
    )


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_verbose_logs_each_request_to_stderr(org: Org) -> None:
    done = gcdiag("-v", *org.stop_args("-o", "json"), env=org.env())
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("gcdiag: ")]
    assert any(" POST " in line and "/oauth/token → 200 (" in line for line in lines)
    assert len([line for line in lines if " → " in line]) == len(json.loads(done.stdout)["requests"])
