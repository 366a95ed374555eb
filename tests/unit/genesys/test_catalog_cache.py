"""The live catalog: extraction from a swagger, the conditional download and its cache, and catalog selection."""

from __future__ import annotations

import copy
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from gcdiag.client.swagger_download import refresh
from gcdiag.genesys import swagger as livecatalog
from gcdiag.genesys.catalog import Catalog, CatalogError, load_bundled
from gcdiag.genesys.catalog_cache import cache_dir, cache_key_for, cache_path, load_catalog
from gcdiag.genesys.swagger import extract, extract_operations

HANDMADE = Path(__file__).parent / "data" / "swagger-handmade.json"
RECORDINGSTATE = "/api/v2/conversations/calls/{conversationId}/recordingstate"
SECRET = "s3cr3t-bearer-value-never-sent"

# genesys-facts §1.3: every scope name the hand-made swagger may use must be a real one.
REAL_SCOPES = {
    "audits:readonly",
    "authorization",
    "authorization:readonly",
    "conversations",
    "conversations:readonly",
    "recordings",
    "recordings:readonly",
    "user-basic-info",
}


@pytest.fixture(scope="module")
def swagger() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HANDMADE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(autouse=True)
def _cache_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(tmp_path / "cache"))


# --- extraction -------------------------------------------------------------------------------------------------


def test_extracts_every_operation_with_its_requirements(swagger: dict[str, Any]) -> None:
    ops = {op.key: op for op in extract_operations(swagger, source="live:test")}
    assert len(ops) == 9  # 8 path items; `parameters` of a path item is not an operation
    assert not any("PARAMETERS" in key for key in ops)

    put = ops[f"PUT {RECORDINGSTATE}"]
    assert put.permission_type == "ANY"
    assert put.permissions == ("conversation:recording:pauseOthers",)
    assert put.scopes == ("conversations",)
    assert put.scope_evidence == "swagger"
    assert put.scope_basis == "x-inin / security of the region's swagger"
    assert put.operation_id == "put_conversations_call_recordingstate"
    assert put.tag == "Conversations"
    assert put.summary == "Update a conversation by setting its recording state"
    assert put.deprecated is False
    assert put.source == "live:test"

    audit = ops["POST /api/v2/audits/query"]
    assert (audit.permission_type, audit.permissions) == ("ALL", ("audits:audit:view",))

    home = ops["GET /api/v2/authorization/divisions/home"]  # no security block, no x-inin
    assert home.scopes is None and home.scope_evidence == "unknown" and home.scope_basis == ""
    assert (home.permission_type, home.permissions) == (None, ())

    deleted = ops["DELETE /api/v2/authorization/divisions/{divisionId}"]
    assert deleted.deprecated is True
    assert deleted.permissions == ("authorization:division:delete",)

    recordings = ops["GET /api/v2/conversations/{conversationId}/recordings"]
    assert len(recordings.permissions) == 4 and recordings.scopes == ("recordings", "recordings:readonly")


def test_handmade_swagger_agrees_with_the_bundled_catalog(swagger: dict[str, Any]) -> None:
    """The fixture invents nothing: permissions match operations.json (via the bundled catalog), scopes are
    the bundled catalog's (genesys-facts §2) where it knows them and absent where it does not, and are real names."""
    bundled = load_bundled()
    for op in extract_operations(swagger, source="live:test"):
        known = bundled.get(op.method, op.path)
        assert known is not None, op.key
        assert (op.permission_type, op.permissions) == (known.permission_type, known.permissions), op.key
        assert (op.operation_id, op.summary, op.tag, op.deprecated) == (
            known.operation_id,
            known.summary,
            known.tag,
            known.deprecated,
        ), op.key
        assert op.scopes == known.scopes, op.key
        assert set(op.scopes or ()) <= REAL_SCOPES


