"""The one YAML dialect: short collections inline, multi-line text as literal blocks, OneLine values on one line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcdiag.util import yamlio


@pytest.mark.parametrize(
    "text", ["a\nb\nc", "trailing \nspace", "  leading\nspace", "ends\n", "\nstarts", "tab\t\nx"]
)
def test_multi_line_text_reads_back_exactly(text: str) -> None:
    assert yamlio.load(yamlio.dump({"detail": text})) == {"detail": text}


def test_multi_line_text_is_a_literal_block_of_its_lines() -> None:
    assert yamlio.dump({"detail": "first line\nit's the second"}) == (
        "detail: |-\n  first line\n  it's the second\n"
    )


def test_a_one_line_value_is_one_line_however_long_with_text_escaped() -> None:
    code = {"curl": "curl a \\\n  | jq '.'", "body": {"policies": [{"domain": "x" * 200}]}}
    text = yamlio.dump(
        {"api": [yamlio.OneLine(code), yamlio.OneLine({"method": "GET"})], "gc": yamlio.OneLine(code)}
    )
    assert text.splitlines() == [
        "api:",
        "- {curl: \"curl a \\\\\\n  | jq '.'\", body: {policies: [{domain: " + "x" * 200 + "}]}}",
        "- {method: GET}",
        "gc: {curl: \"curl a \\\\\\n  | jq '.'\", body: {policies: [{domain: " + "x" * 200 + "}]}}",
    ]
    assert yamlio.load(text) == {"api": [code, {"method": "GET"}], "gc": code}


def _full_width(value: object) -> int | None:
    """The inline width measured whole, as the writer did before it stopped at its budget."""
    if isinstance(value, dict):
        parts = [w for k, v in value.items() for w in (yamlio._scalar_width(k), _full_width(v))]
    elif isinstance(value, list):
        parts = [_full_width(v) for v in value]
    else:
        return yamlio._scalar_width(value)
    if any(w is None for w in parts):
        return None
    return 2 + sum(w + 2 for w in parts if w is not None)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=90))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40,
)


@given(_VALUES)
def test_a_collection_is_inline_exactly_when_its_whole_width_fits(value: object) -> None:
    full = _full_width(value)
    assert yamlio._fits(value) == (full is not None and full <= yamlio.FLOW_WIDTH)


@pytest.mark.parametrize("pad", range(150, 185))
def test_the_width_budget_holds_at_its_edge_at_every_depth(pad: int) -> None:
    shapes = [
        ["x" * pad],
        {"key": "x" * pad},
        {"a": ["x" * (pad // 2), {"b": "y" * (pad - pad // 2 - 20)}]},
        [[["z" * (pad - 12)]]],
        ["a", "b", "x" * (pad - 14), 1],
    ]
    for value in shapes:
        full = _full_width(value)
        assert yamlio._fits(value) == (full is not None and full <= yamlio.FLOW_WIDTH), (pad, value)
