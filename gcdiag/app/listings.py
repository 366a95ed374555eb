"""The listing commands: what gcdiag knows or can read, not a diagnosis (whoami, catalog, checks list,
``can-i --list``, explain-error without credentials, ``report show``).

Each writes a table or the data (YAML/JSON) through the one output path; report-only formats are refused up
front (exit 2).
"""

from __future__ import annotations

from typing import Any

import click

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.app.wiring import choose_catalog, load_checkset, open_session, settings_for
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import Facts
from gcdiag.inputs import InputError
from gcdiag.inputs.call import parse_call
from gcdiag.inputs.files import read_input_file
from gcdiag.report.model import Cause, ExitCode
from gcdiag.settings.model import Credentials, Settings
from gcdiag.settings.options import IDENTITY_ENV


def run_checks_list(inv: Invocation, scenario: str | None, checks_dir: tuple[str, ...]) -> int:
    from gcdiag.render.listing import checks_table

    output = Output(inv)
    output.listing_format("checks list")
    checkset = load_checkset(checks_dir)
    rows = [c.to_dict() for c in checkset.checks if scenario is None or scenario in c.scenarios]
    output.document(rows, checks_table)
    return 0


def run_catalog_show(inv: Invocation, method: str, path: str) -> int:
    from gcdiag.genesys.catalog import split_call
    from gcdiag.render.listing import operation_table

    output = Output(inv)
    output.listing_format("catalog show")
    try:
        method, path = split_call(f"{method} {path}")
    except ValueError as exc:
        raise InputError(str(exc)) from None
    catalog, note = choose_catalog(settings_for(inv, need_identity=False))
    output.note(f"catalog: {note}")
    match = catalog.match(method, path)
    if match is None:
        others = catalog.methods_for(path)
        hint = f"; that path exists with {', '.join(others)}" if others else ""
        output.note(f"{method} {path}: not a public API operation in the {catalog.source} catalog{hint}")
        return int(ExitCode.WOULD_FAIL)
    output.document({**match.operation.to_dict(), "path_params": match.path_params}, operation_table)
    return 0


def run_catalog_refresh(inv: Invocation) -> int:
    from gcdiag.client.swagger_download import refresh
    from gcdiag.genesys.catalog import CatalogError, load_bundled
    from gcdiag.genesys.catalog_cache import cache_key_for

    output = Output(inv)
    settings = settings_for(inv, need_identity=False)
    if settings.api_url is None:
        raise InputError("no region or API URL: pass --region (e.g. us_east_1) or --api-url")
    key = cache_key_for(settings.api_url)
    show = inv.stderr_isatty

    def progress(done: int, total: int | None) -> None:
        if show:
            size = f"{done / 1e6:.1f}" + (f"/{total / 1e6:.1f}" if total else "")
            click.echo(f"\rdownloading swagger: {size} MB", err=True, nl=False)

    # A document far smaller than the bundled catalog is not a region's API (the sandbox serves a few
    # operations): it may not replace a catalog unless the user insists.
    minimum = 0 if inv.option("force") else len(load_bundled()) // 2
    try:
        result = refresh(
            settings.api_url,
            cache_key=key,
            progress=progress,
            timeout=settings.timeout,
            deadline=max(settings.deadline, settings.run_deadline),
            minimum=minimum,
        )
    except CatalogError as exc:
        if show:
            click.echo("", err=True)
        output.note(f"gcdiag: error: {exc}")
        return int(ExitCode.INCOMPLETE)
    if show:
        click.echo("", err=True)
    state = "not modified; cache kept" if result.not_modified else f"{result.bytes_downloaded / 1e6:.1f} MB"
    output.write(
        f"live catalog for {key}: {result.operations} operations, swagger {result.spec_version or '?'} "
        f"({state}, {result.duration_s:.1f} s) -> {result.path}\n"
    )
    return 0


def run_catalog_list(inv: Invocation, tag: str | None) -> int:
    from gcdiag.render.listing import operations_table

    output = Output(inv)
    output.listing_format("catalog list")
    catalog, note = choose_catalog(settings_for(inv, need_identity=False))
    output.note(f"catalog: {note}")
    ops = [op for op in catalog if tag is None or op.tag.lower() == tag.lower()]
    if tag and not ops:
        raise InputError(f"no operations with tag {tag!r}; tags: {', '.join(catalog.tags())}")
    keys = ("method", "path", "permissionType", "permissions", "scopes", "scope_evidence", "source")
    output.document([{k: op.to_dict()[k] for k in keys} for op in ops], operations_table)
    return 0