def test_base_path_shape_gives_the_same_paths(swagger: dict[str, Any]) -> None:
    """Paths relative to basePath /api/v2 are prefixed; paths that already carry it are not prefixed twice."""
    relative = copy.deepcopy(swagger)
    relative["basePath"] = "/api/v2/"
    relative["paths"] = {p.removeprefix("/api/v2"): item for p, item in swagger["paths"].items()}
    mixed = copy.deepcopy(swagger)
    mixed["basePath"] = "/api/v2"
    expected = sorted(op.key for op in extract_operations(swagger, source="s"))
    assert sorted(op.key for op in extract_operations(relative, source="s")) == expected
    assert sorted(op.key for op in extract_operations(mixed, source="s")) == expected


def test_odd_input_is_skipped_and_counted_not_fatal() -> None:
    doc: dict[str, Any] = {
        "swagger": "2.0",
        "paths": {
            "/api/v2/a": "not an object",
            "/api/v2/b": {"get": ["not", "an", "object"], "post": {"operationId": "ok"}},
            "/api/v2/c": {
                "put": {
                    "x-inin-requires-permissions": "junk",
                    "security": "junk",
                    "tags": "junk",
                    "summary": 7,
                    "deprecated": "yes",
                }
            },
            "/api/v2/d": {
                "delete": {"x-inin-requires-permissions": {"type": "SOME", "permissions": ["x:y:z", 3]}}
            },
            "no-slash": {"get": {}},
            "/api/v2/e": {"parameters": [], "x-extension": {}, "$ref": "#/x"},
        },
    }
    result = extract(doc, source="s")
    keys = {op.key: op for op in result.operations}
    assert set(keys) == {"POST /api/v2/b", "PUT /api/v2/c", "DELETE /api/v2/d"}
    assert result.skipped == 3  # /a, GET /b, no-slash
    assert len(result.problems) >= 3
    odd = keys["PUT /api/v2/c"]
    assert (odd.permission_type, odd.permissions, odd.scopes) == (None, (), None)
    assert (odd.tag, odd.summary, odd.deprecated) == ("", "", False)
    # An unreadable ANY/ALL is read the strict way, never as "no permission needed".
    assert keys["DELETE /api/v2/d"].permission_type == "ALL"
    assert keys["DELETE /api/v2/d"].permissions == ("x:y:z",)


@pytest.mark.parametrize("doc", [None, [], "x", {}, {"paths": []}, {"paths": None}])
def test_documents_without_paths_give_nothing(doc: Any) -> None:
    result = extract(doc, source="s")
    assert result.operations == [] and result.skipped == 1


def test_security_semantics_of_swagger_2() -> None:
    """Operation security overrides the document's, [] means no scheme, another scheme only means unknown."""
    doc = {
        "swagger": "2.0",
        "security": [{"PureCloud OAuth": ["conversations"]}],
        "paths": {
            "/api/v2/inherits": {"get": {}},
            "/api/v2/none": {"get": {"security": []}},
            "/api/v2/other": {"get": {"security": [{"Some Other Scheme": []}]}},
            "/api/v2/both": {
                "get": {"security": [{"Some Other Scheme": []}, {"PureCloud OAuth": ["recordings"]}]}
            },
        },
    }
    ops = {op.path: op for op in extract_operations(doc, source="s")}
    assert ops["/api/v2/inherits"].scopes == ("conversations",)
    assert ops["/api/v2/none"].scopes == () and ops["/api/v2/none"].scope_evidence == "swagger"
    assert ops["/api/v2/other"].scopes is None and ops["/api/v2/other"].scope_evidence == "unknown"
    assert ops["/api/v2/both"].scopes == ("recordings",)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_op_keys = st.sampled_from(
    [
        "x-inin-requires-permissions",
        "security",
        "tags",
        "summary",
        "operationId",
        "deprecated",
        "type",
        "permissions",
    ]
)
_operation = st.dictionaries(_op_keys, _json, max_size=6)
_path_item = st.dictionaries(
    st.sampled_from(["get", "put", "parameters", "post"]), _operation | _json, max_size=4
)


