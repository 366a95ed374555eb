"""Bad input: every malformed id, flag, file or document is exit 2 with one line on stderr naming the problem.

What gcdiag can reject without asking the org it rejects before the first request, so the sandbox's request log
stays empty. Strings are fuzzed with hypothesis (see ``strategies``); files are deterministic cases per kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcdiag.cli import cli
from gcdiag.pipeline.plugins import load_checkset
from gcdiag.testing import FIXTURE_DIR

from .conftest import Org
from .strategies import malformed_calls, non_ids, unknown_check_ids, unknown_regions

# The sandbox org is started once per test and shared by its examples (each resets its request log); the
# autouse environment fixture is the same clean environment for every example.
# How many examples each draws comes from the Hypothesis profile (tests/conftest.py).
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KNOWN_CHECKS = frozenset(c.id for c in load_checkset().checks)
PREFIX = "gcdiag: error: "


def assert_refused(result: Result, mentions: str | re.Pattern[str], org: Org | None = None) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr that names the problem; no request when ``org``."""
    assert result.exit_code == 2, (result.exit_code, result.stdout[-300:], result.stderr[-300:])
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.stdout == ""
    # str.splitlines also breaks at \r, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029: none may reach the terminal.
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr[:500]
    line = lines[0]
    assert line.startswith(PREFIX), line
    if isinstance(mentions, re.Pattern):
        assert mentions.search(line), (mentions.pattern, line)
    else:
        assert mentions in line, (mentions, line)
    if org is not None:
        assert org.sandbox.requests() == [], "a request was sent for input gcdiag could reject up front"
    return line


def run(org: Org, *args: str, env: dict[str, Any] | None = None, stdin: str | None = None) -> Result:
    org.sandbox.reset()  # one sandbox serves every example of a test; each example starts with an empty log
    return org.run(*args, env=env, input=stdin)


# --- ids ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(value=non_ids())
def test_positional_id_that_is_not_an_id(org: Org, value: str) -> None:
    # "--" so that a value starting with "-" is the ID, as a user would have to write it.
    assert_refused(run(org, "recording-stop", "--", value), re.compile(r"^gcdiag: error: ID\b"), org)


@pytest.mark.slow
@FUZZ
@given(value=non_ids())
def test_conversation_flag_that_is_not_an_id(org: Org, value: str) -> None:
    assert_refused(run(org, "recording-stop", f"--conversation={value}"), "--conversation", org)


@pytest.mark.slow
@FUZZ
@given(value=non_ids())
def test_recording_flag_that_is_not_an_id(org: Org, value: str) -> None:
    result = run(org, "recording-stop", org.demo["conversation"], f"--recording={value}")
    assert_refused(result, "--recording", org)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "\t\n",
        "x" * 10_000,
        "../../etc/passwd",
        "..",
        "a/b",
        "%2e%2e%2f",
        "é" * 36,
        "a\x00b",
        "\x1b[31m",
    ],
    ids=[
        "empty",
        "spaces",
        "tab-newline",
        "10k",
        "traversal",
        "dotdot",
        "slash",
        "encoded",
        "unicode",
        "nul",
        "ansi",
    ],
)
@pytest.mark.parametrize("where", ["ID", "--conversation", "--recording"])
def test_each_id_form_is_refused_everywhere(org: Org, value: str, where: str) -> None:
    args = {
        "ID": ["recording-stop", "--", value],
        "--conversation": ["recording-stop", f"--conversation={value}"],
        "--recording": ["recording-stop", org.demo["conversation"], f"--recording={value}"],
    }[where]
    line = assert_refused(run(org, *args), where, org)
    assert len(line) < 400  # a 10,000-character id is shortened, not echoed whole


def test_event_ids_that_are_not_ids_are_refused(org: Org, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"eventBody": {"conversationId": "../../x", "id": "y"}}))
    assert_refused(run(org, "recording-stop", "--event", str(event)), "the event's conversation id", org)


# --- target and identity ------------------------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(value=unknown_regions())
def test_unknown_region(org: Org, value: str) -> None:
    line = assert_refused(
        run(org, "recording-stop", org.demo["conversation"], f"--region={value}"), "--region", org
    )
    assert "unknown region" in line


SUBJECT_SECRET = "not-a-real-secret-3Qx9"
TOKEN = "not-a-real-token-Zk27"


