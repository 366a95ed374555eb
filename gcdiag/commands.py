"""What each CLI command does, once its options are parsed (imported lazily by :mod:`gcdiag.cli`).

Each ``run_*`` function turns options into inputs, calls the package, emits the document and returns the exit
code. Input problems are one line and exit 2, found before any request is sent.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from gcdiag.cli import check_id_value, emit_report, emit_text, fail, opts, output_prefs, settings_from
from gcdiag.model import ExitCode


def _catalog() -> Any:
    from gcdiag.catalog import load_bundled

    return load_bundled()


def _checkset(checks_dirs: tuple[str, ...] | list[str]) -> Any:
    from gcdiag.plugins import load_checkset
    from gcdiag.plugins import PluginError

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
    from gcdiag.cli import _read_input_file
    from gcdiag.events import EventError, parse_event

    conversation = check_id_value(conversation, "--conversation")
    recording = check_id_value(recording, "--recording")
    event_info = None
    if event_query and not event_file:
        fail("--event-query needs --event FILE")
    if event_file:
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
    from gcdiag.lookups import Inputs

    call = parse_call(kw["call"])
    conversation, recording, event_info = resolve_ids(
        kw["id"], kw["conversation_id"], kw["recording_id"], kw["event_file"], kw["event_query"], call
    )
    error_body = parse_error_body(kw["error_body"])
    checkset = _checkset(kw["checks_dir"])
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
    return diagnose_and_emit(ctx, settings, inputs, checkset, only=kw["only"], skip=kw["skip"], attempt=kw["attempt"])


def diagnose_and_emit(
    ctx: click.Context,
    settings: Any,
    inputs: Any,
    checkset: Any,
    *,
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    attempt: bool = False,
    scenario_name: str = "recording-stop",
    notes: tuple[str, ...] = (),
) -> int:
    from gcdiag.diagnose import Options, Session, diagnose
    from gcdiag.pipeline import SCENARIOS

    prefs = output_prefs(ctx)
    session = Session.open(settings)
    try:
        report = diagnose(
            scenario=SCENARIOS[scenario_name],
            session=session,
            inputs=inputs,
            catalog=_catalog(),
            checkset=checkset,
            options=Options(only=tuple(only), skip=tuple(skip), debug=prefs["debug"], attempt=attempt),
            notes=notes,
        )
    except ValueError as exc:  # unknown --only/--skip ids
        fail(str(exc))
    return emit_report(ctx, report, session.secrets())


def run_checks_list(ctx: click.Context, scenario: str | None, checks_dir: tuple[str, ...]) -> None:
    checkset = _checkset(checks_dir)
    rows = [c for c in checkset.checks if scenario is None or scenario in c.scenarios]
    fmt = output_prefs(ctx)["format"]
    data = [c.to_dict() for c in rows]
    if fmt in ("json", "yaml"):
        emit_text(ctx, _dump(data, fmt))
        return
    from tabulate import tabulate

    table = tabulate(
        [[c.id, "yes" if c.blocking else "no", ",".join(c.scenarios), c.kind, c.source, c.title] for c in rows],
        headers=["id", "blocking", "scenarios", "kind", "source", "title"],
    )
    emit_text(ctx, table + "\n")


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def run_catalog_show(ctx: click.Context, method: str, path: str) -> int:
    from gcdiag.catalog import split_call

    try:
        method, path = split_call(f"{method} {path}")
    except ValueError as exc:
        fail(str(exc))
    catalog = _catalog()
    match = catalog.match(method, path)
    fmt = output_prefs(ctx)["format"]
    if match is None:
        others = catalog.methods_for(path)
        hint = f"; that path exists with {', '.join(others)}" if others else ""
        click.echo(f"{method} {path}: not a public API operation in the {catalog.source} catalog{hint}", err=True)
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


def run_catalog_list(ctx: click.Context, tag: str | None) -> None:
    catalog = _catalog()
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
        [op.method, op.path, op.permission_type or "-", ", ".join(op.permissions) or "-",
         "?" if op.scopes is None else ", ".join(op.scopes) or "-"]
        for op in ops
    ]
    emit_text(ctx, tabulate(rows, headers=["method", "path", "type", "permissions", "scopes"]) + "\n")


def run_report_show(ctx: click.Context, file: str) -> int:
    from gcdiag.reportio import ReportError, load_reports

    try:
        reports = load_reports(file)
    except ReportError as exc:
        fail(str(exc))
    from gcdiag.render import render, render_many
    from gcdiag.redact import Redactor

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
    from gcdiag.lookups import Inputs
    from gcdiag.sandbox import FixtureError, Sandbox, load_fixture
    from gcdiag.settings import resolve_settings

    try:
        org = load_fixture(fixture)
    except FixtureError as exc:
        fail(str(exc))
    demo = org.demo
    if not demo:
        fail(f"fixture {fixture} has no demo: block")
    checkset = _checkset(())
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
        return diagnose_and_emit(
            ctx, settings, inputs, checkset, notes=(f"Run against the built-in sandbox org {fixture!r}.",)
        )


__all__ = ["opts"]
