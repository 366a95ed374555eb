"""What each CLI command does, once its options are parsed (imported lazily by :mod:`gcdiag.cli`).

Each ``run_*`` function turns options into inputs, calls the package, emits the document and returns the exit
code. Input problems are one line and exit 2, found before any request is sent.

This module is on the start-up path of every diagnosis, before the token request goes out, so it imports
only click at module level; the rest of gcdiag is imported where it is used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from gcdiag.cli import (
    check_id_value,
    emit_report,
    emit_text,
    fail,
    opts,
    output_prefs,
    prepare_emit,
    settings_from,
)


def open_session(ctx: click.Context, settings: Any) -> Any:
    """The API clients for this run, with the retry pacing the user chose (--backoff, --retry-after-cap)."""
    from gcdiag.session import Session

    given = opts(ctx)
    options: dict[str, Any] = {}
    if given.get("backoff") is not None:
        options["backoff_base"] = float(given["backoff"])
    if given.get("retry_after_cap") is not None:
        options["retry_after_cap"] = float(given["retry_after_cap"])
    return Session.open(settings, **options)


def _catalog(settings: Any = None, max_age_days: float = 7.0) -> Any:
    """The live catalog of the target region when refreshed recently, else the bundled one; and which it is."""
    from gcdiag.livecatalog import cache_key_for, load_catalog

    if settings is None or settings.api_url is None:
        return load_catalog(cache_key=None, max_age_days=max_age_days)
    key = cache_key_for(settings.region.name if settings.region else None, settings.api_url)
    return load_catalog(cache_key=key, max_age_days=max_age_days)


def _checkset(checks_dirs: tuple[str, ...] | list[str]) -> Any:
    from gcdiag.plugins import PluginError, load_checkset

    try:
        return load_checkset([Path(d) for d in checks_dirs])
    except PluginError as exc:
        fail(str(exc))


def parse_call(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    from gcdiag.catalog import split_call

    try:
        method, _ = split_call(text)
    except ValueError as exc:
        fail(f"--call: {exc}")
    # Keep the path as typed (placeholders and all) for the report; matching normalises it.
    return method, text.strip().split()[1]


def parse_error_body(value: str | None) -> Any:
    if value is None:
        return None
    from gcdiag.cli import _read_input_file
    from gcdiag.errors import parse_error_body as parse

    text = _read_input_file(value, "--error-body")
    if not text.strip():
        fail(f"--error-body {value} is empty")
    return parse(text)


def resolve_ids(
    id_arg: str | None,
    conversation: str | None,
    recording: str | None,
    event_file: str | None,
    event_query: str | None,
    call: tuple[str, str] | None,
) -> tuple[str | None, str | None, dict[str, Any] | None]:
    """Work out conversation and recording ids from the argument, the flags, an event payload or the call path."""
    conversation = check_id_value(conversation, "--conversation")
    recording = check_id_value(recording, "--recording")
    event_info = None
    if event_query and not event_file:
        fail("--event-query needs --event FILE")
    if event_file:
        from gcdiag.cli import _read_input_file
        from gcdiag.events import EventError, parse_event

        text = _read_input_file(event_file, "--event")
        try:
            found = parse_event(text, event_file if event_file != "-" else "stdin", event_query)
        except EventError as exc:
            fail(str(exc))
        event_info = found.to_dict()
        conversation = conversation or check_id_value(found.conversation_id, "the event's conversation id")
        recording = recording or check_id_value(found.recording_id, "the event's recording id")
    if id_arg is not None:
        value = check_id_value(id_arg, "ID")
        if value in (conversation, recording):
            pass
        elif conversation is None:
            conversation = value
        elif recording is None:
            recording = value
    if conversation is None and call is not None:
        from gcdiag.catalog import normalise_path

        # A concrete id in the call's path (…/calls/<id>/recordingstate) names the conversation.
        parts = normalise_path(call[1]).split("/")
        if "conversations" in parts:
            after = parts[parts.index("conversations") + 1 :]
            candidates = [p for p in after if _is_id(p)]
            if candidates:
                conversation = candidates[0]
    if conversation is None:
        if recording is not None:
            fail(
                "a recording id alone does not name its conversation: pass --conversation ID, or --event FILE with "
                "the recording notification (it carries conversationId)"
            )
        fail("missing ID: give a conversation id (gcdiag recording-stop CONVERSATION_ID)")
    return conversation, recording, event_info


def _is_id(value: str) -> bool:
    from gcdiag.ids import is_id

    return is_id(value)


def run_recording_stop(ctx: click.Context, **kw: Any) -> int:
    from gcdiag.inputs import Inputs

    call = parse_call(kw["call"])
    conversation, recording, event_info = resolve_ids(
        kw["id"], kw["conversation_id"], kw["recording_id"], kw["event_file"], kw["event_query"], call
    )
    error_body = parse_error_body(kw["error_body"])
    settings = settings_from(ctx)
    if kw["attempt"] and not kw["yes"]:
        if not sys.stdin.isatty():
            fail("--attempt changes the org: confirm with --yes when not on a terminal")
        click.confirm("--attempt will really make the call against the org. Continue?", abort=True, err=True)
    enforced = {"yes": True, "no": False}.get(kw["scopes_enforced"])
    inputs = Inputs(
        conversation_id=conversation,
        recording_id=recording,
        call=call,
        error_body=error_body,
        audit_window_days=kw["audit_window"],
        scopes_enforced=enforced,
        event=event_info,
    )
    return diagnose_and_emit(
        ctx, settings, inputs, kw["checks_dir"], only=kw["only"], skip=kw["skip"], attempt=kw["attempt"]
    )


def diagnose_and_emit(
    ctx: click.Context,
    settings: Any,
    inputs: Any,
    checks_dirs: tuple[str, ...] = (),
    *,
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    attempt: bool = False,
    scenario_name: str = "recording-stop",
    notes: tuple[str, ...] = (),
    catalog_max_age: float = 7.0,
    use_catalog: Any = None,
) -> int:
    """Diagnose and print the report, sending the token requests as early as correctness allows.

    Most of a diagnosis is waiting on the network, so the order matters. The tokens are requested as soon as
    the settings are known; the checks load while that round trip is in flight (the look-ups they need start
    when it ends); the operation catalog and the renderer load last, in the background, while the look-ups
    wait for their answers (nothing needs them sooner). Only when the user named checks (--only/--skip/
    --checks-dir) are the checks loaded first, so that a wrong id or a broken plugin is refused before any
    request is sent.
    """
    from gcdiag.background import Background

    prefs = output_prefs(ctx)
    user_named_checks = bool(only or skip or checks_dirs)
    checkset = _selected_checkset(checks_dirs, scenario_name, only, skip) if user_named_checks else None
    session = open_session(ctx, settings)
    session.warm_up()
    if checkset is None:
        checkset = _selected_checkset(checks_dirs, scenario_name, only, skip)

    from gcdiag.diagnose import Options, diagnose
    from gcdiag.pipeline import SCENARIOS

    catalog = (
        Background.done(use_catalog)
        if use_catalog is not None
        else Background(lambda: _catalog(settings, catalog_max_age), name="gcdiag-catalog")
    )
    Background(lambda: prepare_emit(prefs["format"]), name="gcdiag-prepare-output")
    report = diagnose(
        scenario=SCENARIOS[scenario_name],
        session=session,
        inputs=inputs,
        catalog=catalog,
        checkset=checkset,
        options=Options(only=tuple(only), skip=tuple(skip), debug=prefs["debug"], attempt=attempt),
        notes=notes,
    )
    return emit_report(ctx, report, session.secrets())


def _selected_checkset(
    checks_dirs: tuple[str, ...], scenario_name: str, only: tuple[str, ...], skip: tuple[str, ...]
) -> Any:
    """The loaded checks, after refusing unknown --only/--skip ids (a usage error: one line, exit 2)."""
    from gcdiag.pipeline import SCENARIOS, select_checks

    checkset = _checkset(checks_dirs)
    try:
        select_checks(checkset.checks, SCENARIOS[scenario_name], only=only, skip=skip)
    except ValueError as exc:
        fail(str(exc))
    return checkset


def run_checks_list(ctx: click.Context, scenario: str | None, checks_dir: tuple[str, ...]) -> None:
    _plain_format(ctx, "checks list")
    checkset = _checkset(checks_dir)
    rows = [c for c in checkset.checks if scenario is None or scenario in c.scenarios]
    fmt = output_prefs(ctx)["format"]
    data = [c.to_dict() for c in rows]
    if fmt in ("json", "yaml"):
        emit_text(ctx, _dump(data, fmt))
        return
    from tabulate import tabulate

    table = tabulate(
        [
            [c.id, "yes" if c.blocking else "no", ",".join(c.scenarios), c.kind, c.source, c.title]
            for c in rows
        ],
        headers=["id", "blocking", "scenarios", "kind", "source", "title"],
    )
    emit_text(ctx, table + "\n")


def _plain_format(ctx: click.Context, command: str) -> str:
    """Commands that print a listing, not a report, write table, yaml or json; refuse the rest up front."""
    fmt = str(output_prefs(ctx)["format"])
    if fmt not in ("table", "yaml", "json"):
        fail(f"{command} writes table, yaml or json; -o {fmt} is for reports (recording-stop, can-i, smoke)")
    return fmt


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from gcdiag.render.common import dump_yaml

    return dump_yaml(data)


def run_catalog_show(ctx: click.Context, method: str, path: str) -> int:
    _plain_format(ctx, "catalog show")
    from gcdiag.catalog import split_call
    from gcdiag.model import ExitCode

    try:
        method, path = split_call(f"{method} {path}")
    except ValueError as exc:
        fail(str(exc))
    catalog, note = _catalog(_optional_settings(ctx))
    click.echo(f"catalog: {note}", err=True)
    match = catalog.match(method, path)
    fmt = output_prefs(ctx)["format"]
    if match is None:
        others = catalog.methods_for(path)
        hint = f"; that path exists with {', '.join(others)}" if others else ""
        click.echo(
            f"{method} {path}: not a public API operation in the {catalog.source} catalog{hint}", err=True
        )
        return int(ExitCode.WOULD_FAIL)
    data = {**match.operation.to_dict(), "path_params": match.path_params}
    if fmt in ("json", "yaml"):
        emit_text(ctx, _dump(data, fmt))
    else:
        from tabulate import tabulate

        rows = [[k, _cell(v)] for k, v in data.items()]
        emit_text(ctx, tabulate(rows, tablefmt="plain") + "\n")
    return 0


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
    return "-" if value is None or value == "" else str(value)


def run_catalog_refresh(ctx: click.Context) -> int:
    from gcdiag.livecatalog import CatalogError, cache_key_for, refresh
    from gcdiag.model import ExitCode

    settings = _optional_settings(ctx)
    if settings.api_url is None:
        fail("no region or API URL: pass --region (e.g. us_east_1) or --api-url")
    key = cache_key_for(settings.region.name if settings.region else None, settings.api_url)
    show = sys.stderr.isatty()

    def progress(done: int, total: int | None) -> None:
        if show:
            size = f"{done / 1e6:.1f}" + (f"/{total / 1e6:.1f}" if total else "")
            click.echo(f"\rdownloading swagger: {size} MB", err=True, nl=False)

    try:
        result = refresh(settings.api_url, cache_key=key, progress=progress)
    except CatalogError as exc:
        if show:
            click.echo("", err=True)
        click.echo(f"gcdiag: error: {exc}", err=True)
        return int(ExitCode.INCOMPLETE)
    if show:
        click.echo("", err=True)
    state = "not modified; cache kept" if result.not_modified else f"{result.bytes_downloaded / 1e6:.1f} MB"
    emit_text(
        ctx,
        f"live catalog for {key}: {result.operations} operations, swagger {result.spec_version or '?'} "
        f"({state}, {result.duration_s:.1f} s) -> {result.path}\n",
    )
    return 0


def _optional_settings(ctx: click.Context) -> Any:
    """Settings when a region or API URL is known (to pick its live catalog); credentials are not needed."""
    return settings_from(ctx, need_identity=False)


def run_catalog_list(ctx: click.Context, tag: str | None) -> None:
    _plain_format(ctx, "catalog list")
    catalog, note = _catalog(_optional_settings(ctx))
    click.echo(f"catalog: {note}", err=True)
    ops = [op for op in catalog if tag is None or op.tag.lower() == tag.lower()]
    if tag and not ops:
        fail(f"no operations with tag {tag!r}; tags: {', '.join(catalog.tags())}")
    fmt = output_prefs(ctx)["format"]
    if fmt in ("json", "yaml"):
        keys = ("method", "path", "permissionType", "permissions", "scopes", "scope_evidence", "source")
        emit_text(ctx, _dump([{k: op.to_dict()[k] for k in keys} for op in ops], fmt))
        return
    from tabulate import tabulate

    rows = [
        [
            op.method,
            op.path,
            op.permission_type or "-",
            ", ".join(op.permissions) or "-",
            "?" if op.scopes is None else ", ".join(op.scopes) or "-",
        ]
        for op in ops
    ]
    emit_text(ctx, tabulate(rows, headers=["method", "path", "type", "permissions", "scopes"]) + "\n")


def run_report_show(ctx: click.Context, file: str) -> int:
    from gcdiag.reportio import ReportError, load_reports

    try:
        reports = load_reports(file)
    except ReportError as exc:
        fail(str(exc))
    from gcdiag.redact import Redactor
    from gcdiag.render import render, render_many

    prefs = output_prefs(ctx)
    redactor = Redactor((), personal=prefs["redact"])
    safe = [redactor.report(r) for r in reports]
    if len(safe) == 1:
        emit_text(ctx, render(safe[0], prefs["format"], color=prefs["color"]))
        return int(safe[0].exit_code)
    emit_text(ctx, render_many(safe, prefs["format"], color=prefs["color"]))
    return max(int(r.exit_code) for r in safe)


def run_demo(ctx: click.Context, fixture: str) -> int:
    """Start the sandbox in-process, diagnose the fixture's live recording with its own credentials, stop."""
    from gcdiag.inputs import Inputs
    from gcdiag.sandbox import FixtureError, Sandbox, load_fixture
    from gcdiag.settings import resolve_settings

    try:
        org = load_fixture(fixture)
    except FixtureError as exc:
        fail(str(exc))
    demo = org.demo
    if not demo:
        fail(f"fixture {fixture} has no demo: block")
    with Sandbox(org) as sandbox:
        flags: dict[str, Any] = {"api_url": sandbox.url, "login_url": sandbox.url}
        if demo.get("subject_token"):
            flags["token"] = demo["subject_token"]
        else:
            flags["client_id"] = demo["subject_client"]
            flags["client_secret"] = org.client_secret(demo["subject_client"])
        if demo.get("inspector_client"):
            flags["inspector_client_id"] = demo["inspector_client"]
            flags["inspector_client_secret"] = org.client_secret(demo["inspector_client"])
        settings = resolve_settings(flags, {})
        call = parse_call(demo.get("call")) if demo.get("call") else None
        inputs = Inputs(
            conversation_id=demo["conversation"],
            recording_id=demo.get("recording"),
            call=call,
            scopes_enforced=demo.get("scopes_enforced"),
        )
        click.echo(f"gcdiag demo: sandbox org {fixture!r} at {sandbox.url}", err=True)
        if demo.get("description"):
            click.echo(f"  {' '.join(str(demo['description']).split())}", err=True)
        from gcdiag.catalog import CatalogChoice, load_bundled

        return diagnose_and_emit(
            ctx,
            settings,
            inputs,
            notes=(f"Run against the built-in sandbox org {fixture!r}.",),
            # The sandbox's port changes every run; the bundled catalog keeps the demo's output reproducible.
            use_catalog=CatalogChoice(load_bundled(), "bundled catalog"),
        )


