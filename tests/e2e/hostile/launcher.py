"""Start one command from a small process and report its pid and peak memory (run as a script, not imported).

Why: Linux gives a child the memory high-water mark of the process it was forked from (``ru_maxrss`` survives
``exec``). Started straight from a pytest worker that has grown to 270 MB, every gcdiag run would "peak" at
270 MB. This launcher is a bare interpreter (``python -I -S``, ~10 MB) that spawns the command, so the
command's ``ru_maxrss`` is its own.

Usage: ``python -I -S launcher.py INFO_FILE ARGV...``. Writes ``pid <n>`` to INFO_FILE as soon as the command
runs and ``maxrss_kb <n>`` when it ends; forwards SIGINT and SIGTERM to it; exits with its exit status.
"""

import contextlib
import os
import signal
import sys


def main() -> None:
    info, argv = sys.argv[1], sys.argv[2:]
    pid = os.posix_spawn(argv[0], argv, os.environ)
    with open(info, "a", encoding="ascii") as out:
        out.write(f"pid {pid}\n")

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    _, status, usage = os.wait4(pid, 0)  # PEP 475: retried after a forwarded signal
    with open(info, "a", encoding="ascii") as out:
        out.write(f"maxrss_kb {usage.ru_maxrss}\n")
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # ended by a signal: end the same way, so the caller sees it
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # those two cannot be handled, nor need to be
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
