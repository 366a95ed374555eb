"""On a terminal, output fits it: run in a pseudo-terminal with a fixed COLUMNS, no line is wider; colour follows
NO_COLOR and TERM=dumb; without a terminal the width is the fixed 100 columns of saved output."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

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


PORT = re.compile(r"127\.0\.0\.1:\d+")


def _code_lines() -> set[str]:
    """The lines of the demo's fixes as code (curl, Terraform, gc): printed whole, never cut, so that they stay
    copy-pasteable; the terminal wraps them if it must."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    done = subprocess.run(
        [sys.executable, "-m", "gcdiag", "demo", "-o", "json"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines: set[str] = set()
    for result in json.loads(done.stdout)["results"]:
        for entry in result.get("fix_as_code") or ():
            texts = [r.get("curl", "") for r in entry.get("api") or ()]
            texts += [
                (entry.get("terraform") or {}).get("snippet") or "",
                *(entry.get("gc") or {}).get("commands", ()),
            ]
            lines |= {PORT.sub("H", line.strip()) for text in texts for line in str(text).splitlines()}
    return lines


@pytest.mark.parametrize("columns", [60, 80, 132])
def test_no_line_is_wider_than_the_terminal(columns: int) -> None:
    code = _code_lines()
    for args in (("demo",), ("catalog", "list", "--tag", "Recording")):
        text = ANSI.sub("", on_a_terminal(*args, columns=columns))
        widths = [len(line) for line in text.splitlines() if PORT.sub("H", line.strip()) not in code]
        assert widths and max(widths) <= columns, (args, max(widths))


def test_colour_on_a_terminal_unless_no_color_or_a_dumb_terminal() -> None:
    assert "\x1b[" in on_a_terminal("demo", columns=100)
    assert "\x1b[" not in on_a_terminal("demo", columns=100, env={"NO_COLOR": "1"})
    assert "\x1b[" not in on_a_terminal("demo", columns=100, env={"TERM": "dumb"})


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
