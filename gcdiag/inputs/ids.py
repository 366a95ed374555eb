"""Validation of the ids a user types or pastes, before any request is sent.

Genesys Cloud entity ids (conversations, recordings, participants, OAuth clients, roles, divisions) are UUIDs in
the official SDK's examples and in every response shape gcdiag reads, so anything else is rejected with one line
instead of being sent — which also keeps path-traversal strings and control characters out of request paths.
"""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class IdError(ValueError):
    """An id that cannot be a Genesys Cloud id."""


def validate_id(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise IdError(f"{what} is empty")
    if _UUID.match(text):
        # RFC 4122 §3: UUID hex digits are case-insensitive on input and written in lower case; Genesys answers
        # with lower-case ids, and gcdiag compares them with ids it reads, so an upper-case paste is normalised.
        return text.lower()
    shown = text if len(text) <= 60 else text[:57] + "..."
    shown = shown.encode("unicode_escape").decode("ascii")
    raise IdError(
        f"{what} '{shown}' is not a Genesys Cloud id (expected a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)"
    )


def is_id(value: str) -> bool:
    return bool(_UUID.match(value.strip()))
