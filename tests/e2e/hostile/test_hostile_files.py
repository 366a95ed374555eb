"""#13 "Calm under hostile files": hostile inputs given to the real CLI (a child process).

A hostile file or option is an input error: exit 2 with ONE line on stderr, fast (< 5 s) and small (< 250 MB),
before any request, and without echoing what the file or a secret holds. A hostile plugin check is contained:
it becomes ``error``, the report still renders, the run exits 4 (a bug in a plugin check). A closed stdout is not a success.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import Target
from .runner import (
    CHECK_TIMEOUT_S,
    GRACE_S,
    MEMORY_BUDGET_MB,
    RELAXED_LIMIT_S,
    Run,
    clean_env,
    leaked,
    run_gcdiag,
    run_in_process,
)

# The tests run gcdiag as a child process (about a second each) where the purpose needs a process (memory, a
# closed pipe, sys.exit in a plugin), in-process where an input is refused before any request. The quick loop
# (-m "not slow") leaves them to the full run; the unit tests of the pieces (client/test_transfer, util/test_documents, ...) stay in it.
pytestmark = pytest.mark.slow

FILE_LIMIT_S = 5.0
FAKE_SECRET = "FAKE-SECRET-hostile-5f2c9a1b7e"
# Nothing listens there: a run that got past the input checks fails fast instead of hanging.
DEAD_API = "http://127.0.0.1:9"


def gcdiag(tmp_path: Path, home: Path, *args: str, env: dict[str, str] | None = None, **run: Any) -> Run:
    full_env = {**clean_env(home), **(env or {})}
    run.setdefault("timeout", FILE_LIMIT_S)
    return run_gcdiag(list(args), env=full_env, tmp=tmp_path, **run)


def refused_early(home: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """An input refused before any request (a bad number, URL, path or id): the same entry, in-process.

    Nothing in these runs needs a process of its own (no memory bomb, signal or closed pipe), and an
    interpreter start-up costs more than the run; the memory budget is checked on the run's heap peak."""
    return run_in_process(list(args), env={**clean_env(home), **(env or {})})


def assert_refused(run: Run, *, limit: float = FILE_LIMIT_S, secret: str | None = None) -> None:
    """Exit 2, one line on stderr, nothing on stdout, fast and small, no traceback, no echo of ``secret``."""
    assert run.killed is None, f"did not end by itself: {run.describe()}"
    assert run.elapsed <= limit, run.describe()
    assert run.peak_rss_mb <= MEMORY_BUDGET_MB, run.describe()
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.code == 2, run.describe()
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert run.stdout.strip() == "", run.stdout[:500]
    if secret is not None:
        assert not leaked({secret}, run.stdout, run.stderr), "the secret was echoed"


def identity_env(target: Target, home: Path, deadlines: str = "small") -> dict[str, str]:
    return target.env(home, deadlines=deadlines)


# --- hostile documents -------------------------------------------------------------------------------------------


