"""Reading a region's swagger: each operation's permissions (``x-inin-requires-permissions``) and scopes.

Each region publishes its swagger at ``https://api.<domain>/api/v2/docs/swagger``; it marks each operation's
permissions as ``"x-inin-requires-permissions": {"type": "ANY"|"ALL", "permissions": [...]}`` and its scopes as
``"security": [{"PureCloud OAuth": [...]}]`` (docs/genesys-facts.md §2, CONFIRMED from the Terraform provider's
doc generator; the per-region URL is INFERRED there). Pure functions: the download lives in
:mod:`gcdiag.client.swagger_download`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from gcdiag.genesys.catalog import CatalogError, Operation
from gcdiag.util.text import one_line

SWAGGER_PATH = "/api/v2/docs/swagger"


SECURITY_NAME = (
    "PureCloud OAuth"  # genesys-facts §2 (CONFIRMED): the key of the swagger's OAuth security entry
)


SCOPE_BASIS = "x-inin / security of the region's swagger"


_SWAGGER_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


_SKIP_REASONS_KEPT = 20  # enough to debug a malformed document without carrying thousands of lines


@dataclass(frozen=True)
class Extraction:
    """Operations read from a swagger document, and what was skipped or repaired on the way."""

    operations: list[Operation]
    skipped: int = 0
    problems: list[str] = field(default_factory=list)  # the first few reasons, for ``--verbose`` style output


def extract_operations(swagger: Mapping[str, Any], *, source: str) -> list[Operation]:
    """Every operation of a Swagger 2.0 document as an :class:`Operation` tagged with ``source``.

    Malformed parts are skipped (see :func:`extract` for the count); this never raises on odd input.
    """
    return extract(swagger, source=source).operations


def extract(swagger: Mapping[str, Any], *, source: str) -> Extraction:
    """Like :func:`extract_operations`, also counting what was skipped and why."""
    problems: list[str] = []
    skipped = 0

    def note(reason: str, *, skip: bool = True) -> None:
        nonlocal skipped
        if skip:
            skipped += 1
        if len(problems) < _SKIP_REASONS_KEPT:
            problems.append(reason)

    if not isinstance(swagger, Mapping):
        note("document: not a JSON object")
        return Extraction([], skipped, problems)
    paths = swagger.get("paths")
    if not isinstance(paths, Mapping):
        note("document: no 'paths' object")
        return Extraction([], skipped, problems)
    prefix = _base_prefix(swagger.get("basePath"))
    # Swagger 2.0: an operation without its own `security` inherits the document's; an explicit [] clears it.
    default_security = swagger.get("security")

    operations: list[Operation] = []
    for raw_path, item in paths.items():
        if not isinstance(raw_path, str) or not raw_path.startswith("/"):
            note(f"paths[{raw_path!r}]: not a path")
            continue
        if not isinstance(item, Mapping):
            note(f"paths[{raw_path!r}]: not an object")
            continue
        path = _full_path(prefix, raw_path)
        # Only the HTTP methods are operations; `parameters`, `$ref` and `x-*` keys of a path item are not.
        for method in _SWAGGER_METHODS:
            if method not in item:
                continue
            spec = item[method]
            where = f"{method.upper()} {path}"
            if not isinstance(spec, Mapping):
                note(f"{where}: operation is not an object")
                continue
            try:
                operations.append(_operation(method, path, spec, default_security, source, note))
            except Exception as exc:  # one odd operation must not sink 3,000 good ones
                note(f"{where}: {type(exc).__name__}")
    return Extraction(operations, skipped, problems)


def _base_prefix(base_path: Any) -> str:
    """The swagger's ``basePath`` without its trailing slash ("" for ``/`` or a missing one)."""
    if not isinstance(base_path, str):
        return ""
    base = base_path.strip().rstrip("/")
    return base if base.startswith("/") else ""