@settings(max_examples=settings.default.max_examples * 4)  # cheap examples: four times the profile's
@given(
    paths=st.dictionaries(st.text(max_size=10), _path_item | _json, max_size=5),
    base=_json | st.just("/api/v2"),
    security=_json,
)
def test_extraction_never_crashes(paths: dict[str, Any], base: Any, security: Any) -> None:
    result = extract({"swagger": "2.0", "basePath": base, "security": security, "paths": paths}, source="s")
    for op in result.operations:
        assert op.path.startswith("/") and op.permission_type in (None, "ANY", "ALL")
        assert op.scopes is None or all(isinstance(s, str) for s in op.scopes)
        Catalog(result.operations, source="s")  # whatever came out can be indexed


# --- cache location and keys ----------------------------------------------------------------------------------


def test_cache_key_for() -> None:
    # By the host that served it, never the region's name: a proxy's catalog is not the region's (#13).
    assert cache_key_for("https://api.mypurecloud.com") == "api.mypurecloud.com"
    assert cache_key_for("https://api.mypurecloud.com/") == "api.mypurecloud.com"
    assert cache_key_for("http://127.0.0.1:8123") == "127.0.0.1_8123"
    assert cache_key_for("api.mypurecloud.ie") == "api.mypurecloud.ie"
    assert cache_key_for("http://[::1]:80/x") == "__1_80"
    assert "/" not in cache_key_for("../../etc") and ":" not in cache_key_for("h:1")


def test_cache_dir_override_and_platform_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(tmp_path / "override"))
    assert cache_dir() == tmp_path / "override"
    assert cache_path("us_east_1") == tmp_path / "override" / "catalog-us_east_1.json"
    monkeypatch.delenv("GCDIAG_CACHE_DIR")
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("gcdiag", appauthor=False))
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_dir() == tmp_path / "xdg" / "gcdiag"


# --- refresh against a local server ---------------------------------------------------------------------------


class SwaggerServer:
    """Serves the hand-made swagger on 127.0.0.1 like the region would, and records what it was sent."""

    etag = '"handmade-1"'
    last_modified = "Sat, 28 Nov 2026 10:00:00 GMT"

    def __init__(self) -> None:
        self.body = HANDMADE.read_bytes()
        self.mode = "ok"
        self.seen: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                owner.answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        mode = self.mode
        if mode == "redirect-same" and h.path == livecatalog.SWAGGER_PATH:
            return self._send(h, 302, b"", {"Location": "/moved/swagger"})
        if mode == "redirect-other":
            port = self.server.server_address[1]
            return self._send(h, 302, b"", {"Location": f"http://localhost:{port}{livecatalog.SWAGGER_PATH}"})
        if mode == "redirect-port":  # the same host, another port: another server (#13)
            return self._send(h, 302, b"", {"Location": f"http://127.0.0.1:9{livecatalog.SWAGGER_PATH}"})
        if mode == "redirect-scheme":
            port = self.server.server_address[1]
            return self._send(
                h, 302, b"", {"Location": f"https://127.0.0.1:{port}{livecatalog.SWAGGER_PATH}"}
            )
        if mode == "drip":
            h.send_response(200)
            h.send_header("Connection", "close")
            h.end_headers()
            for _ in range(50):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.1)
            return None
        if mode == "huge":
            h.send_response(200)
            h.send_header("Content-Length", str(10**12))
            h.end_headers()
            return None
        if mode == "500":
            return self._send(
                h, 500, b'{"message": "boom\\nsecond line"}', {"Content-Type": "application/json"}
            )
        if mode == "html":
            return self._send(
                h, 200, b"<html>\n<body>maintenance</body></html>", {"Content-Type": "text/html"}
            )
        if mode == "not-swagger":
            return self._send(h, 200, b'{"entities": []}', {"Content-Type": "application/json"})
        if mode == "truncated":
            return self._send(h, 200, self.body[:100], {"Content-Length": str(len(self.body))})
        validators = {"ETag": self.etag, "Last-Modified": self.last_modified}
        if h.headers.get("If-None-Match") == self.etag:
            return self._send(h, 304, b"", validators)
        return self._send(h, 200, self.body, {"Content-Type": "application/json", **validators})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        if body and status != 304:
            h.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[SwaggerServer]:
    srv = SwaggerServer()
    try:
        yield srv
    finally:
        srv.close()