def alias_bomb(top: str) -> str:
    """Billion laughs: nine levels of ten aliases each (10**9 strings once expanded), then ``top``."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
        previous = name
    return "\n".join([*lines, top]) + "\n"


REPORT_HEAD = '{"gcdiag": {"version": "0.1.0", "report_schema": 1}'


def test_alias_bomb_report(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text('gcdiag: {version: "0.1.0", report_schema: 1}\n' + alias_bomb("results: *i"))
    assert_refused(gcdiag(tmp_path, home, "report", "show", str(path)))


def test_alias_bomb_smoke_file(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "smoke.yaml"
    item = "items:\n  - {name: *i, conversation: 7dd0cd93-d6d6-49a8-9fb7-662b8c669880, expect: would_fail}"
    path.write_text(alias_bomb(item))
    run = gcdiag(tmp_path, home, "smoke", str(path), env={"GENESYSCLOUD_API_URL": DEAD_API})
    assert_refused(run)


def test_deeply_nested_json_report(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(REPORT_HEAD + ', "results": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert_refused(gcdiag(tmp_path, home, "report", "show", str(path)))


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_big_integer_in_a_report(kind: str, tmp_path: Path, home: Path) -> None:
    digits = "9" * 5001
    path = tmp_path / f"big.{kind}"
    if kind == "json":
        path.write_text(REPORT_HEAD + f', "results": [], "duration_ms": {digits}}}')
    else:
        path.write_text(
            f'gcdiag: {{version: "0.1.0", report_schema: 1}}\nresults: []\nduration_ms: {digits}\n'
        )
    assert_refused(gcdiag(tmp_path, home, "report", "show", str(path)))


@pytest.mark.parametrize("command", ["report", "smoke"])
def test_binary_file(command: str, tmp_path: Path, home: Path) -> None:
    path = tmp_path / "binary.dat"
    path.write_bytes(bytes(range(256)) * 64)
    args = ["report", "show", str(path)] if command == "report" else ["smoke", str(path)]
    assert_refused(gcdiag(tmp_path, home, *args, env={"GENESYSCLOUD_API_URL": DEAD_API}))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("option", ["--error-body", "--event"])
def test_dev_zero_as_an_input_file(option: str, target: Target, tmp_path: Path, home: Path) -> None:
    args = ["recording-stop", target.conversation, option, "/dev/zero"]
    if option == "--event":
        args = ["recording-stop", option, "/dev/zero"]
    assert_refused(gcdiag(tmp_path, home, *args, env=identity_env(target, home)))
    assert not target.server.requests()


# --- smoke files that reach outside ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["absolute", "dotdot"])
def test_smoke_conversations_file_outside_its_folder(form: str, tmp_path: Path, home: Path) -> None:
    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(f"{FAKE_SECRET}\n7dd0cd93-d6d6-49a8-9fb7-662b8c669880\n")
    folder = tmp_path / "smoke"
    folder.mkdir()
    reference = str(outside) if form == "absolute" else "../outside/secret.txt"
    smoke = folder / "smoke.yaml"
    smoke.write_text(yaml.safe_dump({"items": [{"conversations_file": reference, "expect": "would_fail"}]}))
    run = refused_early(home, "smoke", str(smoke), env={"GENESYSCLOUD_API_URL": DEAD_API})
    assert_refused(run, secret=FAKE_SECRET)


# --- secrets in arguments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["positional", "--recording"])
def test_secret_given_as_an_id_is_not_echoed(where: str, target: Target, tmp_path: Path, home: Path) -> None:
    secret = target.secrets[target.demo["subject_client"]]
    args = ["recording-stop", secret] if where == "positional" else ["recording-stop", target.conversation]
    if where == "--recording":
        args += ["--recording", secret]
    run = refused_early(home, *args, env=identity_env(target, home))
    assert_refused(run, secret=secret)
    assert not target.server.requests()


# --- reports that lie, outputs that clobber ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def report_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real seed-403 report (JSON), made once per worker through the hostile server's normal mode."""
    from .conftest import make_target

    tmp = tmp_path_factory.mktemp("report")
    home = tmp / "home"
    (home / "cache").mkdir(parents=True)
    target = make_target("seed-403")
    with target.server:
        run = run_gcdiag(
            ["recording-stop", target.conversation, "-o", "json"],
            env=target.env(home, deadlines="relaxed"),
            tmp=tmp,
            timeout=30,
        )
    assert run.code == 1, run.describe()
    return run.stdout


def test_tampered_report(report_text: str, tmp_path: Path, home: Path) -> None:
    doc = json.loads(report_text)
    assert any(r["blocking"] and r["status"] == "fail" for r in doc["results"])
    doc["verdict"].update(outcome="would_succeed", blocking_failures=[], summary="the call would succeed")
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc))
    run = refused_early(home, "report", "show", str(path))
    assert_refused(run)
    assert "its verdict is would_succeed, but blocking check(s) auth.permissions" in run.stderr, run.stderr


