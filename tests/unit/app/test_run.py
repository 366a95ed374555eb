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
