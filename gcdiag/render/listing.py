"""Tables for the listing commands (whoami, catalog, checks list, can-i --list, explain-error offline).

Like every renderer, these print what the document says and decide nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tabulate import tabulate


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = ()) -> str:
    """A plain column table, one trailing newline."""
    if headers:
        return tabulate(rows, headers=list(headers)) + "\n"
    return tabulate(rows, tablefmt="plain") + "\n"


def cell(value: Any) -> str:
    """One value as table text: lists comma-joined, mappings as k=v, nothing as ``-``."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
    return "-" if value is None or value == "" else str(value)


def checks_table(checks: Sequence[dict[str, Any]]) -> str:
    return table(
        [
            [
                c["id"],
                "yes" if c["blocking"] else "no",
                ",".join(c["scenarios"]),
                c["kind"],
                c["source"],
                c["title"],
            ]
            for c in checks
        ],
        ["id", "blocking", "scenarios", "kind", "source", "title"],
    )


def operation_table(data: dict[str, Any]) -> str:
    return table([[k, cell(v)] for k, v in data.items()])


def operations_table(ops: Sequence[dict[str, Any]]) -> str:
    return table(
        [
            [
                op["method"],
                op["path"],
                op["permissionType"] or "-",
                ", ".join(op["permissions"]) or "-",
                "?" if op["scopes"] is None else ", ".join(op["scopes"]) or "-",
            ]
            for op in ops
        ],
        ["method", "path", "type", "permissions", "scopes"],
    )


def can_i_list_table(doc: dict[str, Any]) -> str:
    rows = [
        [r["method"], r["path"], {True: "yes", False: "no", None: "unknown"}[r["allowed"]], r["why"]]
        for r in doc["operations"]
    ]
    return f"catalog: {doc['catalog']}\n" + table(rows, ["method", "path", "allowed", "why"])


def whoami_table(doc: dict[str, Any]) -> str:
    ident = doc.get("identity") or {}
    client = ident.get("client") or {}
    user = ident.get("user") or {}
    org = ident.get("org") or {}
    lines = [
        f"org:      {org.get('name')} ({org.get('id')})  {doc.get('region') or ''} {doc.get('api_url')}",
        f"identity: {ident.get('kind')} (grant {ident.get('grant_type')})",
        f"client:   {client.get('name')} ({client.get('id')}), state {client.get('state')}",
        f"user:     {user.get('name')} ({user.get('id')})" if user else "user:     none (client credentials)",
        f"scopes:   {', '.join(ident.get('scopes') or []) or '-'}  ({doc.get('scopes_note')})",
        "",
    ]
    grants = doc.get("grants") or []
    if grants:
        lines.append(
            tabulate(
                [
                    [g["role"]["name"], g["role"]["id"], g["division"]["label"], len(g["permissions"])]
                    for g in grants
                ],
                headers=["role", "role id", "division", "permissions"],
            )
        )
    for problem in doc.get("could_not_read") or []:
        lines.append(problem)  # FactError.line(): already "could not read <fact>: …"
    lines.append("(-o yaml lists the effective permissions per division)")
    return "\n".join(lines) + "\n"


def explain_text(doc: dict[str, Any]) -> str:
    lines = [doc["verdict"]]
    for key in ("status", "code", "meaning", "evidence", "message", "contextId"):
        if doc.get(key) not in (None, ""):
            lines.append(f"  {key}: {doc[key]}")
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