def _cache(key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cache_path(key).read_text(encoding="utf-8"))
    return data


def test_refresh_writes_the_cache_then_gets_304(server: SwaggerServer) -> None:
    calls: list[tuple[int, int | None]] = []
    first = refresh(
        server.url + "/", cache_key="test_region", progress=lambda done, total: calls.append((done, total))
    )
    assert first.not_modified is False
    assert (first.operations, first.spec_version) == (9, "123.0")
    assert first.path == cache_path("test_region") and first.duration_s >= 0
    assert first.bytes_downloaded == len(server.body)
    assert calls[0] == (0, len(server.body)) and calls[-1] == (len(server.body), len(server.body))

    cached = _cache("test_region")
    assert cached["spec_version"] == "123.0"
    assert cached["source_url"] == server.url + "/api/v2/docs/swagger"
    assert (cached["etag"], cached["last_modified"]) == (server.etag, server.last_modified)
    assert datetime.strptime(cached["fetched_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert len(cached["operations"]) == 9
    assert {op["source"] for op in cached["operations"]} == {"live:test_region"}
    assert "swagger" not in cached and "paths" not in cached  # the raw spec is not kept
    assert not [
        p for p in cache_path("test_region").parent.iterdir() if p.name.startswith(".")
    ]  # no temp left

    # Age the cache, then refresh again: the validators go out, a 304 comes back, only fetched_at moves.
    cached["fetched_at"] = "2020-01-01T00:00:00Z"
    cache_path("test_region").write_text(json.dumps(cached), encoding="utf-8")
    second = refresh(server.url, cache_key="test_region")
    assert second.not_modified is True and second.operations == 9 and second.spec_version == "123.0"
    assert server.seen[-1]["if-none-match"] == server.etag
    assert server.seen[-1]["if-modified-since"] == server.last_modified
    assert "if-none-match" not in server.seen[0]
    after = _cache("test_region")
    assert after["fetched_at"] != "2020-01-01T00:00:00Z"
    assert after["operations"] == cached["operations"]


def test_refresh_never_sends_credentials(
    server: SwaggerServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login someone password {SECRET}\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {SECRET}"
    session.auth = ("client", SECRET)
    refresh(server.url, cache_key="k", session=session)
    server.mode = "redirect-same"
    refresh(server.url, cache_key="k2", session=session)  # a same-host redirect is followed
    assert [s["path"] for s in server.seen] == [
        "/api/v2/docs/swagger",
        "/api/v2/docs/swagger",
        "/moved/swagger",
    ]
    assert all("authorization" not in s and "proxy-authorization" not in s for s in server.seen)
    assert SECRET not in cache_path("k").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["redirect-other", "redirect-port", "redirect-scheme"])
def test_a_redirect_must_keep_scheme_host_and_port(server: SwaggerServer, mode: str) -> None:
    server.mode = mode
    with pytest.raises(CatalogError, match="redirected to another host or port") as info:
        refresh(server.url, cache_key="k")
    assert len(server.seen) == 1
    assert "\n" not in str(info.value)


def test_a_swagger_far_smaller_than_the_bundled_catalog_is_refused(server: SwaggerServer) -> None:
    with pytest.raises(CatalogError, match="describes 9 operations, far fewer") as info:
        refresh(server.url, cache_key="k", minimum=1000)
    assert "--force" in str(info.value) and not cache_path("k").exists()
    assert refresh(server.url, cache_key="k", minimum=9).operations == 9


def test_a_refused_swagger_leaves_the_cache_as_it_was(server: SwaggerServer, swagger: dict[str, Any]) -> None:
    _write_cache("k", swagger, NOW)  # a catalog cached before (no validators: the download is unconditional)
    before = cache_path("k").read_bytes()
    with pytest.raises(CatalogError, match="far fewer"):
        refresh(server.url, cache_key="k", minimum=1000)
    assert cache_path("k").read_bytes() == before


@pytest.mark.parametrize(("mode", "expected"), [("drip", "within the 0.5 s"), ("huge", "larger than 200 MB")])
def test_a_download_ends_by_its_deadline_and_its_cap(server: SwaggerServer, mode: str, expected: str) -> None:
    server.mode = mode
    start = time.monotonic()
    with pytest.raises(CatalogError, match=expected):
        refresh(server.url, cache_key="k", deadline=0.5)
    assert time.monotonic() - start < 3 and not cache_path("k").exists()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("500", "HTTP 500"),
        ("html", "did not return JSON"),
        ("not-swagger", "not a swagger document"),
        ("truncated", "broke off"),
    ],
)
def test_refresh_failures_are_one_line_and_keep_the_cache(
    server: SwaggerServer, mode: str, expected: str
) -> None:
    refresh(server.url, cache_key="k")
    before = cache_path("k").read_bytes()
    server.mode = mode  # these modes ignore the validators refresh sends, so no 304 hides the failure
    with pytest.raises(CatalogError) as info:
        refresh(server.url, cache_key="k")
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert "second line" not in message  # no body dump
    assert cache_path("k").read_bytes() == before
    assert not [p for p in cache_path("k").parent.iterdir() if p.name.startswith(".")]