def _full_path(prefix: str, raw_path: str) -> str:
    """The request path of a swagger path key.

    Which shape Genesys serves is UNCONFIRMED (genesys-facts §2 names the fields, not the path keys), so both are
    handled: paths that already carry ``/api/v2`` (what Terraform's generator looks up,
    ``spec.Paths["/api/v2/..."]``, and what the gcdiag sandbox serves with ``basePath: "/"``) and paths
    relative to a ``basePath`` like ``/api/v2``. A path that already starts with the base path is not
    prefixed twice.
    """
    if not prefix or raw_path == prefix or raw_path.startswith(prefix + "/"):
        return raw_path
    return prefix + raw_path


def _operation(
    method: str,
    path: str,
    spec: Mapping[str, Any],
    default_security: Any,
    source: str,
    note: Callable[..., None],
) -> Operation:
    where = f"{method.upper()} {path}"
    permission_type, permissions = _permissions(spec.get("x-inin-requires-permissions"), where, note)
    security = spec.get("security", default_security)
    scopes, evidence, basis = _scopes(security, where, note)
    tags = spec.get("tags")
    tag = tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else ""
    return Operation(
        method=method.upper(),
        path=path,
        permission_type=permission_type,
        permissions=permissions,
        scopes=scopes,
        scope_evidence=evidence,
        scope_basis=basis,
        operation_id=_text(spec.get("operationId")),
        tag=tag,
        summary=_text(spec.get("summary")),
        deprecated=spec.get("deprecated") is True,
        source=source,
    )


def _permissions(value: Any, where: str, note: Callable[..., None]) -> tuple[str | None, tuple[str, ...]]:
    if value is None:
        return None, ()
    if not isinstance(value, Mapping):
        note(f"{where}: x-inin-requires-permissions is not an object; permissions unknown", skip=False)
        return None, ()
    raw = value.get("permissions")
    perms = tuple(p for p in raw if isinstance(p, str) and p) if isinstance(raw, list) else ()
    if not perms:
        return None, ()
    kind = value.get("type")
    kind = kind.upper() if isinstance(kind, str) else None
    if kind not in ("ANY", "ALL"):
        # An unreadable type with several permissions is read as ALL, the stricter reading: reading it as ANY
        # could call a failing call fine (the same rule authz applies to unknown division awareness).
        note(f"{where}: permission type {value.get('type')!r} is not ANY/ALL; read as ALL", skip=False)
        kind = "ALL"
    return kind, perms


def _scopes(security: Any, where: str, note: Callable[..., None]) -> tuple[tuple[str, ...] | None, str, str]:
    """(scopes, scope_evidence, scope_basis) from an operation's effective ``security`` list."""
    if security is None:
        return None, "unknown", ""
    if not isinstance(security, list):
        note(f"{where}: security is not a list; scopes unknown", skip=False)
        return None, "unknown", ""
    if not security:
        # Swagger 2.0: an empty list means the operation needs no security scheme at all, so no scope.
        return (), "swagger", SCOPE_BASIS
    scopes: list[str] = []
    found = False
    for entry in security:
        if isinstance(entry, Mapping) and SECURITY_NAME in entry:
            found = True
            listed = entry[SECURITY_NAME]
            if isinstance(listed, list):
                scopes.extend(s for s in listed if isinstance(s, str) and s and s not in scopes)
    if not found:
        # Only other schemes: the swagger does not say which OAuth scopes apply, so gcdiag does not either.
        return None, "unknown", f"the region's swagger names no {SECURITY_NAME!r} security for this operation"
    return tuple(scopes), "swagger", SCOPE_BASIS


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_swagger(raw: IO[bytes], url: str) -> dict[str, Any]:
    from gcdiag.util.documents import DocumentError, load_json

    try:
        # Not walked (tens of MB); the extractor reads only the parts it knows, defensively.
        document = load_json(raw.read(), what=url, max_depth=None)
    except DocumentError as exc:
        raise CatalogError(f"{url} returned JSON gcdiag does not read: {exc}") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise CatalogError(f"{url} did not return JSON ({one_line(exc, 200)})") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise CatalogError(f"{url} returned JSON that is not a swagger document (no 'paths' object)")
    if "swagger" not in document and "openapi" not in document:
        raise CatalogError(f"{url} returned JSON that is not a swagger document (no 'swagger' version field)")
    return document
