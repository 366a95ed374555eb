"""Check loading: directories of Python and YAML checks, validation that names the file, entry points."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest

from gcdiag.pipeline.check import FactView, check
from gcdiag.pipeline.plugins import PluginError, _from_module_or_package, load_checks
from gcdiag.report.model import Finding, Status

FACTS = ["conversation", "token_info", "inputs"]

PY_CHECK = textwrap.dedent(
    '''
    from gcdiag.pipeline.check import check
    from gcdiag.report.model import Finding, Status

    @check(id="org.queue-name", title="Queue naming", scenarios=("recording-stop",), blocking=False,
           needs=("conversation",), fix="Rename the queue.")
    def queue_name(facts):
        """An org-specific rule."""
        return Finding(Status.PASS, "fine")
    '''
)

YAML_CHECK = textwrap.dedent(
    """
    id: org.long-call
    title: The call has a start time
    scenarios: [recording-stop]
    blocking: false
    needs: [conversation]
    when: "conversation != null"
    pass: "conversation.startTime != null"
    otherwise: warn
    messages:
      pass: "started at {conversation.startTime}"
      fail: "conversation {conversation.id} has no start time"
      skip: "no conversation"
    fix: Look at the conversation.
    """
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_directory_checks_load_with_their_source(tmp_path: Path) -> None:
    write(tmp_path, "queue.py", PY_CHECK)
    write(tmp_path, "long.yaml", YAML_CHECK)
    write(tmp_path, "_private.py", "raise SystemExit('must not be imported')")
    loaded = load_checks(known_facts=FACTS, checks_dirs=[tmp_path], entry_points=False)
    assert loaded.ids() == ["org.long-call", "org.queue-name"]
    assert {c.source for c in loaded.checks} == {f"dir {tmp_path}"}
    assert loaded.for_scenario("recording-stop") and not loaded.for_scenario("can-i")


def test_yaml_check_evaluates_jmespath(tmp_path: Path) -> None:
    write(tmp_path, "long.yaml", YAML_CHECK)
    (c,) = load_checks(known_facts=FACTS, checks_dirs=[tmp_path], entry_points=False).checks
    ok = c.evaluate(FactView({"conversation": {"id": "c1", "startTime": "t0"}}))
    assert (ok.status, ok.summary) == (Status.PASS, "started at t0")
    bad = c.evaluate(FactView({"conversation": {"id": "c1"}}))
    assert (bad.status, bad.summary) == (Status.WARN, "conversation c1 has no start time")
    assert bad.fix == ("Look at the conversation.",)
    skipped = c.evaluate(FactView({"conversation": None}))
    assert (skipped.status, skipped.summary) == (Status.SKIP, "no conversation")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "id: [unclosed", "not valid YAML"),
        (
            "bad.yaml",
            YAML_CHECK.replace('pass: "conversation.startTime != null"', 'pass: "[[["'),
            "not a valid JMESPath",
        ),
        ("bad.yaml", YAML_CHECK.replace("otherwise: warn", "otherwise: maybe"), "'otherwise' must be"),
        ("bad.yaml", YAML_CHECK + "colour: red\n", "unknown key"),
        ("bad.yaml", YAML_CHECK.replace("needs: [conversation]", "needs: [nonsense]"), "unknown fact"),
        ("bad.yaml", YAML_CHECK.replace("id: org.long-call", "id: Long Call"), "not dotted lower-case"),
        ("bad.yaml", YAML_CHECK.replace("fix: Look at the conversation.", ""), "no fix text"),
        ("bad.py", "import nonexistent_module_xyz\n", "failed to import"),
    ],
)
def test_invalid_checks_fail_loudly_naming_the_file(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(PluginError, match=message) as info:
        load_checks(known_facts=FACTS, checks_dirs=[tmp_path], entry_points=False)
    assert str(path) in str(info.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", YAML_CHECK)
    write(tmp_path, "b.yaml", YAML_CHECK)
    with pytest.raises(PluginError, match="already defined"):
        load_checks(known_facts=FACTS, checks_dirs=[tmp_path], entry_points=False)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="not a directory"):
        load_checks(known_facts=FACTS, checks_dirs=[tmp_path / "nope"], entry_points=False)


def test_single_module_plugin_loads_like_an_entry_point() -> None:
    @check(id="vendor.thing", title="T", scenarios=("recording-stop",), blocking=False, needs=(), fix="f")
    def thing(facts: FactView) -> Finding:
        return Finding(Status.PASS, "ok")

    module = types.ModuleType("vendor_checks")
    module.thing = thing  # type: ignore[attr-defined]
    (loaded,) = _from_module_or_package(module, "entry point vendor")
    assert loaded.id == "vendor.thing" and loaded.source == "entry point vendor"


def test_builtins_come_from_the_entry_point() -> None:
    loaded = load_checks(known_facts=__import__("gcdiag.facts.registry", fromlist=["FACT_NAMES"]).FACT_NAMES)
    builtin = [c for c in loaded.checks if c.source == "builtin"]
    assert "endpoint.exists" in [c.id for c in builtin]
    assert all("gcdiag_checks" in c.origin or c.origin.endswith((".py", ".yaml")) for c in builtin)
