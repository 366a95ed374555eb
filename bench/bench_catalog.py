"""Benchmark of the live catalog: parsing a region-sized swagger, building catalogs, matching request paths.

Run:  python bench/bench_catalog.py [--operations 3500] [--runs 5] [--lookups 100000]

A synthetic Swagger 2.0 document stands in for a region's ``/api/v2/docs/swagger`` (which is tens of MB): the
3,164 real operations of the bundled catalog (their paths, ANY/ALL permissions and known scopes) topped up with
synthetic ``/api/v2/benchsynthetic/...`` operations to ``--operations``, each with parameters, responses and
descriptions of realistic length, plus a ``definitions`` section of models, so the file size is of the same
order as the real one. The document is a load generator only; it is written to a temporary directory and
deleted, and nothing here is a source of Genesys facts.

Measured and printed:

1. parse + extract: ``json.load`` of the file and :func:`gcdiag.genesys.swagger.extract`, median of ``--runs``;
   peak memory of that step as tracemalloc's peak, and as ``ru_maxrss`` of a child process that does only
   that step (this process's own peak also holds the earlier steps; the document is generated in another
   child for the same reason).
2. a whole ``refresh`` from a local HTTP server (download in chunks, parse, extract, atomic cache write) and
   ``load_catalog`` from the resulting cache.
3. Catalog build time for the live operations and for the bundled ones.
4. ``Catalog.match`` per lookup, in microseconds, for concrete paths (ids substituted for ``{params}``):
   median over batches of 1,000 lookups, ``--lookups`` in all, on the live and on the bundled catalog.

Targets (from the task): parse + extract within a few seconds and a few hundred MB; whole run under a minute
on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/common.py

from common import print_table  # noqa: E402

from gcdiag.genesys import catalog_cache as livecatalog  # noqa: E402
from gcdiag.genesys.catalog import Catalog, Operation, load_bundled  # noqa: E402

# genesys-facts §1.3: scope names that exist; synthetic operations draw from these so no name is made up.
REAL_SCOPES = [
    "conversations",
    "conversations:readonly",
    "recordings",
    "recordings:readonly",
    "routing",
    "routing:readonly",
    "users",
    "users:readonly",
    "authorization",
    "authorization:readonly",
    "analytics",
    "analytics:readonly",
    "outbound",
    "outbound:readonly",
    "architect",
    "architect:readonly",
]
_WORDTEXT = (
    "the conversation participant recording division queue user routing media segment policy value "
    "returns entity list paged request response identifier optional required default maximum minimum "
    "results filter expand query state settings organization created modified version communication "
    "wrap-up schedule evaluation analytics interval metric attribute property number string boolean "
    "object array reference address outbound campaign contact flow outcome skill language status"
)
_WORDS = tuple(_WORDTEXT.split())  # filler for descriptions of realistic length
_PARAM = re.compile(r"\{[^/{}]+\}")


def _sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 30))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def synthetic_swagger(n_ops: int, seed: int = 7) -> dict[str, Any]:
    """A Swagger 2.0 document shaped like a region's, with ``n_ops`` operations."""
    rng = random.Random(seed)
    text = _sentences(rng, 400)

    def prose(lo: int, hi: int) -> str:
        return " ".join(rng.choice(text) for _ in range(rng.randint(lo, hi)))

    real = list(load_bundled())
    ops: list[Operation] = real[:n_ops]
    permissions = sorted({p for op in real for p in op.permissions})
    i = 0
    while len(ops) < n_ops:
        depth = rng.randint(3, 7)  # segments after /api/v2
        segments = ["benchsynthetic", f"area{i % 97}"]
        for d in range(depth - 2):
            segments.append(f"{{item{d}Id}}" if rng.random() < 0.4 else rng.choice(_WORDS).replace("-", ""))
        method = rng.choice(["GET", "GET", "POST", "PUT", "PATCH", "DELETE"])
        path = "/api/v2/" + "/".join(segments) + f"/n{i}"
        ops.append(
            Operation(
                method,
                path,
                rng.choice(["ANY", "ALL", None]),
                tuple(rng.sample(permissions, rng.randint(0, 4))),
                tuple(rng.sample(REAL_SCOPES, rng.randint(1, 2))) if rng.random() < 0.9 else None,
                "swagger",
                operation_id=f"bench_op_{i}",
                tag=f"Bench{i % 40}",
                summary=prose(1, 1),
            )
        )
        i += 1

    n_models = max(1, n_ops)
    paths: dict[str, dict[str, Any]] = {}
    for k, op in enumerate(ops):
        params = [
            {
                "name": name.strip("{}"),
                "in": "path",
                "description": prose(1, 1),
                "required": True,
                "type": "string",
            }
            for name in _PARAM.findall(op.path)
        ]
        params += [
            {
                "name": f"q{j}",
                "in": "query",
                "description": prose(1, 3),
                "required": False,
                "type": rng.choice(["string", "integer", "boolean"]),
            }
            for j in range(rng.randint(0, 5))
        ]
        responses: dict[str, Any] = {
            "200": {
                "description": "successful operation",
                "schema": {"$ref": f"#/definitions/Model{k % n_models}"},
            }
        }
        for code in ("400", "401", "403", "404", "408", "413", "415", "429", "500", "503", "504"):
            responses[code] = {"description": prose(1, 2), "schema": {"$ref": "#/definitions/ErrorBody"}}
        entry: dict[str, Any] = {
            "tags": [op.tag or "Bench"],
            "summary": op.summary,
            "description": prose(2, 8),
            "operationId": op.operation_id,
            "produces": ["application/json"],
            "consumes": ["application/json"],
            "parameters": params,
            "responses": responses,
        }
        if op.scopes is not None:
            entry["security"] = [{livecatalog.SECURITY_NAME: list(op.scopes)}]
        if op.permissions:
            entry["x-inin-requires-permissions"] = {
                "type": op.permission_type or "ANY",
                "permissions": list(op.permissions),
            }
        if op.deprecated:
            entry["deprecated"] = True
        paths.setdefault(op.path, {})[op.method.lower()] = entry

    definitions: dict[str, Any] = {
        "ErrorBody": {
            "type": "object",
            "properties": {
                "message": {"type": "string"},
                "code": {"type": "string"},
                "status": {"type": "integer"},
            },
        }
    }
    for m in range(n_models):
        definitions[f"Model{m}"] = {
            "type": "object",
            "description": prose(1, 3),
            "properties": {
                f"field{f}": {
                    "type": rng.choice(["string", "integer", "boolean", "array"]),
                    "description": prose(1, 3),
                    "readOnly": rng.random() < 0.3,
                }
                for f in range(rng.randint(8, 30))
            },
        }
    return {
        "swagger": "2.0",
        "info": {"title": "synthetic benchmark document", "version": "bench-1"},
        "host": "127.0.0.1",
        "basePath": "/",
        "schemes": ["http"],
        "paths": paths,
        "definitions": definitions,
    }


