"""Suite-wide settings: Hypothesis profiles.

``dev`` (the default) keeps property tests quick on a laptop; ``ci`` (``.ci/run`` sets it) runs more examples;
``thorough`` is for a deliberate hunt (``HYPOTHESIS_PROFILE=thorough pytest -m slow``). A profile sets how many
examples each property test draws; the tests themselves only say what is drawn.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

# Cache compiled test modules (pytest's assertion rewriting) and gcdiag's bytecode even where the environment
# sets PYTHONDONTWRITEBYTECODE: honoured, every xdist worker re-parses and re-rewrites every test module and
# compiles gcdiag on each run (seconds of CPU per worker), and each gcdiag child process compiles it again.
# The files go to the gitignored __pycache__ folders.
sys.dont_write_bytecode = False

_COMMON = {
    "deadline": None,
    # The autouse environment fixtures are function-scoped on purpose: every example runs in a clean env.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("dev", max_examples=12, **_COMMON)
# ci: 30 (was 40, #12: the suite's time budget on 2 cores); thorough keeps the full hunt.
settings.register_profile("ci", max_examples=30, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_xdist_auto_num_workers(config: object) -> int:
    """``-n auto`` starts two workers per core: about a third of the suite's wall time is waiting (deadlines the
    hostile tests let run out, child processes starting, sandbox latency), which a second worker per core fills.
    Measured on 2 cores (quiet): ``-n 2`` 65 s, ``-n 3`` 51 s, ``-n 4`` 47 s for the whole suite."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 * cores