# --- can-i ------------------------------------------------------------------------------------------------------------


def run_can_i(ctx: click.Context, **kw: Any) -> int:
    from gcdiag.inputs import Inputs

    if kw["list_mode"]:
        if kw["method"] or kw["path"]:
            fail("--list takes no METHOD PATH; use --tag to choose the API area")
        if not kw["tag"]:
            fail("--list needs --tag, e.g. --tag Recording (see gcdiag catalog list)")
        return run_can_i_list(ctx, kw["tag"], kw["division"], kw["catalog_max_age"])
    if not kw["method"] or not kw["path"]:
        fail("usage: gcdiag can-i METHOD PATH (e.g. gcdiag can-i GET /api/v2/conversations/ID)")
    call = parse_call(f"{kw['method']} {kw['path']}")
    error_body = parse_error_body(kw["error_body"])
    settings = settings_from(ctx)
    inputs = Inputs(
        call=call,
        error_body=error_body,
        division=kw["division"],
        scopes_enforced={"yes": True, "no": False}.get(kw["scopes_enforced"]),
    )
    return diagnose_and_emit(
        ctx,
        settings,
        inputs,
        kw["checks_dir"],
        only=kw["only"],
        skip=kw["skip"],
        scenario_name="can-i",
        catalog_max_age=kw["catalog_max_age"],
    )


