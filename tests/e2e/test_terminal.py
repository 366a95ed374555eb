"""On a terminal, output fits it: run in a pseudo-terminal with a fixed COLUMNS, no line is wider (code under a fix
step excepted: it is printed whole); colour follows NO_COLOR and TERM=dumb; without a terminal the width is the
fixed 100 columns of saved output."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import OutputPrefs
from gcdiag.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def on_a_terminal(*args: str, columns: int, env: dict[str, str] | None = None) -> str:
    """``gcdiag ARGS`` with stdout on a pseudo-terminal COLUMNS wide; what it printed there."""
    main, child = pty.openpty()
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_", "NO_COLOR"))
    }
    with subprocess.Popen(
        [sys.executable, "-m", "gcdiag", *args],
        stdout=child,
        stderr=subprocess.DEVNULL,
        env={**clean, "COLUMNS": str(columns), "TERM": "xterm", **(env or {})},
    ) as process:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, set[str]]:
    """The demo's report, saved (re-shown on a terminal without starting a sandbox), and the lines of its fixes
    as code (curl, Terraform, gc): printed whole, never cut, so that they stay copy-pasteable."""
    path = tmp_path_factory.mktemp("report") / "demo.json"
    CliRunner().invoke(cli, ["demo", "-o", "json", "--output-file", str(path)], catch_exceptions=False)
    lines: set[str] = set()
    for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
        for entry in result.get("fix_as_code") or ():
            texts = [r.get("curl", "") for r in entry.get("api") or ()]
            texts += [
                (entry.get("terraform") or {}).get("snippet") or "",
                *(entry.get("gc") or {}).get("commands", ()),
            ]
            lines |= {line.strip() for text in texts for line in str(text).splitlines()}
    return str(path), lines


@pytest.mark.parametrize("columns", [60, 132])
def test_no_line_is_wider_than_the_terminal(columns: int, saved: tuple[str, set[str]]) -> None:
    path, code = saved
    for args in (("report", "show", path), ("catalog", "list", "--tag", "Recording")):
        text = ANSI.sub("", on_a_terminal(*args, columns=columns))
        widths = [len(line) for line in text.splitlines() if line.strip() not in code]
        assert widths and max(widths) <= columns, (args, max(widths))


def test_colour_on_a_terminal_unless_no_color(saved: tuple[str, set[str]]) -> None:
    path, _ = saved
    assert "\x1b[" in on_a_terminal("report", "show", path, columns=100)
    assert "\x1b[" not in on_a_terminal("report", "show", path, columns=100, env={"NO_COLOR": "1"})


def test_a_dumb_terminal_gets_no_colour() -> None:
    terminal = Invocation(stdout_isatty=True, columns=80, environ={"TERM": "xterm"})
    assert OutputPrefs.from_invocation(terminal).color and OutputPrefs.from_invocation(terminal).width == 80
    dumb = Invocation(stdout_isatty=True, columns=80, environ={"TERM": "dumb"})
    assert not OutputPrefs.from_invocation(dumb).color
    piped = Invocation(stdout_isatty=False, columns=None, environ={"TERM": "xterm"})
    assert not OutputPrefs.from_invocation(piped).color and OutputPrefs.from_invocation(piped).width is None


def test_without_a_terminal_the_width_is_fixed() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    done = subprocess.run(
        [sys.executable, "-m", "gcdiag", "catalog", "list", "--tag", "Recording"],
        env={**clean, "COLUMNS": "40"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100 and "-o yaml lists everything" in lines[-1]
    assert "\x1b[" not in done.stdout
