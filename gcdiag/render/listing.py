"""Tables for the listing commands (whoami, catalog, checks list, can-i --list, explain-error offline).

Like every renderer, these print what the document says and decide nothing. A listing fits its width: the
terminal's on a TTY, else a fixed 100 columns, so saved output stays stable. A table keeps its key columns,
leaves out the optional ones that do not fit, and cuts long cells with ``…``; a last line then says so and
that ``-o yaml`` (or json) has everything.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 100  # without a terminal
GAP = 2
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """A table column: ``shrink`` columns may be cut (never below ``minimum``); ``optional`` ones may be left out
    (the last optional one first)."""

    title: str
    shrink: bool = False
    optional: bool = False
    minimum: int = 12


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ending with ``…`` when cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None) -> str:
    """A plain table (header, rule, rows) no wider than ``width`` (None: the fixed width), one trailing newline."""
    limit = width or WIDTH
    keep = list(range(len(columns)))
    natural = [max([len(columns[c].title), *(len(r[c]) for r in rows)]) for c in range(len(columns))]

    def needed(cols: list[int]) -> int:
        least = [columns[c].minimum if columns[c].shrink else natural[c] for c in cols]
        return sum(min(n, natural[c]) for n, c in zip(least, cols, strict=True)) + GAP * (len(cols) - 1)

    dropped = []
    while needed(keep) > limit and any(columns[c].optional for c in keep):
        last = max(c for c in keep if columns[c].optional)
        keep.remove(last)
        dropped.append(columns[last].title)
    widths = {c: natural[c] for c in keep}
    over = sum(widths.values()) + GAP * (len(keep) - 1) - limit
    shrinkable = [c for c in keep if columns[c].shrink]
    while over > 0:
        room = [c for c in shrinkable if widths[c] > columns[c].minimum]
        if not room:
            break
        widths[max(room, key=lambda c: widths[c])] -= (
            1  # the widest first: cuts fall where there is most text
        )
        over -= 1
    lines = [
        "  ".join(columns[c].title.ljust(widths[c]) for c in keep).rstrip(),
        "  ".join("-" * widths[c] for c in keep),
    ]
    truncated = False
    for row in rows:
        cells = []
        for c in keep:
            text = cut(row[c], widths[c])
            truncated = truncated or text != row[c]
            cells.append(text.ljust(widths[c]))
        lines.append("  ".join(cells).rstrip())
    if dropped or truncated:
        what = [f"columns {', '.join(reversed(dropped))} left out"] if dropped else []
        what += ["… marks a cut"] if truncated else []
        lines += textwrap.wrap(f"({'; '.join(what)} to fit {limit} columns: -o yaml lists everything)", limit)
    return "\n".join(lines) + "\n"


def pairs(rows: Sequence[tuple[str, str]], width: int | None = None) -> str:
    """``key  value`` lines, values wrapped under themselves to the width (ids and paths never broken)."""
    limit = width or WIDTH
    pad = max((len(k) for k, _ in rows), default=0) + GAP
    out = []
    for key, value in rows:
        wrapped = textwrap.wrap(
            value,
            width=max(limit, pad + 20),
            initial_indent=key.ljust(pad),
            subsequent_indent=" " * pad,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += wrapped or [key]
    return "\n".join(out) + "\n"


def cell(value: Any) -> str:
    """One value as table text: lists comma-joined, mappings as k=v, nothing as ``-``."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
    return "-" if value is None or value == "" else str(value)


def checks_table(checks: Sequence[dict[str, Any]], width: int | None = None) -> str:
    columns = [
        Column("id"),
        Column("blocking"),
        Column("title", shrink=True, minimum=20),
        Column("scenarios", optional=True),
        Column("kind", optional=True),
        Column("source", shrink=True, optional=True),
    ]
    rows = [
        [
            c["id"],
            "yes" if c["blocking"] else "no",
            c["title"],
            ",".join(c["scenarios"]),
            c["kind"],
            c["source"],
        ]
        for c in checks
    ]
    return fit(columns, rows, width)


def operation_table(data: dict[str, Any], width: int | None = None) -> str:
    return pairs([(k, cell(v)) for k, v in data.items()], width)


def operations_table(ops: Sequence[dict[str, Any]], width: int | None = None) -> str:
    columns = [
        Column("method"),
        Column("path", shrink=True, minimum=24),
        Column("type"),
        Column("permissions", shrink=True, minimum=20),
        Column("scopes", shrink=True, optional=True),
    ]
    rows = [
        [
            op["method"],
            op["path"],
            op["permissionType"] or "-",
            ", ".join(op["permissions"]) or "-",
            "?" if op["scopes"] is None else ", ".join(op["scopes"]) or "-",
        ]
        for op in ops
    ]
    return fit(columns, rows, width)


