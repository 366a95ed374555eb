"""``GET /api/v2/docs/swagger``: a small Swagger 2.0 document of the operations the sandbox emulates.

The real document marks each operation's permissions as ``x-inin-requires-permissions: {type, permissions}``
and its scopes as ``security: [{"PureCloud OAuth": [scopes]}]`` (genesys-facts §2, from the Terraform doc generator).
The sandbox builds both from the bundled catalog — the same source its enforcement uses — and leaves
``security`` out where the catalog does not know an operation's scopes. Unauthenticated, and cacheable with
``ETag`` / ``If-Modified-Since`` like the real one (genesys-facts §2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from gcdiag import __version__
from gcdiag.genesys.catalog import Catalog

SECURITY_NAME = "PureCloud OAuth"


def build(catalog: Catalog, implemented: Iterable[tuple[str, str]], base_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    scopes: set[str] = set()
    for method, template in sorted(implemented):
        op = catalog.get(method, template)
        if op is None:
            continue
        entry: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
        if op.tag:
            entry["tags"] = [op.tag]
        if op.permission_type:
            entry["x-inin-requires-permissions"] = {
                "type": op.permission_type,
                "permissions": list(op.permissions),
            }
        if op.scopes is not None:
            entry["security"] = [{SECURITY_NAME: list(op.scopes)}]
            scopes.update(op.scopes)
        if op.deprecated:
            entry["deprecated"] = True
        entry["responses"] = {"default": {"description": "see the Genesys Cloud API reference"}}
        paths.setdefault(template, {})[method.lower()] = entry
    host = base_url.split("://", 1)[-1]
    return {
        "swagger": "2.0",
        "info": {
            "title": "Genesys Cloud Platform API (gcdiag sandbox subset)",
            "version": f"{__version__}-sandbox",
            "description": "Operations the gcdiag sandbox emulates; requirements from its bundled catalog.",
        },
        "host": host,
        "basePath": "/",
        "schemes": [base_url.split("://", 1)[0]],
        "securityDefinitions": {
            SECURITY_NAME: {
                "type": "oauth2",
                "flow": "implicit",
                "authorizationUrl": f"{base_url}/oauth/authorize",
                "scopes": {s: s for s in sorted(scopes)},
            }
        },
        "paths": paths,
    }


class SwaggerDocument:
    """The serialised document with its validators."""

    def __init__(self, document: dict[str, Any], modified: datetime) -> None:
        self.body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
        self.modified = modified.replace(microsecond=0)
        self.last_modified = format_datetime(self.modified, usegmt=True)

    def not_modified(self, headers: dict[str, str]) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since."""
        if_none = headers.get("if-none-match")
        if if_none is not None:
            tags = {t.strip() for t in if_none.split(",")}
            return "*" in tags or self.etag in tags or f"W/{self.etag}" in tags
        since = headers.get("if-modified-since")
        if since:
            try:
                return self.modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False
