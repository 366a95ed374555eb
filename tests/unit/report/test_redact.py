"""The redaction choke point: canaries planted everywhere never reach any rendered format."""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import pytest

from gcdiag.render import FORMATS, render, render_many
from gcdiag.report.io import validate_report_dict
from gcdiag.report.model import CheckResult, Report, Status, decide
from gcdiag.report.redact import REDACTED, Redactor

from ..render.sample import CONV, sample_report

# Known secrets: handed to the Redactor.
CLIENT_SECRET = "cnry-client-secret-7Hq2"
TOKEN = "cnryTokenA1b2C3d4E5f6G7h8"
# Credentials the Redactor is NOT told about: caught by shape or by key name.
BEARER_ONLY = "cnryBearer9x8y7z6w"
QUERY_ONLY = "cnryQuery55aa"
JSON_ONLY = "cnryJson77bb"
BASIC_SECRET = "cnryBasicPw3"
BASIC = base64.b64encode(f"some-client:{BASIC_SECRET}".encode()).decode()
KEY_ONLY = ("cnryKeyOnly1", "cnryKeyOnly2", "cnryKeyOnly3", "cnryKeyOnly4")
SECRET_CANARIES = (CLIENT_SECRET, TOKEN, BEARER_ONLY, QUERY_ONLY, JSON_ONLY, BASIC_SECRET, BASIC, *KEY_ONLY)

# Personal data (redacted with personal=True).
USER_NAME = "Zoë Canaryperson"
PARTICIPANT_NAME = "Björn Canaryson"
EMAIL = "zoe.canary@example.com"
ANI = "tel:+15550100999"
DNIS = "+18005550199"
PERSONAL_CANARIES = (USER_NAME, PARTICIPANT_NAME, EMAIL, EMAIL.upper(), ANI, "+15550100999", DNIS)

USER_ID = "4e5f6a7b-0000-4000-8000-0000000000ee"


def planted_report() -> Report:
    """The sample report with every canary planted in every kind of place."""
    results = (
        CheckResult(
            id="canary.auth",
            title=f"title with {CLIENT_SECRET}",
            status=Status.FAIL,
            blocking=True,
            summary=f"token {TOKEN} of {USER_NAME} <{EMAIL}> was refused",
            detail=f"sent Authorization: Bearer {BEARER_ONLY}; form client_secret={CLIENT_SECRET}",
            fix=(f"Call {USER_NAME} at {DNIS} or {EMAIL.upper()}; rotate {CLIENT_SECRET}",),
            evidence={
                "identity": {"kind": "user", "user": {"id": USER_ID, "name": USER_NAME, "email": EMAIL}},
                "headers": [{"Authorization": KEY_ONLY[0]}, {"nested": [{"client_secret": KEY_ONLY[1]}]}],
                "token": KEY_ONLY[2],
                "raw": f'{{"refresh_token": "{JSON_ONLY}", "ok": true}}',
                "log": [f"GET /x?access_token={QUERY_ONLY}&page=2", f"Basic {BASIC}", [f"deep {TOKEN}"]],
                "conversation": {
                    "id": CONV,
                    "participants": [
                        {
                            "id": "p-1",
                            "purpose": "customer",
                            "name": PARTICIPANT_NAME,
                            "ani": ANI,
                            "dnis": DNIS,
                        },
                        {"id": "p-2", "purpose": "agent", "user": {"id": USER_ID, "name": USER_NAME}},
                    ],
                },
                "audit": [
                    {
                        "createdBy": {"id": USER_ID, "name": USER_NAME},
                        "modifiedBy": {"name": PARTICIPANT_NAME},
                    }
                ],
                "settings": {"Password": KEY_ONLY[3]},
            },
            duration_ms=3.0,
        ),
        CheckResult(
            id="canary.audit",
            title="Recent changes",
            status=Status.WARN,
            blocking=False,
            summary=f"{PARTICIPANT_NAME} called from {ANI}; +15550100999 again",
            fix=(f"ask {EMAIL}",),
        ),
    )
    base = sample_report()
    return dataclasses.replace(
        base,
        subject={
            "kind": "user",
            "client": {"id": "c-1", "name": "Client"},
            "user": {"id": USER_ID, "name": USER_NAME},
        },
        inputs={**base.inputs, "note": f"token={TOKEN}"},
        verdict=decide(results, subject=f"the call of {USER_NAME} with {TOKEN}"),
        fix=(f"Rotate {CLIENT_SECRET} and tell {EMAIL}",),
        results=base.results + results,
        requests=(
            *base.requests,
            {
                "method": "POST",
                "path": f"/oauth/token?client_secret={CLIENT_SECRET}",
                "status": 401,
                "duration_ms": 5.0,
                "identity": "subject",
                "correlation_id": TOKEN,
            },
            {
                "method": "GET",
                "path": f"/api/v2/users/search?q={EMAIL}",
                "status": 200,
                "duration_ms": 1.0,
                "identity": "inspector",
                "correlation_id": "",
            },
        ),
        notes=(
            *base.notes,
            f"Authorization: Basic {BASIC}",
            f"{USER_NAME} said the secret is {CLIENT_SECRET}",
        ),
    )


