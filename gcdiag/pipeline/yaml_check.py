"""Declarative checks: a YAML file with a check's declaration plus JMESPath expressions over its facts.

An admin can add an org-specific check without writing Python; it loads through the same path as every
other check (:mod:`gcdiag.pipeline.plugins`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gcdiag.pipeline.check import Check, FactView
from gcdiag.report.model import Finding, Status
from gcdiag.util.text import one_line

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
    from gcdiag.report.model import to_plain

    return to_plain(value)
