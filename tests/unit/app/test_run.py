"""The start-up path of a diagnosis: what is imported before the token request leaves (gcdiag.app.run)."""

from __future__ import annotations

import subprocess
import sys

# Runs gcdiag until the thread that sends the token requests starts, then prints the modules loaded so far.
PROBE = r"""
import os, runpy, sys, threading
start = threading.Thread.start
def traced(self):
    if self.name == "gcdiag-warm-up":
        print(" ".join(sorted(sys.modules)), flush=True)
        os._exit(0)
    return start(self)
threading.Thread.start = traced
sys.argv = ["gcdiag", "--api-url", "http://127.0.0.1:9", "recording-stop", "7dd0cd93-d6d6-49a8-9fb7-662b8c669880"]
runpy.run_module("gcdiag", run_name="__main__")
"""

# Not needed to send the token request: they load while it is in flight (or only when used).
LATER = (
    "yaml",
    "tabulate",
    "jsonschema",
    "jmespath",
    "gcdiag.facts",
    "gcdiag.pipeline",
    "gcdiag.render",
    "gcdiag_checks",
    "gcdiag.genesys.catalog",
    "gcdiag.genesys.errors",
)


def test_only_what_the_first_request_needs_is_imported_before_it() -> None:
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "client", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "secret", "PATH": ""}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60)
    loaded = set(done.stdout.split())
    assert "requests" in loaded, done.stderr  # the probe did reach the token request
    early = sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in LATER))
    assert early == []


# Runs gcdiag until the token request starts, then prints which commands have made their shared options so far.
SHARED_PROBE = PROBE.replace(
    'print(" ".join(sorted(sys.modules)), flush=True)',
    "from gcdiag.cli import cli\n"
    "        from gcdiag.settings.options import SHARED_OPTIONS\n"
    "        keys = {o.key for o in SHARED_OPTIONS}\n"
    "        made = [n for n, c in cli.commands.items() if keys & {p.name for p in vars(c).get('_params', [])}]\n"
    '        print(" ".join(sorted(made)), flush=True)',
)


def test_only_the_command_run_makes_its_shared_options_before_the_first_request() -> None:
    # 29 shared options for each of 14 commands took 4 ms of CPU at import; a run parses one command.
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "client", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "secret", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", SHARED_PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split() == ["recording-stop"], done.stderr
