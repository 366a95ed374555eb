"""The pipeline, and the public API for check authors.

A check is a small declared unit: a stable dotted id, a title, whether it is blocking, the facts it needs, fix
text, and a pure function from facts to a :class:`Finding`::

    from gcdiag.pipeline import FactView, Finding, Status, check

    @check(id="org.queue-recording", title="...", scenarios=("recording-stop",), blocking=False,
           needs=("conversation",), fix="What to change when it fails.")
    def queue_recording(facts: FactView) -> Finding:
        return Finding(Status.PASS, "one-line summary")

Check authors import from here, from :mod:`gcdiag.facts.types` (the fact types) and from :mod:`gcdiag.genesys`
(what gcdiag knows of the API); everything else is internal and may change. The runner
(:mod:`gcdiag.pipeline.runner`), not the check, handles ordering, timing, errors and filters.
"""

from __future__ import annotations

from gcdiag.facts.engine import FactError
from gcdiag.pipeline.causes import cause_id
from gcdiag.pipeline.check import Check, FactView, check, findings_for_unseen, unseen
from gcdiag.report.model import Basis, Because, Finding, Status

__all__ = [
    "Basis",
    "Because",
    "Check",
    "FactError",
    "FactView",
    "Finding",
    "Status",
    "cause_id",
    "check",
    "findings_for_unseen",
    "unseen",
]
