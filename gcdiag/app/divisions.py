"""``--division``: a name or id of the org's divisions, or ``*``; one the org does not have is a usage error.

Shared by ``can-i`` (its diagnosis and ``--list``) and ``who-can``: the same words refuse the same mistake.
"""

from __future__ import annotations

from typing import Any

from gcdiag.inputs import InputError

SHOWN = 10  # names listed in the one-line refusal; more would not fit a line


def resolve_division(given: str, facts: Any) -> tuple[str, str]:
    """(id, label) of ``--division``; an :class:`InputError` (exit 2, one line) naming the org's divisions when it
    is none of them. When the divisions cannot be read, the value is used as given (an id still works)."""
    from gcdiag.genesys.constants import ALL_DIVISIONS

    if given == ALL_DIVISIONS:
        return ALL_DIVISIONS, "all divisions (*)"
    divisions, error = facts.outcome("divisions")
    if error is not None or divisions is None:
        # The name cannot be resolved without the list; an id is still usable as given.
        return given, given
    for div_id, div in divisions.items():
        if given in (div_id, div.get("name")):
            return div_id, f"{div.get('name')} ({div_id})"
    names = sorted(str(d.get("name")) for d in divisions.values())
    shown = ", ".join(names[:SHOWN])
    if len(names) > SHOWN:
        shown += f" and {len(names) - SHOWN} more (GET /api/v2/authorization/divisions lists them all)"
    raise InputError(
        f"--division {given!r}: no such division in the org; give a name or id of one of its divisions "
        f"({shown}), or * for all"
    )
