"""Time, peak memory and exit code of one diagnosis under each hostile-server mode (#13's "Done when").

Runs ``gcdiag recording-stop`` as a child process (through the hostile suite's launcher, so the peak is the
child's own) against the hostile server of ``tests/e2e/hostile`` in each mode, with the small deadlines the
suite uses (``GCDIAG_DEADLINE=2``, ``GCDIAG_RUN_DEADLINE=4``, no retries), or with gcdiag's defaults
(``--defaults``: 30 s per request, 60 s per run, 3 retries). Prints a Markdown table: mode, seconds, peak MB,
exit code, and whether each promise held (within the deadline + 5 s, ≤ 250 MB, exit 0/1/3, no traceback, no
secret in any output).

    python bench/hostile.py              # ~30 s
    python bench/hostile.py --defaults   # the hang and drip rows take ~30 s each
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.hostile.conftest import make_target  # noqa: E402
from tests.e2e.hostile.runner import (  # noqa: E402
    ALLOWED_EXIT,
    GRACE_S,
    MEMORY_BUDGET_MB,
    RUN_DEADLINE_S,
    leaked,
    run_gcdiag,
)
from tests.e2e.hostile.server import CONVERSATION_PATH, TOKEN_PATH  # noqa: E402

# (label, mode, path regex or None, options)
MODES: list[tuple[str, str, str | None, dict[str, Any]]] = [
    ("normal", "normal", None, {}),
    ("drip (declared length)", "drip", None, {}),
    ("drip (no length)", "drip", None, {"declared": False}),
    ("hang", "hang", None, {}),
    ("huge everywhere + token", "huge", None, {}),
    ("huge conversation, no length", "huge", CONVERSATION_PATH.pattern, {"declared": False}),
    ("reset", "reset", None, {}),
    ("malformed", "malformed", None, {}),
    ("wrong_types", "wrong_types", None, {}),
    ("deep", "deep", None, {}),
    ("bigint", "bigint", None, {}),
    ("redirect (API, 302)", "redirect", r"^/api/", {"status": 302, "location": "http://127.0.0.2:9"}),
    (
        "redirect (token, 307)",
        "redirect",
        f"^{TOKEN_PATH}$",
        {"status": 307, "location": "http://127.0.0.2:9"},
    ),
    ("rate_storm (Retry-After 59)", "rate_storm", None, {"retry_after": "59"}),
    ("rate_storm (odd Retry-After)", "rate_storm", None, {"retry_after": ["-5", "1e308", "soon", ""]}),
    ("echo_secret (API)", "echo_secret", r"^/api/", {}),
    ("echo_secret (token)", "echo_secret", f"^{TOKEN_PATH}$", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--defaults", action="store_true", help="gcdiag's own deadlines and retries")
    args = parser.parse_args()
    limit = (60.0 if args.defaults else RUN_DEADLINE_S) + GRACE_S
    command = "python bench/hostile.py" + (" --defaults" if args.defaults else "")
    print(f"## Hostile modes — `{command}`\n")
    print("| mode | seconds | peak MB | exit | calm |")
    print("| --- | --- | --- | --- | --- |")
    for label, mode, path, options in MODES:
        target = make_target("seed-403")
        with target.server, tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            (home / "cache").mkdir(parents=True)
            target.server.set_mode(mode, path, **options)
            env = target.env(home, deadlines=None if args.defaults else "small")
            if args.defaults:
                env.pop("GCDIAG_RETRIES", None)
            elif mode == "rate_storm":
                env["GCDIAG_RETRIES"] = "2"
            out = Path(tmp) / "report.json"
            run = run_gcdiag(
                ["recording-stop", target.conversation, "-o", "json", "-v", "--output-file", str(out)],
                env=env,
                tmp=Path(tmp),
                timeout=limit + 10,
                fresh=True,  # a new interpreter, as a user runs it: its start-up in the time, its own peak
            )
            written = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
            broken = []
            if run.killed or run.elapsed > limit:
                broken.append("time")
            if run.peak_rss_mb > MEMORY_BUDGET_MB:
                broken.append("memory")
            if run.code not in ALLOWED_EXIT:
                broken.append("exit")
            if "Traceback" in run.output:
                broken.append("traceback")
            if leaked(target.secret_forms(), run.stdout, run.stderr, written):
                broken.append("secret")
            calm = "yes" if not broken else "NO: " + ", ".join(broken)
            print(
                f"| {label} | {run.elapsed:.1f} | {run.peak_rss_mb:.0f} | {run.code} | {calm} |", flush=True
            )


if __name__ == "__main__":
    main()