@pytest.mark.parametrize(
    ("flags", "env", "mentions"),
    [
        (["--token", TOKEN, "--client-id", "abc"], {}, "--token and --client-id both given for the subject"),
        (["--token", TOKEN, "--client-secret", SUBJECT_SECRET], {}, "--token and --client-secret both given"),
        (
            ["--inspector-token", TOKEN, "--inspector-client-id", "abc"],
            {},
            "--inspector-token and --inspector-client-id both given for the inspector",
        ),
        (
            [],
            {"GENESYSCLOUD_ACCESS_TOKEN": TOKEN},
            "GENESYSCLOUD_ACCESS_TOKEN and GENESYSCLOUD_OAUTHCLIENT_ID",
        ),
        (["--client-id", "abc"], {}, "--client-id given without --client-secret for the subject"),
        (["--client-secret", SUBJECT_SECRET], {}, "--client-secret given without --client-id"),
        (
            ["--inspector-client-id", "abc"],
            {},
            "--inspector-client-id given without --inspector-client-secret",
        ),
        (
            [],
            {"GENESYSCLOUD_OAUTHCLIENT_SECRET": None},
            "GENESYSCLOUD_OAUTHCLIENT_ID given without GENESYSCLOUD_OAUTHCLIENT_SECRET",
        ),
    ],
    ids=[
        "token+id",
        "token+secret",
        "inspector-token+id",
        "env-token+env-id",
        "id-without-secret",
        "secret-without-id",
        "inspector-id-without-secret",
        "env-id-without-secret",
    ],
)
def test_conflicting_or_incomplete_identity(
    org: Org, flags: list[str], env: dict[str, Any], mentions: str
) -> None:
    result = run(org, "recording-stop", org.demo["conversation"], *flags, env=env)
    line = assert_refused(result, mentions, org)
    secrets = [SUBJECT_SECRET, TOKEN, org.secret(org.demo["subject_client"])]
    assert not any(secret in line for secret in secrets)


# --- --call and --only/--skip -------------------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(value=malformed_calls())
def test_malformed_call(org: Org, value: str) -> None:
    assert_refused(run(org, "recording-stop", org.demo["conversation"], f"--call={value}"), "--call", org)


@pytest.mark.parametrize(
    ("value", "mentions"),
    [
        ("GETT /x", "unknown HTTP method 'GETT'"),
        ("/only/path", "expected 'METHOD PATH'"),
        ("", "expected 'METHOD PATH'"),
        ("GET", "expected 'METHOD PATH'"),
        ("GET /a /b", "expected 'METHOD PATH'"),
    ],
)
def test_malformed_call_cases(org: Org, value: str, mentions: str) -> None:
    result = run(org, "recording-stop", org.demo["conversation"], "--call", value)
    assert_refused(result, f"--call: {mentions}", org)


@pytest.mark.slow
@FUZZ
@given(value=unknown_check_ids(KNOWN_CHECKS), flag=st.sampled_from(["--only", "--skip"]))
def test_unknown_check_id(org: Org, value: str, flag: str) -> None:
    result = run(org, "recording-stop", org.demo["conversation"], f"{flag}={value}")
    assert_refused(result, "unknown check id(s) for recording-stop", org)


def test_unknown_check_id_with_control_characters_stays_one_escaped_line(org: Org) -> None:
    result = run(org, "recording-stop", CONVERSATION, "--only", "a\nb\x1b[2J")
    line = assert_refused(result, "unknown check id(s)", org)
    assert "a\\nb\\x1b[2J" in line  # shown escaped, never sent to the terminal as a newline or an escape


# --- input files --------------------------------------------------------------------------------------------

CONVERSATION = yaml.safe_load((FIXTURE_DIR / "seed-403.yaml").read_text())["demo"]["conversation"]


def _write(tmp_path: Path, name: str, content: str | bytes | None) -> str:
    """A file (text or bytes), a directory (content None) or nothing (name starting with 'missing')."""
    path = tmp_path / name
    if name.startswith("missing"):
        return str(path)
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


EVENT_FILES = [
    ("missing.json", "", "cannot read --event"),
    ("adir", None, "cannot read --event"),
    ("bad.json", "{nope", "not valid JSON"),
    ("empty.json", "", "not valid JSON"),
    ("binary.json", b"\xff\xfe\x00\x01", "cannot read --event"),
    (
        "noids.json",
        json.dumps({"topicName": "x", "eventBody": {"state": "connected"}}),
        "no conversation id found",
    ),
    ("array.json", "[1, 2]", "no conversation id found"),
    ("number.json", "42", "no conversation id found"),
]


@pytest.mark.parametrize(("name", "content", "mentions"), EVENT_FILES, ids=[c[0] for c in EVENT_FILES])
def test_unusable_event_file(org: Org, tmp_path: Path, name: str, content: Any, mentions: str) -> None:
    path = _write(tmp_path, name, content)
    assert_refused(run(org, "recording-stop", "--event", path), mentions, org)


