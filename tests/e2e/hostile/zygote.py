"""A gcdiag already imported that forks one ``python -m gcdiag`` run per request (run as a script, not imported).

Why: the hostile suite runs gcdiag as a process of its own some fifty times, and each start paid about 0.3 s of
CPU to start an interpreter and import gcdiag, requests, click and PyYAML before the run itself began: a
sixth of the whole suite's CPU. A child forked from this process starts with all of that imported and runs
exactly what ``python -m gcdiag ARGS`` runs (``runpy.run_module("gcdiag", run_name="__main__")``: the console
entry, its signal handler, its exit codes and its ``os._exit``), in its own process, with its own environment,
working directory and standard streams. ``runner.run_gcdiag(fresh=True)`` still starts a new interpreter, and
the harness's own test compares the two.

Protocol: one JSON line per run on stdin, ``{"argv": [...], "env": {...}, "cwd": ..., "stdin": PATH,
"stdout": PATH or null, "stderr": PATH, "info": PATH}``; ``"stdout": null`` is a pipe whose reading end is
closed at once (``gcdiag ... | head -c0``). To ``info`` this process appends ``pid N`` as soon as the child
runs, and ``maxrss_kb N`` then ``status N`` (the raw wait status) when it has ended. One run at a time; end
of input ends this process.

The child's peak memory (``ru_maxrss``) starts at this process's size when it forked (Linux copies the
high-water mark with the address space): the size of gcdiag once imported, which a real run reaches anyway.
"""

import json
import os
import pkgutil
import runpy
import sys
import threading


def warm_up() -> None:
    """Import what a run imports (every gcdiag module but the test helpers, and the built-in checks)."""
    import gcdiag_checks

    import gcdiag

    for package in (gcdiag, gcdiag_checks):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if module.name.endswith("__main__") or module.name.startswith("gcdiag.testing"):
                continue
            __import__(module.name)


def child(request: dict) -> None:
    """In the forked child: take the run's streams, environment and directory, then be ``python -m gcdiag``."""
    try:
        stdin = os.open(request["stdin"], os.O_RDONLY)
        if request["stdout"] is None:
            read_end, stdout = os.pipe()
            os.close(read_end)
        else:
            stdout = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        stderr = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["-m", *request["argv"]]  # as the interpreter sets it for -m, before runpy names the file
        runpy.run_module("gcdiag", run_name="__main__", alter_sys=True)
        code = 0  # gcdiag's main ends the process itself; falling through would be a bug the test sees
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # whatever escapes is reported as a crash would be; the zygote never runs on here
        import traceback

        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def main() -> None:
    warm_up()
    requests = os.fdopen(0, "rb", buffering=0)  # unbuffered: nothing of the next request is read ahead
    while True:
        line = requests.readline()
        if not line:
            return
        request = json.loads(line)
        if threading.active_count() != 1:  # fork copies only the calling thread: warm-up must leave none
            raise RuntimeError("the zygote has threads; forking it would be unsafe")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(request)
        with open(request["info"], "a", encoding="ascii") as info:
            info.write(f"pid {pid}\n")
        _, status, usage = os.wait4(pid, 0)
        with open(request["info"], "a", encoding="ascii") as info:
            info.write(f"maxrss_kb {usage.ru_maxrss}\nstatus {status}\n")


if __name__ == "__main__":
    main()
