"""Collection order of the catalogue: each scenario's ``recording-stop`` and ``can-i`` tests side by side.

Why: both tests of a scenario read one cached observation (:func:`tests.scenarios.catalogue.observe`, two
gcdiag runs against one sandbox). Collected as written, every ``test_recording_stop[...]`` comes before every
``test_can_i[...]``; pytest-xdist hands out consecutive tests in batches, so the two halves landed on different
workers and each scenario was observed twice. Side by side they share a batch and the observation.
"""

from __future__ import annotations

import pytest

_PAIRED = ("test_recording_stop", "test_can_i")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slots = [
        i
        for i, item in enumerate(items)
        if item.nodeid.startswith("tests/scenarios/test_catalogue.py::")
        and getattr(item, "originalname", None) in _PAIRED
    ]
    paired = sorted(
        (items[i] for i in slots),
        key=lambda item: (item.callspec.params["name"], _PAIRED.index(item.originalname)),  # type: ignore[attr-defined]
    )
    for slot, item in zip(slots, paired):
        items[slot] = item
