"""The operation catalog: what each Genesys Cloud Platform API operation requires.

One data model serves both sources of truth:

* the **bundled** catalog (``gcdiag/genesys/data/catalog.json``), built from the official SDK's generated docs
  (``operations.json``: method, path, ANY/ALL permissions) plus the per-operation scopes genesys-facts §2 gives,
  each with its evidence; and
* a **live** catalog read from a region's ``/api/v2/docs/swagger`` (``x-inin-requires-permissions`` and
  ``security``), cached per region by ``gcdiag catalog refresh``.

Lookups match a concrete request path (``/api/v2/conversations/calls/abc/recordingstate``) to its template
(``/api/v2/conversations/calls/{conversationId}/recordingstate``), preferring the most literal template when
several match.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

BUNDLED_SOURCE = "bundled"
_PARAM = re.compile(r"^\{[^/{}]+\}$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class CatalogError(Exception):
    """Reading or refreshing a catalog failed; the message is one readable line (no body dump, no secret)."""


@dataclass(frozen=True)
class Operation:
    """What one API operation requires.

    ``permission_type`` is ``"ANY"`` (one permission suffices), ``"ALL"`` (each is needed) or ``None`` when the
    source documents no permission. ``scopes`` are alternatives (a token needs one of them); ``None`` means the
    catalog does not know the operation's scopes, which is different from "needs none" (an empty tuple).
    """

    method: str
    path: str
    permission_type: str | None
    permissions: tuple[str, ...]
    scopes: tuple[str, ...] | None
    scope_evidence: str  # confirmed | inferred | unknown | swagger
    scope_basis: str = ""
    operation_id: str = ""
    tag: str = ""
    summary: str = ""
    deprecated: bool = False
    source: str = BUNDLED_SOURCE

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_mutating(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (``catalog list -o json``)."""
        return {
            "method": self.method,
            "path": self.path,
            "permissionType": self.permission_type,
            "permissions": list(self.permissions),
            "scopes": None if self.scopes is None else list(self.scopes),
            "scope_evidence": self.scope_evidence,
            "scope_basis": self.scope_basis,
            "operationId": self.operation_id,
            "tag": self.tag,
            "summary": self.summary,
            "deprecated": self.deprecated,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> Operation:
        scopes = data.get("scopes")
        return cls(
            method=str(data["method"]).upper(),
            path=str(data["path"]),
            permission_type=data.get("permissionType"),
            permissions=tuple(data.get("permissions") or ()),
            scopes=None if scopes is None else tuple(scopes),
            scope_evidence=str(data.get("scope_evidence") or "unknown"),
            scope_basis=str(data.get("scope_basis") or ""),
            operation_id=str(data.get("operationId") or ""),
            tag=str(data.get("tag") or ""),
            summary=str(data.get("summary") or ""),
            deprecated=bool(data.get("deprecated", False)),
            source=source or str(data.get("source") or BUNDLED_SOURCE),
        )


@dataclass(frozen=True)
class Match:
    """A concrete request matched to an operation, with the path parameters it carried."""

    operation: Operation
    path_params: dict[str, str] = field(default_factory=dict)


def split_call(text: str) -> tuple[str, str]:
    """``"put /api/v2/x?y=1"`` → ``("PUT", "/api/v2/x")``. Raises ValueError with a readable reason."""
    parts = text.strip().split()
    if len(parts) != 2:
        raise ValueError(f"expected 'METHOD PATH', e.g. 'GET /api/v2/tokens/me', got {text!r}")
    method, path = parts[0].upper(), parts[1]
    if method not in METHODS:
        raise ValueError(f"unknown HTTP method {parts[0]!r} (expected one of {', '.join(METHODS)})")
    return method, normalise_path(path)


def normalise_path(path: str) -> str:
    """Drop scheme/host, query and trailing slash so a pasted URL matches a template."""
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+", "", path.strip())
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1:
        path = path.rstrip("/")
    return path


class Catalog:
    """An indexed set of operations; a lookup walks a segment trie, O(path depth).

    Operations may be given built, or as raw records (the bundled file's dicts) that become :class:`Operation`
    objects only when looked up — building all 3,000+ up front would cost more than the rest of start-up. For
    the same reason a method's trie is built on its first lookup (a diagnosis matches one or two methods).
    """

    def __init__(
        self,
        operations: Iterable[Operation] = (),
        *,
        source: str,
        description: str = "",
        records: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.source = source
        self.description = description
        self._entries: dict[str, Operation | dict[str, Any]] = {}
        # A segment trie per method (literal children first, then one "{param}" child), built on first use
        # from the paths waiting in _unindexed; the lock keeps concurrent look-ups from building it twice.
        self._tries: dict[str, _Node] = {}
        self._unindexed: dict[str, list[str]] = {}
        self._index_lock = threading.Lock()
        for op in operations:
            self._add(op.method, op.path, op)
        for record in records:
            self._add(str(record["method"]).upper(), str(record["path"]), record)

    def _add(self, method: str, path: str, entry: Operation | dict[str, Any]) -> None:
        self._entries[f"{method} {path}"] = entry
        self._unindexed.setdefault(method, []).append(path)

    def _trie(self, method: str) -> _Node | None:
        with self._index_lock:
            paths = self._unindexed.pop(method, None)
            if paths is not None:
                root = self._tries.setdefault(method, _Node())
                for path in paths:
                    _insert(root, path, f"{method} {path}")
            return self._tries.get(method)

    def _operation(self, key: str) -> Operation:
        entry = self._entries[key]
        if isinstance(entry, Operation):
            return entry
        op = Operation.from_dict(entry, self.source)
        self._entries[key] = op
        return op

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Operation]:
        ops = [self._operation(key) for key in self._entries]
        return iter(sorted(ops, key=lambda o: (o.path, o.method)))

    def get(self, method: str, template: str) -> Operation | None:
        """The operation with exactly this template, or None."""
        key = f"{method.upper()} {template}"
        return self._operation(key) if key in self._entries else None

    def match(self, method: str, path: str) -> Match | None:
        """Find the operation a concrete (or templated) request path belongs to; None: not a public operation."""
        method = method.upper()
        path = normalise_path(path)
        exact = self.get(method, path)
        if exact is not None:
            return Match(exact, {})
        root = self._trie(method)
        found = _descend(root, path.strip("/").split("/"), 0) if root else None
        if found is None:
            return None
        op = self._operation(found[0])
        names = re.findall(r"\{([^/{}]+)\}", op.path)
        return Match(op, dict(zip(names, found[1])))

    def methods_for(self, path: str) -> list[str]:
        """Methods that exist for a path (used to say 'that path exists, but not with METHOD')."""
        return sorted({m for m in METHODS if self.match(m, path) is not None})

    def tags(self) -> list[str]:
        return sorted({op.tag for op in self if op.tag})

    def to_json_list(self) -> list[dict[str, Any]]:
        return [op.to_dict() for op in self]


class _Node:
    __slots__ = ("key", "literal", "param_child")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param_child: _Node | None = None
        self.key: str | None = None  # the operation key ("METHOD /path") ending here


def _insert(root: _Node, path: str, key: str) -> None:
    node = root
    for segment in path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            node = node.param_child or _set_param(node)
        else:
            child = node.literal.get(segment)
            if child is None:
                child = node.literal[segment] = _Node()
            node = child
    node.key = key


def _set_param(node: _Node) -> _Node:
    node.param_child = _Node()
    return node.param_child


def _descend(node: _Node, segments: list[str], i: int) -> tuple[str, list[str]] | None:
    """Depth-first: a literal segment beats a parameter, so /divisions/home wins over /divisions/{id}."""
    if i == len(segments):
        return (node.key, []) if node.key is not None else None
    child = node.literal.get(segments[i])
    if child is not None:
        found = _descend(child, segments, i + 1)
        if found is not None:
            return found
    if node.param_child is not None and segments[i]:
        found = _descend(node.param_child, segments, i + 1)
        if found is not None:
            return (found[0], [segments[i], *found[1]])
    return None


class CatalogChoice(NamedTuple):
    """The catalog a run uses, and one sentence saying which one it is and why (for the report's notes)."""

    catalog: Catalog
    note: str


@functools.lru_cache(maxsize=1)
def load_bundled() -> Catalog:
    """The catalog that ships inside the package, read once per process: a diagnosis, its fixes as code and an
    in-process sandbox all ask for it, and parsing its 3,000+ operations costs ~40 ms each time. Sharing it is
    safe: nothing changes its operations, and what it builds lazily (operations, tries) it builds idempotently,
    the tries under a lock."""
    text = resources.files("gcdiag.genesys").joinpath("data/catalog.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return Catalog(source=BUNDLED_SOURCE, description=data.get("description", ""), records=data["operations"])


def build_bundled(operations_json: Path, scopes_yaml: Path) -> dict[str, Any]:
    """Build the bundled catalog document from operations.json and the curated scope table.

    Run with ``python -m gcdiag.genesys.catalog OPERATIONS_JSON`` after a new SDK release; a test checks the bundled
    file still agrees with operations.json.
    """
    import yaml

    raw = json.loads(operations_json.read_text(encoding="utf-8"))
    curated: dict[str, dict[str, Any]] = yaml.safe_load(scopes_yaml.read_text(encoding="utf-8"))
    unknown = sorted(set(curated) - set(raw["operations"]))
    if unknown:
        raise ValueError(f"scopes.yaml names operations that operations.json lacks: {unknown}")
    ops = []
    for key, info in sorted(raw["operations"].items()):
        method, path = key.split(" ", 1)
        scope = curated.get(key)
        api = str(info.get("api") or "")
        ops.append(
            {
                "method": method,
                "path": path,
                "permissionType": info.get("permissionType"),
                "permissions": list(info.get("permissions") or []),
                "scopes": list(scope["scopes"]) if scope else None,
                "scope_evidence": scope["evidence"] if scope else "unknown",
                "scope_basis": scope.get("basis", "") if scope else "",
                "operationId": info.get("operationId", ""),
                "tag": api[:-3] if api.endswith("Api") else api,
                "summary": info.get("summary", ""),
                "deprecated": bool(info.get("deprecated", False)),
            }
        )
    return {"description": raw.get("source", ""), "operations": ops}


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    here = Path(__file__).parent / "data"
    doc = build_bundled(Path(sys.argv[1]), here / "scopes.yaml")
    (here / "catalog.json").write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {len(doc['operations'])} operations to {here / 'catalog.json'}")
