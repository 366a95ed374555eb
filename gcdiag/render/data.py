"""The data renderers: YAML and JSON carry exactly ``Report.to_dict()`` (gcdiag/report/schema.json).

A smoke run (many diagnoses) is one document ``{gcdiag: {version, report_schema}, generated_at, kind: "smoke",
[title,] items: [report documents]}``; ``gcdiag.reportio.load_reports`` reads both shapes back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from gcdiag import __version__
from gcdiag.render.common import dump_yaml
from gcdiag.report.model import REPORT_SCHEMA, Report
from gcdiag.util.yamlio import OneLine

SMOKE_KIND = "smoke"


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def laid_out(document: dict[str, Any]) -> dict[str, Any]:
    """A report document with each part of a fix as code on one line (its change, each API request, the Terraform
    and gc forms): code a person reads through a view (``report show``, ``--fix-format``), already escaped to one
    line in YAML, so the document stays short enough to read. Only the YAML layout changes, never the data."""
    for result in document.get("results") or ():
        for entry in result.get("fix_as_code") or ():
            for key, value in entry.items():
                if key == "api" and isinstance(value, list):
                    entry[key] = [OneLine(request) for request in value]
                elif isinstance(value, (dict, list)):
                    entry[key] = OneLine(value)
    return document


def render_yaml(report: Report) -> str:
    return dump_yaml(laid_out(report.to_dict()))


def render_json(report: Report) -> str:
    return dump_json(report.to_dict())


def smoke_document(
    reports: Sequence[Report], *, title: str = "", generated_at: str | None = None
) -> dict[str, Any]:
    """The smoke document. ``generated_at`` defaults to the newest item's stamp (so re-rendering a saved smoke
    document is stable), or now when there are no items."""
    stamps = [r.generated_at for r in reports if r.generated_at]
    if generated_at is None:
        generated_at = max(stamps) if stamps else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc: dict[str, Any] = {
        "gcdiag": {"version": __version__, "report_schema": REPORT_SCHEMA},
        "generated_at": generated_at,
        "kind": SMOKE_KIND,
    }
    if title:
        doc["title"] = title
    doc["items"] = [r.to_dict() for r in reports]
    return doc


def render_many_yaml(reports: Sequence[Report], *, title: str = "", generated_at: str | None = None) -> str:
    doc = smoke_document(reports, title=title, generated_at=generated_at)
    doc["items"] = [laid_out(item) for item in doc["items"]]
    return dump_yaml(doc)


def render_many_json(reports: Sequence[Report], *, title: str = "", generated_at: str | None = None) -> str:
    return dump_json(smoke_document(reports, title=title, generated_at=generated_at))
