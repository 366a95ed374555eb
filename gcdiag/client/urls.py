"""URL hygiene: filling path templates safely, and the host a URL points at."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def build_path(template: str, path_params: Mapping[str, Any] | None = None) -> str:
    """Fill a path template; each value is quoted with ``safe=""`` so it stays one path segment.

    Raises ValueError for a template that is not an absolute path, a missing or empty parameter, or a value
    that is a dot segment (``.``/``..``), which URL normalisation would resolve even when quoted.
    """
    if not template.startswith("/") or "?" in template or "#" in template:
        raise ValueError(f"path template {template!r} must be an absolute path without query or fragment")
    params = path_params or {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params.get(name)
        if value is None or str(value) == "":
            raise ValueError(f"path parameter {name!r} of {template} is missing or empty")
        text = str(value)
        if text in (".", ".."):
            raise ValueError(f"path parameter {name!r} may not be {text!r}")
        return quote(text, safe="")

    path = _PLACEHOLDER.sub(fill, template)
    if "{" in path or "}" in path:
        raise ValueError(f"path template {template!r} has an unbalanced placeholder")
    return path


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "") + (f":{parts.port}" if parts.port else "")


def strip_base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("a base URL may not carry credentials, a query or a fragment")
    return url
