"""``gcdiag who-can``: every OAuth client, user and group that holds a permission (or can make a call), where,
through which role and how — read-only, with the inspector or a suitably privileged identity.

Exit codes (DESIGN.md): 0 the holders are listed, 1 ``--expect-none`` found a holder outside ``--allow``, 3
incomplete (something could not be read: the document says what, and what would let gcdiag read it). A holder
found outside the allow-list is a definite finding, so it exits 1 even when other reads failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gcdiag.app.divisions import resolve_division
from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.app.wiring import choose_catalog, open_session, settings_for
from gcdiag.inputs import InputError
from gcdiag.report.formats import EXPOSURE_FORMATS, Format
from gcdiag.report.model import ExitCode

if TYPE_CHECKING:
    from gcdiag.facts.exposure import Holding
    from gcdiag.facts.types import Exposure
    from gcdiag.genesys.catalog import Catalog, Operation

_PERMISSION = re.compile(r"^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$")


@dataclass(frozen=True, kw_only=True)
class WhoCanRequest:
    """``gcdiag who-can``'s own options, as typed."""

    permission: str | None = None
    division: str | None = None
    who_call: str | None = None
    recording_control: bool = False
    expect_none: bool = False
    allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """What is asked: the permissions, how they combine, and why (a permission, a call or a preset)."""

    permissions: tuple[str, ...]
    requirement: str | None  # ANY | ALL for a call; None for one permission or a preset (each listed)
    call: str | None = None
    preset: str | None = None
    operation: Operation | None = None


def parse_query(req: WhoCanRequest, catalog: Catalog) -> Query:
    """Exactly one of PERMISSION, ``--call`` and ``--recording-control`` (a usage error otherwise)."""
    given = [x for x in (req.permission, req.who_call, req.recording_control or None) if x]
    if len(given) != 1:
        raise InputError(
            "usage: gcdiag who-can PERMISSION | --call 'METHOD PATH' | --recording-control (exactly one), e.g. "
            "gcdiag who-can conversation:recording:pauseOthers"
        )
    if req.permission:
        if not _PERMISSION.match(req.permission):
            raise InputError(
                f"{req.permission!r} is not a permission: give domain:entity:action without wildcards, "
                "e.g. conversation:recording:pauseOthers"
            )
        return Query((req.permission,), None)
    if req.recording_control:
        from gcdiag.genesys.exposure import RECORDING_CONTROL

        return Query(tuple(p.permission for p in RECORDING_CONTROL), None, preset="recording-control")
    from gcdiag.genesys.catalog import split_call

    try:
        method, path = split_call(str(req.who_call))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    match = catalog.match(method, path)
    if match is None:
        raise InputError(f"{method} {path} is not a public API operation in the {catalog.source} catalog")
    op = match.operation
    return Query(tuple(op.permissions), op.permission_type, call=f"{op.method} {op.path}", operation=op)


def run_who_can(inv: Invocation, req: WhoCanRequest) -> int:
    from gcdiag.app.diagnose import facts_for
    from gcdiag.inputs.model import Inputs
    from gcdiag.render.whocan import who_can_csv, who_can_markdown, who_can_table

    output = Output(inv)
    output.listing_format("who-can", EXPOSURE_FORMATS)
    settings = _reading_settings(inv)
    choice = choose_catalog(settings)
    query = parse_query(req, choice.catalog)
    if req.allow and not req.expect_none:
        raise InputError("--allow names who may hold it; it goes with --expect-none")
    views = {Format.MARKDOWN: who_can_markdown, Format.CSV: who_can_csv}
    if not query.permissions:
        doc = _document(query, None, [], None, req, [], settings_label(settings), choice.catalog)
        doc["notes"].append(
            f"{query.call} documents no permission: any identity with a valid token can make it (scopes aside)."
        )
        output.document(doc, who_can_table, views=views)
        return 0
    session = open_session(inv, settings)
    with facts_for(
        session, Inputs(permissions=query.permissions), choice.catalog, scenario="who-can"
    ) as facts:
        facts.prefetch(["exposure"])
        division = resolve_division(req.division, facts) if req.division else None
        exposure, error = facts.outcome("exposure")
    from gcdiag.facts.exposure import holdings

    found = (
        holdings(exposure, requirement=query.requirement, division=division[0] if division else None)
        if (exposure is not None)
        else []
    )
    problems = [error] if error is not None else list(exposure.unread if exposure else ())
    doc = _document(query, exposure, found, division, req, problems, settings_label(settings), choice.catalog)
    output.document(doc, who_can_table, session.secrets(), views=views)
    if req.expect_none and doc["expect_none"]["violations"]:
        return int(ExitCode.WOULD_FAIL)
    return int(ExitCode.INCOMPLETE) if problems else 0


def _reading_settings(inv: Invocation) -> Any:
    """who-can reads with the inspector when one is given, else with the subject; an inspector alone will do."""
    from dataclasses import replace

    settings = settings_for(inv, need_identity=False)
    if settings.subject is None and settings.inspector is not None:
        settings = replace(settings, subject=settings.inspector, inspector=None)
    return settings_for(inv) if settings.subject is None or settings.api_url is None else settings


def settings_label(settings: Any) -> str:
    return str(settings.api_url or "")


KIND_KEY = {"oauth_client": "client", "user": "user", "group": "group"}


