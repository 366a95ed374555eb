"""Parsing Genesys Cloud error response bodies, and what their codes mean.

Used by the API client (every non-2xx answer), by the ``error.body`` check (``--error-body``) and by
``gcdiag explain-error``. Parsing never raises: malformed JSON is reported as a non-JSON body.

**When is a body a Genesys ErrorBody?** The SDK's ``ErrorBody`` model (genesys-facts §6, CONFIRMED) has ``message``,
``code``, ``status`` (int), ``entityId``, ``entityName``, ``messageWithParams``, ``messageParams`` (map),
``contextId``, ``details``, ``errors`` and ``limit``. Every code genesys-facts §6 lists is lower case and
dot-separated (``bad.request``, ``missing.any.permissions``). gcdiag's rule, :func:`parse_error_body`:

* the body is a JSON object, and
* ``code`` is a string of two or more dot-separated, lower-case segments (letters, digits, ``_``, ``-``), and
* ``status`` is an integer (not a boolean) from 100 to 599, and
* ``message`` is a string, and
* nothing contradicts itself: the body's ``status`` equals the HTTP status (when the caller knows it), and
  a code of :data:`KNOWN_CODES` comes with that code's status.

Any violation is a human-readable entry of ``ParsedError.problems``; ``genesys_format`` is true exactly when
the body is a JSON object and ``problems`` is empty. That a real Genesys body always satisfies these rules is
INFERRED from the SDK model and the codes seen (genesys-facts §6, §10 item 11), not documented by Genesys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from gcdiag.util.documents import DocumentError, json_error_text, load_json

RAW_LIMIT_BYTES = 4096


@dataclass(frozen=True)
class CodeInfo:
    """What genesys-facts §6 says about one error code."""

    status: int
    meaning: str
    evidence: str
    message: str | None = None  # the message template the fact sheet quotes, when it gives one
    confirmed: bool = False  # True when genesys-facts §6 names a cross-check beyond the third-party catalogue
    alt_statuses: tuple[int, ...] = ()  # other statuses the fact sheet's table allows for this code

    @property
    def statuses(self) -> tuple[int, ...]:
        return (self.status, *self.alt_statuses)


# UNCONFIRMED (genesys-facts §6): the code table comes from a third-party Go client's error catalogue [GO3P]; only the
# three codes with a cross-check (missing.permissions, missing.any.permissions, general.conflict) have another
# source. The 503/504 row of the fact sheet lists "service.unavailable / request.timeout,
# authentication.request.timeout" without pairing each code with one status, so those three codes accept
# either status.
_GO3P = "unconfirmed: only a third-party error catalogue lists it"  # genesys-facts §6 [GO3P]
KNOWN_CODES: dict[str, CodeInfo] = {
    "bad.request": CodeInfo(
        400,
        "the server could not understand the request (malformed syntax)",
        _GO3P,
        "The request could not be understood by the server due to malformed syntax.",
    ),
    "invalid.value": CodeInfo(
        400,
        "a value in the request is not valid for its field type",
        _GO3P,
        "Value [%s] is not valid for field type [%s]...",
    ),
    "invalid.date": CodeInfo(400, "a date in the request is not valid (an ISO-8601 date is expected)", _GO3P),
    "authentication.required": CodeInfo(
        401,
        "no bearer token was sent in the Authorization header",
        _GO3P,
        "No authentication bearer token specified in authorization header.",
    ),
    "bad.credentials": CodeInfo(
        401, "the credentials (token) were not accepted", _GO3P, "Invalid login credentials."
    ),
    "credentials.expired": CodeInfo(
        401,
        "the credentials (token) have expired",
        _GO3P,
        "The supplied credentials are expired and cannot be used.",
    ),
    "missing.permissions": CodeInfo(
        403,
        "the identity lacks permission(s) the operation requires "
        "(ALL-type: every listed permission is needed)",
        "cross-checked: the message appears in MyPureCloud/platform-client-sdk-python issue #1",  # genesys-facts §6
        "Unable to perform the requested action. You are missing the following permission(s): %s",
        confirmed=True,
    ),
    "missing.any.permissions": CodeInfo(
        403,
        "the identity holds none of the permissions the operation accepts (ANY-type: one of them would do)",
        "cross-checked: matched on by several independent third-party integrations",  # genesys-facts §6
        "Unable to perform the requested action. You must have at least one of the following permissions "
        "assigned: %s",
        confirmed=True,
    ),
    "not.authorized": CodeInfo(
        403,
        "the identity is not authorized to perform the action",
        _GO3P,
        "You are not authorized to perform the requested action.",
    ),
    "not.found": CodeInfo(
        404, "the requested resource was not found", _GO3P, "The requested resource was not found."
    ),
    "general.conflict": CodeInfo(
        409,
        "the request conflicts with the current state of the resource",
        'cross-checked: the Terraform provider checks Code == "general.conflict"',  # genesys-facts §6
        confirmed=True,
    ),
    "unsupported.media.type": CodeInfo(415, "the request's content type is not supported", _GO3P),
    "too.many.requests": CodeInfo(
        429, "rate limit exceeded", _GO3P, "Rate limit exceeded the maximum [%s] requests within [%s] seconds"
    ),
    "service.unavailable": CodeInfo(503, "the service is unavailable", _GO3P, alt_statuses=(504,)),
    "request.timeout": CodeInfo(504, "the request timed out", _GO3P, alt_statuses=(503,)),
    "authentication.request.timeout": CodeInfo(
        504, "the authentication request timed out", _GO3P, alt_statuses=(503,)
    ),
}

_CODE_SHAPE = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
# The two 403 message forms of genesys-facts §6: "...missing the following permission(s): [a, b]" and "...at least one
# of the following permissions assigned: [a, b]". The list may lack its brackets (the template only says
# "%s").
_PERMISSION_LIST = re.compile(
    r"(?:missing the following permission\(s\)|at least one of the following permissions assigned)\s*:?\s*"
    r"(\[[^\]]*\]|[^\n]*)",
    re.IGNORECASE,
)
# A permission string domain:entity:action (genesys-facts §4), not part of a longer colon chain or a URL.
_PERMISSION = r"[A-Za-z][A-Za-z0-9_-]*:[A-Za-z*][A-Za-z0-9_*-]*:[A-Za-z*][A-Za-z0-9_*-]*"
_PERMISSION_FULL = re.compile(rf"^{_PERMISSION}$")
_PERMISSION_ANYWHERE = re.compile(rf"(?<![\w:/.-])({_PERMISSION})(?![\w:/-])")


@dataclass(frozen=True)
class ParsedError:
    """An error response body, parsed. See the module docstring for the ``genesys_format`` rule."""

    genesys_format: bool
    is_json: bool
    status: int | None  # the body's int status; else the HTTP status the caller gave
    code: str | None
    message: str | None
    message_params: dict[str, Any] = field(default_factory=dict)
    context_id: str | None = None
    entity_id: str | None = None
    details: tuple[dict[str, Any], ...] = ()
    permissions: tuple[str, ...] = ()
    oauth_error: str | None = None
    raw: str = ""
    problems: tuple[str, ...] = ()
    # Beyond the brief's minimum: what explain-error and the reports also show.
    http_status: int | None = None
    entity_name: str | None = None
    message_with_params: str | None = None
    oauth_description: str | None = None
    content_type: str | None = None

    @property
    def known(self) -> CodeInfo | None:
        """The code's entry in :data:`KNOWN_CODES`, if any."""
        return KNOWN_CODES.get(self.code or "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("details", "permissions", "problems"):
            data[key] = list(data[key])
        return data


def _truncate(text: str) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= RAW_LIMIT_BYTES:
        return text
    return encoded[:RAW_LIMIT_BYTES].decode("utf-8", errors="ignore")


def _as_text(body: str | bytes | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def permissions_in_message(message: str | None) -> tuple[str, ...]:
    """Permission strings a ``missing.permissions`` / ``missing.any.permissions`` message lists (genesys-facts §6)."""
    if not message:
        return ()
    found: list[str] = []
    for match in _PERMISSION_LIST.finditer(message):
        listed = match.group(1).strip().strip("[]")
        for item in re.split(r"[,\s]+", listed):
            item = item.strip().strip("'\".;")
            if _PERMISSION_FULL.match(item):
                found.append(item)
    return _unique(found)


def _permissions_in_values(value: Any) -> list[str]:
    """Every domain:entity:action string inside a messageParams value (a string, list or map)."""
    if isinstance(value, str):
        return _PERMISSION_ANYWHERE.findall(value)
    if isinstance(value, Mapping):
        return [p for v in value.values() for p in _permissions_in_values(v)]
    if isinstance(value, list):
        return [p for v in value for p in _permissions_in_values(v)]
    return []


def _dotted_guess(code: str) -> str:
    return re.sub(r"[\s_\-]+", ".", code.strip()).lower()


def _code_problems(code: Any) -> list[str]:
    if code is None:
        return [
            "no 'code' field: a Genesys ErrorBody carries a dot-separated code such as 'not.found'"  # genesys-facts §6
        ]
    if not isinstance(code, str):
        return [f"'code' is a {type(code).__name__}, not a string"]  # genesys-facts §6
    if _CODE_SHAPE.match(code):
        return []
    if "." not in code:
        guess = _dotted_guess(code)
        example = guess if guess in KNOWN_CODES else "not.found"
        return [
            f"code {code!r} is not dot-separated: Genesys codes look like {example!r}"
        ]  # genesys-facts §6
    if code != code.lower():
        return [
            f"code {code!r} is not lower case: Genesys codes look like {code.lower()!r}"
        ]  # genesys-facts §6
    return [f"code {code!r} is not a dot-separated lower-case code such as 'not.found'"]  # genesys-facts §6


def _status_problems(body_status: Any, code: Any, http_status: int | None) -> list[str]:
    problems: list[str] = []
    if body_status is None:
        problems.append(
            "no 'status' field: a Genesys ErrorBody carries the HTTP status as an integer"  # genesys-facts §6
        )
        return problems
    if not _is_int(body_status):
        problems.append(
            f"'status' is {body_status!r}, not an integer as in Genesys' ErrorBody"
        )  # genesys-facts §6
        return problems
    if not 100 <= body_status <= 599:
        problems.append(f"'status' {body_status} is not an HTTP status")
        return problems
    if http_status is not None and body_status != http_status:
        problems.append(f"status {body_status} in the body but the HTTP status was {http_status}")
    if isinstance(code, str):
        info = KNOWN_CODES.get(code) or KNOWN_CODES.get(_dotted_guess(code))
        if info is not None and body_status not in info.statuses:
            shown = repr(code) if code in KNOWN_CODES else f"{code!r} (read as {_dotted_guess(code)!r})"
            problems.append(
                f"status {body_status} in the body but code {shown} is a {info.status} code"  # genesys-facts §6
            )
    return problems


def _non_json(
    text: str, raw: str, http_status: int | None, content_type: str | None, why: str
) -> ParsedError:
    problems = [why]
    if content_type and "json" not in content_type.lower():
        problems.append(f"content type {content_type.split(';')[0].strip()!r}, not JSON")
    stripped = text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html")) or "<html" in stripped[:512]:
        problems.append("an HTML page: typically a proxy, gateway or load balancer answered, not the API")
    return ParsedError(
        genesys_format=False,
        is_json=False,
        status=http_status,
        code=None,
        message=None,
        raw=raw,
        problems=tuple(problems),
        http_status=http_status,
        content_type=content_type,
    )


def parse_error_body(
    text: str | bytes | None, status: int | None = None, content_type: str | None = None
) -> ParsedError:
    """Parse an error response body; ``status`` is the HTTP status when known. Never raises."""
    body = _as_text(text)
    raw = _truncate(body)
    if not body.strip():
        return _non_json(body, raw, status, content_type, "empty body")
    try:
        data = load_json(body, what="the body")
    except DocumentError as exc:  # deep nesting, a huge number: not an error body gcdiag reads
        return _non_json(body, raw, status, content_type, f"not readable JSON: {exc}")
    except ValueError as exc:  # JSONDecodeError is a ValueError
        detail = f" ({json_error_text(exc)})" if isinstance(exc, json.JSONDecodeError) else ""
        return _non_json(body, raw, status, content_type, f"not valid JSON{detail}")
    if not isinstance(data, dict):
        return ParsedError(
            genesys_format=False,
            is_json=True,
            status=status,
            code=None,
            message=None,
            raw=raw,
            problems=(
                f"JSON {type(data).__name__}, not an object: a Genesys ErrorBody is a JSON object",  # genesys-facts §6
            ),
            http_status=status,
            content_type=content_type,
        )

    code = data.get("code")
    body_status = data.get("status")
    message = _str_or_none(data.get("message"))
    params = data.get("messageParams")
    message_params: dict[str, Any] = dict(params) if isinstance(params, Mapping) else {}
    details = (
        tuple(d for d in data.get("details") or () if isinstance(d, dict))
        if isinstance(data.get("details"), list)
        else ()
    )

    # Permissions: the message lists (genesys-facts §6), any domain:entity:action in messageParams, and the same in
    # nested errors[] (an ErrorBody may carry several).
    perms: list[str] = list(permissions_in_message(message))
    perms += _permissions_in_values(message_params)
    nested_errors = data.get("errors")
    for nested in nested_errors if isinstance(nested_errors, list) else ():
        if isinstance(nested, dict):
            perms += permissions_in_message(_str_or_none(nested.get("message")))
            perms += _permissions_in_values(nested.get("messageParams"))

    # OAuth-style token-endpoint body {"error", "description" | "error_description"}: INFERRED from
    # third-party code only, exact field names UNCONFIRMED (genesys-facts §1.4), so both spellings are accepted.
    oauth_error = _str_or_none(data.get("error")) if "code" not in data else None
    oauth_description = None
    if oauth_error is not None:
        oauth_description = _str_or_none(data.get("description")) or _str_or_none(
            data.get("error_description")
        )

    problems: list[str] = []
    if oauth_error is not None:
        problems.append(
            f"an OAuth-style token-endpoint error (error {oauth_error!r}), not a Genesys ErrorBody: "
            "it came from the login host's /oauth/token (inferred)"  # genesys-facts §1.4, INFERRED
        )
    else:
        problems += _code_problems(code)
        problems += _status_problems(body_status, code, status)
        if message is None:
            problems.append(
                "no string 'message' field: a Genesys ErrorBody carries a message"
            )  # genesys-facts §6

    return ParsedError(
        genesys_format=not problems,
        is_json=True,
        status=body_status if _is_int(body_status) else status,
        code=code if isinstance(code, str) else None,
        message=message if message is not None else oauth_description,
        message_params=message_params,
        context_id=_str_or_none(data.get("contextId")),
        entity_id=_str_or_none(data.get("entityId")),
        details=details,
        permissions=_unique(perms),
        oauth_error=oauth_error,
        raw=raw,
        problems=tuple(problems),
        http_status=status,
        entity_name=_str_or_none(data.get("entityName")),
        message_with_params=_str_or_none(data.get("messageWithParams")),
        oauth_description=oauth_description,
        content_type=content_type,
    )


def _verdict(parsed: ParsedError) -> str:
    if not parsed.is_json:
        if not parsed.raw.strip():
            return "Empty body: nothing to explain (was the body captured?)."
        return (
            "Not JSON: this body probably did not come from the Genesys Cloud API itself; "
            "look at the proxy, gateway or load balancer in front of it."
        )
    if parsed.oauth_error is not None:
        return (
            f"An OAuth token-endpoint error ({parsed.oauth_error!r}): the login host refused the token "
            "request, so the API call itself was never authorized."
        )
    if not parsed.genesys_format:
        return (
            "JSON, but not in Genesys' ErrorBody format: it may come from a proxy or gateway in front of "
            "Genesys Cloud, or from your own code rewriting the error."
        )
    info = parsed.known
    if info is None:
        return (
            f"A Genesys Cloud ErrorBody: {parsed.status} {parsed.code} (a code gcdiag's table does not list; "
            "read its message)."
        )
    return f"A Genesys Cloud ErrorBody: {parsed.status} {parsed.code}: {info.meaning}."


def explain(
    text: str | bytes | None, status: int | None = None, content_type: str | None = None
) -> dict[str, Any]:
    """What ``gcdiag explain-error`` shows for one body: a verdict line and the parsed fields."""
    parsed = parse_error_body(text, status, content_type)
    info = parsed.known
    return {
        "verdict": _verdict(parsed),
        "genesys_format": parsed.genesys_format,
        "is_json": parsed.is_json,
        "status": parsed.status,
        "code": parsed.code,
        "meaning": info.meaning if info else None,
        "evidence": info.evidence if info else None,
        "message": parsed.message,
        "contextId": parsed.context_id,
        "entityId": parsed.entity_id,
        "permissions": list(parsed.permissions),
        "oauth_error": parsed.oauth_error,
        "problems": list(parsed.problems),
        "raw": parsed.raw if not parsed.is_json else None,
    }