def parse_and_extract(path: Path) -> list[Operation]:
    with path.open("rb") as fh:
        doc = json.load(fh)
    ops = livecatalog.extract(doc, source="live:bench").operations
    del doc
    return ops


def maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def child_parse(path: Path) -> None:
    """``--child-parse FILE``: peak RSS after imports, then after one parse + extract (JSON on stdout).

    Linux carries ``ru_maxrss`` over fork and exec, so the parent runs this child before it grows (it generates
    the document in another child); the baseline shows what was inherited plus the imports.
    """
    base = maxrss_mb()
    ops = parse_and_extract(path)
    print(json.dumps({"baseline_mb": base, "peak_mb": maxrss_mb(), "operations": len(ops)}))


def child_generate(path: Path, n_ops: int) -> None:
    """``--child-generate FILE``: write the synthetic document (in a child, so the parent stays small)."""
    doc = synthetic_swagger(n_ops)
    with path.open("w", encoding="utf-8") as out:
        json.dump(doc, out)


def concrete(template: str, rng: random.Random) -> str:
    return _PARAM.sub(lambda _: str(uuid.UUID(int=rng.getrandbits(128))), template)


def lookup_us(catalog: Catalog, calls: list[tuple[str, str]], batch: int = 1000) -> float:
    """Median microseconds per ``match`` over batches of ``batch`` lookups."""
    per_call = []
    match = catalog.match
    for start in range(0, len(calls), batch):
        chunk = calls[start : start + batch]
        t0 = time.perf_counter()
        for method, path in chunk:
            if match(method, path) is None:
                raise AssertionError(f"no match for {method} {path}")
        per_call.append((time.perf_counter() - t0) / len(chunk) * 1e6)
    return statistics.median(per_call)


