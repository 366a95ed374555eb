"""The one YAML dialect: short collections inline, multi-line text as literal blocks, OneLine values on one line."""

from __future__ import annotations

import pytest

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
