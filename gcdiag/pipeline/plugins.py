"""Loading checks: built-in, entry points and ``--checks-dir`` through one path.

Every source is a directory of ``*.py`` modules (whose module-level :class:`~gcdiag.check.Check` objects are the
checks) and ``*.yaml`` declarative checks. The built-in checks are simply the package registered under the
``gcdiag.checks`` entry-point group by gcdiag itself; a third-party package registers its own the same way, and
an entry point may also name a single module.

The loader validates every check — a unique dotted id, facts that exist, fix text for a check that can fail — and
fails loudly naming the file (:class:`PluginError`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from gcdiag.pipeline.check import CHECK_ID, Check
from gcdiag.pipeline.yaml_check import parse_yaml_check

ENTRY_POINT_GROUP = "gcdiag.checks"
BUILTIN_ENTRY_POINT = "builtin"


class PluginError(Exception):
    """A check could not be loaded or is invalid; the message names the file."""


@dataclass(frozen=True)
class CheckSet:
    """The loaded checks in load order (built-ins first, then entry points, then directories)."""

    checks: tuple[Check, ...]

    def for_scenario(self, scenario: str) -> list[Check]:
        return [c for c in self.checks if scenario in c.scenarios]

    def ids(self) -> list[str]:
        return [c.id for c in self.checks]


def load_checks(
    *,
    known_facts: Iterable[str],
    checks_dirs: Sequence[Path] = (),
    entry_points: bool = True,
) -> CheckSet:
    """Load and validate every check from entry points (the built-ins included) and the given directories."""
    loaded: list[Check] = list(_entry_point_checks()) if entry_points else []
    for directory in checks_dirs:
        if not directory.is_dir():
            raise PluginError(f"--checks-dir {directory}: not a directory")
        loaded.extend(load_directory(directory, f"dir {directory}"))
    _validate(loaded, set(known_facts))
    return CheckSet(tuple(loaded))


def load_checkset(checks_dirs: Sequence[Path] = ()) -> CheckSet:
    """Built-ins and entry points, plus ``--checks-dir`` directories, validated against gcdiag's facts."""
    from gcdiag.facts.registry import FACT_NAMES

    return load_checks(known_facts=FACT_NAMES, checks_dirs=checks_dirs)


def load_directory(directory: Path, source: str) -> list[Check]:
    """Every check in a directory: ``*.py`` modules (not starting with ``_``) and ``*.yaml``/``*.yml`` files."""
    found: list[Check] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("_"):
            continue
        if path.suffix == ".py":
            found.extend(_checks_in_module(_import_file(path), source, str(path)))
        elif path.suffix in (".yaml", ".yml"):
            found.append(_load_yaml(path, source))
    return found


@functools.cache
def _entry_point_checks() -> tuple[Check, ...]:
    """The checks of every ``gcdiag.checks`` entry point, the built-ins first; read once per process.

    Why once: the installed distributions, hence the entry points, do not change while a process runs, and the
    checks are frozen values; scanning every distribution's metadata and parsing the YAML checks again cost each
    diagnosis a few milliseconds more, paid again for every diagnosis of a process that runs many (``smoke``,
    the test suite). A plugin that fails to load raises, and is not remembered: the next call tries again.
    """
    loaded: list[Check] = []
    for name, module in _entry_point_modules():
        source = "builtin" if name == BUILTIN_ENTRY_POINT else f"entry point {name}"
        loaded.extend(_from_module_or_package(module, source))
    return tuple(loaded)


def _entry_point_modules() -> list[tuple[str, ModuleType]]:
    from importlib.metadata import entry_points

    result = []
    # Built-ins first so their order is stable whatever order the environment lists entry points in.
    eps = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name != BUILTIN_ENTRY_POINT, e.name))
    for ep in eps:
        try:
            obj = ep.load()
        except BaseException as exc:  # a broken plugin must name itself, not crash (or exit) the run
            raise PluginError(
                f"entry point {ep.name} ({ep.value}) in group {ENTRY_POINT_GROUP}: {exc}"
            ) from exc
        if not isinstance(obj, ModuleType):
            raise PluginError(f"entry point {ep.name} ({ep.value}) must name a module or package")
        result.append((ep.name, obj))
    return result


def _from_module_or_package(module: ModuleType, source: str) -> list[Check]:
    path = getattr(module, "__path__", None)
    if path:  # a package: load its directory as a checks directory, via its import name
        found: list[Check] = []
        directory = Path(next(iter(path)))
        for file in sorted(directory.iterdir()):
            if file.name.startswith("_"):
                continue
            if file.suffix == ".py":
                sub = importlib.import_module(f"{module.__name__}.{file.stem}")
                found.extend(_checks_in_module(sub, source, str(file)))
            elif file.suffix in (".yaml", ".yml"):
                found.append(_load_yaml(file, source))
        return found
    return _checks_in_module(module, source, str(getattr(module, "__file__", module.__name__)))


def _checks_in_module(module: ModuleType, source: str, origin: str) -> list[Check]:
    return [v.with_source(source, origin) for v in vars(module).values() if isinstance(v, Check)]


def _import_file(path: Path) -> ModuleType:
    name = f"gcdiag_user_checks.{path.parent.name}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # sys.exit() or KeyboardInterrupt at import time may not end the run either
        raise PluginError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from None
    return module


def _load_yaml(path: Path, source: str) -> Check:
    from gcdiag.util import yamlio
    from gcdiag.util.documents import load_yaml
    from gcdiag.util.files import MB, read_file_capped

    try:
        text = read_file_capped(path, MB, str(path)).decode("utf-8")
        data = load_yaml(text, what=str(path))  # a file from a --checks-dir may come from anywhere
        spec = parse_yaml_check(data, str(path))
    except yamlio.YAMLError as exc:
        raise PluginError(f"{path}: not valid YAML: {exc}") from None
    except (ValueError, OSError) as exc:
        raise PluginError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    return spec.to_check().with_source(source, str(path))


def _validate(checks: list[Check], known_facts: set[str]) -> None:
    seen: dict[str, str] = {}
    for c in checks:
        where = c.origin or c.source
        if not CHECK_ID.match(c.id):
            raise PluginError(f"{where}: check id {c.id!r} is not dotted lower-case '<area>.<name>'")
        if c.id in seen:
            raise PluginError(f"{where}: check id {c.id!r} is already defined in {seen[c.id]}")
        seen[c.id] = where
        unknown = [f for f in (*c.needs, *c.wants) if f not in known_facts]
        if unknown:
            raise PluginError(
                f"{where}: check {c.id} needs unknown fact(s) {unknown}; known facts: {sorted(known_facts)}"
            )
        if not c.title:
            raise PluginError(f"{where}: check {c.id} has no title")
        if not c.scenarios:
            raise PluginError(f"{where}: check {c.id} belongs to no scenario")
        if not c.fix:
            raise PluginError(f"{where}: check {c.id} has no fix text (every check that can fail needs one)")
