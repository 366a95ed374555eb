"""The views of a ``who-can`` document: table, Markdown and CSV (YAML and JSON are the document itself).

Like every renderer these print what the document says and decide nothing: who holds what, how and where, what
could not be read, and the ``--expect-none`` result all come from :mod:`gcdiag.app.whocan`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from gcdiag.render.csvtext import write_rows
from gcdiag.render.markdown import _cell, _code, _inline

WIDTH = 100
KIND_LABEL = {
    "oauth_client": "OAuth client",
    "user": "user",
    "group": "group",
    "trustee_user": "trustee user",
    "trustee_group": "trustee group",
    "unknown": "unknown",
}
KIND_KEY = {"oauth_client": "client", "user": "user", "group": "group"}


def subject(row: Mapping[str, Any]) -> Mapping[str, Any]:
    return row.get(KIND_KEY.get(str(row["kind"]), "subject")) or {}


def _divisions(row: Mapping[str, Any]) -> str:
    return ", ".join(str(d.get("name") or d.get("id")) for d in row.get("divisions") or ()) or "-"


def _how(row: Mapping[str, Any]) -> str:
    return ", ".join(str(h) for h in row.get("how") or ())


def _by_permission(doc: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]:
    rows = list(doc.get("holders") or ())
    return [
        (p, [r for r in rows if r["permission"] == p["permission"]]) for p in doc.get("permissions") or ()
    ]


def _title(doc: Mapping[str, Any]) -> str:
    query = doc["query"]
    if query.get("preset"):
        what = f"--{query['preset']} ({len(query['permissions'])} permissions)"
    elif query.get("call"):
        joined = f" {'or' if query.get('requirement') != 'ALL' else 'and'} ".join(query["permissions"])
        what = f"--call '{query['call']}' ({joined or 'no permission'})"
    else:
        what = query["permissions"][0]
    division = query.get("division")
    return f"who-can {what}" + (f" in {division['label']}" if division else "")


def _summary(doc: Mapping[str, Any]) -> str:
    summary = doc.get("summary") or {}
    parts = [
        f"{summary[k]} {KIND_LABEL[k]}{'s' if summary[k] != 1 else ''}" for k in KIND_LABEL if summary.get(k)
    ]
    if not doc["query"]["permissions"]:
        return "no permission is required"
    total = summary.get("subjects", 0)
    head = f"{total} holder{'s' if total != 1 else ''}" + (f": {', '.join(parts)}" if parts else "")
    return f"{head} (roles: {summary.get('roles_granting', 0)} of the {summary.get('roles_read', 0)} read grant it)"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or "-"


def _table_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    """Three columns that fit 100 characters: the holder (name, kind and state, id), the role (and the wildcard
    policy it grants through), and the grant (direct or through which group, in which divisions)."""
    body = []
    for row in rows:
        who = subject(row)
        kind = KIND_LABEL.get(str(row["kind"]), str(row["kind"]))
        state = row.get("state")
        if state and state != "active":
            kind += f", {state}"
        role = str(row["role"]["name"])
        if "wildcard policy" in (row.get("how") or ()):
            role += f" ({str(row['granted_by']).removeprefix('policy ')})"
        via = row.get("via_group")
        grant = f"via group {via['name']!r}" if via else "direct"
        grant += f", in {_divisions(row)}"
        if row.get("allowed"):
            grant += " (allowed by --allow)"
        body.append(
            [
                f"{_wrap(str(who.get('name') or '-'), 36)}\n{kind}\n{who.get('id')}",
                _wrap(role, 24),
                _wrap(grant, 30),
            ]
        )
    return _grid(["holder", "role", "grant"], body)


def _grid(headers: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """Columns of multi-line cells, a blank line between rows so each holder reads apart."""
    cells = [[c.splitlines() or [""] for c in row] for row in body]
    widths = [max([len(h), *(len(line) for row in cells for line in row[i])]) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for n, row in enumerate(cells):
        if n:
            out.append("")
        for i in range(max(len(c) for c in row)):
            out.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(out)


def _sections(doc: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(title, items) of what follows the holders: the --expect-none result, holders to know about, what could
    not be read, notes."""
    out: list[tuple[str, list[str]]] = []
    verdict = doc.get("expect_none")
    if verdict is not None:
        if verdict["passed"]:
            out.append(("expect-none: PASS — no holder outside the allow-list", []))
        else:
            count = len(verdict["violations"])
            out.append(
                (
                    f"expect-none: FAIL — {count} holder{'s' if count != 1 else ''} outside the allow-list:",
                    [
                        f"{KIND_LABEL.get(v['kind'], v['kind'])} {v['name']!r} ({v['id']})"
                        for v in verdict["violations"]
                    ],
                )
            )
    known = list(
        dict.fromkeys(
            f"{subject(r).get('name')} ({r['role']['name']}): {'; '.join(r['notes'])}"
            for r in doc.get("holders") or ()
            if r.get("notes")
        )
    )
    if known:
        out.append(("Holders to know about:", known))
    if doc.get("could_not_read"):
        out.append(("Could not read (the list may be incomplete):", [str(x) for x in doc["could_not_read"]]))
    if doc.get("notes"):
        out.append(("Notes:", [str(n) for n in doc["notes"]]))
    return out


