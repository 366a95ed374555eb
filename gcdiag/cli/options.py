"""click options made from the one option table (:mod:`gcdiag.settings.options`), and the invocation they build.

Shared options (target, identity, inspector, output, behaviour) are accepted both before and after the
subcommand (``gcdiag -o yaml recording-stop ID`` and ``gcdiag recording-stop ID -o yaml``); the value given last
wins, and a value typed on the command line beats one from the environment wherever it was typed. They are
stored in ``ctx.meta`` rather than passed to the command functions, which receive only their own options.

Every option reads its environment variable (``show_envvar`` puts it in ``--help``). The settings the resolver
owns (``setting=True``) are handed over as the text typed, so that its messages name the flag or the variable
the value came from; for the others click converts the value, and a bad value from the environment names the
variable, not the flag.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

import click

from gcdiag.settings.options import COMMAND_OPTIONS, SETTING_ENV, SHARED_OPTIONS, Option

META = "gcdiag.options"


class EnvAwareOption(click.Option):
    """A click option whose conversion errors name the environment variable when the value came from there."""

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        try:
            return super().process_value(ctx, value)
        except click.BadParameter as exc:
            if ctx.get_parameter_source(self.name or "") is click.core.ParameterSource.ENVIRONMENT:
                exc.param_hint = f"environment variable {self.envvar}"
            raise


class FiniteFloat(click.FloatRange):
    """A float in range that is a real number: click's FloatRange lets ``nan`` through (every comparison with
    it is false), and ``inf``/``1e309`` through when there is no upper bound."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def _click_type(option: Option) -> dict[str, Any]:
    if option.setting:
        return {}  # text: gcdiag.settings.resolve converts and checks it, naming where it came from
    low, high = option.minimum, option.maximum
    if option.kind == "flag":
        return {"is_flag": True, "default": None}
    if option.kind == "int" and low is None and high is None:
        return {"type": int}
    if option.kind == "int":
        return {
            "type": click.IntRange(None if low is None else int(low), None if high is None else int(high))
        }
    if option.kind == "float":
        return {"type": FiniteFloat(low, high)}
    if option.kind == "choice":
        return {"type": click.Choice(option.choices)}
    if option.kind == "file":
        return {"type": click.Path(dir_okay=False)}
    if option.kind == "dir":
        return {"multiple": True, "type": click.Path(file_okay=False)}
    if option.kind == "multiple":
        return {"multiple": True}
    return {}


def _settings(option: Option, **extra: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "envvar": option.env,
        "show_envvar": True,
        "help": option.help,
        **_click_type(option),
    }
    if option.default is not None:
        settings["default"] = option.default
        settings["show_default"] = option.show_default
    if option.metavar:
        settings["metavar"] = option.metavar
    settings.update(extra)
    return settings


def option_param(option: Option, **extra: Any) -> click.Option:
    """The click option for one option of the table."""
    return EnvAwareOption([*option.flags, option.key], **_settings(option, **extra))


def make_option(option: Option, **extra: Any) -> Callable[[Any], Any]:
    """The click decorator for one option of the table."""
    return click.option(*option.flags, option.key, cls=EnvAwareOption, **_settings(option, **extra))


def options_of(table: Mapping[str, Option], *keys: str) -> Callable[[Any], Any]:
    """Decorate a command with these options of ``table``, in the order given."""

    def decorate(f: Any) -> Any:
        for key in reversed(keys):
            f = make_option(table[key])(f)
        return f

    return decorate


def command_options(*keys: str) -> Callable[[Any], Any]:
    """Decorate a command with these options of :data:`~gcdiag.settings.options.COMMAND_OPTIONS`."""
    return options_of(COMMAND_OPTIONS, *keys)


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is None:
        return
    source = ctx.get_parameter_source(param.name or "")
    if source is click.core.ParameterSource.ENVIRONMENT and param.name in SETTING_ENV:
        return  # the resolver reads these variables itself, with their own precedence (flags > env > profile)
    store = ctx.find_root().meta.setdefault(META, {})
    # A value typed on the command line beats one from the environment, wherever it was typed.
    if source is click.core.ParameterSource.ENVIRONMENT and param.name in store:
        return
    store[param.name] = value


# The attribute :func:`shared_options` leaves on a command's function; :class:`gcdiag.cli.command.Command` makes
# the options from it when the command's parameters are first read.
SHARED_LATER = "__gcdiag_shared_options__"


def shared_params(*, hidden: bool) -> list[click.Parameter]:
    """Every shared option as a click parameter, in the table's order."""
    return [option_param(o, expose_value=False, callback=_store, hidden=hidden) for o in SHARED_OPTIONS]


def shared_options(f: Any, *, hidden: bool = True) -> Any:
    """Decorate a command with every shared option. They are documented once (``gcdiag --help``, ``gcdiag help
    options``), so a command's own help does not list them (``hidden``); they are accepted all the same.

    A command's options are made when its parameters are first read (see :class:`gcdiag.cli.command.Command`),
    not at import: a run parses one command, and making the 29 shared options for each of 14 commands took 4 ms
    of CPU before the first request. The root group's (``hidden=False``) are made at once.
    """
    if hidden:
        setattr(f, SHARED_LATER, True)
        return f
    for option in reversed(SHARED_OPTIONS):
        f = make_option(option, expose_value=False, callback=_store, hidden=hidden)(f)
    return f


def documented_shared_options(f: Any) -> Any:
    """The root group's shared options: listed in ``gcdiag --help``, by group."""
    return shared_options(f, hidden=False)


def given(ctx: click.Context) -> dict[str, Any]:
    """The shared options this command line gave, by key (flags and environment as click read them)."""
    return dict(ctx.find_root().meta.get(META, {}))


def invocation(ctx: click.Context) -> Any:
    """The plain invocation the application layer runs on: options, environment, terminal facts."""
    import shutil

    from gcdiag.app.invocation import Invocation

    stdout_isatty = sys.stdout.isatty()
    return Invocation(
        options=given(ctx),
        environ=dict(os.environ),
        columns=shutil.get_terminal_size().columns if stdout_isatty else None,
        stdout_isatty=stdout_isatty,
        stderr_isatty=sys.stderr.isatty(),
        stdin_isatty=sys.stdin.isatty(),
        confirm=lambda text: click.confirm(text, default=False, err=True),
    )
