"""Help a person can scan: shared options documented once and grouped, each command's help short and starting
with an example, and every shared option still accepted in either position with its environment variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gcdiag.cli import cli
from gcdiag.settings.options import GROUP_TITLES, SHARED_OPTIONS

from .test_options import commands


def _help(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], env={"COLUMNS": str(columns)}, prog_name="gcdiag")
    assert result.exit_code == 0, result.output
    return result.output


def test_recording_stop_help_is_40_lines_and_starts_with_an_example() -> None:
    # Counted as a person sees it: a real process on an 80-column terminal (click wraps a real terminal's help
    # two columns narrower than CliRunner's, which once hid two extra lines).
    real = subprocess.run(
        [sys.executable, "-m", "gcdiag", "recording-stop", "--help"],
        env={**os.environ, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(real) <= 40, len(real)
    lines = _help("recording-stop").splitlines()
    assert len(lines) <= 40, len(lines)
    assert lines[0].startswith("Usage: gcdiag recording-stop") and lines[2].strip().startswith(
        "Example: gcdiag "
    )
    text = "\n".join(lines)
    assert "--client-id" not in text and "--region" not in text  # the shared options are documented once
    assert "gcdiag help options" in text


@pytest.mark.parametrize(
    "path",
    [name.split()[1:] for name, cmd in commands(cli) if not hasattr(cmd, "commands") and name != "gcdiag"],
    ids=lambda p: " ".join(p),
)
def test_every_command_help_starts_with_one_example(path: list[str]) -> None:
    lines = _help(*path).splitlines()
    examples = [line for line in lines if line.strip().startswith("Example: gcdiag ")]
    assert len(examples) == 1 and lines.index(examples[0]) == 2, lines[:4]


def test_the_root_help_lists_each_shared_option_once_by_group() -> None:
    text = _help(columns=110)
    titles = [t for t in GROUP_TITLES.values() if t in text]
    assert titles == list(GROUP_TITLES.values())
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    for option in SHARED_OPTIONS:
        flag = option.flags[-1]
        assert text.count(f"{flag} ") + text.count(f"{flag},") == 1, flag
        assert option.env in text, option.env
        # under its own group's heading
        section = text[text.index(GROUP_TITLES[option.group]) :]
        assert flag in section.split("\n\n")[0], flag
    assert text.index("Commands:") < text.index(GROUP_TITLES["target"])


def test_help_options_is_the_same_list() -> None:
    result = CliRunner().invoke(cli, ["help", "options"])
    assert result.exit_code == 0
    for option in SHARED_OPTIONS:
        assert option.flags[-1] in result.output and option.env in result.output
    assert CliRunner().invoke(cli, ["help", "connection"]).output == result.output


def test_help_topics_and_commands() -> None:
    runner = CliRunner()
    codes = runner.invoke(cli, ["help", "exit-codes"]).output
    for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "130"):
        assert f"\n{code}" in f"\n{codes}", code
    assert "report show:" in codes and "demo:" in codes
    assert "~/.gc/config.toml" in runner.invoke(cli, ["help", "profiles"]).output
    assert runner.invoke(cli, ["help", "catalog", "list"], prog_name="gcdiag").output.startswith(
        "Usage: gcdiag catalog list"
    )
    bad = runner.invoke(cli, ["help", "nope"])
    assert bad.exit_code == 2 and "topics are options, exit-codes, profiles" in bad.output


def test_shared_options_still_work_in_either_position_with_their_variables() -> None:
    runner = CliRunner()
    for args in (["-o", "xml", "whoami"], ["whoami", "-o", "xml"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and "xml" in result.output, args
    result = runner.invoke(cli, ["whoami"], env={"GCDIAG_OUTPUT_FORMAT": "xml"})
    assert (
        result.exit_code == 2 and "GCDIAG_OUTPUT_FORMAT" in result.output
    )  # names the variable, not the flag
