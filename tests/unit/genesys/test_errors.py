"""Error bodies: the Genesys ErrorBody rule, the permissions a 403 names, non-Genesys and non-JSON bodies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from gcdiag.genesys.errors import KNOWN_CODES, RAW_LIMIT_BYTES, ParsedError, explain, parse_error_body

FACTS = Path(__file__).resolve().parents[3] / "docs" / "genesys-facts.md"

MISSING_ALL = (
    "Unable to perform the requested action. You are missing the following permission(s): "
    "[conversation:webchat:create]"
)
MISSING_ANY = (
    "Unable to perform the requested action. You must have at least one of the following permissions "
    "assigned: [conversation:recording:pauseOthers, conversation:call:record]"
)


def body(**fields: Any) -> str:
    return json.dumps(fields)


def _facts_6_codes() -> dict[str, set[int]]:
    """Code → statuses from the table of genesys-facts §6 (skipped when the shared fact sheet is not present)."""
    if not FACTS.is_file():
        pytest.skip("docs/genesys-facts.md not present")
    text = FACTS.read_text(encoding="utf-8")
    section = text[text.index("## 6.") : text.index("## 7.")]
    codes: dict[str, set[int]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 4 or not re.match(r"^\d{3}", cells[1]):
            continue
        statuses = {int(s) for s in re.findall(r"\d{3}", cells[1])}
        for code in re.findall(r"`([a-z.]+)`", cells[2]):
            codes[code] = statuses
    return codes


# --- the code table -----------------------------------------------------------------------------------------


def test_known_codes_are_exactly_the_table_of_facts_6() -> None:
    table = _facts_6_codes()
    assert set(KNOWN_CODES) == set(table)
    for code, statuses in table.items():
        assert set(KNOWN_CODES[code].statuses) <= statuses | {503, 504}, code
        assert KNOWN_CODES[code].status in statuses, code


def test_only_cross_checked_codes_are_not_labelled_unconfirmed() -> None:
    cross_checked = {"missing.permissions", "missing.any.permissions", "general.conflict"}
    for code, info in KNOWN_CODES.items():
        if code in cross_checked:
            assert info.confirmed and "cross-checked" in info.evidence
        else:
            assert not info.confirmed and "unconfirmed" in info.evidence, code
        assert "FACTS" not in info.evidence  # users never see the project's internal fact sheet


# --- every code shape of genesys-facts §6 is a Genesys ErrorBody ----------------------------------------------------


@pytest.mark.parametrize("code", sorted(KNOWN_CODES))
def test_every_known_code_shape_parses_as_genesys(code: str) -> None:
    info = KNOWN_CODES[code]
    text = body(
        message=info.message or "some message",
        code=code,
        status=info.status,
        contextId="ctx-1",
        messageParams={},
        details=[],
        errors=[],
    )
    parsed = parse_error_body(text, info.status, "application/json")
    assert parsed.genesys_format, parsed.problems
    assert parsed.is_json and parsed.problems == ()
    assert (parsed.status, parsed.code, parsed.context_id) == (info.status, code, "ctx-1")
    assert parsed.known is info
    assert parsed.raw == text


def test_missing_permissions_names_the_permission() -> None:
    parsed = parse_error_body(
        body(message=MISSING_ALL, code="missing.permissions", status=403, contextId="c"), 403
    )
    assert parsed.genesys_format
    assert parsed.permissions == ("conversation:webchat:create",)
    assert parsed.message == MISSING_ALL


def test_missing_any_permissions_names_every_permission_in_order() -> None:
    parsed = parse_error_body(body(message=MISSING_ANY, code="missing.any.permissions", status=403))
    assert parsed.genesys_format
    assert parsed.permissions == ("conversation:recording:pauseOthers", "conversation:call:record")


def test_permission_list_without_brackets_and_permissions_in_message_params() -> None:
    message = "You are missing the following permission(s): recording:recording:view, audits:audit:view"
    text = body(
        message=message,
        code="missing.permissions",
        status=403,
        messageParams={
            "permissions": "[oauth:client:view]",
            "nested": {"list": ["authorization:role:view"]},
            "url": "https://api.mypurecloud.com/a:b:c",
            "time": "12:30:45",
        },
    )
    parsed = parse_error_body(text)
    assert parsed.permissions == (
        "recording:recording:view",
        "audits:audit:view",
        "oauth:client:view",
        "authorization:role:view",
    )
    assert parsed.message_params["permissions"] == "[oauth:client:view]"


def test_permissions_in_nested_errors_and_no_duplicates() -> None:
    text = body(
        message=MISSING_ALL,
        code="missing.permissions",
        status=403,
        errors=[
            {"message": MISSING_ALL, "code": "missing.permissions", "status": 403},
            {"message": MISSING_ANY, "code": "missing.any.permissions", "status": 403},
        ],
    )
    assert parse_error_body(text).permissions == (
        "conversation:webchat:create",
        "conversation:recording:pauseOthers",
        "conversation:call:record",
    )


def test_a_message_without_a_permission_list_names_none() -> None:
    text = body(
        message="You are not authorized to perform the requested action.", code="not.authorized", status=403
    )
    assert parse_error_body(text).permissions == ()


def test_all_errorbody_fields_are_kept() -> None:
    text = body(
        message="m",
        code="not.found",
        status=404,
        entityId="e1",
        entityName="Conversation",
        messageWithParams="m {x}",
        messageParams={"x": "1"},
        contextId="ctx",
        details=[{"errorCode": "E", "fieldName": "f"}, "junk"],
        limit={"key": "k"},
    )
    parsed = parse_error_body(text, 404)
    assert parsed.genesys_format
    assert (parsed.entity_id, parsed.entity_name, parsed.message_with_params) == (
        "e1",
        "Conversation",
        "m {x}",
    )
    assert parsed.details == ({"errorCode": "E", "fieldName": "f"},)
    assert parsed.to_dict()["details"] == [{"errorCode": "E", "fieldName": "f"}]


def test_an_unknown_but_well_formed_code_is_still_genesys_format() -> None:
    parsed = parse_error_body(body(message="m", code="conversation.error.state", status=400), 400)
    assert parsed.genesys_format and parsed.known is None


# --- what is not a Genesys ErrorBody ------------------------------------------------------------------------


def test_the_folklore_body_is_flagged_with_both_reasons() -> None:
    text = '{"code": "bad_request", "message": "Forbidden", "status": 403}'
    parsed = parse_error_body(text, 403)
    assert parsed.is_json and not parsed.genesys_format
    assert parsed.raw == text
    assert parsed.code == "bad_request" and parsed.status == 403
    assert "code 'bad_request' is not dot-separated: Genesys codes look like 'bad.request'" in parsed.problems
    assert any("status 403 in the body" in p and "400 code" in p for p in parsed.problems)


def test_the_minimal_non_genesys_body_of_the_brief() -> None:
    parsed = parse_error_body('{"code":"bad_request","status":403}')
    assert not parsed.genesys_format
    assert any("no string 'message'" in p for p in parsed.problems)


def test_a_known_code_with_the_wrong_status() -> None:
    parsed = parse_error_body(body(message="m", code="bad.request", status=403), 403)
    assert not parsed.genesys_format
    assert parsed.problems == ("status 403 in the body but code 'bad.request' is a 400 code",)


def test_body_status_differs_from_http_status() -> None:
    parsed = parse_error_body(body(message="m", code="not.found", status=404), 403)
    assert parsed.problems == ("status 404 in the body but the HTTP status was 403",)
    assert parsed.status == 404 and parsed.http_status == 403


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"message": "m", "status": 403}, "no 'code' field"),
        ({"message": "m", "code": 403, "status": 403}, "'code' is a int"),
        ({"message": "m", "code": "Not.Found", "status": 404}, "not lower case"),
        ({"message": "m", "code": "not..found", "status": 404}, "not a dot-separated lower-case code"),
        ({"message": "m", "code": "not.found"}, "no 'status' field"),
        ({"message": "m", "code": "not.found", "status": "404"}, "not an integer"),
        ({"message": "m", "code": "not.found", "status": True}, "not an integer"),
        ({"message": "m", "code": "not.found", "status": 42}, "not an HTTP status"),
        ({"message": 5, "code": "not.found", "status": 404}, "no string 'message'"),
    ],
)
def test_each_rule_violation_is_a_problem(fields: dict[str, Any], fragment: str) -> None:
    parsed = parse_error_body(json.dumps(fields))
    assert parsed.is_json and not parsed.genesys_format
    assert any(fragment in p for p in parsed.problems), parsed.problems


def test_an_html_page_from_a_proxy_is_kept_verbatim_and_flagged() -> None:
    page = "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>nginx</body></html>"
    parsed = parse_error_body(page.encode(), 403, "text/html; charset=utf-8")
    assert not parsed.is_json and not parsed.genesys_format
    assert parsed.raw == page
    assert parsed.status == 403 and parsed.code is None
    assert any("not valid JSON" in p for p in parsed.problems)
    assert "content type 'text/html', not JSON" in parsed.problems
    assert any("HTML page" in p for p in parsed.problems)


@pytest.mark.parametrize(
    "text", ['{"code": "not.found", "status": 404', "{'single': 'quotes'}", "nope", "[1,"]
)
def test_malformed_json_does_not_raise(text: str) -> None:
    parsed = parse_error_body(text, 404)
    assert not parsed.is_json and not parsed.genesys_format
    assert parsed.raw == text
    assert parsed.problems[0].startswith("not valid JSON")


@pytest.mark.parametrize("text", [None, "", b"", "   \n"])
def test_an_empty_body(text: str | bytes | None) -> None:
    parsed = parse_error_body(text, 502)
    assert not parsed.is_json and parsed.problems[0] == "empty body" and parsed.status == 502


def test_json_that_is_not_an_object() -> None:
    parsed = parse_error_body('["missing.permissions"]')
    assert parsed.is_json and not parsed.genesys_format
    assert "not an object" in parsed.problems[0]


def test_deeply_nested_json_does_not_raise() -> None:
    parsed = parse_error_body("[" * 100_000 + "]" * 100_000)
    assert not parsed.genesys_format


def test_invalid_utf8_bytes_do_not_raise() -> None:
    parsed = parse_error_body(b'{"code": "not.found", "status": 404, "message": "\xff"}')
    assert parsed.is_json and parsed.genesys_format


@pytest.mark.parametrize("key", ["description", "error_description"])
def test_an_oauth_token_endpoint_body(key: str) -> None:
    parsed = parse_error_body(json.dumps({"error": "invalid_client", key: "client not found"}), 401)
    assert parsed.is_json and not parsed.genesys_format
    assert parsed.oauth_error == "invalid_client"
    assert parsed.oauth_description == parsed.message == "client not found"
    assert "OAuth-style" in parsed.problems[0] and "(inferred)" in parsed.problems[0]


def test_raw_is_truncated_to_4_kib_without_splitting_a_character() -> None:
    text = "é" * 5000  # 2 bytes each
    parsed = parse_error_body(text)
    assert len(parsed.raw.encode("utf-8")) <= RAW_LIMIT_BYTES == 4096
    assert parsed.raw == "é" * 2048


def test_parsed_error_is_frozen() -> None:
    parsed = parse_error_body("{}")
    assert isinstance(parsed, ParsedError)
    with pytest.raises(AttributeError):
        parsed.code = "x"  # type: ignore[misc]


# --- explain ------------------------------------------------------------------------------------------------


def test_explain_a_genesys_403() -> None:
    doc = explain(body(message=MISSING_ANY, code="missing.any.permissions", status=403, contextId="ctx"))
    assert doc["verdict"].startswith("A Genesys Cloud ErrorBody: 403 missing.any.permissions")
    assert doc["genesys_format"] is True
    assert doc["permissions"] == ["conversation:recording:pauseOthers", "conversation:call:record"]
    assert doc["meaning"] == KNOWN_CODES["missing.any.permissions"].meaning
    assert doc["contextId"] == "ctx" and doc["problems"] == [] and doc["raw"] is None


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('{"code": "bad_request", "status": 403}', "JSON, but not in Genesys' ErrorBody format"),
        ("<html>502 Bad Gateway</html>", "Not JSON"),
        ("", "Empty body"),
        ('{"error": "invalid_grant"}', "An OAuth token-endpoint error"),
        (
            '{"message": "m", "code": "some.new.code", "status": 400}',
            "A Genesys Cloud ErrorBody: 400 some.new.code",
        ),
    ],
)
def test_explain_verdicts(text: str, start: str) -> None:
    doc = explain(text)
    assert doc["verdict"].startswith(start)
    assert set(doc) >= {
        "verdict",
        "status",
        "code",
        "meaning",
        "message",
        "contextId",
        "permissions",
        "problems",
    }