def test_unusable_event_on_stdin(org: Org) -> None:
    assert_refused(run(org, "recording-stop", "--event", "-", stdin="not json"), "stdin: not valid JSON", org)


@pytest.mark.parametrize("query", ["a[[", "foo.", "[?", "&&", "`{", "a ||"])
def test_invalid_event_query(org: Org, tmp_path: Path, query: str) -> None:
    event = _write(tmp_path, "event.json", json.dumps({"eventBody": {"conversationId": CONVERSATION}}))
    result = run(org, "recording-stop", "--event", event, "--event-query", query)
    assert_refused(result, "--event-query is not a valid JMESPath expression", org)


def test_event_query_that_finds_nothing(org: Org, tmp_path: Path) -> None:
    event = _write(tmp_path, "event.json", json.dumps({"eventBody": {"conversationId": CONVERSATION}}))
    result = run(org, "recording-stop", "--event", event, "--event-query", "nothing.here")
    assert_refused(result, "--event-query gave null", org)


def test_event_query_without_event(org: Org) -> None:
    result = run(org, "recording-stop", CONVERSATION, "--event-query", "eventBody.conversationId")
    assert_refused(result, "--event-query needs --event FILE", org)


ERROR_BODIES = [
    ("missing.json", "", "cannot read --error-body"),
    ("adir", None, "cannot read --error-body"),
    ("empty.json", "", "is empty"),
    ("blank.json", " \n\t\n", "is empty"),
    ("binary.json", b"\xff\xfe\x00\x01", "cannot read --error-body"),
]


@pytest.mark.parametrize(("name", "content", "mentions"), ERROR_BODIES, ids=[c[0] for c in ERROR_BODIES])
def test_unusable_error_body(org: Org, tmp_path: Path, name: str, content: Any, mentions: str) -> None:
    path = _write(tmp_path, name, content)
    assert_refused(run(org, "recording-stop", CONVERSATION, "--error-body", path), mentions, org)


def _report(org: Org) -> dict[str, Any]:
    """A real saved report to break in one place."""
    result = org.run(*org.stop_args("-o", "json"))
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _broken_reports(good: dict[str, Any]) -> list[tuple[str, str | bytes | None, str]]:
    schema = json.loads(json.dumps(good))
    schema["gcdiag"]["report_schema"] = 99
    status = json.loads(json.dumps(good))
    status["results"][0]["status"] = "maybe"
    kind = json.loads(json.dumps(good))
    kind["kind"] = "something-else"
    return [
        ("missing.yaml", "", "file not found"),
        ("adir", None, "it is a directory"),
        ("empty.yaml", "", "is empty"),
        ("bad.yaml", "a: [\n", "is not valid YAML"),
        ("bad.json", '{"gcdiag": ', "is not valid JSON"),
        ("binary.yaml", b"\xff\xfe\x00\x01", "not UTF-8 text"),
        ("list.yaml", "- 1\n- 2\n", "not a gcdiag report"),
        ("scalar.yaml", "hello\n", "not a gcdiag report"),
        ("other.json", json.dumps({"a": 1}), "not a gcdiag report: it has no 'gcdiag' key"),
        ("schema.json", json.dumps(schema), "report_schema 99"),
        ("status.json", json.dumps(status), "status"),
        ("kind.json", json.dumps(kind), "unknown kind"),
    ]


def test_report_show_refuses_what_is_not_a_readable_report(org: Org, tmp_path: Path) -> None:
    # One test over every kind of broken file: the good report it breaks comes from one real run.
    for name, content, mentions in _broken_reports(_report(org)):
        org.sandbox.reset()
        path = _write(tmp_path, name, content)
        result = CliRunner().invoke(cli, ["report", "show", path], catch_exceptions=False)
        line = assert_refused(result, mentions, org)
        assert name in line or "the report text" in line, line


