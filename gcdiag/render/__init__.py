r"""Renderers: one report (or a smoke run's many) as table, yaml, json, junit or markdown text.

Renderers print what the report says and decide nothing: the verdict, statuses, blocking flags and fix come
from the :class:`~gcdiag.model.Report` as given. Redaction happens before rendering (``gcdiag.redact``); the
CLI passes only redacted reports here. Each format's module (and the library it needs: tabulate, PyYAML) is
imported only when that format is rendered or :func:`prepare`\ d, since start-up time matters for the CLI.

Format summary (details in each module's docstring):

* ``table``    — terminal table (id, status, summary; blocking checks as ``FAIL*``), verdict line, fix, notes;
  ANSI colour only with ``color=True``.
* ``yaml`` / ``json`` — exactly ``Report.to_dict()``; many reports →
  ``{gcdiag, generated_at, kind: smoke, items}``.
* ``junit``    — JUnit XML, one ``<testsuite>`` per report inside one ``<testsuites>``.
* ``markdown`` — a ticket-ready summary with collapsed evidence.
* ``csv``      — one row per check result (and smoke item), for a spreadsheet.

Every format shows each configuration-changing fix step as code too (API requests with curl, Terraform, gc CLI;
the results' ``fix_as_code``); ``fix_forms`` (``--fix-format``) narrows which forms the views print.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType

from gcdiag.report.formats import FIX_FORMS, FORMATS, Format
from gcdiag.report.model import Report

# The renderer module of each format: the one registry, keyed by the one Format enum.
_MODULES = {
    Format.TABLE: "table",
    Format.YAML: "data",
    Format.JSON: "data",
    Format.JUNIT: "junit",
    Format.MARKDOWN: "markdown",
    Format.CSV: "csvtext",
}

__all__ = ["FORMATS", "prepare", "render", "render_many"]


def _check_format(fmt: str) -> Format:
    try:
        return Format(fmt)
    except ValueError:
        raise ValueError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}") from None


def _width(module: ModuleType, width: int | None) -> dict[str, object]:
    """A terminal's width, and that the table must fit it; else the table's fixed width."""
    return {"width": width, "fit": True} if width else {"width": module.WIDTH, "fit": False}


def _module(fmt: str) -> ModuleType:
    return importlib.import_module(f"gcdiag.render.{_MODULES[_check_format(fmt)]}")


def prepare(fmt: str) -> None:
    """Load the renderer of ``fmt`` now, so rendering later costs no import (the CLI calls this while it waits
    on the network)."""
    _module(fmt)


def render(
    report: Report,
    fmt: str,
    *,
    color: bool = False,
    width: int | None = None,
    fix_forms: Sequence[str] | None = None,
) -> str:
    """The report as text in ``fmt`` (one of :data:`FORMATS`), ending with a newline.

    ``color`` and ``width`` (a terminal's columns; None: the fixed width of saved output) only affect
    ``table``; the other formats never carry escape codes. ``fix_forms`` (default: all) chooses the code forms
    of fix steps the views print; yaml/json always carry the whole report.
    """
    module = _module(fmt)
    forms = FIX_FORMS if fix_forms is None else tuple(fix_forms)
    if fmt == "table":
        return str(module.render(report, color=color, fix_forms=forms, **_width(module, width)))
    if fmt == "yaml":
        return str(module.render_yaml(report))
    if fmt == "json":
        return str(module.render_json(report))
    return str(module.render(report, fix_forms=forms))


def render_many(
    reports: Sequence[Report],
    fmt: str,
    *,
    color: bool = False,
    title: str = "",
    generated_at: str | None = None,
    width: int | None = None,
    fix_forms: Sequence[str] | None = None,
) -> str:
    """Many reports (``gcdiag smoke``) as one document in ``fmt``.

    ``title`` names the run (table/markdown heading, JUnit ``<testsuites name>``, ``title`` key of the smoke
    document). ``generated_at`` stamps the yaml/json smoke document; by default the newest report's stamp.
    """
    module = _module(fmt)
    reports = list(reports)
    forms = FIX_FORMS if fix_forms is None else tuple(fix_forms)
    if fmt == "table":
        return str(
            module.render_many(reports, color=color, title=title, fix_forms=forms, **_width(module, width))
        )
    if fmt == "yaml":
        return str(module.render_many_yaml(reports, title=title, generated_at=generated_at))
    if fmt == "json":
        return str(module.render_many_json(reports, title=title, generated_at=generated_at))
    return str(module.render_many(reports, title=title, fix_forms=forms))
