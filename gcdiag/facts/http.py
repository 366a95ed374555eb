"""HTTP with provenance for fetch functions: one request per call, recorded on the fact that made it.

A failure becomes :class:`~gcdiag.facts.engine.FactUnavailable` whose remedy names what would let gcdiag see:
the permission the operation needs, an inspector identity, the region, or the network. Identity rule: facts
about the identity itself are read with the **subject**'s token; everything else by the **reader** (the
inspector when one was given, else the subject).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from gcdiag.client.errors import ApiError
from gcdiag.facts.context import Reader, RunContext
from gcdiag.facts.engine import INSPECTOR, SUBJECT, FactError, Facts, FactUnavailable
from gcdiag.facts.shapes import ShapeError, Spec, check_id, check_shape
from gcdiag.facts.types import Identity
from gcdiag.genesys.catalog import Operation
from gcdiag.genesys.constants import TOKEN_PATH

INSPECTOR_FLAGS = "--inspector-client-id/--inspector-client-secret or --inspector-token"


def _client(facts: Facts, identity: str) -> tuple[Reader, str]:
    ctx: RunContext = facts.context
    if identity == "reader" and ctx.inspector is not None:
        return ctx.inspector, INSPECTOR
    return ctx.subject, SUBJECT


def http(
    facts: Facts,
    fact: str,
    identity: str,
    method: str,
    template: str,
    *,
    path_params: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    body: Any = None,
    idempotent: bool | None = None,
    shape: Spec | None = None,
    expect_id: tuple[str, str, str] | None = None,
) -> Any:
    """Make one request for ``fact``; a failure becomes :class:`FactUnavailable` naming what would help.

    ``shape``: the fields and types gcdiag reads of the answer (:mod:`gcdiag.facts.shapes`); ``expect_id``:
    (field, the id asked for, what it is), compared with what came back. An answer that fails either is an
    error naming the field, never a fact.
    """

    client, who = _client(facts, identity)
    ctx: RunContext = facts.context
    if ctx.cache is not None and method == "GET":
        key = (
            who,
            template,
            tuple(sorted((path_params or {}).items())),
            tuple(sorted((params or {}).items())),
        )
        answer = ctx.cache.get(
            key,
            lambda: _send(facts, fact, client, who, method, template, path_params, params, body, idempotent),
        )
    else:
        answer = _send(facts, fact, client, who, method, template, path_params, params, body, idempotent)
    try:
        if shape is not None:
            check_shape(answer, shape)
        if expect_id is not None:
            check_id(answer, *expect_id)
    except ShapeError as exc:
        raise FactUnavailable(shape_error(fact, who, f"{method} {template}", exc)) from None
    return answer


def shape_error(fact: str, who: str, request: str, exc: ShapeError) -> FactError:
    """The FactError of an answer whose shape gcdiag does not read (a field of the wrong type, another id)."""
    model = f" (the official SDK's {exc.model} model)" if exc.model else ""
    return FactError(
        fact=fact,
        reason=f"{request} answered, but its field {exc}{model}: gcdiag decides nothing on this answer",
        request=request,
        identity=who,
        remedy="run again; if it persists, a proxy or gateway between gcdiag and Genesys alters the answers",
    )


def _send(
    facts: Facts,
    fact: str,
    client: Reader,
    who: str,
    method: str,
    template: str,
    path_params: dict[str, str] | None,
    params: dict[str, Any] | None,
    body: Any,
    idempotent: bool | None,
) -> Any:
    try:
        response = client.request(
            method, template, path_params=path_params, params=params, json=body, idempotent=idempotent
        )
    except ApiError as exc:
        if exc.path == TOKEN_PATH:  # the request itself was never sent: the identity's token request failed
            facts.record(exc.method, exc.path, who, exc.status)
        else:
            facts.record(method, template, who, exc.status)
        error = api_fact_error(facts, fact, who, method, template, exc)
        raise FactUnavailable(replace(error, params=tuple(sorted((path_params or {}).items())))) from None
    facts.record(method, template, who, response.status)
    if response.json is None and method in ("GET", "POST"):
        # Every read gcdiag makes answers with a JSON body; a 2xx without one (cut off by a proxy, an HTML page)
        # is data gcdiag did not get, never an empty fact.
        why = f": {response.problem}" if response.problem else " (cut off or not JSON)"
        raise FactUnavailable(
            FactError(
                fact=fact,
                reason=f"{method} {template} answered {response.status} without a JSON body gcdiag reads{why}",
                request=f"{method} {template}",
                identity=who,
                status=response.status,
                correlation_id=response.correlation_id or "",
                remedy="run again; if it persists, a proxy or gateway between gcdiag and Genesys alters responses",
            )
        )
    return response.json


def api_fact_error(facts: Facts, fact: str, who: str, method: str, template: str, exc: ApiError) -> FactError:
    """Turn an API failure into a FactError whose remedy names the permission or identity that would help."""
    ctx: RunContext = facts.context
    status = exc.status
    if exc.path == TOKEN_PATH:
        return _token_fact_error(fact, who, exc)
    op = ctx.catalog.get(method, template)
    request = f"{method} {template}"
    if exc.kind == "deadline":
        remedy = (
            f"{exc.host or 'the API'} did not answer in time: check network access to it, or allow more time "
            "(--deadline for one request, --run-deadline for the whole diagnosis)"
        )
    elif exc.kind == "too_large":
        remedy = (
            "the answer was larger than gcdiag reads: a proxy or gateway between gcdiag and Genesys may alter "
            "responses"
        )
    elif status == 403:
        need = requirement_text(op)
        if who == SUBJECT and ctx.inspector is None:
            remedy = (
                f"To let gcdiag read {request}: grant {need} to the subject, or pass an inspector identity that "
                f"has it ({INSPECTOR_FLAGS})."
            )
        else:
            remedy = f"To let gcdiag read {request}: grant {need} to the {who} identity (it was refused)."
        ident, _ = facts.peek("identity")
        if who == SUBJECT and isinstance(ident, Identity) and ident.kind == "user":
            # A user token is also refused for a missing OAuth scope where the org enforces scopes (genesys-facts §1.2).
            remedy += " If the org enforces OAuth scopes, the token's scopes must also cover it."
    elif status == 401:
        remedy = f"the {who} token was not accepted (invalid or expired): check its credentials and region"
    elif status == 404:
        remedy = (
            f"Genesys answered 404 for this id in the org at {ctx.api_url or 'the configured API'}; check the id, "
            "and that the org lives in this region (likely, unconfirmed: an id from another org or region reads as "
            "not found)"
        )
    elif status == 429:
        why = f" ({exc.note})" if getattr(exc, "note", None) else ""
        remedy = f"rate limited{why}: retry later, or lower gcdiag's --rate-limit so it stays under the org's limit"
    elif status is None:
        remedy = f"no answer from the API ({exc.kind}): check network access to {ctx.api_url or 'the API'} and retry"
    else:
        remedy = f"the API answered {status}; retry, and quote the correlation id to Genesys support if it persists"
    return FactError(
        fact=fact,
        reason=str(exc),
        request=request,
        identity=who,
        status=status,
        code=exc.code or "",
        correlation_id=exc.correlation_id or "",
        remedy=remedy,
        **_where(exc),
    )


def _where(exc: ApiError) -> dict[str, Any]:
    """The host, what happened on the wire when nothing answered, and the attempts made."""
    return {
        "host": exc.host or "",
        "transport": (exc.message or exc.kind) if exc.status is None else "",
        "unreachable": exc.unreachable,
        "attempts": exc.attempts,
    }


def _token_fact_error(fact: str, who: str, exc: ApiError) -> FactError:
    """The look-up was never sent: the identity could not get a token (the request named is the token's)."""
    host = exc.host or "the login host"
    if exc.kind == "deadline":
        remedy = (
            f"{host} did not give a token in time: check network access to it and the --login-url, or allow more "
            "time (--deadline, --run-deadline)"
        )
    elif exc.kind == "too_large":
        remedy = f"{host} answered the token request with more than gcdiag reads: check the --login-url"
    elif exc.status in (400, 401):
        remedy = (
            f"check the {who}'s client id and secret, and that its OAuth client belongs to an org in this region "
            "(--region or --login-url)"
        )
    elif exc.status == 429:
        remedy = f"{host} rate-limited the token request: retry later"
    elif exc.status is None:
        remedy = (
            f"no answer from {host} ({exc.kind}): check network access to it, and the --login-url, and retry"
        )
    else:
        remedy = (
            f"{host} answered {exc.status} to the token request; retry later (this is not about permissions)"
        )
    return FactError(
        fact=fact,
        reason=f"the {who} identity could not get a token: {exc}",
        request=f"{exc.method} {exc.path}",
        identity=who,
        status=exc.status,
        code=exc.code or "",
        correlation_id=exc.correlation_id or "",
        remedy=remedy,
        **_where(exc),
    )


def requirement_text(op: Operation | None) -> str:
    if op is None or not op.permissions:
        return "a right gcdiag's catalog does not document"
    joined = ", ".join(op.permissions)
    if len(op.permissions) == 1:
        return f"the permission {joined}"
    return f"{'one of' if op.permission_type == 'ANY' else 'all of'} the permissions {joined}"


def parallel(facts: Facts, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Run look-ups side by side inside one fact, keeping provenance attributed to the calling fact."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    owner = facts.current()

    def run(item: Any) -> Any:
        with facts.acting_as(owner):
            return fn(item)

    with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
        return list(pool.map(run, items))


MAX_PAGES = 20  # a bound on any paged list gcdiag walks (100 per page: 2,000 entities)


def pages(
    facts: Facts,
    fact: str,
    identity: str,
    template: str,
    *,
    path_params: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    page_size: int = 100,
    enough: Callable[[], bool] = lambda: False,
    max_pages: int = MAX_PAGES,
    shape: Spec | None = None,
) -> Iterator[dict[str, Any]]:
    """The pages of a ``pageNumber``/``pageSize`` listing (``pageCount`` says when it ends), one request each.

    Stops after ``max_pages``, at the last page, or as soon as ``enough()`` says the caller has what it needs.
    """
    number = 1
    while True:
        body: dict[str, Any] = http(
            facts,
            fact,
            identity,
            "GET",
            template,
            path_params=path_params,
            params={**(params or {}), "pageSize": page_size, "pageNumber": number},
            shape=shape,
        )
        yield body
        if enough() or number >= page_count(body) or number >= max_pages:
            return
        number += 1


def page_count(body: dict[str, Any]) -> int:
    """A listing's ``pageCount`` (1 when it gives none)."""
    count = body.get("pageCount")
    return count if isinstance(count, int) and not isinstance(count, bool) else 1


def collect(
    facts: Facts,
    fact: str,
    identity: str,
    template: str,
    *,
    path_params: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    page_size: int = 100,
    max_pages: int = 100,
) -> tuple[list[dict[str, Any]], str]:
    """Every entity of a listing, and ``""`` — or, when it has more pages than ``max_pages``, what was left unread
    (a listing that must be complete says so instead of stopping quietly)."""
    entities: list[dict[str, Any]] = []
    read, last = 0, 1
    for body in pages(
        facts,
        fact,
        identity,
        template,
        path_params=path_params,
        params=params,
        page_size=page_size,
        max_pages=max_pages,
    ):
        read, last = read + 1, page_count(body)
        entities.extend(e for e in body.get("entities") or () if isinstance(e, dict))
    if last > read:
        return entities, (
            f"GET {template}: read {read} of {last} pages ({len(entities)} entities); gcdiag stops at "
            f"{max_pages} pages"
        )
    return entities, ""
