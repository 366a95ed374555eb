"""Id validation happens before any request."""

from __future__ import annotations

import pytest

from gcdiag.inputs.ids import IdError, is_id, validate_id

GOOD = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def test_uuid_accepted() -> None:
    assert validate_id(f" {GOOD} ", "ID") == GOOD
    assert is_id(GOOD.upper())
    assert validate_id(GOOD.upper(), "ID") == GOOD  # normalised: Genesys ids are lower case (RFC 4122 §3)


@pytest.mark.parametrize(
    "bad", ["", "   ", "abc", "../../etc/passwd", "x" * 10000, "ünïcode", GOOD + "/x", "a\nb"]
)
def test_bad_ids_rejected_with_one_line(bad: str) -> None:
    with pytest.raises(IdError) as info:
        validate_id(bad, "ID")
    assert "\n" not in str(info.value)
    assert len(str(info.value)) < 250