def _footer(doc: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for title, items in _sections(doc):
        lines += ["", title]
        for item in items:
            lines += textwrap.wrap(item, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return lines


def _heading(permission: Mapping[str, Any]) -> str:
    head = str(permission["permission"])
    if permission.get("evidence"):
        head += f" [{permission['evidence']}]: {permission.get('controls')}"
    return head


def who_can_table(doc: Mapping[str, Any], width: int | None = None) -> str:
    """The table view. ``width`` is the terminal's (the listing signature); the grid is laid out by its content
    at the fixed width."""
    lines = [_title(doc), _summary(doc)]
    sections = _by_permission(doc)
    held = [(p, rows) for p, rows in sections if rows]
    for permission, rows in held:
        lines.append("")
        if len(sections) > 1 or permission.get("evidence"):
            lines += textwrap.wrap(_heading(permission), WIDTH, subsequent_indent="  ")
        lines.append(_table_rows(rows))
    nobody = [p for p, rows in sections if not rows]
    if nobody:
        where = "" if doc.get("complete") else " (among what gcdiag could read)"
        lines += ["", f"Held by nobody{where}:"]
        for permission in nobody:
            lines += textwrap.wrap(
                _heading(permission), WIDTH, initial_indent="  - ", subsequent_indent="    "
            )
    lines += _footer(doc)
    return "\n".join(lines) + "\n"


def who_can_markdown(doc: Mapping[str, Any]) -> str:
    lines = [f"# gcdiag {_inline(_title(doc))}", "", _inline(_summary(doc)), ""]
    for permission, rows in _by_permission(doc):
        head = f"## {_code(str(permission['permission']))}"
        if permission.get("evidence"):
            head += f" ({permission['evidence']})"
        lines += [head, ""]
        if permission.get("controls"):
            lines += [_inline(f"{permission['controls']}. Source: {permission.get('source')}."), ""]
        if not rows:
            lines += ["Nobody" + ("." if doc.get("complete") else " among what gcdiag could read."), ""]
            continue
        lines += [
            "| kind | holder | id | state | role | how | divisions |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows:
            who = subject(row)
            lines.append(
                f"| {KIND_LABEL.get(str(row['kind']), str(row['kind']))} | {_cell(str(who.get('name') or ''))} | "
                f"{_code(str(who.get('id')))} | {_cell(str(row.get('state') or ''))} | "
                f"{_cell(str(row['role']['name']))} ({_code(str(row['granted_by']))}) | {_cell(_how(row))} | "
                f"{_cell(_divisions(row))} |"
            )
        lines.append("")
    for title, items in _sections(doc):
        lines += [f"**{_inline(title)}**", ""]
        if items:
            lines += [f"- {_inline(item)}" for item in items]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


CSV_COLUMNS = (
    "kind",
    "id",
    "name",
    "state",
    "grant_type",
    "permission",
    "role_id",
    "role_name",
    "granted_by",
    "how",
    "via_group_id",
    "via_group_name",
    "division_ids",
    "division_names",
    "allowed",
    "notes",
)


def who_can_csv(doc: Mapping[str, Any]) -> str:
    """One row per holding; lists inside a cell are joined with ``;``."""
    rows = []
    for row in doc.get("holders") or ():
        who = subject(row)
        group = row.get("via_group") or {}
        allowed = row.get("allowed")
        rows.append(
            [
                row["kind"],
                who.get("id"),
                who.get("name"),
                row.get("state") or "",
                row.get("grant_type") or "",
                row["permission"],
                row["role"]["id"],
                row["role"]["name"],
                row["granted_by"],
                ";".join(row.get("how") or ()),
                group.get("id", ""),
                group.get("name", ""),
                ";".join(str(d["id"]) for d in row.get("divisions") or ()),
                ";".join(str(d["name"]) for d in row.get("divisions") or ()),
                "" if allowed is None else ("true" if allowed else "false"),
                ";".join(row.get("notes") or ()),
            ]
        )
    return write_rows(CSV_COLUMNS, rows)
