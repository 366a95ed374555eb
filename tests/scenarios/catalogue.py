"""The scenario catalogue: realistic org fixtures with an expert's expectation, and ``docs/scenarios.md``.

Each ``catalogue/*.yaml`` is a sandbox fixture with an ``expect:`` block (gcdiag/sandbox/scenario.py) written from an
expert's reading of the org before gcdiag ran on it. ``observe`` runs a scenario through ``recording-stop`` (YAML,
then the table re-rendered from that very report) and ``can-i``, on one sandbox. ``python -m
tests.scenarios.catalogue`` rewrites ``docs/scenarios.md``; ``test_catalogue.py`` fails when it is stale.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gcdiag.sandbox import load_fixture
from gcdiag.sandbox.scenario import Expectation
from gcdiag.testing import SandboxOrg, sandbox_org
from gcdiag.util import yamlio

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "catalogue"
DOC = HERE.parents[1] / "docs" / "scenarios.md"
# What a run must not pick up from the environment it runs in (credentials, settings, a live catalog cache).
_AMBIENT = ("GENESYSCLOUD_", "GCDIAG_")


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    expect: Expectation
    demo: dict[str, Any]
    description: str  # the file's header comment, first line


@dataclass(frozen=True)
class Observed:
    """What gcdiag said about a scenario: recording-stop's report (YAML) and table, and can-i's answer."""

    stop_exit: int
    stop_report: dict[str, Any]
    stop_table: str
    can_i_exit: int | None
    can_i_report: dict[str, Any] | None
    can_i_table: str | None


def names() -> list[str]:
    return sorted(p.stem for p in CATALOGUE.glob("*.yaml"))


@cache
def scenario(name: str) -> Scenario:
    path = CATALOGUE / f"{name}.yaml"
    org = load_fixture(path)  # validates the fixture and its expect: block
    assert org.expect is not None, f"{path}: a catalogue scenario needs an expect: block"
    header = [line[2:] for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.startswith("# ")]
    return Scenario(name, path, org.expect, dict(org.demo), " ".join(header[:1]))


def stop_args(s: Scenario) -> list[str]:
    run = s.expect.run
    args = ["recording-stop", run.conversation or s.demo["conversation"]]
    recording = None if run.no_recording else run.recording or s.demo.get("recording")
    if recording:
        args += ["--recording", recording]
    if run.call:
        args += ["--call", run.call]
    return [*args, *run.args]


@contextmanager
def _clean_env() -> Iterator[None]:
    """No ambient Genesys credentials or gcdiag settings, and a private HOME and cache, for the block."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="gcdiag-scenario-") as home:
        for key in list(os.environ):
            if key.startswith(_AMBIENT) or key == "NO_COLOR":
                del os.environ[key]
        os.environ["HOME"] = home
        os.environ["GCDIAG_CACHE_DIR"] = str(Path(home) / "cache")
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _yaml(text: str, what: str) -> dict[str, Any]:
    document = yamlio.load(text)
    assert isinstance(document, dict), f"{what}: expected a YAML report, got {text[:200]!r}"
    return document


def _table(org: SandboxOrg, document_text: str, folder: Path, stem: str) -> str:
    """The terminal table of a saved report: the same renderer, offline (no second diagnosis)."""
    path = folder / f"{stem}.yaml"
    path.write_text(document_text, encoding="utf-8")
    shown = org.run("report", "show", str(path), "-o", "table", "--no-color", inspector=False)
    assert shown.exit_code in (0, 1, 3), shown.output
    return shown.stdout


@cache
def observe(name: str) -> Observed:
    """Run the scenario once (cached per process): one sandbox for recording-stop and can-i."""
    s = scenario(name)
    run = s.expect.run
    env = {}
    if run.subject_secret:
        env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] = run.subject_secret
    with _clean_env(), sandbox_org(s.path) as org, tempfile.TemporaryDirectory() as tmp:
        stop = org.run(*stop_args(s), "-o", "yaml", inspector=run.inspector, env=env)
        assert stop.exit_code in (0, 1, 3), f"{name}: recording-stop exit {stop.exit_code}\n{stop.output}"
        report = _yaml(stop.stdout, name)
        table = _table(org, stop.stdout, Path(tmp), "stop")
        can_exit = can_report = can_table = None
        if s.expect.can_i is not None:
            method, path = s.expect.can_i.call.split(" ", 1)
            extra = ["--division", s.expect.can_i.division] if s.expect.can_i.division else []
            can = org.run("can-i", method, path, *extra, "-o", "yaml", inspector=run.inspector, env=env)
            can_exit = can.exit_code
            if can.exit_code in (0, 1, 3):
                can_report = _yaml(can.stdout, f"{name} can-i")
                can_table = _table(org, can.stdout, Path(tmp), "can-i")
            else:
                can_table = can.output  # a usage error (exit 2) is an answer too; keep its words
    return Observed(stop.exit_code, report, table, can_exit, can_report, can_table)


# --- docs/scenarios.md ----------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_doc() -> str:
    """``docs/scenarios.md``: one row per scenario, from the expectations (not from gcdiag's output)."""
    lines = [
        "# Scenario catalogue",
        "",
        "<!-- Generated by `python -m tests.scenarios.catalogue` from tests/scenarios/catalogue/*.yaml; "
        "do not edit. -->",
        "",
        "Realistic org set-ups and what a Genesys Cloud expert concludes about each, written before gcdiag ran on",
        "them. `tests/scenarios/test_catalogue.py` runs every one through `gcdiag recording-stop` (YAML and table)",
        "and, where a call is given, `gcdiag can-i`, against the sandbox, and checks the verdict, the deciding",
        "check and the key phrases of the explanation and the fix. A scenario marked *pending* names the item of",
        "issue #16 that gcdiag still needs to reach the expert's answer (its test is a strict expected failure).",
        "",
        "| scenario | verdict | deciding check | why | can-i |",
        "|---|---|---|---|---|",
    ]
    for name in names():
        e = scenario(name).expect
        deciding = ", ".join(f"`{c}`" for c in e.deciding) or "—"
        why = e.why + (f" *(pending: #16 item {e.pending.item})*" if e.pending else "")
        can = "—"
        if e.can_i is not None:
            can = f"`{e.can_i.call.split(' ', 1)[0]}` … → {e.can_i.answer}"
            if e.can_i.pending:
                can += f" *(pending: #16 item {e.can_i.pending.item})*"
        lines.append(f"| `{name}` | {e.verdict} | {deciding} | {_cell(why)} | {_cell(can)} |")
    lines += [
        "",
        f"{len(names())} scenarios. Each file's `expect:` block holds the expert's reasoning (citing",
        "[genesys-facts](genesys-facts.md) sections) and the exact phrases checked; its fields are described in",
        "`gcdiag/sandbox/scenario.py`. To add a scenario: copy the closest file, change the org, write the `expect:`",
        "block *before* running gcdiag on it, then run `python -m tests.scenarios.catalogue` and",
        "`pytest tests/scenarios`. Every file is also a sandbox org: `gcdiag sandbox serve --org FILE`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write docs/scenarios.md (``--check``: exit 1 when it is stale instead)."""
    args = sys.argv[1:] if argv is None else argv
    text = render_doc()
    if "--check" in args:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is stale: run python -m tests.scenarios.catalogue", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