def run_report_show(inv: Invocation, file: str) -> int:
    from gcdiag.report.io import ReportError, load_reports

    output = Output(inv, reads=(file,))
    try:
        reports = load_reports(file)
    except ReportError as exc:
        raise InputError(str(exc)) from None
    safe = output.reports(reports)
    return max(int(r.exit_code) for r in safe)


# --- reads of the identity ---------------------------------------------------------------------------------------


def run_can_i_list(inv: Invocation, tag: str, division: str | None, max_age: float) -> int:
    """Every operation of one API area, and whether the identity's grants allow it (permissions × division)."""
    from gcdiag.app.diagnose import facts_for
    from gcdiag.genesys.authz import evaluate
    from gcdiag.inputs.model import Inputs
    from gcdiag.render.listing import can_i_list_table

    output = Output(inv)
    output.listing_format("can-i --list")
    settings = settings_for(inv)
    catalog, note = choose_catalog(settings, max_age)
    ops = [op for op in catalog if op.tag.lower() == tag.lower()]
    if not ops:
        raise InputError(f"no operations with tag {tag!r}; tags: {', '.join(catalog.tags())}")
    session = open_session(inv, settings)
    with facts_for(session, Inputs(division=division), catalog, scenario="can-i") as facts:
        facts.prefetch(["identity", "grants", "target_divisions"])
        if division:
            from gcdiag.app.divisions import resolve_division

            resolve_division(division, facts)  # an unknown --division: exit 2, one line
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
        problem = grant_error or where_error
        if problem is not None:
            row.update(allowed=None, why=problem.line())
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
    doc = {"catalog": note, "tag": tag, "division": where.to_dict() if where else None, "operations": rows}
    output.document(doc, can_i_list_table, session.secrets())
    unknown = any(r["allowed"] is None for r in rows)
    return int(ExitCode.INCOMPLETE) if unknown else 0


def run_whoami(inv: Invocation) -> int:
    from gcdiag.app.diagnose import facts_for
    from gcdiag.inputs.model import Inputs
    from gcdiag.render.listing import whoami_table

    output = Output(inv)
    output.listing_format("whoami")
    settings = settings_for(inv)
    session = open_session(inv, settings)
    catalog, _ = choose_catalog(settings)
    with facts_for(session, Inputs(), catalog, scenario="whoami") as facts:
        doc, code = whoami_document(facts, settings)
    output.document(doc, whoami_table, session.secrets())
    return code


def configured_from(settings: Settings) -> dict[str, Any]:
    """Where the settings came from: the profile and its file, the environment variables, how each identity
    signs in (never a value)."""

    def signs_in(credentials: Credentials | None) -> str | None:
        if credentials is None:
            return None
        how = "bearer token" if credentials.kind == "token" else "client id and secret"
        where = {"flag": "flags", "env": "environment"}.get(credentials.source, credentials.source)
        return f"{how} ({where.replace('profile:', 'profile ')})"

    return {
        "profile": settings.profile,
        "profile_file": settings.profile_path,
        "environment": list(settings.env_used),
        "subject": signs_in(settings.subject),
        "inspector": signs_in(settings.inspector),
    }