def _document(
    query: Query,
    exposure: Exposure | None,
    found: list[Holding],
    division: tuple[str, str] | None,
    req: WhoCanRequest,
    problems: list[Any],
    api_url: str,
    catalog: Catalog,
) -> dict[str, Any]:
    """The who-can document (what every format shows): the query, the holders, what could not be read."""
    from gcdiag.genesys.constants import ALL_DIVISIONS
    from gcdiag.genesys.exposure import CLIENT_STATE_NOTES, PRESETS

    names = dict(exposure.divisions) if exposure else {}
    allow = set(req.allow)
    holders: list[dict[str, Any]] = []
    for h in found:
        holder = h.holder
        row: dict[str, Any] = {"kind": holder.kind}
        row[KIND_KEY.get(holder.kind, "subject")] = {"id": holder.id, "name": holder.name}
        row["state"] = holder.state
        if holder.grant_type:
            row["grant_type"] = holder.grant_type
        row["permission"] = h.permission
        row["role"] = {"id": h.role.id, "name": h.role.name}
        row["granted_by"] = h.granted_by
        how = [f"group {holder.via_group[1]!r}" if holder.via_group else "direct"]
        if h.wildcard:
            how.append("wildcard policy")
        if h.all_divisions:
            how.append("all divisions")
        if h.conditional:
            how.append("conditional policy")
        row["how"] = how
        if holder.via_group:
            row["via_group"] = {"id": holder.via_group[0], "name": holder.via_group[1]}
        row["divisions"] = [
            {"id": d, "name": "all divisions" if d == ALL_DIVISIONS else names.get(d, "")}
            for d in h.division_ids
        ]
        notes = []
        if holder.kind == "oauth_client" and holder.state in CLIENT_STATE_NOTES:
            notes.append(CLIENT_STATE_NOTES[str(holder.state)])
        if holder.kind == "user" and holder.state not in (None, "active"):
            notes.append(f"user state {holder.state}")
        if holder.group_note:
            notes.append(holder.group_note)
        if h.conditional:
            notes.append(
                "the granting policy has a condition gcdiag does not evaluate: it may hold it only in part"
            )
        row["notes"] = notes
        if req.expect_none:
            row["allowed"] = holder.id in allow or bool(holder.via_group and holder.via_group[0] in allow)
        row["sources"] = list(holder.sources)
        holders.append(row)

    aware = dict(exposure.division_aware) if exposure else {}
    preset = {p.permission: p for p in PRESETS.get(query.preset or "", ())}
    permissions = []
    for permission in query.permissions:
        item: dict[str, Any] = {"permission": permission, "division_aware": aware.get(permission)}
        if permission in preset:
            item.update(preset[permission].to_dict(catalog))
        permissions.append(item)
    subjects = {(r["kind"], _subject_id(r)) for r in holders}
    doc: dict[str, Any] = {
        "api_url": api_url,
        "query": {
            "permissions": list(query.permissions),
            "requirement": query.requirement,
            "call": query.call,
            "preset": query.preset,
            "division": {"id": division[0], "label": division[1]} if division else None,
        },
        "permissions": permissions,
        "roles": [
            {
                "id": r.role.id,
                "name": r.role.name,
                "grants": {p: r.role.grant_reason(p) for p in query.permissions if r.role.grant_reason(p)},
            }
            for r in (exposure.roles if exposure else ())
        ],
        "holders": holders,
        "summary": {
            "subjects": len(subjects),
            **{
                kind: len({s for s in subjects if s[0] == kind})
                for kind in ("oauth_client", "user", "group", "trustee_user", "trustee_group", "unknown")
                if any(s[0] == kind for s in subjects)
            },
            "roles_read": exposure.roles_read if exposure else 0,
            "roles_granting": len(exposure.roles) if exposure else 0,
        },
        "complete": not problems,
        "could_not_read": [p.line() for p in problems],
        "notes": list(exposure.notes) if exposure else [],
    }
    if division and division[0] != ALL_DIVISIONS:
        doc["notes"].append(
            "With --division, a grant counts when it is in that division or in all divisions (*), or when the "
            "permission is not division-aware; where divisionAware is unknown the permission is taken as "
            "division-aware (unconfirmed)."
        )
    doc["notes"] += _route_notes(query)
    if any(p["permission"] == "conversation:recording:pause" for p in permissions):
        doc["notes"].append(
            "conversation:recording:pause is the inferred string form of the UI's Conversation > Recording > Pause; "
            "that this permission string exists is unconfirmed."
        )
    if req.expect_none:
        violations = sorted(
            {(r["kind"], _subject_id(r), _subject_name(r)) for r in holders if not r["allowed"]},
            key=lambda v: (v[0], v[2].lower(), v[1]),
        )
        doc["expect_none"] = {
            "allow": sorted(allow),
            "violations": [{"kind": k, "id": i, "name": n} for k, i, n in violations],
            "passed": not violations,
        }
    return doc


def _route_notes(query: Query) -> list[str]:
    """What the endpoint's permission list does not say about the recording routes (genesys-facts §3.2)."""
    from gcdiag.genesys.targets import PAUSE_PERMISSION_INFERRED, RECORD_FLAG_PERMISSION, ROUTES

    op = query.operation
    route = ROUTES.get((op.method, op.path)) if op else None
    if route == "participant-patch":
        return [
            f"Pausing through this route also needs the caller to be a participant user holding Conversation > "
            f"Recording > Pause ({PAUSE_PERMISSION_INFERRED}, an inferred name); the list covers only the "
            "operation's own permissions."
        ]
    if route == "participant-flag":
        return [
            f"The operation accepts any one of its permissions; that switching the recording flag needs "
            f"{RECORD_FLAG_PERMISSION} in particular is inferred, so holders of the others may not be able to."
        ]
    return []


def _subject_id(row: dict[str, Any]) -> str:
    return str(row[KIND_KEY.get(row["kind"], "subject")]["id"])


def _subject_name(row: dict[str, Any]) -> str:
    return str(row[KIND_KEY.get(row["kind"], "subject")]["name"])