def run_can_i_list(ctx: click.Context, tag: str, division: str | None, max_age: float) -> int:
    """Every operation of one API area, and whether the identity's grants allow it (permissions × division)."""
    _plain_format(ctx, "can-i --list")
    from gcdiag.authz import evaluate
    from gcdiag.diagnose import facts_for
    from gcdiag.inputs import Inputs
    from gcdiag.model import ExitCode

    settings = settings_from(ctx)
    catalog, note = _catalog(settings, max_age)
    ops = [op for op in catalog if op.tag.lower() == tag.lower()]
    if not ops:
        fail(f"no operations with tag {tag!r}; tags: {', '.join(catalog.tags())}")
    session = open_session(ctx, settings)
    inputs = Inputs(division=division)
    with facts_for(session, inputs, catalog, scenario="can-i") as facts:
        facts.prefetch(["identity", "grants", "target_divisions"])
        grant_set, grant_error = facts.outcome("grants")
        where, where_error = facts.outcome("target_divisions")
    rows: list[dict[str, Any]] = []
    for op in ops:
        row: dict[str, Any] = {
            "method": op.method,
            "path": op.path,
            "permissionType": op.permission_type,
            "permissions": list(op.permissions),
        }
        if grant_error is not None or where_error is not None:
            row.update(allowed=None, why=(grant_error or where_error).line())  # type: ignore[union-attr]
        else:
            ev = evaluate(
                op.permission_type, op.permissions, grant_set.grants, list(where.ids) if where else None
            )
            row.update(
                allowed=ev.allowed,
                why=ev.deciding.reason
                if ev.deciding
                else (
                    "no permission documented"
                    if not op.permissions
                    else f"missing {', '.join(ev.missing or ev.held_elsewhere)}"
                ),
            )
        rows.append(row)
    from gcdiag.redact import Redactor

    redactor = Redactor(session.secrets())
    doc = {"catalog": note, "tag": tag, "division": where.to_dict() if where else None, "operations": rows}
    fmt = output_prefs(ctx)["format"]
    if fmt in ("json", "yaml"):
        emit_text(ctx, redactor.text(_dump(doc, fmt)))
    else:
        from tabulate import tabulate

        table = tabulate(
            [
                [r["method"], r["path"], {True: "yes", False: "no", None: "unknown"}[r["allowed"]], r["why"]]
                for r in rows
            ],
            headers=["method", "path", "allowed", "why"],
        )
        emit_text(ctx, redactor.text(f"catalog: {note}\n{table}\n"))
    unknown = any(r["allowed"] is None for r in rows)
    return int(ExitCode.INCOMPLETE) if unknown else 0


