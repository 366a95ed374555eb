"""Documents from outside: aliases, depth, huge numbers and size are refused with one line each."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest

from gcdiag.util import yamlio
from gcdiag.util.documents import MAX_DEPTH, DocumentError, load_json, load_yaml
from gcdiag.util.files import TooLarge, read_capped, size_text


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
        previous = name
    return "\n".join(lines) + "\nz: *i\n"


def test_a_billion_laughs_is_refused_at_once() -> None:
    start = time.monotonic()
    with pytest.raises(DocumentError, match="aliases are not accepted"):
        load_yaml(billion_laughs(), what="smoke.yaml")
    assert time.monotonic() - start < 1.0


def test_aliases_may_be_allowed_with_a_bounded_expansion() -> None:
    assert load_yaml("a: &x [1]\nb: *x\n", what="f", aliases=True) == {"a": [1], "b": [1]}
    with pytest.raises(DocumentError, match="more than"):
        load_yaml(billion_laughs(), what="f", aliases=True)


def test_a_scalar_alias_shares_nothing_that_grows() -> None:
    assert load_yaml("a: &s hello\nb: *s\n", what="f") == {"a": "hello", "b": "hello"}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(DocumentError, match="nested"):
        load_json(text, what="report.json")
    with pytest.raises(DocumentError, match="nested"):
        load_yaml(text, what="report.yaml")


def test_nesting_within_the_bound_is_read() -> None:
    depth = MAX_DEPTH - 1
    assert load_json("[" * depth + "]" * depth, what="x") is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"n": ' + "9" * 5001 + "}", "an integer of 5001 digits"),
        ('{"n": -' + "9" * 31 + "}", "an integer of 31 digits"),
        ('{"n": 1e400}', "too large for a float"),
        ('{"n": NaN}', "non-finite number NaN"),
        ('{"n": -Infinity}', "non-finite number -Infinity"),
    ],
)
def test_numbers_no_field_holds_are_refused_in_json(text: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        load_json(text, what="the answer")


@pytest.mark.parametrize("text", ["n: " + "9" * 5001, "n: " + "9" * 40, "n: .nan", "n: -.inf"])
def test_numbers_no_field_holds_are_refused_in_yaml(text: str) -> None:
    with pytest.raises(DocumentError):
        load_yaml(text, what="report.yaml")


def test_ordinary_documents_read_as_before() -> None:
    doc = {"a": [1, 2.5, "x", None, True], "b": {"c": 9_223_372_036_854_775_807}}
    assert load_json(json.dumps(doc), what="x") == doc
    assert load_yaml(yamlio.dump(doc), what="x") == doc


def test_syntax_errors_stay_the_parsers_own() -> None:
    with pytest.raises(json.JSONDecodeError):
        load_json("{", what="x")
    with pytest.raises(yamlio.YAMLError):
        load_yaml("a: [", what="x")


def test_a_capped_read_ends_on_an_endless_stream() -> None:
    class Zeros(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = bytes(len(buffer))
            return len(buffer)

    with pytest.raises(TooLarge, match="larger than 1 KB"):
        read_capped(io.BufferedReader(Zeros()), 1024, "the file")
    assert read_capped(io.BytesIO(b"abc"), 3, "f") == b"abc"
    assert [size_text(n) for n in (4 * 1024 * 1024, 2048, 100)] == ["4 MB", "2 KB", "100 bytes"]
