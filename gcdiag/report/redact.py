"""The one choke point every report and message passes before it leaves gcdiag.

:class:`Redactor` removes secrets always and, with ``personal=True``, replaces personal data with stable
placeholders:

* **Secrets** — every occurrence of every known secret value (tokens, client secrets, ``client_id:secret``
  pairs; values shorter than :data:`MIN_SECRET_LENGTH` are ignored so common words are not blanked), in clear,
  URL-encoded and base64-encoded (standard or URL-safe, padded or not), plus anything shaped like a
  credential whatever its value: ``Authorization: Bearer …`` / ``Basic …`` header values, a bare ``Bearer
  <token>``, a bare ``Basic <base64 of id:secret>``, ``access_token=…`` (and the other secret-named keys) in
  query or form text, and ``"access_token": "…"`` in JSON or Python-repr text. In structured data, the value
  of any key named (case aside) ``authorization``, ``access_token``, ``token``, ``client_secret``, ``secret``,
  ``password`` or ``refresh_token`` is masked as ``[REDACTED]``.
* **Personal data** (``personal=True``) — user and participant names, e-mail addresses, phone numbers (ANI,
  DNIS, ``tel:`` URIs, E.164 strings). Values are collected from a whole document (by key: ``name`` inside a
  ``user``/``participant``/``createdBy``/``modifiedBy`` object, ``email``, ``ani``, ``dnis``, ``address``,
  ``phoneNumber``; by pattern: e-mail, ``tel:``, E.164) and then every occurrence in every string is
  replaced by ``person-N``, ``email-N@redacted.invalid`` or ``phone-N``: the same value gets the same
  placeholder throughout one document (summaries, fix text, evidence, request paths). Ids (UUIDs) are kept:
  they are not personal data and support needs them. Redacting an already redacted document changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from gcdiag.report.model import Report

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6

# Keys whose values are credentials whatever they look like (compared case-insensitively).
SECRET_KEYS = frozenset(
    {"authorization", "access_token", "token", "client_secret", "secret", "password", "refresh_token"}
)

# "authorization" is left to the header patterns below, which keep the scheme ("Bearer [REDACTED]").
_KEY_ALT = "|".join(sorted(SECRET_KEYS - {"authorization"}, key=len, reverse=True))
_ALL_KEY_ALT = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
_TOKEN_CHARS = r"[A-Za-z0-9\-._~+/]+=*"  # RFC 6750 b64token

# "Authorization: Bearer xyz", "authorization=Basic xyz", '"Authorization": "Bearer xyz"': the scheme is kept,
# the credential goes. Without a scheme, only a token-shaped value (16+ token characters) counts, so prose
# such as "missing authorization: the token ..." survives.
_AUTH_PREFIX = r"""\bauthorization\b["']?\s*[:=]\s*["']?"""
_AUTH_SCHEME = re.compile(
    # A shell variable ("Bearer $TOKEN" in a ready-to-paste curl) is a placeholder, not a credential.
    rf"""(?P<keep>{_AUTH_PREFIX}(?:bearer|basic|digest|token|negotiate|ntlm)\s+)(?!\$)(?P<value>[^\s"',;]+)""",
    re.IGNORECASE,
)
_AUTH_BARE = re.compile(rf"(?P<keep>{_AUTH_PREFIX})(?P<value>[A-Za-z0-9\-._~+/]{{16,}}=*)", re.IGNORECASE)
# A bare "Bearer <token>": token-shaped (8+ characters with a digit, or 20+), so prose ("bearer tokens")
# survives.
_BEARER = re.compile(rf"(?P<keep>\bBearer\s+)(?P<value>{_TOKEN_CHARS})", re.IGNORECASE)
# A bare "Basic <credentials>": redacted only when it decodes to "id:secret", so "Basic role" survives.
_BASIC = re.compile(r"(?P<keep>\bBasic\s+)(?P<value>[A-Za-z0-9+/]{6,}={0,2})")
# access_token=…, client_secret=… in URLs, form bodies, logs.
_QUERY = re.compile(rf"(?P<keep>(?<![A-Za-z0-9_])(?:{_KEY_ALT})=)(?P<value>[^&\s\"'#]+)", re.IGNORECASE)
# "access_token": "…" (JSON) and 'access_token': '…' (Python repr); here "authorization" too: a quoted value
# is unambiguous.
_QUOTED = re.compile(
    rf"""(?P<keep>(?P<q>["'])(?:{_ALL_KEY_ALT})(?P=q)\s*:\s*(?P<q2>["']))(?P<value>(?:\\.|(?!(?P=q2)).)*)""",
    re.IGNORECASE,
)

# Each credential shape above holds one of these words (case aside): a string without any of them, as nearly every
# string of a report is, is scanned once instead of six times.
_SHAPE_WORDS = re.compile(r"authorization|bearer|basic|token|secret|password", re.IGNORECASE)

# Personal data patterns.
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
TEL = re.compile(r"\btel:\+?[0-9](?:[0-9().\-]*[0-9])?", re.IGNORECASE)
E164 = re.compile(r"(?<![\w+])\+[1-9][0-9]{6,14}(?![0-9])")
PLACEHOLDER_DOMAIN = "redacted.invalid"
_PLACEHOLDER = re.compile(rf"^(?:person-\d+|phone-\d+|email-\d+@{re.escape(PLACEHOLDER_DOMAIN)})$")

# Where a "name" is a person's name: inside these objects (or lists of them).
PERSON_PARENTS = frozenset({"user", "users", "participant", "participants", "createdby", "modifiedby"})
EMAIL_KEYS = frozenset({"email"})
PHONE_KEYS = frozenset({"ani", "dnis", "address", "phonenumber"})


def _base64_forms(secret: str) -> set[str]:
    """``secret`` base64-encoded: standard and URL-safe alphabets, padded and not (``client_id:secret`` is
    what HTTP Basic sends, so callers pass that pair as a secret of its own)."""
    raw = secret.encode("utf-8")
    forms = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(raw).decode("ascii")
        forms.update({encoded, encoded.rstrip("=")})
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def _is_bearer_token(value: str) -> bool:
    return len(value) >= 20 or (len(value) >= 8 and any(c.isdigit() for c in value))


def _is_basic_credential(value: str) -> bool:
    """True when ``value`` is base64 of ``something:something`` (HTTP Basic credentials)."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


class Redactor:
    """Removes secrets (always) and personal data (``personal=True``) from text, JSON-like data, reports."""

    def __init__(self, secrets: Iterable[str] = (), personal: bool = False) -> None:
        values: set[str] = set()
        for secret in secrets:
            if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
                continue
            # The URL-encoded form too: a secret may show up in a logged form body or query string; and its
            # base64 forms, which a server may echo (a correlation id, an error's messageParams).
            values.update({secret, quote(secret, safe=""), quote(secret), *_base64_forms(secret)})
        # Longest first, so a secret that contains another is removed whole. Plain substring replacement, not
        # one alternation regex: the values are new in every run (tokens), and compiling a pattern of some forty
        # long literals cost more than the whole scan of a report.
        self._secrets = tuple(sorted(values, key=len, reverse=True))
        self._count = len(self._secrets)
        self.personal = personal

    def __repr__(self) -> str:  # never the values
        return f"Redactor(secrets=<{self._count} values>, personal={self.personal})"

    # --- secrets --------------------------------------------------------------------------------------------

    def _secret_text(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if _SHAPE_WORDS.search(text) is None:
            return text
        text = _AUTH_SCHEME.sub(lambda m: m["keep"] + REDACTED, text)
        text = _AUTH_BARE.sub(lambda m: m["keep"] + REDACTED, text)
        text = _BEARER.sub(lambda m: m["keep"] + REDACTED if _is_bearer_token(m["value"]) else m[0], text)
        text = _BASIC.sub(lambda m: m["keep"] + REDACTED if _is_basic_credential(m["value"]) else m[0], text)
        text = _QUERY.sub(lambda m: m["keep"] + REDACTED, text)
        text = _QUOTED.sub(lambda m: m["keep"] + REDACTED, text)
        return text

    def _secret_data(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self._secret_text(obj)
        if isinstance(obj, Mapping):
            out: dict[Any, Any] = {}
            for key, value in obj.items():
                safe_key = self._secret_text(key) if isinstance(key, str) else key
                if isinstance(key, str) and key.lower() in SECRET_KEYS and value is not None and value != "":
                    out[safe_key] = REDACTED
                else:
                    out[safe_key] = self._secret_data(value)
            return out
        if isinstance(obj, (list, tuple)):
            return [self._secret_data(v) for v in obj]
        return obj

    # --- personal data --------------------------------------------------------------------------------------

    def _personal_data(self, obj: Any) -> Any:
        found = _PersonalData()
        found.collect(obj)
        replace = found.replacer()
        return _map_strings(obj, replace)

    # --- public API -----------------------------------------------------------------------------------------

    def text(self, s: str) -> str:
        """``s`` without secrets (and, with ``personal``, without e-mail addresses and phone numbers)."""
        text = self._secret_text(s)
        return self._personal_data(text) if self.personal else text

    def data(self, obj: Any) -> Any:
        """A deep copy of a JSON-like structure without secrets (and personal data, with ``personal``).

        Tuples come back as lists, as in a JSON document.
        """
        clean = self._secret_data(obj)
        return self._personal_data(clean) if self.personal else clean

    def report(self, report: Report) -> Report:
        """The report, redacted (placeholders stable within this one report)."""
        return Report.from_dict(self.data(report.to_dict()))


def _map_strings(obj: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, Mapping):
        return {(fn(k) if isinstance(k, str) else k): _map_strings(v, fn) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_map_strings(v, fn) for v in obj]
    return obj


class _PersonalData:
    """Collects personal values from one document and numbers them in order of first appearance."""

    def __init__(self) -> None:
        self.placeholders: dict[tuple[str, str], str] = {}  # (kind, canonical value) → placeholder
        self.literals: dict[str, str] = {}  # exact text to replace → placeholder
        self.counts = {"person": 0, "email": 0, "phone": 0}

    # Canonical forms: "tel:+1 555-0100", "+15550100" are one number; e-mail case does not matter.
    @staticmethod
    def _canonical(kind: str, value: str) -> str:
        if kind == "phone":
            bare = value[4:] if value.lower().startswith("tel:") else value
            digits = re.sub(r"[^0-9+]", "", bare)
            return digits or value
        if kind == "email":
            return value.lower()
        return value

    def add(self, kind: str, value: str) -> None:
        value = value.strip()
        if len(value) < 2 or _PLACEHOLDER.match(value) or REDACTED in value:
            return
        key = (kind, self._canonical(kind, value))
        if key not in self.placeholders:
            self.counts[kind] += 1
            n = self.counts[kind]
            self.placeholders[key] = f"email-{n}@{PLACEHOLDER_DOMAIN}" if kind == "email" else f"{kind}-{n}"
        self.literals.setdefault(value, self.placeholders[key])
        if kind == "phone":  # the bare number, so "+1555…" in prose matches "tel:+1555…" in evidence
            canonical = key[1]
            if canonical.startswith("+") and len(canonical) > 6:
                self.literals.setdefault(canonical, self.placeholders[key])

    def _classify(self, key: str, value: str) -> str:
        if EMAIL.fullmatch(value):
            return "email"
        return "email" if key in EMAIL_KEYS else "phone"

    def collect(self, obj: Any, parent: str = "") -> None:
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                lowered = str(key).lower()
                if isinstance(value, str):
                    if lowered == "name" and parent in PERSON_PARENTS:
                        self.add("person", value)
                    elif lowered in EMAIL_KEYS or lowered in PHONE_KEYS:
                        self.add(self._classify(lowered, value), value)
                    self._patterns(value)
                else:
                    self.collect(value, lowered)
                if isinstance(key, str):
                    self._patterns(key)
        elif isinstance(obj, (list, tuple)):
            for value in obj:
                # A list keeps its key as the parent: "participants: [{name: …}]" names participants.
                self.collect(value, parent)
        elif isinstance(obj, str):
            self._patterns(obj)

    def _patterns(self, text: str) -> None:
        for match in EMAIL.finditer(text):
            self.add("email", match[0])
        for match in TEL.finditer(text):
            self.add("phone", match[0])
        for match in E164.finditer(text):
            self.add("phone", match[0])

    def replacer(self) -> Callable[[str], str]:
        if not self.literals:
            return lambda s: s
        ordered = sorted(self.literals, key=len, reverse=True)
        # Names and numbers are replaced as whole words only: "Al" must not eat "Also"; one pass, so a
        # placeholder is never replaced again.
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in ordered))
        literals = self.literals

        def replace(text: str) -> str:
            return pattern.sub(lambda m: literals[m[0]], text)

        return replace