def test_output_file_equal_to_the_input(report_text: str, tmp_path: Path, home: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(report_text)
    for force in ((), ("--force",)):  # refused as an existing file, and as the input even with --force
        run = refused_early(home, "report", "show", str(path), "--output-file", str(path), *force)
        assert path.read_text() == report_text, "the input report was overwritten"
        assert_refused(run)
    assert "a file this command reads" in run.stderr


@pytest.mark.parametrize("command", ["report", "recording-stop"])
def test_empty_output_file(
    command: str, report_text: str, target: Target, tmp_path: Path, home: Path
) -> None:
    path = tmp_path / "report.json"
    path.write_text(report_text)
    if command == "report":
        args = ["report", "show", str(path), "--output-file", ""]
    else:
        args = ["recording-stop", target.conversation, "--output-file", ""]
    assert_refused(refused_early(home, *args, env=identity_env(target, home)))
    assert not target.server.requests(), "requests were sent before the option was refused"


# --- numbers and URLs ----------------------------------------------------------------------------------------------

NUMERIC = [
    ("--timeout-read", "nan"),
    ("--timeout-read", "inf"),
    ("--timeout-read", "1e308"),
    ("--rate-limit", "nan"),
    ("--deadline", "1e309"),
    ("--run-deadline", "-1"),
    ("--check-timeout", "nan"),
    ("--backoff", "inf"),
    ("--retry-after-cap", "nan"),
    ("--audit-window", "nan"),
]


@pytest.mark.parametrize(("option", "value"), NUMERIC, ids=[f"{o}={v}" for o, v in NUMERIC])
def test_absurd_numeric_option(option: str, value: str, target: Target, tmp_path: Path, home: Path) -> None:
    args = ["recording-stop", target.conversation, option, value]
    assert_refused(refused_early(home, *args, env=identity_env(target, home)))
    assert not target.server.requests()


@pytest.mark.parametrize("url", ["http://a b", "http://exa mple.com:80", "http://exa\tmple.com"])
def test_api_url_with_a_space(url: str, target: Target, tmp_path: Path, home: Path) -> None:
    args = ["recording-stop", target.conversation, "--api-url", url]
    assert_refused(refused_early(home, *args, env=identity_env(target, home)))
    assert not target.server.requests()


# --- hostile plugin checks -----------------------------------------------------------------------------------------

PLUGIN = """\
import sys
import time

from gcdiag.pipeline import FactView, Finding, Status, check


@check(
    id="hostile.{name}",
    title="A hostile plugin check",
    scenarios=("recording-stop",),
    blocking=True,
    needs=("inputs",),
    fix="Remove the hostile check.",
)
def hostile(facts: FactView) -> Finding:
    {body}
    return Finding(Status.PASS, "unreachable")
"""


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Callable[[str, str], Path]:
    def make(name: str, body: str) -> Path:
        folder = tmp_path / f"checks-{name}"
        folder.mkdir()
        (folder / f"{name}.py").write_text(PLUGIN.format(name=name, body=body))
        return folder

    return make


def plugin_run(target: Target, tmp_path: Path, home: Path, folder: Path, **run: Any) -> Run:
    # Relaxed request/run deadlines: the per-check limit alone must end a hostile check.
    env = {**identity_env(target, home, "relaxed"), "GCDIAG_CHECK_TIMEOUT": f"{CHECK_TIMEOUT_S:g}"}
    run.setdefault("timeout", RELAXED_LIMIT_S)
    args = ["recording-stop", target.conversation, "-o", "json", "--checks-dir", str(folder)]
    return gcdiag(tmp_path, home, *args, env=env, **run)


def assert_contained(run: Run, check_id: str) -> None:
    """The hostile check is an error in a rendered report, and the run ends with exit 4: a bug in a plugin
    check (DESIGN.md's exit codes; the harness first expected 3, from before main settled on 4 for a check
    that raised), never 0 or 1."""
    assert run.killed is None, run.describe()
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.code == 4, run.describe()
    report = run.report()
    assert report is not None, f"no report: {run.describe()}"
    status = {r["id"]: r["status"] for r in report["results"]}
    assert status.get(check_id) == "error", status


@pytest.mark.parametrize(
    ("name", "body"), [("exits", "sys.exit(0)"), ("interrupts", "raise KeyboardInterrupt")]
)
def test_plugin_check_calling_sys_exit(
    name: str,
    body: str,
    target_factory: Callable[..., Target],
    plugin_dir: Callable[[str, str], Path],
    tmp_path: Path,
    home: Path,
) -> None:
    target = target_factory("healthy")  # would_succeed without the plugin: exit 0 would hide it
    run = plugin_run(target, tmp_path, home, plugin_dir(name, body))
    assert_contained(run, f"hostile.{name}")


def test_plugin_calling_sys_exit_when_imported(target: Target, tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "checks-import"
    folder.mkdir()
    (folder / "bad.py").write_text("import sys\nsys.exit(0)\n")
    run = plugin_run(target, tmp_path, home, folder)
    assert_refused(run, limit=RELAXED_LIMIT_S)
    assert "failed to import: SystemExit" in run.stderr
    assert not target.server.requests()  # a broken plugin is refused before any request


def test_plugin_check_that_sleeps(
    target_factory: Callable[..., Target], plugin_dir: Callable[[str, str], Path], tmp_path: Path, home: Path
) -> None:
    target = target_factory("healthy")
    run = plugin_run(
        target, tmp_path, home, plugin_dir("sleeps", "time.sleep(600)"), timeout=CHECK_TIMEOUT_S + GRACE_S
    )
    assert_contained(run, "hostile.sleeps")


# --- where the document goes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_closed_stdout(fmt: str, target: Target, tmp_path: Path, home: Path) -> None:
    args = ["recording-stop", target.conversation, "-o", fmt]
    run = gcdiag(
        tmp_path,
        home,
        *args,
        env=identity_env(target, home, "relaxed"),
        close_stdout=True,
        timeout=RELAXED_LIMIT_S,
    )
    assert run.killed is None, run.describe()
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.code not in (0, 1), (
        f"the document was lost but the exit code says it was delivered: {run.describe()}"
    )
    # Like an --output-file that cannot be written: exit 2, one line saying so.
    assert run.code == 2 and run.stderr.strip().splitlines()[-1].endswith("stdout: it was closed"), run.stderr


EVIL = " [x](javascript:alert(1)) ![img](http://evil/x.png)"
LIVE_LINK = re.compile(r"(?<!\\)\]\(\s*(?:javascript:|http://evil)", re.IGNORECASE)


def live_links(markdown: str) -> list[str]:
    """Markdown links/images that would render: outside fenced blocks and code spans, brackets not escaped."""
    # A fence may be indented (a code block inside a list item, as a fix step's code is).
    text = re.sub(
        r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$", "", markdown, flags=re.MULTILINE | re.DOTALL
    )
    text = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", text)
    return [line.strip()[:120] for line in text.splitlines() if LIVE_LINK.search(line)]


@pytest.fixture
def evil_fixture(tmp_path: Path) -> Path:
    """seed-403 with Markdown links and images in the division, role and OAuth client names."""
    import gcdiag.sandbox

    source = Path(gcdiag.sandbox.__file__).parent / "fixtures" / "seed-403.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key in ("divisions", "roles", "oauth_clients"):
        for entry in data[key]:
            entry["name"] += EVIL
    path = tmp_path / "evil-org.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_live_link_detector() -> None:
    """The detector the Markdown test relies on: it finds live links, not fenced, quoted or escaped ones."""
    sample = textwrap.dedent(
        """\
        a [x](javascript:alert(1)) b
        ```yaml
        name: [x](javascript:alert(1))
        ```
        1. a step
           ```hcl
           name = "[x](javascript:alert(1))"
           ```
        `[x](javascript:alert(1))` and \\[x\\](javascript:alert(1)) and &#91;x&#93;(javascript:alert(1))
        ![img](http://evil/x.png)
        """
    )
    assert len(live_links(sample)) == 2


def test_markdown_neutralises_links_from_server_data(
    evil_fixture: Path, target_factory: Callable[..., Target], tmp_path: Path, home: Path
) -> None:
    target = target_factory(evil_fixture)
    out = tmp_path / "report.md"
    args = ["recording-stop", target.conversation, "-o", "markdown", "--output-file", str(out)]
    run = gcdiag(tmp_path, home, *args, env=identity_env(target, home, "relaxed"), timeout=RELAXED_LIMIT_S)
    assert run.code == 1, run.describe()
    markdown = out.read_text(encoding="utf-8")
    assert "Recording Integration" in markdown  # the server's names did reach the report
    assert not live_links(markdown), live_links(markdown)
