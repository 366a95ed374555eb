"""The command line: click declarations only (root group, one option table turned into options, the verbs)."""

from __future__ import annotations

from gcdiag.cli.main import cli, main

__all__ = ["cli", "main"]