def test_report_show_reads_a_file_whose_name_starts_with_a_bracket(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "[prod] report.json").write_text(json.dumps(_report(org)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the name as a user types it, relative to the current directory
    result = CliRunner().invoke(
        cli, ["report", "show", "[prod] report.json", "--no-color"], catch_exceptions=False
    )
    assert result.exit_code == 1, result.stderr  # seed-403's verdict, re-shown


# --- sandbox serve --org ------------------------------------------------------------------------------------


def _broken_fixture(tmp_path: Path, name: str, content: str) -> str:
    if name == "bad-role.yaml":
        data = yaml.safe_load((FIXTURE_DIR / "seed-403.yaml").read_text())
        data["oauth_clients"][0]["role_divisions"][0]["role"] = "no-such-role"
        content = yaml.safe_dump(data)
    return _write(tmp_path, name, content)


SERVE_CASES = [
    ("missing.yaml", "", "missing.yaml: no such fixture file"),
    ("bad.yaml", "org: [\n", "bad.yaml: line 2: expected valid YAML"),
    ("nodivisions.yaml", "org: {id: x, name: y, region: us_east_1}\n", "divisions: required key is missing"),
    ("bad-role.yaml", "", "unknown role id 'no-such-role'"),
]


def _serve(tmp_path: Path, name: str, content: str) -> Result:
    # Only broken fixtures: a valid one would serve until interrupted.
    path = _broken_fixture(tmp_path, name, content)
    return CliRunner().invoke(cli, ["sandbox", "serve", "--org", path], catch_exceptions=False)


@pytest.mark.parametrize(("name", "content", "mentions"), SERVE_CASES, ids=[c[0] for c in SERVE_CASES])
def test_sandbox_serve_refuses_a_broken_fixture(
    tmp_path: Path, name: str, content: str, mentions: str
) -> None:
    assert_refused(_serve(tmp_path, name, content), mentions)  # and it never started listening (stdout empty)


# --- smoke files --------------------------------------------------------------------------------------------


def _item(**fields: Any) -> str:
    return yaml.safe_dump({"items": [{"conversation": CONVERSATION, "expect": "would_fail", **fields}]})


SMOKE_FILES = [
    ("missing.yaml", "", "cannot read smoke file"),
    ("adir", None, "cannot read smoke file"),
    ("binary.yaml", b"\xff\xfe\x00\x01", "not UTF-8 text (byte 0)"),
    ("bad.yaml", "items: [\n", "malformed YAML at line 2"),
    ("empty.yaml", "", "expected a mapping with a non-empty 'items' list"),
    ("noitems.yaml", "items: []\n", "expected a mapping with a non-empty 'items' list"),
    ("scalar-item.yaml", "items: [5]\n", "items[0]: expected a mapping"),
    ("unknown-key.yaml", _item(colour="red"), "items[0]: unknown key(s) ['colour']"),
    ("scenario.yaml", _item(scenario="nope"), "items[0].scenario: expected recording-stop or can-i"),
    ("expect.yaml", _item(expect="maybe"), "items[0].expect: expected would_succeed or would_fail"),
    ("incomplete.yaml", _item(expect="incomplete"), "items[0].expect: expected would_succeed or would_fail"),
    ("failing.yaml", _item(expect_failing="auth.permissions"), "items[0].expect_failing: expected a list"),
    ("conversation.yaml", _item(conversation="../../x"), "items[0].conversation '../../x' is not a Genesys"),
    ("recording.yaml", _item(recording="nope"), "items[0].recording 'nope' is not a Genesys Cloud id"),
    ("noconv.yaml", _item(conversation=None), "items[0]: needs conversation or conversations_file"),
    ("cani.yaml", _item(scenario="can-i"), "items[0]: a can-i item needs call"),
    ("idsfile.yaml", _item(conversation=None, conversations_file="missing-ids.txt"), "cannot read"),
    ("call-path.yaml", _item(call="/only/path"), "items[0].call: expected 'METHOD PATH'"),
    ("call-method.yaml", _item(call="GETT /x"), "items[0].call: unknown HTTP method 'GETT'"),
]


@pytest.mark.parametrize(("name", "content", "mentions"), SMOKE_FILES, ids=[c[0] for c in SMOKE_FILES])
def test_unusable_smoke_file(org: Org, tmp_path: Path, name: str, content: Any, mentions: str) -> None:
    path = _write(tmp_path, name, content)
    assert_refused(run(org, "smoke", path), mentions, org)


def test_smoke_ids_file_with_a_bad_id(org: Org, tmp_path: Path) -> None:
    (tmp_path / "ids.txt").write_text(f"# ids\n{CONVERSATION}\nnot-an-id\n")
    path = _write(tmp_path, "smoke.yaml", _item(conversation=None, conversations_file="ids.txt"))
    # The line is named by its number, never echoed (#13: a file that is not a list of ids may hold anything).
    line = assert_refused(run(org, "smoke", path), "ids.txt: line 3 is not a Genesys Cloud id", org)
    assert "not-an-id" not in line


def test_a_positional_id_is_not_silently_ignored(org: Org) -> None:
    other = "0d5e3f5a-1111-4222-8333-444455556666"
    result = run(org, "recording-stop", other, "--conversation", CONVERSATION, "--recording", CONVERSATION)
    assert_refused(result, "ID given as well as --conversation and --recording", org)
