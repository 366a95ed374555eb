"""What the user typed, turned into validated values before any request is sent.

No click and no HTTP here: every problem is an :class:`InputError`, which the CLI prints as one line and turns
into exit code 2.
"""

from __future__ import annotations


class InputError(ValueError):
    """A usage or input problem (bad id, unreadable file, malformed call): one line, exit 2."""
