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

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gcdiag.facts.engine import FactError
from gcdiag.report.model import Finding, Status

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
    """The ``error`` finding for a look-up gcdiag could not make: it refers to the shared cause (the report states
    what failed and what would let gcdiag see it once, in ``causes``)."""
    return findings_for_unseen({"": problem}, problem.short(), evidence=evidence)


def findings_for_unseen(
    problems: Mapping[str, FactError], summary: str, evidence: Mapping[str, Any]
) -> Finding:
    """The ``error`` finding for look-ups that failed.

    When they failed for one reason (one shared cause), the finding only refers to it: "not run: <label>", with
    the cause's id; the report states the cause, its fix and what would let gcdiag see, once. Look-ups that
    failed for several reasons are each stated here: a remedy that also fixes the call goes to ``fix``, one that
    only lets gcdiag see more goes to ``see_more``.
    """
    from gcdiag.pipeline.causes import cause_id, label_of

    ids = {cause_id(e) for e in problems.values()}
    if len(ids) == 1:
        return Finding(
            Status.ERROR,
            f"not run: {label_of(list(problems.values()))}",
            evidence=evidence,
            cause=ids.pop(),
        )
    remedies = [e for e in problems.values() if e.remedy]
    return Finding(
        Status.ERROR,
        summary,
        detail="\n".join(e.reason if len(problems) == 1 else e.line() for e in problems.values()),
        fix=tuple(dict.fromkeys(e.remedy for e in remedies if e.remedy_fixes_the_call)),
        see_more=tuple(dict.fromkeys(e.remedy for e in remedies if not e.remedy_fixes_the_call)),
        evidence={**evidence, "unavailable": {name: e.to_dict() for name, e in problems.items()}},
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
        return dataclasses.replace(self, source=source, origin=origin)

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
