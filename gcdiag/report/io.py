"""Reading saved reports back (``gcdiag report show FILE``), and validating report documents.

A report file is YAML or JSON (the same document; its JSON Schema is
``gcdiag/report/schema.json``). A smoke run writes one document holding many reports::

    {gcdiag: {version, report_schema}, generated_at, kind: smoke, [title,] items: [report, ...]}

Every problem is a :class:`ReportError` whose message is ONE line naming the file and what is wrong (not
found, malformed YAML/JSON with its line, not a mapping, not a gcdiag report, unknown ``report_schema``, or
the first path failing the schema), fit to print before exiting with code 2. Validation is ``jsonschema``'s
(Draft 2020-12) against the schema file, imported only when a report is read.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gcdiag import __version__
from gcdiag.report.model import READABLE_SCHEMAS, Report, verdict_disagreement
from gcdiag.util.documents import json_type
from gcdiag.util.text import one_line

SMOKE_KIND = "smoke"
# A report is tens of KB; a smoke document of a few hundred items a few MB.
MAX_REPORT_BYTES = 16 * 1024 * 1024
SUPPORTED_SCHEMAS = READABLE_SCHEMAS

PathPart = str | int


class ReportError(Exception):
    """A saved report cannot be used; the message is one line, ready to print before exiting with code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message, 400))


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading ------------------------------------------------------------------------------------------------


def _looks_like_text(source: str) -> bool:
    if "\n" in source:
        return True
    # A one-line argument is a path whenever such a file exists ("[prod] report.json" is a file name).
    if os.path.exists(source):
        return False
    stripped = source.lstrip("\ufeff \t\r")
    return not stripped or stripped.startswith(("{", "["))


def read_source(source: str | os.PathLike[str]) -> tuple[str, str]:
    """``(text, origin)`` from a path (``os.PathLike``, one-line string), ``-`` (stdin) or document text.

    At most :data:`MAX_REPORT_BYTES` are read (``/dev/zero`` ends)."""
    from gcdiag.util.files import TooLarge, read_file_capped, read_stdin_capped

    if isinstance(source, str) and source == "-":
        try:
            data = read_stdin_capped(MAX_REPORT_BYTES, "the report on stdin")
        except TooLarge as exc:
            raise ReportError(str(exc)) from None
        return _decode(data, "<stdin>"), "<stdin>"
    if isinstance(source, str) and _looks_like_text(source):
        return source, "the report text"
    origin = str(source)
    try:
        data = read_file_capped(Path(source), MAX_REPORT_BYTES, f"report {origin}")
    except TooLarge as exc:
        raise ReportError(f"cannot read {exc}") from None
    except FileNotFoundError:
        raise ReportError(f"cannot read report {origin}: file not found") from None
    except IsADirectoryError:
        raise ReportError(f"cannot read report {origin}: it is a directory") from None
    except OSError as exc:
        raise ReportError(f"cannot read report {origin}: {exc.strerror or type(exc).__name__}") from None
    return _decode(data, origin), origin


def _decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"cannot read report {origin}: not UTF-8 text (byte {exc.start})") from None