def whoami_document(facts: Facts, settings: Settings | None = None) -> tuple[dict[str, Any], int]:
    """Everything ``gcdiag whoami`` shows, and its exit code: 0; 1 when the subject's credentials were refused (every
    call made with them fails); 3 when something else could not be read."""
    from gcdiag.genesys.constants import ALL_DIVISIONS
    from gcdiag.pipeline.causes import CREDENTIALS, cause_of, group_errors

    facts.prefetch(["identity", "grants", "divisions"])
    ctx: RunContext = facts.context
    doc: dict[str, Any] = {"api_url": ctx.api_url, "region": ctx.region or None}
    if settings is not None:
        doc["configured_from"] = configured_from(settings)
    identity, _ = facts.outcome("identity")
    if identity is not None:
        doc["identity"] = identity.to_dict()
        doc["scopes_note"] = (
            "scopes do not apply to client credentials; roles and divisions do"
            if identity.kind == "client_credentials"
            else "the scopes authorized for this OAuth client (they matter when the org enforces scopes)"
        )
    grant_set, _ = facts.outcome("grants")
    if grant_set is not None:
        grants = []
        effective: dict[str, list[str]] = {}
        for g in grant_set.grants:
            perms = sorted({*g.role.permissions, *(p.text for p in g.role.policies)})
            grants.append(
                {
                    "role": {"id": g.role.id, "name": g.role.name},
                    "division": {"id": g.division_id, "label": g.division_label},
                    "permissions": perms,
                }
            )
            key = "all divisions (*)" if g.division_id == ALL_DIVISIONS else g.division_label
            effective[key] = sorted({*effective.get(key, []), *perms})
        doc["grants"] = grants
        doc["grants_source"] = grant_set.source
        doc["effective_permissions"] = effective
        doc["permission_notation"] = (
            "domain:entity:action; a policy lists its actions comma-separated, * = all"
        )
    facts.outcome("divisions")
    # Each failure once, as the shared cause it is (one refused token is one line, not one per look-up).
    causes = [cause_of(cid, group) for cid, group in group_errors(facts.errors().values()).items()]

    def line(cause: Cause) -> str:
        steps = " ".join((*cause.fix, *cause.see_more))
        return f"{cause.summary} — {steps}" if steps else cause.summary

    refused = [c for c in causes if c.kind == CREDENTIALS and c.id == "token-subject"]
    if refused:
        doc["refused"] = line(refused[0])  # every call made with these credentials fails: said in one line
    doc["could_not_read"] = [line(c) for c in causes if c not in refused]
    return doc, int(ExitCode.WOULD_FAIL) if refused else (int(ExitCode.INCOMPLETE) if causes else 0)


def run_explain_error(inv: Invocation, file: str, call_text: str | None) -> int:
    from gcdiag.genesys.errors import explain
    from gcdiag.render.listing import explain_text

    text = read_input_file(file, "error body")
    stripped = text.strip()
    if not stripped:
        raise InputError(f"the error body {file} is empty")
    if stripped[0] in "{[":
        import json

        from gcdiag.util.documents import DocumentError, json_error_text, load_json

        try:
            load_json(stripped, what="the error body")
        except DocumentError as exc:
            raise InputError(str(exc)) from None
        except json.JSONDecodeError as exc:
            raise InputError(f"the error body is malformed JSON ({json_error_text(exc)})") from None
    call = parse_call(call_text)
    has_identity = any(inv.option(k) for k in ("client_id", "token", "profile")) or any(
        inv.environ.get(k) for k in IDENTITY_ENV
    )
    if call is not None and not has_identity:
        # The Genesys CLI's DEFAULT profile gives credentials too, when it exists (gcdiag help profiles).
        from gcdiag.settings.model import SettingsError
        from gcdiag.settings.options import SETTING_ENV
        from gcdiag.settings.resolve import resolve_settings

        try:
            quiet = resolve_settings({k: inv.option(k) for k in SETTING_ENV}, inv.environ)
        except SettingsError:
            quiet = None
        has_identity = quiet is not None and quiet.subject is not None and quiet.api_url is not None
    if call is not None and has_identity:
        from gcdiag.app.run import diagnose_and_emit
        from gcdiag.genesys.errors import parse_error_body as parse
        from gcdiag.inputs.model import Inputs

        settings = settings_for(inv)
        return diagnose_and_emit(
            inv, settings, Inputs(call=call, error_body=parse(text)), scenario_name="can-i", reads=(file,)
        )
    output = Output(inv, reads=(file,))
    output.listing_format("explain-error without credentials")
    doc = explain(text)
    if call is not None:
        catalog, note = choose_catalog(None)
        match = catalog.match(*call)
        doc["call"] = {
            "given": f"{call[0]} {call[1]}",
            "operation": match.operation.to_dict() if match else None,
            "catalog": note,
            "note": "offline: give credentials to check the identity with can-i",
        }
    output.document(doc, explain_text)
    return 0