def test_unreachable_server_is_a_catalog_error() -> None:
    # A bound socket that never listens: connections are refused, and no other process can take the port.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with pytest.raises(CatalogError, match="could not download") as info:
            refresh(url, cache_key="k", timeout=(2, 2))
    assert "\n" not in str(info.value)
    assert not cache_path("k").exists()


def test_refresh_from_the_gcdiag_sandbox_agrees_with_the_bundled_catalog() -> None:
    """The sandbox serves a swagger built from the bundled catalog: reading it back must give the same facts."""
    from gcdiag.sandbox import Sandbox, load_fixture

    with Sandbox(load_fixture("seed-403")) as sandbox:
        result = refresh(sandbox.url, cache_key="sandbox")
        again = refresh(sandbox.url, cache_key="sandbox")
    assert result.operations > 0 and again.not_modified is True
    live, why = load_catalog(cache_key="sandbox")
    assert live.source == "live:sandbox" and why.startswith("live catalog for sandbox")
    bundled = load_bundled()
    for op in live:
        known = bundled.get(op.method, op.path)
        assert known is not None
        assert (op.permission_type, op.permissions, op.scopes) == (
            known.permission_type,
            known.permissions,
            known.scopes,
        )


# --- load_catalog ---------------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


def _write_cache(key: str, swagger: dict[str, Any], fetched_at: datetime) -> None:
    ops = extract_operations(swagger, source="live:" + key)
    payload = {
        "fetched_at": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "spec_version": "123.0",
        "source_url": "https://api.mypurecloud.com/api/v2/docs/swagger",
        "etag": None,
        "last_modified": None,
        "operations": [op.to_dict() for op in ops],
    }
    cache_path(key).parent.mkdir(parents=True, exist_ok=True)
    cache_path(key).write_text(json.dumps(payload), encoding="utf-8")


def test_fresh_cache_gives_the_live_catalog(swagger: dict[str, Any]) -> None:
    _write_cache("us_east_1", swagger, NOW - timedelta(hours=2))
    catalog, why = load_catalog(cache_key="us_east_1", now=NOW)
    assert why == "live catalog for us_east_1 (swagger 123.0, fetched 2026-11-28T10:00:00Z)"
    assert catalog.source == "live:us_east_1" and len(catalog) == 9
    assert {op.source for op in catalog} == {"live:us_east_1"}


def test_stale_cache_gives_the_bundled_catalog_with_the_age(swagger: dict[str, Any]) -> None:
    _write_cache("us_east_1", swagger, NOW - timedelta(days=9.2))
    catalog, why = load_catalog(cache_key="us_east_1", now=NOW)
    assert why == "bundled catalog (live catalog for us_east_1 is 9.2 days old, older than 7)"
    assert catalog.source == "bundled" and {op.source for op in catalog} == {"bundled"}
    # The same cache is fine for a caller who accepts older catalogs.
    assert load_catalog(cache_key="us_east_1", max_age_days=10, now=NOW)[0].source == "live:us_east_1"