# --- smoke ------------------------------------------------------------------------------------------------------------


def run_smoke_command(ctx: click.Context, **kw: Any) -> int:
    from gcdiag.background import Background
    from gcdiag.diagnose import Options, diagnose
    from gcdiag.lookups import RequestCache
    from gcdiag.pipeline import SCENARIOS
    from gcdiag.redact import Redactor
    from gcdiag.render import render_many
    from gcdiag.smoke import SmokeError, load_smoke_file, run_smoke, smoke_inputs

    try:
        items = load_smoke_file(kw["file"])
    except SmokeError as exc:
        fail(str(exc))
    checkset = _checkset(kw["checks_dir"])
    known = set(checkset.ids())
    for item in items:
        unknown = [c for c in item.expect_failing if c not in known]
        if unknown:
            fail(f"{kw['file']}: {item.name}: expect_failing names unknown check id(s) {', '.join(unknown)}")
    settings = settings_from(ctx)
    prefs = output_prefs(ctx)
    session = open_session(ctx, settings)
    catalog = Background.done(_catalog(settings))
    cache = RequestCache()
    skip = () if kw["with_audit"] else ("audit.recent-changes",)

    def one(item: Any) -> Any:
        scenario = SCENARIOS[item.scenario]
        skips = tuple(
            s for s in skip if any(c.id == s and item.scenario in c.scenarios for c in checkset.checks)
        )
        return diagnose(
            scenario=scenario,
            session=session,
            inputs=smoke_inputs(item),
            catalog=catalog,
            checkset=checkset,
            options=Options(
                skip=skips, debug=prefs["debug"], skip_reason="not run in smoke without --with-audit"
            ),
            cache=cache,
            notes=(f"smoke item: {item.name}",),
            own_requests_only=True,
        )

    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            width = 30
            filled = int(width * done / total)
            click.echo(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", err=True, nl=done == total
            )

    reports, code = run_smoke(
        items, one, fail_on_warn=kw["fail_on"] == "warn", workers=kw["workers"], progress=progress
    )
    redactor = Redactor(session.secrets(), personal=prefs["redact"])
    safe = [redactor.report(r) for r in reports]
    emit_text(
        ctx, render_many(safe, prefs["format"], color=prefs["color"], title=f"gcdiag smoke {kw['file']}")
    )
    matched = sum(1 for r in safe if r.results[-1].status.value == "pass")
    total_requests = len(session.log.records())
    click.echo(
        f"smoke: {matched}/{len(safe)} item(s) as expected; {total_requests} request(s) "
        f"({total_requests / max(1, len(safe)):.2f} per item); exit {code}",
        err=True,
    )
    for report in safe:
        last = report.results[-1]
        if last.status.value != "pass":
            click.echo(
                redactor.text(f"  {last.status.value.upper()}: {last.title}: {last.summary}"), err=True
            )
    return code