def timed_median(fn: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=3500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--child-parse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_parse:
        child_parse(args.child_parse)
        return
    if args.child_generate:
        child_generate(args.child_generate, args.operations)
        return

    wall = time.perf_counter()
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="gcdiag-bench-") as tmp:
        tmpdir = Path(tmp)
        os.environ["GCDIAG_CACHE_DIR"] = str(tmpdir / "cache")  # never touch the user's real cache
        swagger_file = tmpdir / "api" / "v2" / "docs" / "swagger"
        swagger_file.parent.mkdir(parents=True)
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child-generate",
                str(swagger_file),
                "--operations",
                str(args.operations),
            ],
            check=True,
        )
        size_mb = swagger_file.stat().st_size / 1e6
        print(
            f"synthetic swagger: {args.operations} operations, {size_mb:.1f} MB "
            f"(generated in {time.perf_counter() - t0:.1f} s)"
        )

        child = subprocess.run(
            [sys.executable, __file__, "--child-parse", str(swagger_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        rss = json.loads(child.stdout)

        parse_s, live_ops = timed_median(lambda: parse_and_extract(swagger_file), args.runs)
        rows.append(
            [
                "parse + extract (json.load + extract)",
                f"{parse_s * 1000:.0f} ms",
                f"median of {args.runs}, {len(live_ops)} operations",
            ]
        )

        tracemalloc.start()
        parse_and_extract(swagger_file)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            ["parse + extract peak (tracemalloc)", f"{traced_peak / 1e6:.0f} MB", "Python allocations"]
        )
        rows.append(
            [
                "parse + extract peak RSS (ru_maxrss)",
                f"{rss['peak_mb']:.0f} MB",
                f"child process; {rss['baseline_mb']:.0f} MB before the parse",
            ]
        )

        server, url = serve(tmpdir)
        try:
            t0 = time.perf_counter()
            result = livecatalog.refresh(url, cache_key="bench")
            refresh_s = time.perf_counter() - t0
        finally:
            server.shutdown()
            server.server_close()
        cache_mb = result.path.stat().st_size / 1e6
        rows.append(
            [
                "refresh (local HTTP: download, parse, extract, cache)",
                f"{refresh_s * 1000:.0f} ms",
                f"1 run, cache file {cache_mb:.1f} MB",
            ]
        )
        load_s, (live, why) = timed_median(lambda: livecatalog.load_catalog(cache_key="bench"), args.runs)
        assert live.source == "live:bench", why
        rows.append(
            ["load_catalog (cache file -> live Catalog)", f"{load_s * 1000:.0f} ms", f"median of {args.runs}"]
        )

        bundled_ops = list(load_bundled())
        build_live_s, live = timed_median(lambda: Catalog(live_ops, source="live:bench"), args.runs)
        build_bundled_s, bundled = timed_median(lambda: Catalog(bundled_ops, source="bundled"), args.runs)
        load_bundled_s, _ = timed_median(load_bundled, args.runs)
        rows.append(["Catalog build, live", f"{build_live_s * 1000:.1f} ms", f"{len(live)} operations"])
        rows.append(
            ["Catalog build, bundled", f"{build_bundled_s * 1000:.1f} ms", f"{len(bundled)} operations"]
        )
        rows.append(
            ["load_bundled() (read + build)", f"{load_bundled_s * 1000:.1f} ms", f"median of {args.runs}"]
        )

        rng = random.Random(11)
        for name, catalog in (("live", live), ("bundled", bundled)):
            ops = list(catalog)
            calls = [
                (op.method, concrete(op.path, rng)) for op in (rng.choice(ops) for _ in range(args.lookups))
            ]
            per = lookup_us(catalog, calls)
            rows.append(
                [
                    f"match() per lookup, {name}",
                    f"{per:.2f} µs",
                    f"median of {len(calls) // 1000} batches of 1,000 concrete paths",
                ]
            )

    print()
    print_table(rows, ["step", "result", "notes"])
    print()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]} on {sys.platform}; "
        f"whole run {time.perf_counter() - wall:.1f} s; this process peaked at {maxrss_mb():.0f} MB RSS"
    )
    print("command: " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]))


if __name__ == "__main__":
    main()
