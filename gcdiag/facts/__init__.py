"""The Facts layer: named, memoised, concurrent look-ups with provenance.

:mod:`~gcdiag.facts.engine` runs them, :mod:`~gcdiag.facts.registry` names them, the area modules fetch them,
and :mod:`~gcdiag.facts.types` holds the frozen types checks read. Checks never do HTTP: they ask for facts.
"""