@functools.lru_cache(maxsize=1)
def _yaml_loader() -> type:
    from gcdiag.util import yamlio  # lazy: start-up time matters for the CLI

    class Loader(yamlio.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
        """SafeLoader without the timestamp resolver: a hand-edited ``generated_at: 2026-11-28T15:00:00Z``
        stays the string the schema (and JSON) expects instead of becoming a datetime."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }
    return Loader


def parse_document(text: str, origin: str = "the report text") -> Any:
    """Parse YAML or JSON. A ``.json`` file must be strict JSON; other text starting with ``{``/``[`` may be
    JSON or YAML flow style, and gets the JSON error when it is neither."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ReportError(f"{origin} is empty: not a gcdiag report")
    from gcdiag.util import yamlio
    from gcdiag.util.documents import DocumentError, load_json, load_yaml

    is_json_file = origin.lower().endswith(".json")
    if stripped.startswith(("{", "[")) or is_json_file:
        try:
            return load_json(text.lstrip("\ufeff"), what=origin)
        except DocumentError as exc:
            raise ReportError(str(exc)) from None
        except json.JSONDecodeError as exc:
            json_error = f"{origin} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        if is_json_file:
            raise ReportError(json_error)
        # YAML flow style ({gcdiag: {...}}) also starts with a brace: accept it, but if it is neither, the
        # author meant JSON and gets the JSON error.
        try:
            return load_yaml(text, what=origin, loader=_yaml_loader())
        except DocumentError as exc:
            raise ReportError(str(exc)) from None
        except yamlio.YAMLError:
            raise ReportError(json_error) from None

    try:
        # A safe loader subclass (no arbitrary objects), and no aliases, deep nesting or huge numbers.
        return load_yaml(text, what=origin, loader=_yaml_loader())
    except DocumentError as exc:
        raise ReportError(str(exc)) from None
    except yamlio.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ReportError(
            f"{origin} is not valid YAML: {where}{exc.problem or exc.context or 'syntax error'}"
        ) from None
    except yamlio.YAMLError as exc:
        raise ReportError(
            f"{origin} is not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc}"
        ) from None


# --- validation ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from importlib.resources import files

    loaded: dict[str, Any] = json.loads(
        files("gcdiag.report").joinpath("schema.json").read_text(encoding="utf-8")
    )
    return loaded


def report_schema() -> dict[str, Any]:
    """The report JSON Schema (draft 2020-12), as a fresh copy."""
    return copy.deepcopy(_schema())


def format_path(parts: Sequence[PathPart]) -> str:
    """``["results", 2, "status"]`` → ``results[2].status``; ``[]`` → ``the top level``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


def _describe(keyword: str, value: Any, instance: Any, subschema: Mapping[str, Any]) -> str:
    """One short message per schema keyword (jsonschema's own messages repeat the whole instance)."""
    if keyword == "type":
        wanted = value if isinstance(value, list) else [value]
        return f"expected {' or '.join(wanted)}, got {json_type(instance)}"
    if keyword == "enum":
        return f"{_short(instance)} is not one of {', '.join(str(v) for v in value)}"
    if keyword == "const":
        return f"expected {value!r}, got {_short(instance)}"
    if keyword == "required" and isinstance(instance, Mapping):
        missing = [key for key in value if key not in instance]
        return f"missing required key {missing[0]!r}" if missing else "missing a required key"
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        known = subschema.get("properties", {})
        extra = [key for key in instance if key not in known]
        return f"unexpected key {_short(extra[0])}" if extra else "unexpected key"
    if keyword == "pattern":
        return f"{_short(instance)} does not match {value}"
    if keyword == "minLength":
        return "must not be empty" if value == 1 else f"is shorter than {value} characters"
    if keyword == "minimum":
        return f"{_short(instance)} is below the minimum {value}"
    return f"fails {keyword}"


def _schema_problem(doc: Any) -> tuple[tuple[PathPart, ...], str] | None:
    """The first schema violation of ``doc`` as ``(path, message)``, or None."""
    import jsonschema

    validator = _validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is None:
        return None
    keyword = str(error.validator)
    if keyword in (
        "type",
        "enum",
        "const",
        "required",
        "additionalProperties",
        "pattern",
        "minLength",
        "minimum",
    ):
        message = _describe(keyword, error.validator_value, error.instance, error.schema)
    else:
        message = error.message
    return tuple(error.absolute_path), message


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(_schema())


def _check_meta(doc: Mapping[str, Any], origin: str, what: str) -> None:
    meta = doc.get("gcdiag")
    if not isinstance(meta, Mapping):
        raise ReportError(f"{origin} is not a gcdiag {what}: its 'gcdiag' key is not a mapping")
    version = meta.get("report_schema")
    if version not in SUPPORTED_SCHEMAS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in SUPPORTED_SCHEMAS)
        found = "no report_schema" if version is None else f"report_schema {_short(version)}"
        raise ReportError(
            f"{origin} has {found}; this gcdiag ({__version__}) reads report_schema {supported}"
        )


def validate_report_dict(d: Any, *, origin: str = "the report", path: Sequence[PathPart] = ()) -> None:
    """Raise :class:`ReportError` unless ``d`` is a valid report document (``Report.to_dict()`` shape)."""
    where = f"{origin} ({format_path(path)})" if path else origin
    if not isinstance(d, Mapping):
        raise ReportError(f"{where} is not a gcdiag report: the document is {json_type(d)}, not a mapping")
    if "gcdiag" not in d:
        raise ReportError(f"{where} is not a gcdiag report: it has no 'gcdiag' key")
    _check_meta(d, where, "report")
    problem = _schema_problem(d)
    if problem is not None:
        at, message = problem
        raise ReportError(
            f"{origin} does not follow the gcdiag report schema: at {format_path((*path, *at))}: {message}"
        )


def is_smoke_document(doc: Any) -> bool:
    return isinstance(doc, Mapping) and doc.get("kind") == SMOKE_KIND


def _validate_smoke(doc: Mapping[str, Any], origin: str) -> list[Mapping[str, Any]]:
    _check_meta(doc, origin, "smoke document")
    unexpected = [k for k in doc if k not in ("gcdiag", "generated_at", "kind", "title", "items")]
    if unexpected:
        raise ReportError(
            f"{origin} does not follow the gcdiag smoke document: unexpected key {_short(unexpected[0])}"
        )
    items = doc.get("items")
    if not isinstance(items, list):
        raise ReportError(
            f"{origin} does not follow the gcdiag smoke document: 'items' must be a list of reports"
        )
    if not items:
        raise ReportError(f"{origin} is a smoke document with no items: nothing to show")
    for index, item in enumerate(items):
        validate_report_dict(item, origin=origin, path=("items", index))
    return items


def _to_report(doc: Mapping[str, Any], origin: str) -> Report:
    try:
        report = Report.from_dict(doc)
    except (KeyError, TypeError, ValueError) as exc:  # the schema should have caught it; stay one line anyway
        raise ReportError(f"{origin} cannot be read as a report: {type(exc).__name__}: {exc}") from None
    problem = verdict_disagreement(report.verdict, report.results)
    if problem is not None:
        raise ReportError(f"{origin} contradicts itself: {problem}; it was edited after gcdiag wrote it")
    return report


def _document(source: str | os.PathLike[str]) -> tuple[Any, str]:
    text, origin = read_source(source)
    doc = parse_document(text, origin)
    if not isinstance(doc, Mapping):
        raise ReportError(f"{origin} is not a gcdiag report: the document is {json_type(doc)}, not a mapping")
    if "gcdiag" not in doc:
        raise ReportError(f"{origin} is not a gcdiag report: it has no 'gcdiag' key")
    kind = doc.get("kind")
    if kind is not None and kind != SMOKE_KIND:
        raise ReportError(f"{origin} is a gcdiag document of unknown kind {_short(kind)}")
    return doc, origin


def load_report(source: str | os.PathLike[str]) -> Report:
    """One report from a YAML/JSON file (a path, ``-`` for stdin) or from document text."""
    doc, origin = _document(source)
    if is_smoke_document(doc):
        count = len(doc["items"]) if isinstance(doc.get("items"), list) else 0
        raise ReportError(f"{origin} is a smoke document with {count} reports: read it with load_reports")
    validate_report_dict(doc, origin=origin)
    return _to_report(doc, origin)


def load_reports(source: str | os.PathLike[str]) -> list[Report]:
    """The reports of a report file (one) or of a smoke document (each item, in order)."""
    doc, origin = _document(source)
    if is_smoke_document(doc):
        return [_to_report(item, origin) for item in _validate_smoke(doc, origin)]
    validate_report_dict(doc, origin=origin)
    return [_to_report(doc, origin)]
