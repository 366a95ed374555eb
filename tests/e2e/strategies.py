"""Hypothesis strategies for the bad-input tests: strings gcdiag must refuse before it sends anything.

Every strategy filters with gcdiag's own acceptance rule, so a drawn value is invalid by construction and never
a real id, region or call by chance (a valid region would send the run to a real Genesys Cloud host).
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from gcdiag.genesys.catalog import split_call
from gcdiag.genesys.regions import find_region
from gcdiag.inputs.ids import is_id

HEX = string.hexdigits + "-"
TRAVERSAL = ("../", "..\\", "%2e%2e%2f", "/", "..", ".", "%00", "?", "#", "~", "\\")
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\x85\u2028\u2029\u200b\ufeff"
WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u2003\u3000"


def _not_an_id(value: str) -> bool:
    return not is_id(value)


def _long(piece: str) -> str:
    """A 10,000-character string made of ``piece``."""
    return (piece * (10_000 // len(piece) + 1))[:10_000]


def non_ids() -> st.SearchStrategy[str]:
    """Strings that are not Genesys Cloud ids (UUIDs): any text, near-UUIDs, traversal, control, huge, blank."""
    near_uuid = st.text(alphabet=HEX, min_size=30, max_size=40)
    traversal = st.lists(
        st.sampled_from((*TRAVERSAL, "etc", "passwd", "api", "v2")), min_size=1, max_size=8
    ).map("".join)
    control = st.text(alphabet=CONTROL + "ab-", min_size=1, max_size=20)
    blank = st.text(alphabet=WHITESPACE, max_size=5)
    huge = st.text(min_size=1, max_size=3).map(_long)
    return st.one_of(st.text(), near_uuid, traversal, control, blank, huge).filter(_not_an_id)


def _unknown_region(value: str) -> bool:
    # A blank value counts as "not given" (the environment's API URL would then be used).
    return bool(value.strip()) and find_region(value) is None


def unknown_regions() -> st.SearchStrategy[str]:
    """Non-blank region strings that name no Genesys Cloud region (name, domain or URL)."""
    region_like = st.builds(
        lambda a, b, n: f"{a}_{b}_{n}",
        st.sampled_from(("us", "eu", "ap", "mars", "moon", "xx")),
        st.sampled_from(("east", "west", "central", "north", "up")),
        st.integers(0, 99),
    )
    domain_like = st.builds(
        lambda name, tld: f"{name}.{tld}",
        st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12),
        st.sampled_from(("com", "cloud", "ie", "example", "local")),
    )
    return st.one_of(st.text(min_size=1), region_like, domain_like, non_ids()).filter(_unknown_region)


def _malformed_call(value: str) -> bool:
    try:
        split_call(value)
    except ValueError:
        return True
    return False


def malformed_calls() -> st.SearchStrategy[str]:
    """``--call`` values that are not ``METHOD PATH`` with a known HTTP method."""
    wrong_method = st.builds(
        lambda method, path: f"{method} {path}",
        st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
        st.sampled_from(("/api/v2/tokens/me", "/x", "/api/v2/conversations/{conversationId}")),
    )
    path_only = st.text(alphabet=string.ascii_letters + "/{}", min_size=1).map(lambda p: "/" + p)
    return st.one_of(st.text(), wrong_method, path_only).filter(_malformed_call)


def unknown_check_ids(known: frozenset[str]) -> st.SearchStrategy[str]:
    """``--only``/``--skip`` values that name no loaded check."""
    dotted = st.builds(
        lambda a, b: f"{a}.{b}",
        st.sampled_from(("auth", "conversation", "recording", "org", "x")),
        st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12),
    )
    return st.one_of(dotted, st.text()).filter(lambda value: value not in known)