def _all_text(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False)


def test_the_canaries_are_really_planted() -> None:
    """Without redaction every canary shows, so the tests below can fail."""
    text = _all_text(planted_report())
    for canary in (*SECRET_CANARIES, *PERSONAL_CANARIES):
        if canary != BASIC_SECRET:  # planted base64-encoded only
            assert canary in text, canary


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("personal", [False, True])
def test_no_secret_reaches_any_format(fmt: str, personal: bool) -> None:
    redactor = Redactor([CLIENT_SECRET, TOKEN], personal=personal)
    safe = redactor.report(planted_report())
    for text in (render(safe, fmt), render(safe, fmt, color=True), render_many([safe, safe], fmt)):
        for canary in SECRET_CANARIES:
            assert canary not in text, (fmt, canary)
        assert REDACTED in text
        if personal:
            for canary in PERSONAL_CANARIES:
                assert canary not in text, (fmt, canary)
        else:
            assert USER_NAME in text  # personal data stays unless asked


def test_redacted_report_stays_a_valid_report_and_keeps_ids() -> None:
    safe = Redactor([CLIENT_SECRET, TOKEN], personal=True).report(planted_report())
    validate_report_dict(safe.to_dict())
    text = _all_text(safe)
    assert CONV in text and USER_ID in text  # ids are kept: support needs them
    assert safe.verdict.outcome.value == "would_fail"
    assert [r.id for r in safe.results] == [r.id for r in planted_report().results]


def test_secret_text_patterns() -> None:
    r = Redactor()
    assert r.text("Authorization: Bearer abc.def-123") == "Authorization: Bearer [REDACTED]"
    assert r.text('{"Authorization": "Bearer abc.def-123"}') == '{"Authorization": "[REDACTED]"}'
    assert r.text(f"curl -H 'authorization: Basic {BASIC}'") == "curl -H 'authorization: Basic [REDACTED]'"
    assert (
        r.text(f"Basic {BASIC} but Basic permissions stay") == "Basic [REDACTED] but Basic permissions stay"
    )
    assert r.text("Bearer abcdefgh1") == "Bearer [REDACTED]"
    assert r.text("a bearer token, bearer tokens") == "a bearer token, bearer tokens"
    assert r.text("missing authorization: the token expired") == "missing authorization: the token expired"
    assert r.text("x?access_token=abc&refresh_token=def&page=2") == (
        "x?access_token=[REDACTED]&refresh_token=[REDACTED]&page=2"
    )
    assert r.text("nextpagetoken=keepme") == "nextpagetoken=keepme"
    assert r.text("{'client_secret': 'abc', 'id': 'x'}") == "{'client_secret': '[REDACTED]', 'id': 'x'}"
    assert r.text('{"password": "p\\"w", "n": 1}') == '{"password": "[REDACTED]", "n": 1}'


def test_every_credential_shape_holds_a_word_that_lets_a_string_be_scanned() -> None:
    # Strings without one of _SHAPE_WORDS skip the shape patterns: every secret key and header name must hold one,
    # or a new key would be skipped unseen.
    from gcdiag.report.redact import _SHAPE_WORDS, SECRET_KEYS

    for word in [*SECRET_KEYS, "Bearer", "Basic"]:
        assert _SHAPE_WORDS.search(word), word
    assert Redactor().text("no credential words here: 0123456789abcdef") == (
        "no credential words here: 0123456789abcdef"
    )
    assert Redactor().text("TOKEN=abc123") == "TOKEN=[REDACTED]"


def test_known_secrets_everywhere_but_short_values_ignored() -> None:
    r = Redactor(["abc", "", "s3cr3t!", "s3cr3t!-longer"])
    assert r.text("abc s3cr3t! s3cr3t!-longer") == "abc [REDACTED] [REDACTED]"
    assert r.text("form: secret=s3cr3t%21") == "form: secret=[REDACTED]"
    assert Redactor(["s3cr3t/+x"]).text("q=s3cr3t%2F%2Bx") == "q=[REDACTED]"


def test_data_masks_secret_keys_and_copies() -> None:
    r = Redactor(["topsecret"])
    data: dict[str, Any] = {
        "Access_Token": "x",
        "refresh_token": {"nested": 1},
        "secret": 42,
        "token": None,
        "password": "",
        "tokens_seen": 3,
        "list": ({"client_secret": "y"}, "has topsecret in it"),
        "topsecret": 1,
    }
    out = r.data(data)
    assert out == {
        "Access_Token": REDACTED,
        "refresh_token": REDACTED,
        "secret": REDACTED,
        "token": None,
        "password": "",
        "tokens_seen": 3,
        "list": [{"client_secret": REDACTED}, "has [REDACTED] in it"],
        REDACTED: 1,
    }
    assert data["Access_Token"] == "x"  # the input is untouched


