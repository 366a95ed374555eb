"""``gcdiag help TOPIC``: the shared options (documented once), the exit codes, how profiles are read, or a
command's help (``gcdiag help can-i``, ``gcdiag help catalog list``)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from gcdiag.cli.command import write_shared_options

OPTIONS_INTRO = (
    "Every command accepts these, before or after the command name (gcdiag -o yaml whoami, gcdiag whoami -o "
    "yaml); the value given last wins, and a value typed on the command line beats its environment variable. "
    "Settings come from flags, then the environment, then the profile (gcdiag help profiles), then defaults."
)
EXIT_CODES_INTRO = "gcdiag's exit codes (the same for every command that diagnoses):"
EXIT_CODES_NOTES = (
    "smoke: 0 every item came out as expected, 1 an item did not, 3 an item could not be decided.",
    "demo: the exit code of the diagnosis it runs (seed-403: 1).",
    "report show: the highest exit code among the reports it re-renders (a saved verdict, not a new one).",
    "whoami, can-i --list: 0, or 3 when something could not be read; 1 when the credentials were refused.",
    "4 is one line (--debug adds the traceback); a check that raised, exited or timed out still shows in the "
    "report. 130: Ctrl-C stops at once, with no report.",
)
PROFILES_TEXT = """\
gcdiag reads the profiles of the Genesys Cloud CLI (gc) in ~/.gc/config.toml, by the CLI's own rules:

  - Without --profile (or GCDIAG_PROFILE) the profile named DEFAULT is used, when the file has one; gc
    writes it as [default]. A profile named with --profile must exist.
  - environment is the region (mypurecloud.ie or eu-west-1); client_credentials is the client id,
    client_secret its secret; access_token, when set, is used instead of them.
  - Flags and the GENESYSCLOUD_* variables take precedence over the profile (an identity is taken whole
    from one place: the flags, the environment, or the profile).

A profile may also name the inspector: gcdiag_inspector_profile = "admin" uses the credentials of the
profile [admin] of the same file for configuration reads (a key of gcdiag's own, which gc does not read). --inspector-profile (or
GCDIAG_INSPECTOR_PROFILE) does the same from the command line.

gcdiag whoami says which profile, file and environment variables it used.
"""


def topic_help(ctx: click.Context, topic: Sequence[str]) -> str:
    """The text of ``gcdiag help TOPIC`` (ends with a newline); an unknown topic is a usage error."""
    root = ctx.find_root()
    group = root.command
    assert isinstance(group, click.Group)
    name = " ".join(topic)
    if not topic:
        return root.get_help() + "\n"
    if name in ("options", "connection"):
        formatter = root.make_formatter()
        formatter.write_text(OPTIONS_INTRO)
        write_shared_options(root, formatter, group.get_params(root))
        return formatter.getvalue()
    if name == "exit-codes":
        return _exit_codes(root)
    if name == "profiles":
        return PROFILES_TEXT
    command: click.Command | None = group
    path = ["gcdiag"]
    for word in topic:
        if not isinstance(command, click.Group):
            command = None
            break
        command = command.get_command(root, word)
        path.append(word)
    if command is None:
        raise click.UsageError(
            f"no help topic or command {name!r}: topics are options, exit-codes, profiles; commands: "
            + ", ".join(group.list_commands(root))
        )
    with click.Context(command, info_name=" ".join(path), parent=None) as sub:
        sub.help_option_names = root.help_option_names
        sub.max_content_width = root.max_content_width
        return command.get_help(sub) + "\n"


def _exit_codes(ctx: click.Context) -> str:
    from gcdiag.render.common import EXIT_MEANING

    formatter = ctx.make_formatter()
    formatter.write_text(EXIT_CODES_INTRO)
    formatter.write_dl([(str(int(code)), meaning) for code, meaning in EXIT_MEANING.items()])
    formatter.write_paragraph()
    for note in EXIT_CODES_NOTES:
        formatter.write_text(note)
    return formatter.getvalue()
