"""The docs show real output: every marked block is what the command prints now.

A block in docs/*.md or README.md looks like::

    <!-- gcdiag-output: demo seed-403 --no-color -->
    ```text
    ...output...
    ```
    <!-- /gcdiag-output -->

The test runs ``gcdiag <args>`` (the demo commands start their own sandbox; ``sandbox=NAME <args>`` runs ``gcdiag
<args>`` against the built-in sandbox org NAME with its demo identities, as ``gcdiag sandbox serve --org NAME``
would serve it) and compares, after masking what changes between runs (ports, times, durations, correlation ids). ``GCDIAG_UPDATE_DOCS=1 pytest tests/e2e/test_docs.py``
rewrites the blocks.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcdiag.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# Read at import: the e2e fixtures clear every GCDIAG_ variable before each test runs.
UPDATE = bool(os.environ.get("GCDIAG_UPDATE_DOCS"))
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- gcdiag-output: (?P<args>.+?) -->\n)(?P<body>.*?)(<!-- /gcdiag-output -->)", re.S)
VOLATILE = [
    (re.compile(r"127\.0\.0\.1[:_]\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?"), "TIME"),
    (re.compile(r"(duration_ms\"?:\s*)[\d.]+"), r"\1N"),
    (re.compile(r"(time=\")[\d.]+"), r"\1N"),
    (
        re.compile(r"((?:correlation_id|contextId|context_id|correlation id)\"?[:=]?\s*\"?)[0-9a-f-]{36}"),
        r"\1ID",
    ),
    (re.compile(r"\d+(\.\d+)? ms\b"), "N ms"),
]


def mask(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.strip()


def produce(args: str) -> str:
    env = {k: "" for k in os.environ if k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    on_sandbox = re.match(r"sandbox=(?P<org>[\w-]+) (?P<rest>.+)", args)
    if on_sandbox:
        from gcdiag.testing import sandbox_org

        with sandbox_org(on_sandbox["org"]) as org:
            result = CliRunner().invoke(
                cli, shlex.split(on_sandbox["rest"]), env={**env, **org.env()}, catch_exceptions=False
            )
    else:
        result = CliRunner().invoke(cli, shlex.split(args), env=env, catch_exceptions=False)
    assert result.exit_code in (0, 1, 3), result.output
    fence = "yaml" if "-o yaml" in args else "markdown" if "-o markdown" in args else "text"
    # The markdown output holds ``` fences itself: use a longer fence around it.
    tick = "````" if fence == "markdown" else "```"
    return f"{tick}{fence}\n{result.stdout.rstrip()}\n{tick}\n"


def blocks() -> list[tuple[Path, str]]:
    found = []
    for doc in DOCS:
        for match in BLOCK.finditer(doc.read_text()):
            found.append((doc, match.group("args")))
    return found


@pytest.mark.parametrize(("doc", "args"), blocks(), ids=lambda v: str(v.name) if isinstance(v, Path) else v)
def test_doc_block_is_current(doc: Path, args: str) -> None:
    fresh = produce(args)
    text = doc.read_text()
    match = next(m for m in BLOCK.finditer(text) if m.group("args") == args)
    if UPDATE:
        doc.write_text(text[: match.start("body")] + fresh + text[match.end("body") :])
        return
    assert mask(match.group("body")) == mask(fresh), (
        f"{doc.name}: block '{args}' is stale; run GCDIAG_UPDATE_DOCS=1"
    )


def test_there_are_blocks() -> None:
    assert len(blocks()) >= 4


def test_the_readme_check_example_and_its_tests_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's custom check and the tests written with gcdiag.testing work as shown."""

    import sys

    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    check_code = next(b for b in blocks if "@check(" in b)
    test_code = next(b for b in blocks if "gcdiag.testing" in b)
    package = tmp_path / "my_checks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "calls.py").write_text(check_code)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict[str, object] = {}
    exec(compile(test_code, "README.md", "exec"), namespace)
    for name, function in namespace.items():
        if name.startswith("test_") and callable(function):
            function()
    sys.modules.pop("my_checks.calls", None)
    sys.modules.pop("my_checks", None)


def test_the_ci_recipe_runs_as_written(tmp_path: Path) -> None:
    """docs/ci.md's embedded-sandbox recipe: sandbox start, credentials, inspector, smoke, JUnit — in a real shell."""
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    recipe = re.search(r"<!-- gcdiag-recipe: ci-sandbox -->\n```sh\n(.*?)```", text, re.S)
    assert recipe is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYSCLOUD_", "GCDIAG_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # where pip put gcdiag
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        ["sh", "-c", recipe.group(1)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    root = ET.parse(tmp_path / "gcdiag-smoke.xml").getroot()
    assert [s.get("name") for s in root.iter("testsuite")] == [
        "the integration can pause the demo call",
        "the integration may read conversations",
    ]
    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert "2/2 item(s) as expected" in done.stderr