def test_missing_cache_or_no_region_gives_the_bundled_catalog() -> None:
    catalog, why = load_catalog(cache_key="eu_west_1")
    assert catalog.source == "bundled" and len(catalog) == len(load_bundled())
    assert why == "bundled catalog (no live catalog cached for eu_west_1; run gcdiag catalog refresh)"
    catalog, why = load_catalog(cache_key=None)
    assert catalog.source == "bundled" and why.startswith("bundled catalog (")


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"fetched_at": "2026-11-28T10:00:00Z", "operations": []}',
        '{"fetched_at": "yesterday", "operations": [{"method": "GET", "path": "/api/v2/x"}]}',
        '{"fetched_at": "2026-11-28T10:00:00Z", "operations": [{"path": "/api/v2/x"}]}',
        '{"fetched_at": "2026-11-28T10:00:00Z", "operations": ["GET /api/v2/x"]}',
        '{"operations": [{"method": "GET", "path": "/api/v2/x"}]}',
    ],
)
def test_corrupt_cache_gives_the_bundled_catalog_with_a_reason(content: str) -> None:
    cache_path("us_east_1").parent.mkdir(parents=True, exist_ok=True)
    cache_path("us_east_1").write_text(content, encoding="utf-8")
    catalog, why = load_catalog(cache_key="us_east_1", now=NOW)
    assert catalog.source == "bundled"
    assert why.startswith("bundled catalog (live catalog cache ") and "unreadable" in why
    assert "gcdiag catalog refresh" in why and "\n" not in why


def test_an_unreadable_cache_of_another_host_suggests_no_refresh() -> None:
    # The sandbox or a gateway serves no region's swagger (a refresh from it is refused), so nothing says to refresh.
    cache_path("127.0.0.1_8080").parent.mkdir(parents=True, exist_ok=True)
    cache_path("127.0.0.1_8080").write_text("{not json", encoding="utf-8")
    catalog, why = load_catalog(cache_key="127.0.0.1_8080", now=NOW, region_host=False)
    assert catalog.source == "bundled" and "unreadable" in why and "refresh" not in why


# --- matching on a live catalog -------------------------------------------------------------------------------


def test_matching_works_the_same_on_a_live_catalog(swagger: dict[str, Any]) -> None:
    _write_cache("us_east_1", swagger, NOW)
    live, _ = load_catalog(cache_key="us_east_1", now=NOW)
    bundled = load_bundled()
    calls = [
        ("PUT", "/api/v2/conversations/calls/abc-123/recordingstate"),
        ("put", "https://api.mypurecloud.com/api/v2/conversations/calls/abc-123/recordingstate/?x=1"),
        ("PATCH", "/api/v2/conversations/c-1/recordingstate"),
        ("GET", "/api/v2/authorization/divisions/home"),
        ("GET", "/api/v2/authorization/divisions/d-9"),
        ("POST", "/api/v2/audits/query"),
    ]
    for method, path in calls:
        got, want = live.match(method, path), bundled.match(method, path)
        assert got is not None and want is not None, path
        assert got.operation.key == want.operation.key and got.path_params == want.path_params
        assert got.operation.permissions == want.operation.permissions
        assert got.operation.source == "live:us_east_1"
    hit = live.match("PUT", "/api/v2/conversations/calls/abc-123/recordingstate")
    assert hit is not None and hit.path_params == {"conversationId": "abc-123"}
    home = live.match("GET", "/api/v2/authorization/divisions/home")
    assert home is not None and home.operation.path.endswith("/home")  # a literal beats {divisionId}
    assert (
        live.match("POST", "/api/v2/recording/recordings/r1/actions/stop") is None
    )  # genesys-facts §3.1, §10.1
    assert live.methods_for("/api/v2/authorization/divisions/d-9") == ["DELETE", "GET"]