# --- whoami -----------------------------------------------------------------------------------------------------------


def run_whoami(ctx: click.Context) -> int:
    _plain_format(ctx, "whoami")
    from gcdiag.diagnose import facts_for, whoami_document
    from gcdiag.inputs import Inputs
    from gcdiag.model import ExitCode
    from gcdiag.redact import Redactor

    settings = settings_from(ctx)
    session = open_session(ctx, settings)
    catalog, _ = _catalog(settings)
    with facts_for(session, Inputs(), catalog, scenario="whoami") as facts:
        doc, complete = whoami_document(facts)
    prefs = output_prefs(ctx)
    redactor = Redactor(session.secrets(), personal=prefs["redact"])
    doc = redactor.data(doc)
    if prefs["format"] in ("json", "yaml"):
        emit_text(ctx, _dump(doc, prefs["format"]))
    else:
        emit_text(ctx, _whoami_table(doc))
    return 0 if complete else int(ExitCode.INCOMPLETE)


def _whoami_table(doc: dict[str, Any]) -> str:
    from tabulate import tabulate

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


# --- explain-error ----------------------------------------------------------------------------------------------------


def run_explain_error(ctx: click.Context, file: str, call_text: str | None) -> int:
    from gcdiag.cli import _read_input_file
    from gcdiag.errors import explain

    text = _read_input_file(file, "error body")
    stripped = text.strip()
    if not stripped:
        fail(f"the error body {file} is empty")
    if stripped[0] in "{[":
        import json

        try:
            json.loads(stripped)
        except json.JSONDecodeError as exc:
            fail(f"the error body is malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
    call = parse_call(call_text)
    given = opts(ctx)
    has_identity = any(given.get(k) for k in ("client_id", "token", "profile")) or any(
        os.environ.get(k)
        for k in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_ACCESS_TOKEN", "GCDIAG_PROFILE")
    )
    if call is not None and has_identity:
        from gcdiag.errors import parse_error_body as parse
        from gcdiag.inputs import Inputs

        settings = settings_from(ctx)
        inputs = Inputs(call=call, error_body=parse(text))
        return diagnose_and_emit(ctx, settings, inputs, scenario_name="can-i")
    _plain_format(ctx, "explain-error without credentials")
    doc = explain(text)
    if call is not None:
        catalog, note = _catalog(None)
        match = catalog.match(*call)
        doc["call"] = {
            "given": f"{call[0]} {call[1]}",
            "operation": match.operation.to_dict() if match else None,
            "catalog": note,
            "note": "offline: give credentials to check the identity with can-i",
        }
    from gcdiag.redact import Redactor

    prefs = output_prefs(ctx)
    doc = Redactor(_secrets_from_env(), personal=prefs["redact"]).data(doc)
    if prefs["format"] in ("json", "yaml"):
        emit_text(ctx, _dump(doc, prefs["format"]))
    else:
        emit_text(ctx, _explain_text(doc))
    return 0


def _secrets_from_env() -> list[str]:
    from gcdiag.cli import _env_secrets

    return _env_secrets()


def _explain_text(doc: dict[str, Any]) -> str:
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


__all__ = ["opts"]
