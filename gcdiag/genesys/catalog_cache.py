"""The live operation catalog: a region's own swagger, downloaded, reduced to operations and cached.

The bundled catalog (:mod:`gcdiag.catalog`) knows every operation's permissions but only a handful of scopes
(genesys-facts §2: no per-operation scope list could be read from a Genesys source). Each region publishes its swagger
at ``https://api.<domain>/api/v2/docs/swagger``; it can be fetched without authentication and marks each
operation's permissions as ``"x-inin-requires-permissions": {"type": "ANY"|"ALL", "permissions": [...]}``
and its scopes as ``"security": [{"PureCloud OAuth": [...]}]`` (genesys-facts §2, CONFIRMED from the Terraform
provider's doc generator; the per-region URL is INFERRED there).

``gcdiag catalog refresh`` calls :func:`refresh`, which downloads that document (conditionally, as Terraform's
generator caches it), extracts the operations and writes them to a per-region cache file; :func:`load_catalog`
then prefers a fresh cache over the bundled catalog and says which one it used and why.

Only the reduced operations are cached (a few MB), never the raw swagger (tens of MB), and no request made
here ever carries credentials: the document is public, and sending a token to fetch it would only risk
leaking it (through a redirect, a proxy log or a ``.netrc`` entry).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gcdiag.genesys.catalog import Catalog, CatalogChoice, Operation, load_bundled
from gcdiag.util.text import one_line

LIVE_PREFIX = "live:"
CACHE_FORMAT = 1
MAX_CACHE_BYTES = 64 * 1024 * 1024  # the reduced operations of a region: a few MB


# --- cache location -----------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """The user's cache directory for gcdiag: ``GCDIAG_CACHE_DIR``, else the platform's (platformdirs:
    ``$XDG_CACHE_HOME/gcdiag`` or ``~/.cache/gcdiag``, ``~/Library/Caches/gcdiag``, ``%LOCALAPPDATA%\\gcdiag\\Cache``)."""
    override = os.environ.get("GCDIAG_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gcdiag", appauthor=False))


def cache_path(cache_key: str) -> Path:
    """The cache file of one API host: ``<cache dir>/catalog-<key>.json``."""
    return cache_dir() / f"catalog-{_safe_name(cache_key)}.json"


def cache_key_for(api_url: str) -> str:
    """The cache key of a target: the host (and port) the catalog comes from, never the region's name.

    Keyed by name, a ``catalog refresh`` through a proxy or a stub (``--region us_east_1 --api-url …``) would
    have replaced what every later plain ``--region us_east_1`` run reads for a week; keyed by host, a catalog
    is only ever used for the host that served it.
    """
    text = api_url.strip()
    parts = urlsplit(text if "://" in text else "//" + text)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        host, port = parts.hostname or "", None
    if not host:
        return _safe_name(text) or "unknown"
    return _safe_name(f"{host}_{port}" if port else host)


def _safe_name(text: str) -> str:
    """A file-name-safe form: ``:``, ``/`` and the like become ``_`` (``:`` is not allowed on Windows)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "unknown"


def write_cache(target: Path, payload: Mapping[str, Any]) -> None:
    """Write to a temp file beside the target and rename it over: readers see the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, separators=(",", ":"))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_cache(target: Path) -> Any:
    """The parsed cache file (capped, and read like any document from outside: the cache directory is
    writable by whatever else runs as the user). Raises OSError or ValueError."""
    from gcdiag.util.documents import load_json
    from gcdiag.util.files import read_file_capped

    return load_json(read_file_capped(target, MAX_CACHE_BYTES, str(target)), what=str(target))


def read_cache_quietly(target: Path) -> dict[str, Any] | None:
    """The cache document if it is readable and has operations, else None (a refresh then starts clean)."""
    try:
        data = _read_cache(target)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("operations"), list):
        return None
    return data


def iso_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- loading ------------------------------------------------------------------------------------------------


def load_catalog(
    *,
    cache_key: str | None,
    max_age_days: float = 7.0,
    now: datetime | None = None,
    region_host: bool = True,
) -> CatalogChoice:
    """The live catalog of ``cache_key`` if cached and fresher than ``max_age_days``, else the bundled one,
    with one sentence saying which one it is and why.

    ``region_host`` says the target is a Genesys region's API host, whose swagger ``gcdiag catalog refresh`` can
    read; for any other host (the sandbox, a gateway) the bundled catalog is simply what applies, and nothing
    suggests a refresh.
    """
    if cache_key is None:
        return _bundled("no target region, so no live catalog applies")
    target = cache_path(cache_key)
    if not target.exists() and not region_host:
        return CatalogChoice(load_bundled(), "bundled catalog")
    if not target.exists():
        return _bundled(f"no live catalog cached for {cache_key}; run gcdiag catalog refresh")
    try:
        data = _read_cache(target)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        fetched = _parse_time(data.get("fetched_at"))
        raw_ops = data.get("operations")
        if not isinstance(raw_ops, list) or not raw_ops:
            raise ValueError("no operations")
        source = LIVE_PREFIX + cache_key
        operations = _operations_from(raw_ops, source)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = one_line(exc, 200)
        advice = "; run gcdiag catalog refresh" if region_host else ""  # nothing suggests a refresh elsewhere
        return _bundled(f"live catalog cache {target} is unreadable ({reason}){advice}")

    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    age_days = (moment - fetched).total_seconds() / 86400
    if age_days > max_age_days:
        return _bundled(
            f"live catalog for {cache_key} is {age_days:.1f} days old, older than {max_age_days:g}"
        )
    version = str(data.get("spec_version") or "unknown")
    stamp = fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
    description = f"swagger {version} from {data.get('source_url') or 'unknown URL'}, fetched {stamp}"
    catalog = Catalog(operations, source=source, description=description)
    return CatalogChoice(catalog, f"live catalog for {cache_key} (swagger {version}, fetched {stamp})")


def _operations_from(raw_ops: Iterable[Any], source: str) -> list[Operation]:
    ops = []
    for item in raw_ops:
        if not isinstance(item, dict):
            raise ValueError("an operation is not an object")
        ops.append(Operation.from_dict(item, source))
    return ops


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("no fetched_at time")
    text = value.strip()
    if text.endswith("Z"):  # fromisoformat accepts "Z" only from Python 3.11
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _bundled(why: str) -> CatalogChoice:
    return CatalogChoice(load_bundled(), f"bundled catalog ({why})")