def can_i_list_table(doc: dict[str, Any], width: int | None = None) -> str:
    columns = [
        Column("method"),
        Column("path", shrink=True, minimum=24),
        Column("allowed"),
        Column("why", shrink=True, minimum=16),
    ]
    rows = [
        [r["method"], r["path"], {True: "yes", False: "no", None: "unknown"}[r["allowed"]], r["why"]]
        for r in doc["operations"]
    ]
    return f"catalog: {doc['catalog']}\n" + fit(columns, rows, width)


def _named(entity: dict[str, Any] | None, what: str) -> str:
    """``'Name' (id)`` without a Python None anywhere."""
    entity = entity or {}
    name, ident = entity.get("name"), entity.get("id")
    if name and ident:
        return f"{what}'{name}' ({ident})"
    return f"{what}{ident or name or 'unknown'}"


def whoami_table(doc: dict[str, Any], width: int | None = None) -> str:
    ident = doc.get("identity") or {}
    configured = doc.get("configured_from") or {}
    rows: list[tuple[str, str]] = []
    if ident:
        org = ident.get("org") or {}
        rows.append(("org:", f"{org.get('name') or 'unknown'} ({org.get('id') or 'id unknown'})"))
    where = doc.get("api_url") or "-"
    rows.append(("api:", f"{where} (region {doc['region']})" if doc.get("region") else where))
    if ident:
        client = ident.get("client") or {}
        state = f", state {client['state']}" if client.get("state") else ""
        grant = f"grant {ident['grant_type']}" if ident.get("grant_type") else "grant unknown"
        if ident.get("user"):
            who = (
                f"{_named(ident['user'], 'user ')} through {_named(client, 'OAuth client ')} ({grant}{state})"
            )
        else:
            who = f"{_named(client, 'OAuth client ')} ({grant}{state}); no user"
        if ident.get("source"):  # the subject got no token: this is the inspector's read of its OAuth client
            who += "; read by the inspector (the subject got no token)"
        rows.append(("identity:", who))
    if configured.get("subject"):
        rows.append(("signed in:", configured["subject"]))
    rows.append(("inspector:", configured.get("inspector") or "none"))
    if configured.get("profile"):
        rows.append(("profile:", f"{configured['profile']} of {configured.get('profile_file')}"))
    if configured.get("environment"):
        rows.append(("variables:", ", ".join(configured["environment"])))
    if ident:
        scopes = ", ".join(ident.get("scopes") or []) or "none"
        rows.append(("scopes:", f"{scopes} ({doc.get('scopes_note')})" if doc.get("scopes_note") else scopes))
    lines = [pairs(rows, width).rstrip("\n")]
    grants = doc.get("grants") or []
    if grants:
        columns = [
            Column("role", shrink=True),
            Column("role id"),
            Column("division", shrink=True),
            Column("permissions"),
        ]
        table = [
            [
                g["role"]["name"] or "-",
                g["role"]["id"] or "-",
                g["division"]["label"] or "-",
                str(len(g["permissions"])),
            ]
            for g in grants
        ]
        lines += ["", fit(columns, table, width).rstrip("\n")]
    if doc.get("refused"):
        lines += ["", pairs([("refused:", doc["refused"])], width).rstrip("\n")]
    problems = doc.get("could_not_read") or []
    if problems:
        lines += ["", *(pairs([("could not read:", p)], width).rstrip("\n") for p in problems)]
    if grants:
        lines.append("(-o yaml lists the effective permissions per division)")
    return "\n".join(lines) + "\n"


def explain_text(doc: dict[str, Any], width: int | None = None) -> str:
    verdict = str(doc["verdict"])
    lines = [verdict]
    for key in ("status", "code", "meaning", "evidence", "message", "contextId"):
        value = doc.get(key)
        # What the verdict line already says is not said again.
        if value not in (None, "") and str(value) not in verdict:
            lines.append(f"  {key}: {value}")
    if doc.get("permissions"):
        lines.append(f"  permissions named: {', '.join(doc['permissions'])}")
    for problem in doc.get("problems") or []:
        lines.append(f"  - {problem}")
    call = doc.get("call")
    if call:
        op = call.get("operation")
        lines.append(
            f"call {call['given']}: "
            + (
                f"requires {op['permissionType']} {', '.join(op['permissions']) or '(none)'}"
                if op
                else "not a public API operation"
            )
        )
    return "\n".join(lines) + "\n"
