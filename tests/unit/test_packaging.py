"""Packaging: setup.cfg lists every package of the tree, and the built-in checks ship as gcdiag_checks."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = {p.strip() for p in config["options"]["packages"].split() if p.strip()}
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "gcdiag").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found | {"gcdiag_checks"} == listed
    assert "gcdiag_checks = checks" in config["options"]["package_dir"]


def test_data_files_are_declared() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    data = config["options.package_data"]
    for package, pattern in (
        ("gcdiag.genesys", "data/*.json"),
        ("gcdiag.genesys", "data/*.yaml"),
        ("gcdiag.sandbox", "fixtures/*.yaml"),
        ("gcdiag.report", "schema.json"),
        ("gcdiag_checks", "*.yaml"),
    ):
        assert pattern in data[package]