def test_repr_never_shows_secrets() -> None:
    r = Redactor([CLIENT_SECRET, TOKEN], personal=True)
    assert CLIENT_SECRET not in repr(r) and TOKEN not in repr(r)
    assert "2 values" in repr(r) or "values" in repr(r)


def test_personal_placeholders_are_stable_within_a_report() -> None:
    safe = Redactor(personal=True).report(planted_report())
    auth = next(r for r in safe.results if r.id == "canary.auth")
    audit = next(r for r in safe.results if r.id == "canary.audit")
    assert safe.subject["user"]["name"] == "person-1"
    assert auth.evidence["identity"]["user"]["name"] == "person-1"
    assert auth.summary.startswith("token ") and "person-1 <email-1@redacted.invalid>" in auth.summary
    participants = auth.evidence["conversation"]["participants"]
    assert participants[0]["name"] == "person-2" and participants[1]["user"]["name"] == "person-1"
    # Numbered by first appearance in the document: the DNIS shows first, in the fix text.
    assert participants[0]["ani"] == "phone-2" and participants[0]["dnis"] == "phone-1"
    assert participants[0]["id"] == "p-1"
    assert auth.fix[0].startswith(
        "Call person-1 at phone-1 or email-1@redacted.invalid"
    )  # e-mail case ignored
    assert audit.summary == "person-2 called from phone-2; phone-2 again"  # tel: URI and bare E.164 are one
    assert safe.fix[0].endswith("tell email-1@redacted.invalid")
    assert "/api/v2/users/search?q=email-1@redacted.invalid" in [r["path"] for r in safe.requests]
    assert auth.evidence["audit"][0]["modifiedBy"]["name"] == "person-2"


def test_personal_redaction_is_idempotent_and_off_by_default() -> None:
    redactor = Redactor(personal=True)
    once = redactor.report(planted_report())
    assert redactor.report(once).to_dict() == once.to_dict()
    plain = Redactor().report(planted_report())
    assert USER_NAME in _all_text(plain) and EMAIL in _all_text(plain)


def test_names_are_replaced_as_whole_words_only() -> None:
    doc = {"user": {"name": "Al"}, "summary": "Also Al and ALF; Al."}
    assert Redactor(personal=True).data(doc) == {
        "user": {"name": "person-1"},
        "summary": "Also person-1 and ALF; person-1.",
    }


def test_non_person_names_are_kept() -> None:
    doc = {
        "org": {"name": "Acme"},
        "client": {"name": "Integration"},
        "role": {"name": "Supervisor"},
        "text": "Acme Integration Supervisor",
    }
    assert Redactor(personal=True).data(doc) == doc


def test_text_with_personal_uses_patterns() -> None:
    out = Redactor(personal=True).text("mail bob@example.org or call +447700900123 / tel:+447700900123")
    assert out == "mail email-1@redacted.invalid or call phone-1 / phone-1"
    assert Redactor().text("mail bob@example.org") == "mail bob@example.org"


def test_personal_redaction_reaches_a_fix_as_code() -> None:
    """A user's name in a fix's Terraform comment, curl note or change is personal data like anywhere else; the
    snippet's resource label comes from the user id, so nothing of the name survives."""
    from gcdiag.genesys.authz import Role
    from gcdiag.genesys.fixcode import Action, Change, FixSubject, SubjectKind, as_code

    name = "Dana Supervisor"
    step = f"Grant the user {name} a role that has the permission."
    code = as_code(
        Change(
            action=Action.GRANT_ROLE,
            permission="conversation:recording:pauseOthers",
            subject=FixSubject(kind=SubjectKind.USER, id="58f98699-ce85-4243-b020-ebfa5f75e52d", name=name),
            role=Role("a6191368-43f7-491a-97d7-c12f70a4c46f", "Supervisor"),
            division_id="*",
            division_label="all divisions (*)",
        ),
        fix=step,
    )
    result = CheckResult(
        "auth.permissions", "t", Status.FAIL, True, "lacks it", fix=(step,), fix_as_code=(code,)
    )
    report = dataclasses.replace(sample_report(), results=(result,), fix=(step,))
    assert name in json.dumps(report.to_dict())
    safe = Redactor([], personal=True).report(report)
    text = json.dumps(safe.to_dict())
    assert name not in text and "dana" not in text.lower() and "person-1" in text
    assert (
        safe.results[0].fix_as_code[0]["change"]["subject"]["user"]["id"]
        == "58f98699-ce85-4243-b020-ebfa5f75e52d"
    )


def test_base64_forms_of_a_secret_are_redacted() -> None:
    secret = "client-secret-value-xyz"
    pair = f"my-client:{secret}"
    redactor = Redactor([secret, pair])
    for text in (secret, pair):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(text.encode()).decode()
            for form in (encoded, encoded.rstrip("=")):
                assert form not in redactor.text(f"correlation id {form}; done")
    assert redactor.text("nothing secret here") == "nothing secret here"
