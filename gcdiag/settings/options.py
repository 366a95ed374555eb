"""Every option gcdiag takes, written once: flag, environment variable, help, group, type, and whether it is secret.

The click declarations (:mod:`gcdiag.cli.options`), the settings resolver (which environment variable belongs
to which setting), the redactor (which variables hold secrets) and the README meta-tests all read this table,
so a flag and its variable cannot drift apart. No click here: the table is plain data.

Groups order the help: ``target`` (where requests go), ``identity`` (the subject whose call fails),
``inspector`` (the optional admin identity that reads configuration), ``output`` and ``behaviour`` (timeouts,
retries, pacing). Options of one command only are in :data:`COMMAND_OPTIONS` under their own key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gcdiag.report.formats import FIX_FORMAT_CHOICES, FORMATS


@dataclass(frozen=True, kw_only=True)
class Option:
    """One option as the user sees it."""

    key: str  # the Python name (and settings key): output_format
    flags: tuple[str, ...]  # ("-o", "--output-format")
    env: str  # GCDIAG_OUTPUT_FORMAT
    help: str
    group: str = "command"  # target | identity | inspector | output | behaviour | command
    # Resolved by gcdiag.settings.resolve with the precedence flags > environment > profile > defaults; the
    # CLI passes the typed value through as text and the resolver checks it, naming the flag or variable.
    setting: bool = False
    secret: bool = False  # its value must never be printed (the redactor masks it)
    kind: str = "text"  # text | flag | int | float | choice | file | dir | multiple
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    show_default: bool = False
    metavar: str | None = None


# The longest time any option may give, seconds: an hour is far beyond any wait gcdiag should make.
MAX_SECONDS = 3600.0

GROUP_TITLES = {
    "target": "Target (where requests go)",
    "identity": "Identity (the subject whose call fails)",
    "inspector": "Inspector (optional admin identity that reads configuration)",
    "output": "Output",
    "behaviour": "Behaviour (timeouts, retries, pacing)",
}


def _opt(key: str, flags: tuple[str, ...], env: str, help: str, **extra: Any) -> Option:
    return Option(key=key, flags=flags, env=env, help=help, **extra)


# Accepted by every command, before or after the subcommand (the value given last wins).
SHARED_OPTIONS: tuple[Option, ...] = (
    _opt(
        "region",
        ("--region",),
        "GENESYSCLOUD_REGION",
        "Region name (us_east_1) or domain (mypurecloud.ie).",
        group="target",
        setting=True,
        metavar="REGION",
    ),
    _opt(
        "api_url",
        ("--api-url",),
        "GENESYSCLOUD_API_URL",
        "API base URL (overrides the region; e.g. a proxy or the sandbox).",
        group="target",
        setting=True,
        metavar="URL",
    ),
    _opt(
        "login_url",
        ("--login-url",),
        "GENESYSCLOUD_LOGIN_URL",
        "Login base URL for the token endpoint.",
        group="target",
        setting=True,
        metavar="URL",
    ),
    _opt(
        "ca_bundle",
        ("--ca-bundle",),
        "GCDIAG_CA_BUNDLE",
        "PEM file of the CA certificates to trust (a TLS-inspecting proxy, the sandbox's --tls); else "
        "REQUESTS_CA_BUNDLE or the system's.",
        group="target",
        setting=True,
        metavar="FILE",
    ),
    _opt(
        "client_id",
        ("--client-id",),
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "Subject OAuth client id (client-credentials grant).",
        group="identity",
        setting=True,
        metavar="ID",
    ),
    _opt(
        "client_secret",
        ("--client-secret",),
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "Subject OAuth client secret.",
        group="identity",
        setting=True,
        secret=True,
        metavar="SECRET",
    ),
    _opt(
        "token",
        ("--token",),
        "GENESYSCLOUD_ACCESS_TOKEN",
        "Subject bearer token (instead of client credentials).",
        group="identity",
        setting=True,
        secret=True,
        metavar="TOKEN",
    ),
    _opt(
        "profile",
        ("--profile",),
        "GCDIAG_PROFILE",
        "Profile of the Genesys CLI config (~/.gc/config.toml).",
        group="identity",
        setting=True,
        metavar="NAME",
    ),
    _opt(
        "inspector_client_id",
        ("--inspector-client-id",),
        "GCDIAG_INSPECTOR_CLIENT_ID",
        "Inspector OAuth client id (reads configuration).",
        group="inspector",
        setting=True,
        metavar="ID",
    ),
    _opt(
        "inspector_client_secret",
        ("--inspector-client-secret",),
        "GCDIAG_INSPECTOR_CLIENT_SECRET",
        "Inspector OAuth client secret.",
        group="inspector",
        setting=True,
        secret=True,
        metavar="SECRET",
    ),
    _opt(
        "inspector_token",
        ("--inspector-token",),
        "GCDIAG_INSPECTOR_TOKEN",
        "Inspector bearer token.",
        group="inspector",
        setting=True,
        secret=True,
        metavar="TOKEN",
    ),
    _opt(
        "inspector_profile",
        ("--inspector-profile",),
        "GCDIAG_INSPECTOR_PROFILE",
        "Profile of ~/.gc/config.toml whose credentials the inspector uses.",
        group="inspector",
        setting=True,
        metavar="NAME",
    ),
    _opt(
        "timeout_connect",
        ("--timeout-connect",),
        "GCDIAG_TIMEOUT_CONNECT",
        "Connect timeout, seconds (default 5).",
        group="behaviour",
        setting=True,
        kind="float",
        minimum=0,
        maximum=MAX_SECONDS,
        metavar="SECONDS",
    ),
    _opt(
        "timeout_read",
        ("--timeout-read",),
        "GCDIAG_TIMEOUT_READ",
        "Longest wait for one read, seconds (default 30).",
        group="behaviour",
        setting=True,
        kind="float",
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    _opt(
        "deadline",
        ("--deadline",),
        "GCDIAG_DEADLINE",
        "Longest one request may take in all (connect, every read, retries), seconds (default 30).",
        group="behaviour",
        setting=True,
        kind="float",
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    _opt(
        "run_deadline",
        ("--run-deadline",),
        "GCDIAG_RUN_DEADLINE",
        "Longest one diagnosis may take (each item of a smoke run), retries included, seconds (default 60).",
        group="behaviour",
        setting=True,
        kind="float",
        minimum=0,
        maximum=MAX_SECONDS,
    ),
    _opt(
        "check_timeout",
        ("--check-timeout",),
        "GCDIAG_CHECK_TIMEOUT",
        "Longest one check may run, seconds (default 10); a check past it is an error.",
        group="behaviour",
        kind="float",
        minimum=0.01,
        maximum=MAX_SECONDS,
        metavar="SECONDS",
    ),
    _opt(
        "retries",
        ("--retries",),
        "GCDIAG_RETRIES",
        "Retries on 429/5xx/connection errors.",
        group="behaviour",
        setting=True,
        kind="int",
        minimum=0,
        maximum=10,
        metavar="N",
    ),
    _opt(
        "rate_limit",
        ("--rate-limit",),
        "GCDIAG_RATE_LIMIT",
        "Client-side limit, requests per minute per token.",
        group="behaviour",
        setting=True,
        kind="float",
        minimum=0,
        maximum=1_000_000,
        metavar="PER_MINUTE",
    ),
    _opt(
        "backoff",
        ("--backoff",),
        "GCDIAG_BACKOFF",
        "First retry's back-off in seconds (default 0.5; doubles per retry, full jitter, at most 8).",
        group="behaviour",
        kind="float",
        minimum=0,
        maximum=60,
        metavar="SECONDS",
    ),
    _opt(
        "retry_after_cap",
        ("--retry-after-cap",),
        "GCDIAG_RETRY_AFTER_CAP",
        "Longest Retry-After wait gcdiag accepts, seconds (default 60); a longer one is reported, not slept.",
        group="behaviour",
        kind="float",
        minimum=0,
        maximum=3600,
        metavar="SECONDS",
    ),
    _opt(
        "output_format",
        ("-o", "--output-format"),
        "GCDIAG_OUTPUT_FORMAT",
        "Output format.",
        group="output",
        kind="choice",
        choices=FORMATS,
        metavar="FORMAT",
    ),
    _opt(
        "output_file",
        ("--output-file",),
        "GCDIAG_OUTPUT_FILE",
        "Write the document to this file instead of stdout.",
        group="output",
        kind="file",
        metavar="FILE",
    ),
    _opt(
        "force",
        ("--force",),
        "GCDIAG_FORCE",
        "Replace an output file that exists; catalog refresh: keep a swagger far smaller than the bundled one.",
        group="output",
        kind="flag",
    ),
    _opt(
        "no_color",
        ("--no-color",),
        "GCDIAG_NO_COLOR",
        "No ANSI colour (also when NO_COLOR is set).",
        group="output",
        kind="flag",
    ),
    _opt(
        "verbose",
        ("-v", "--verbose"),
        "GCDIAG_VERBOSE",
        "Print the request log to stderr.",
        group="output",
        kind="flag",
    ),
    _opt(
        "fix_format",
        ("--fix-format",),
        "GCDIAG_FIX_FORMAT",
        "Fix steps that change configuration also as: api (curl), terraform, gc (CLI), all, or text only.",
        group="output",
        kind="choice",
        choices=FIX_FORMAT_CHOICES,
    ),
    _opt("debug", ("--debug",), "GCDIAG_DEBUG", "Show tracebacks.", group="output", kind="flag"),
    _opt(
        "redact",
        ("--redact",),
        "GCDIAG_REDACT",
        "Replace personal data (names, e-mails, phone numbers) with placeholders.",
        group="output",
        kind="flag",
    ),
)

# Options of one command or a few: each command picks its own by key.
COMMAND_OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        _opt(
            "only",
            ("--only",),
            "GCDIAG_ONLY",
            "Run only this check (repeatable).",
            kind="multiple",
            metavar="CHECK",
        ),
        _opt(
            "skip",
            ("--skip",),
            "GCDIAG_SKIP",
            "Skip this check (repeatable).",
            kind="multiple",
            metavar="CHECK",
        ),
        _opt(
            "checks_dir",
            ("--checks-dir",),
            "GCDIAG_CHECKS_DIR",
            "Also load checks from this directory.",
            kind="dir",
            metavar="DIR",
        ),
        _opt(
            "error_body",
            ("--error-body",),
            "GCDIAG_ERROR_BODY",
            "The error body you received (- for stdin).",
            metavar="FILE",
        ),
        _opt(
            "scopes_enforced",
            ("--scopes-enforced",),
            "GCDIAG_SCOPES_ENFORCED",
            "Does the org enforce OAuth scopes? (not readable)",
            kind="choice",
            choices=("yes", "no", "unknown"),
            default="unknown",
            show_default=True,
            metavar="yes|no",
        ),
        _opt("conversation_id", ("--conversation",), "GCDIAG_CONVERSATION", "Conversation id.", metavar="ID"),
        _opt("recording_id", ("--recording",), "GCDIAG_RECORDING", "Recording id.", metavar="ID"),
        _opt(
            "event_file",
            ("--event",),
            "GCDIAG_EVENT",
            "A notification JSON to take the ids from (- for stdin).",
            metavar="FILE",
        ),
        _opt(
            "event_query",
            ("--event-query",),
            "GCDIAG_EVENT_QUERY",
            "JMESPath to the ids in --event (conversationId, recordingId).",
            metavar="JMESPATH",
        ),
        _opt(
            "call",
            ("--call",),
            "GCDIAG_CALL",
            "The call you made.",
            metavar="'METHOD PATH'",
        ),
        _opt(
            "attempt",
            ("--attempt",),
            "GCDIAG_ATTEMPT",
            "Then make the call for real (changes the org).",
            kind="flag",
        ),
        _opt("yes", ("--yes", "-y"), "GCDIAG_YES", "Do not ask before --attempt.", kind="flag"),
        _opt(
            "audit_window",
            ("--audit-window",),
            "GCDIAG_AUDIT_WINDOW",
            "Audit look-back in days (at most 14).",
            kind="float",
            minimum=0.01,
            maximum=14,
            default=7.0,
            show_default=True,
            metavar="DAYS",
        ),
        _opt(
            "interaction_audit",
            ("--interaction-audit",),
            "GCDIAG_INTERACTION_AUDIT",
            "Also read who paused, stopped or resumed the recording (interaction audit; slower).",
            kind="flag",
        ),
        _opt(
            "body",
            ("--body",),
            "GCDIAG_BODY",
            "The call's JSON body, when it decides what the call does.",
            metavar="JSON",
        ),
        _opt(
            "division",
            ("--division",),
            "GCDIAG_DIVISION",
            "Evaluate for this division (id or name; * for all).",
            metavar="DIVISION",
        ),
        _opt(
            "list_mode",
            ("--list",),
            "GCDIAG_LIST",
            "List the operations of --tag the identity can call.",
            kind="flag",
        ),
        _opt("tag", ("--tag",), "GCDIAG_TAG", "API area, e.g. Recording.", metavar="TAG"),
        _opt(
            "quiet",
            ("-q", "--quiet"),
            "GCDIAG_QUIET",
            "Print nothing: the exit code answers (0 yes, 1 no, 3 unknown).",
            kind="flag",
        ),
        _opt(
            "short",
            ("--short",),
            "GCDIAG_SHORT",
            "Answer in one line: yes, or no - why (as kubectl auth can-i).",
            kind="flag",
        ),
        _opt(
            "catalog_max_age",
            ("--catalog-max-age",),
            "GCDIAG_CATALOG_MAX_AGE",
            "Days a refreshed live catalog stays fresh.",
            kind="float",
            minimum=0,
            default=7.0,
            show_default=True,
            metavar="DAYS",
        ),
        _opt(
            "fail_on",
            ("--fail-on",),
            "GCDIAG_FAIL_ON",
            "warn: a warning also counts as a mismatch.",
            kind="choice",
            choices=("fail", "warn"),
            default="fail",
            show_default=True,
            metavar="fail|warn",
        ),
        _opt(
            "with_audit",
            ("--with-audit",),
            "GCDIAG_WITH_AUDIT",
            "Also run audit.recent-changes per item.",
            kind="flag",
        ),
        _opt(
            "workers",
            ("--workers",),
            "GCDIAG_WORKERS",
            "Diagnoses run at once.",
            kind="int",
            minimum=1,
            maximum=16,
            default=4,
            show_default=True,
            metavar="N",
        ),
        _opt("scenario", ("--scenario",), "GCDIAG_SCENARIO", "Only checks of this scenario.", metavar="NAME"),
        _opt(
            "who_call",
            ("--call",),
            "GCDIAG_WHO_CAN_CALL",
            'List who can make this call "METHOD PATH" (its permissions, ANY or ALL).',
            metavar="'METHOD PATH'",
        ),
        _opt(
            "recording_control",
            ("--recording-control",),
            "GCDIAG_RECORDING_CONTROL",
            "List who holds any permission that pauses, stops or deletes recordings or changes their retention.",
            kind="flag",
        ),
        _opt(
            "expect_none",
            ("--expect-none",),
            "GCDIAG_EXPECT_NONE",
            "Exit 1 when anyone outside --allow holds it (a compliance gate for CI).",
            kind="flag",
        ),
        _opt(
            "allow",
            ("--allow",),
            "GCDIAG_ALLOW",
            "An OAuth client, user or group id allowed to hold it (repeatable; a group allows its members).",
            kind="multiple",
            metavar="ID",
        ),
    )
}

# `gcdiag sandbox serve`: the emulated org's own options.
SANDBOX_OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        _opt(
            "org_ref",
            ("--org",),
            "GCDIAG_SANDBOX_ORG",
            "A built-in fixture name or a fixture YAML file.",
            default="seed-403",
            show_default=True,
        ),
        _opt(
            "host",
            ("--host",),
            "GCDIAG_SANDBOX_HOST",
            "Address to listen on.",
            default="127.0.0.1",
            show_default=True,
        ),
        _opt(
            "port",
            ("--port",),
            "GCDIAG_SANDBOX_PORT",
            "Port; 0 picks a free one.",
            kind="int",
            minimum=0,
            maximum=65535,
            default=0,
            show_default=True,
        ),
        _opt(
            "latency_ms",
            ("--latency-ms",),
            "GCDIAG_SANDBOX_LATENCY_MS",
            "Delay before every answer.",
            kind="int",
            minimum=0,
            maximum=60000,
            default=0,
            show_default=True,
        ),
        _opt(
            "rate_limit",
            ("--rate-limit",),
            "GCDIAG_SANDBOX_RATE_LIMIT",
            "Requests per minute per token before 429.",
            kind="int",
            minimum=1,
        ),
        _opt(
            "fault_rate",
            ("--fault-rate",),
            "GCDIAG_SANDBOX_FAULT_RATE",
            "Share of requests that get a random fault.",
            kind="float",
            minimum=0.0,
            maximum=1.0,
            default=0.0,
            show_default=True,
        ),
        _opt(
            "fault_seed",
            ("--fault-seed",),
            "GCDIAG_SANDBOX_FAULT_SEED",
            "Seed for reproducible faults.",
            kind="int",
        ),
        _opt(
            "tls",
            ("--tls",),
            "GCDIAG_SANDBOX_TLS",
            "Serve HTTPS with a certificate made at start-up (needs gcdiag[sandbox-tls]); prints the CA bundle "
            "to trust.",
            kind="flag",
        ),
        _opt(
            "login_port",
            ("--login-port",),
            "GCDIAG_SANDBOX_LOGIN_PORT",
            "Serve the token endpoint on this second port, as Genesys's login host (0 picks a free one).",
            kind="int",
            minimum=0,
            maximum=65535,
        ),
        _opt(
            "fault_kinds",
            ("--fault-kinds",),
            "GCDIAG_SANDBOX_FAULT_KINDS",
            "Comma-separated fault kinds to draw from: service_unavailable, timeout, reset, truncated, html, slow "
            "(default: all).",
        ),
    )
}

# The settings the resolver owns, by key → environment variable.
SETTING_ENV: dict[str, str] = {o.key: o.env for o in SHARED_OPTIONS if o.setting}
# The environment variables whose values are secrets (never printed; masked wherever they appear).
SECRET_ENV: tuple[str, ...] = tuple(o.env for o in SHARED_OPTIONS if o.secret)
# (client id variable, client secret variable): "id:secret" is what HTTP Basic encodes, a secret of its own.
SECRET_ENV_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (SETTING_ENV[f"{prefix}client_id"], SETTING_ENV[f"{prefix}client_secret"])
    for prefix in ("", "inspector_")
)
# The variables that name a subject identity (explain-error checks with can-i only when one is given).
IDENTITY_ENV: tuple[str, ...] = tuple(
    o.env for o in SHARED_OPTIONS if o.key in ("client_id", "token", "profile")
)


def shared_option(key: str) -> Option:
    return next(o for o in SHARED_OPTIONS if o.key == key)
