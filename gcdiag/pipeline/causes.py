"""Shared causes: look-ups that failed for one reason, stated once, and referred to by the results they stopped.

When the token request is refused, the host cannot be reached, or a read is denied, every check that needed that
look-up cannot run, for the same reason. Instead of each result repeating the error, the report states the cause
once (``causes``) and each such result names it (``cause``). Look-ups fail "for one reason" when they fail the same
way at the same place, which :func:`cause_id` spells as a stable id:

* ``unreachable-HOST`` — nothing reached the host (DNS, connection refused, TLS, connect timeout), whatever the
  request;
* ``token-subject`` / ``token-inspector`` — that identity got no token (its credentials refused, or the token
  request failed on the way), or its given bearer token was not accepted (401);
* ``no-answer-FACT`` — a request that reached the host got no answer (a reset, a read timeout);
* ``denied-FACT`` — a read was refused (403);
* ``not-found-PARAM`` — Genesys answered 404 for the id in the path (the conversation, a recording…);
* ``rate-limited-FACT``, ``http-STATUS-FACT``, ``unavailable-FACT`` — the rest, per look-up.

A cause **stops** the diagnosis when nothing could be read past it (no token, an unreachable host) or when a
blocking check fails on it (the conversation does not exist): the table then says it in one line. Pure functions
of :class:`~gcdiag.facts.engine.FactError` values: no HTTP, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from gcdiag.facts.engine import INSPECTOR, FactError
from gcdiag.genesys.constants import TOKEN_PATH
from gcdiag.report.model import Cause, CheckResult, Status
from gcdiag.util.text import one_line

UNREACHABLE, NO_ANSWER, CREDENTIALS, TOKEN, DENIED, NOT_FOUND, RATE_LIMITED, HTTP, UNAVAILABLE = (
    "unreachable",
    "no_answer",
    "credentials",
    "token",
    "denied",
    "not_found",
    "rate_limited",
    "http",
    "unavailable",
)
INTERNAL = "internal"
INTERNAL_PREFIX = "internal-"  # + the id of a check that raised: a bug, which ends the run with exit 4
# Kinds after which nothing could be read: the diagnosis stops there whichever check met it first.
STOPPING_KINDS = frozenset({UNREACHABLE, CREDENTIALS, TOKEN})
_SLUG = re.compile(r"[^A-Za-z0-9_.:-]+")


def _token_request(error: FactError) -> bool:
    return error.request.endswith(" " + TOKEN_PATH)


def kind_of(error: FactError) -> str:
    """What sort of failure this is (one of the module's kinds)."""
    if error.status is None and error.unreachable:
        return UNREACHABLE
    if error.status is None and error.transport:
        return TOKEN if _token_request(error) else NO_ANSWER
    if error.status is None:
        return UNAVAILABLE
    if _token_request(error):
        return CREDENTIALS if error.status in (400, 401) else TOKEN
    if error.status == 401:
        return CREDENTIALS  # a given bearer token, or one the API no longer accepts
    return {403: DENIED, 404: NOT_FOUND, 429: RATE_LIMITED}.get(error.status, HTTP)


def _not_found_param(error: FactError) -> tuple[str, str] | None:
    """The path parameter a 404 is about: the first in the path (``/conversations/{conversationId}/…``)."""
    values = dict(error.params)
    for name in re.findall(r"\{([^{}/]+)\}", error.request):
        if name in values:
            return name, values[name]
    return None


def cause_id(error: FactError) -> str:
    """The id of the shared cause this failed look-up belongs to (see the module docstring)."""
    kind = kind_of(error)
    if kind == UNREACHABLE:
        return _slug(f"unreachable-{error.host or 'api'}")
    if kind in (CREDENTIALS, TOKEN):
        return f"token-{error.identity or 'subject'}"
    if kind == DENIED:
        return _slug(f"denied-{error.fact}")
    if kind == NOT_FOUND:
        param = _not_found_param(error)
        return _slug(f"not-found-{param[0] if param else error.fact}")
    if kind == NO_ANSWER:
        return _slug(f"no-answer-{error.fact}")
    if kind == RATE_LIMITED:
        return _slug(f"rate-limited-{error.fact}")
    if kind == HTTP:
        return _slug(f"http-{error.status}-{error.fact}")
    return _slug(f"unavailable-{error.fact}")


def _slug(text: str) -> str:
    return _SLUG.sub("_", text)


def _noun(param: str) -> str:
    """``conversationId`` → ``conversation``."""
    return param[:-2] if param.endswith("Id") and len(param) > 2 else param


def _who(error: FactError) -> str:
    return "the inspector" if error.identity == INSPECTOR else "the subject"


def _representative(errors: Sequence[FactError]) -> FactError:
    """The failure that names the cause best: the request for the resource itself (shortest path), the subject's
    before the inspector's."""
    return min(
        errors,
        key=lambda e: (
            len(e.request.split(" ", 1)[-1]) if e.request else 10_000,
            e.identity == INSPECTOR,
            e.fact,
        ),
    )


def label_of(errors: Sequence[FactError]) -> str:
    """A few words for "N checks not run: <label>"."""
    error = _representative(errors)
    kind = kind_of(error)
    if kind in (CREDENTIALS, TOKEN) or (kind == UNREACHABLE and _token_request(error)):
        return "no token" if error.identity != INSPECTOR else "no inspector token"
    if kind == UNREACHABLE:
        return f"cannot reach {error.host or 'the API'}"
    if kind == NO_ANSWER:
        return f"no answer to {error.request}"
    if kind == NOT_FOUND:
        param = _not_found_param(error)
        if param and error.request.endswith("{" + param[0] + "}"):
            return f"{_noun(param[0])} not found"
        return f"{error.request} → 404"
    if kind == DENIED:
        return f"{error.request} refused (403)"
    if error.request and error.status is not None and not 200 <= error.status < 300:
        return f"{error.request} → {error.status}"
    # Nothing usable, whatever the status said (a body cut off, not JSON): the reason, never "→ 200".
    return one_line(error.reason, 160) or f"{error.fact} unavailable"


def summary_of(errors: Sequence[FactError]) -> str:
    """One line: what failed, where."""
    error = _representative(errors)
    kind = kind_of(error)
    code = f" {error.code}" if error.code else ""
    host = error.host or "the API"
    tries = f" ({error.attempts} attempts)" if error.attempts > 1 else ""
    if kind == UNREACHABLE:
        return f"cannot reach {host}: {error.transport}{tries}"
    if kind == NO_ANSWER or (kind == TOKEN and error.status is None):
        return f"no answer from {host} to {error.request}: {error.transport}{tries}"
    if kind == CREDENTIALS and _token_request(error):
        whose = "the inspector's" if error.identity == INSPECTOR else "the"
        return f"{host} refused {whose} client id and secret ({error.status}{code})"
    if kind == CREDENTIALS:
        return f"{host} did not accept {_who(error)}'s token ({error.request} → {error.status}{code})"
    if kind == TOKEN:
        return f"{host} answered {error.status}{code} to {_who(error)}'s token request"
    if kind == DENIED:
        return f"{error.request} was refused for {_who(error)} (403{code})"
    if kind == NOT_FOUND:
        param = _not_found_param(error)
        what = f" for {_noun(param[0])} {param[1]}" if param else ""
        return f"Genesys answered 404{code}{what} ({error.request})"
    if error.status is not None:  # rate limited, a server error: the API's own words and gcdiag's note
        return one_line(error.reason, 300)
    return f"could not read {error.fact}: {one_line(error.reason, 300)}"


def unreachable_remedy(error: FactError) -> str:
    """What to check when nothing answered: the host name, the network path, the certificate."""
    if "DNS" in error.transport:
        return "check the host name: --region, --api-url or --login-url"
    if "TLS" in error.transport:
        return (
            "check that --api-url/--login-url name the right host, and the certificate of any proxy in between "
            "(--ca-bundle or REQUESTS_CA_BUNDLE for a private CA)"
        )
    return "check --region/--api-url/--login-url, your network or proxy (HTTPS_PROXY), and retry"


def group_errors(errors: Iterable[FactError]) -> dict[str, list[FactError]]:
    """Failed look-ups by the shared cause they belong to, in the order first met."""
    by_id: dict[str, list[FactError]] = {}
    for error in errors:
        by_id.setdefault(cause_id(error), []).append(error)
    return by_id


def cause_of(
    cid: str, group: Sequence[FactError], requests: Sequence[Mapping[str, Any]] = (), *, stated: bool = False
) -> Cause:
    """The cause of ``group`` (look-ups that failed one way). A cause a check ``stated`` carries no remedy of its
    own (the check's fix says what to change); else the remedy of the failure: ``fix`` when changing it makes the
    diagnosed call work (the subject's refused credentials), ``see_more`` when it only lets gcdiag see."""
    error = _representative(group)
    kind = kind_of(error)
    fix: tuple[str, ...] = ()
    see_more: tuple[str, ...] = ()
    if not stated:
        remedy = unreachable_remedy(error) if kind == UNREACHABLE else error.remedy
        if remedy and error.remedy_fixes_the_call and error.identity != INSPECTOR:
            fix = (remedy,)
        elif remedy:
            see_more = (remedy,)
    return Cause(
        id=cid,
        kind=kind,
        label=label_of(group),
        summary=summary_of(group),
        detail=error.reason,
        fix=fix,
        see_more=see_more,
        request=_request_index(error, requests),
        stops=kind in STOPPING_KINDS,
    )


def build_causes(
    results: Sequence[CheckResult],
    errors: Iterable[FactError],
    requests: Sequence[Mapping[str, Any]] = (),
) -> tuple[Cause, ...]:
    """The causes the results refer to, in the order they are first referred to, each stated once."""
    by_id = group_errors(errors)
    causes = [
        Cause(id=r.cause, kind=INTERNAL, label="a bug in the check", summary=f"{r.id}: {r.summary}")
        for r in results
        if r.cause and r.cause.startswith(INTERNAL_PREFIX)
    ]
    for cid in dict.fromkeys(r.cause for r in results if r.cause and r.cause in by_id):
        stated = [r for r in results if r.cause == cid and r.status in (Status.FAIL, Status.WARN)]
        cause = cause_of(cid, by_id[cid], requests, stated=bool(stated))
        if any(r.blocking and r.status is Status.FAIL for r in stated):
            cause = replace(cause, stops=True)  # a blocking check fails on it: the verdict rests on it
        causes.append(cause)
    return tuple(causes)


def _request_index(error: FactError, requests: Sequence[Mapping[str, Any]]) -> int | None:
    """The index in the report's ``requests`` of the request that failed (its last attempt)."""
    if not error.request:
        return None
    method, _, path = error.request.partition(" ")
    found = None
    for index, record in enumerate(requests):
        if (
            record.get("method") == method
            and record.get("path") == path
            and (not error.identity or record.get("identity") == error.identity)
            and record.get("status") == error.status
        ):
            found = index
    return found
