"""Renderers: one report (or a smoke run's many) as table, yaml, json, junit or markdown text.

Renderers print what the report says and decide nothing: the verdict, statuses, blocking flags and fix come
from the :class:`~gcdiag.model.Report` as given. Redaction happens before rendering (``gcdiag.redact``); the
CLI passes only redacted reports here. Heavy libraries (tabulate, PyYAML) are imported inside the functions
that use them, since start-up time matters for the CLI.

Format summary (details in each module's docstring):

* ``table``    — terminal table (id, status, summary; blocking checks as ``FAIL*``), verdict line, fix, notes;
  ANSI colour only with ``color=True``.
* ``yaml`` / ``json`` — exactly ``Report.to_dict()``; many reports →
  ``{gcdiag, generated_at, kind: smoke, items}``.
* ``junit``    — JUnit XML, one ``<testsuite>`` per report inside one ``<testsuites>``.
* ``markdown`` — a ticket-ready summary with collapsed evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

from gcdiag.model import Report

FORMATS = ("table", "yaml", "json", "junit", "markdown")

__all__ = ["FORMATS", "render", "render_many"]


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return fmt


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The report as text in ``fmt`` (one of :data:`FORMATS`), ending with a newline.

    ``color`` only affects ``table``; the other formats never carry escape codes.
    """
    fmt = _check_format(fmt)
    if fmt == "table":
        from gcdiag.render import table

        return table.render(report, color=color)
    if fmt == "yaml":
        from gcdiag.render import data

        return data.render_yaml(report)
    if fmt == "json":
        from gcdiag.render import data

        return data.render_json(report)
    if fmt == "junit":
        from gcdiag.render import junit

        return junit.render(report)
    from gcdiag.render import markdown

    return markdown.render(report)


def render_many(
    reports: Sequence[Report],
    fmt: str,
    *,
    color: bool = False,
    title: str = "",
    generated_at: str | None = None,
) -> str:
    """Many reports (``gcdiag smoke``) as one document in ``fmt``.

    ``title`` names the run (table/markdown heading, JUnit ``<testsuites name>``, ``title`` key of the smoke
    document). ``generated_at`` stamps the yaml/json smoke document; by default the newest report's stamp.
    """
    fmt = _check_format(fmt)
    reports = list(reports)
    if fmt == "table":
        from gcdiag.render import table

        return table.render_many(reports, color=color, title=title)
    if fmt == "yaml":
        from gcdiag.render import data

        return data.render_many_yaml(reports, title=title, generated_at=generated_at)
    if fmt == "json":
        from gcdiag.render import data

        return data.render_many_json(reports, title=title, generated_at=generated_at)
    if fmt == "junit":
        from gcdiag.render import junit

        return junit.render_many(reports, title=title)
    from gcdiag.render import markdown

    return markdown.render_many(reports, title=title)
