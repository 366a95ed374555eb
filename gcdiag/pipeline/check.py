"""How a check is declared: a small unit with a stable id, the facts it needs and a pure function.

A Python check::

    @check(
        id="conversation.state",
        title="The call is still live",
        scenarios=("recording-stop",),
        blocking=True,
        needs=("conversation",),
        fix="Only a live call's recording can be paused; ...",
    )
    def conversation_state(facts: FactView) -> Finding:
        ...

The function receives only the facts it declared (values already fetched); it does no HTTP and no printing and
returns a :class:`~gcdiag.model.Finding`. The runner, not the check, handles ordering, timing, errors and filters.

A declarative check is a YAML file with the same declaration plus JMESPath expressions (see
:class:`YamlCheckSpec`), so an admin can add an org-specific check without writing Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gcdiag.facts import FactError
from gcdiag.model import Finding, Status

CHECK_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$")


class FactView:
    """The facts one check declared, already fetched. Asking for an undeclared fact is a programming error.

    ``needs`` facts are always present (the runner turned an unavailable one into an ``error`` result before
    calling the check); ``wants`` facts may be ``None`` with the reason in :meth:`problem`.
    """

    def __init__(self, values: Mapping[str, Any], problems: Mapping[str, FactError] | None = None) -> None:
        self._values = dict(values)
        self._problems = dict(problems or {})

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            raise KeyError(f"fact {name!r} was not declared in this check's needs or wants")
        return self._values[name]

    def get(self, name: str) -> Any:
        return self[name]

    def problem(self, name: str) -> FactError | None:
        """Why an optional (``wants``) fact is missing (status, code, remedy), or None."""
        return self._problems.get(name)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


CheckFunction = Callable[[FactView], Finding]


def unseen(problem: FactError, **evidence: Any) -> Finding:
    """The ``error`` finding for a look-up gcdiag could not make: what failed and what would let it see."""
    return Finding(
        Status.ERROR,
        problem.short(),
        detail=problem.reason,
        fix=(problem.remedy,) if problem.remedy else (),
        evidence={**evidence, "error": problem.to_dict()},
    )


@dataclass(frozen=True)
class Check:
    """A declared check. ``fix`` is the general remedy; a finding may give concrete, org-specific steps."""

    id: str
    title: str
    scenarios: tuple[str, ...]
    blocking: bool
    needs: tuple[str, ...]
    function: CheckFunction = field(repr=False, compare=False)
    fix: str = ""
    wants: tuple[str, ...] = ()
    doc: str = ""
    kind: str = "python"  # python | yaml
    source: str = ""  # where it was loaded from: "builtin", "entry point NAME", "dir PATH"
    origin: str = ""  # file path

    def evaluate(self, facts: FactView) -> Finding:
        return self.function(facts)

    def with_source(self, source: str, origin: str) -> Check:
        return Check(
            id=self.id,
            title=self.title,
            scenarios=self.scenarios,
            blocking=self.blocking,
            needs=self.needs,
            function=self.function,
            fix=self.fix,
            wants=self.wants,
            doc=self.doc,
            kind=self.kind,
            source=source,
            origin=origin,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "scenarios": list(self.scenarios),
            "blocking": self.blocking,
            "needs": list(self.needs),
            "wants": list(self.wants),
            "kind": self.kind,
            "source": self.source,
            "origin": self.origin,
            "fix": self.fix,
            "doc": self.doc,
        }


def check(
    *,
    id: str,
    title: str,
    scenarios: tuple[str, ...] | list[str],
    blocking: bool,
    needs: tuple[str, ...] | list[str],
    fix: str = "",
    wants: tuple[str, ...] | list[str] = (),
) -> Callable[[CheckFunction], Check]:
    """Declare a Python check. The decorated name becomes a :class:`Check` the loader finds in the module."""

    def wrap(function: CheckFunction) -> Check:
        return Check(
            id=id,
            title=title,
            scenarios=tuple(scenarios),
            blocking=blocking,
            needs=tuple(needs),
            function=function,
            fix=fix,
            wants=tuple(wants),
            doc=(function.__doc__ or "").strip(),
        )

    return wrap


# --- declarative (YAML) checks -------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
YAML_KEYS = {
    "id",
    "title",
    "scenarios",
    "blocking",
    "needs",
    "when",
    "pass",
    "otherwise",
    "messages",
    "fix",
    "doc",
}


@dataclass(frozen=True)
class YamlCheckSpec:
    """A declarative check.

    ``when`` (optional JMESPath): falsy → ``skip`` with ``messages.skip``. ``pass`` (JMESPath): truthy → ``pass``
    with ``messages.pass``, else ``otherwise`` (``fail`` or ``warn``) with ``messages.fail``. Messages may hold
    ``{expression}`` placeholders, each a JMESPath over the facts.
    """

    id: str
    title: str
    scenarios: tuple[str, ...]
    blocking: bool
    needs: tuple[str, ...]
    when: str | None
    pass_expr: str
    otherwise: Status
    messages: Mapping[str, str]
    fix: str
    doc: str = ""

    def to_check(self) -> Check:
        import jmespath

        when = jmespath.compile(self.when) if self.when else None
        passed = jmespath.compile(self.pass_expr)
        spec = self

        def evaluate(facts: FactView) -> Finding:
            data = _jsonable(facts.as_dict())
            if when is not None and not _truthy(when.search(data)):
                return Finding(Status.SKIP, spec._message("skip", data, "not applicable"))
            if _truthy(passed.search(data)):
                return Finding(Status.PASS, spec._message("pass", data, "passed"))
            status = spec.otherwise
            return Finding(
                status,
                spec._message("fail", data, "did not pass"),
                fix=(spec._format(spec.fix, data),) if spec.fix else (),
                evidence={"expression": spec.pass_expr},
            )

        return Check(
            id=self.id,
            title=self.title,
            scenarios=self.scenarios,
            blocking=self.blocking,
            needs=self.needs,
            function=evaluate,
            fix=self.fix,
            doc=self.doc,
            kind="yaml",
        )

    def _message(self, key: str, data: Any, default: str) -> str:
        return self._format(self.messages.get(key, default), data)

    @staticmethod
    def _format(template: str, data: Any) -> str:
        import jmespath

        def one(match: re.Match[str]) -> str:
            try:
                value = jmespath.search(match.group(1), data)
            except jmespath.exceptions.JMESPathError:
                return match.group(0)
            return "unknown" if value is None else str(value)

        return _PLACEHOLDER.sub(one, template)


def parse_yaml_check(data: Any, where: str) -> YamlCheckSpec:
    """Validate a YAML check document; raise ValueError naming the file and key."""
    import jmespath

    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: a declarative check must be a mapping, got {type(data).__name__}")
    unknown = set(data) - YAML_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(YAML_KEYS)}")
    for key in ("id", "title", "scenarios", "blocking", "needs", "pass", "messages"):
        if key not in data:
            raise ValueError(f"{where}: missing required key {key!r}")
    otherwise = str(data.get("otherwise", "fail"))
    if otherwise not in ("fail", "warn"):
        raise ValueError(f"{where}: key 'otherwise' must be 'fail' or 'warn', got {otherwise!r}")
    messages = data["messages"]
    if not isinstance(messages, Mapping) or not set(messages) <= {"pass", "fail", "skip"}:
        raise ValueError(f"{where}: key 'messages' must map some of pass/fail/skip to text")
    for key in ("when", "pass"):
        if data.get(key):
            try:
                jmespath.compile(str(data[key]))
            except jmespath.exceptions.JMESPathError as exc:
                raise ValueError(
                    f"{where}: key {key!r} is not a valid JMESPath expression: {one_line(exc)}"
                ) from None
    if not isinstance(data["blocking"], bool):
        raise ValueError(f"{where}: key 'blocking' must be true or false")
    return YamlCheckSpec(
        id=str(data["id"]),
        title=str(data["title"]),
        scenarios=tuple(str(s) for s in _as_list(data["scenarios"])),
        blocking=data["blocking"],
        needs=tuple(str(s) for s in _as_list(data["needs"])),
        when=str(data["when"]) if data.get("when") else None,
        pass_expr=str(data["pass"]),
        otherwise=Status(otherwise),
        messages={str(k): str(v) for k, v in messages.items()},
        fix=str(data.get("fix") or ""),
        doc=str(data.get("doc") or ""),
    )


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _truthy(value: Any) -> bool:
    # JMESPath truthiness: false, null, empty string/list/object are false.
    return value not in (None, False, "", [], {})


def _jsonable(value: Any) -> Any:
    from gcdiag.model import to_plain

    return to_plain(value)


def one_line(exc: Exception) -> str:
    """jmespath's messages draw a caret on a second line; gcdiag errors are one line."""
    return " ".join(str(exc).split())
