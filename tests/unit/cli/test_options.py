"""Meta-tests of the command line: every flag has an environment variable, and the README lists the shared ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from gcdiag.cli import cli
from gcdiag.settings.options import SHARED_OPTIONS

README = Path(__file__).resolve().parents[3] / "README.md"
EXEMPT = {"--version", "--help"}  # they end the run before anything is configured


def commands(cmd: click.Command, path: tuple[str, ...] = ("gcdiag",)) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None, name
            yield from commands(sub, (*path, name))


def test_the_command_tree_is_walked() -> None:
    names = {name for name, _ in commands(cli)}
    assert {"gcdiag recording-stop", "gcdiag can-i", "gcdiag smoke", "gcdiag sandbox serve"} <= names


def test_every_flag_has_an_environment_variable_shown_in_its_help() -> None:
    missing = []
    for name, cmd in commands(cli):
        for param in cmd.params:
            if not isinstance(param, click.Option) or EXEMPT & set(param.opts):
                continue
            if not param.envvar or not param.show_envvar:
                missing.append(f"{name} {'/'.join(param.opts)}")
    assert missing == []


def test_the_readme_lists_every_shared_flag_and_its_variable() -> None:
    text = README.read_text(encoding="utf-8")
    for option in SHARED_OPTIONS:
        names, env = option.flags, option.env
        assert any(f"`{n}" in text or f"{n}`" in text or f"/{n}" in text for n in names), names
        assert env in text, env
