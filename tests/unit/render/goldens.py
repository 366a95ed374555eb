"""Golden-file comparison for the renderer tests.

Regenerate every golden file after an intended change with::

    GCDIAG_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render

then review the diff of tests/render/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GCDIAG_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, text: str) -> None:
    """``text`` must equal golden/<name> byte for byte (written instead when GCDIAG_UPDATE_GOLDEN=1)."""
    path = GOLDEN_DIR / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden file {path}; create it with GCDIAG_UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{name}",
                "rendered",
            )
        )
        raise AssertionError(
            f"{name} differs from its golden file (GCDIAG_UPDATE_GOLDEN=1 regenerates):\n{diff}"
        )
