"""The subject's token only ever goes to the configured API and login hosts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner

from gcdiag.cli import cli

from .conftest import Org


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]]
    target: str = ""

    def _answer(self) -> None:
        self.seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
        if self.target:  # a redirecting gateway: send every request elsewhere
            self.send_response(307)
            self.send_header("Location", self.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"message": "nope", "code": "not.found", "status": 404}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = _answer

    def log_message(self, *args: Any) -> None:
        pass


def _serve(target: str = "") -> tuple[ThreadingHTTPServer, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    handler = type("H", (_Recorder,), {"seen": seen, "target": target})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


@pytest.fixture
def evil() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    server, seen = _serve()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_redirect_from_the_api_host_is_not_followed_with_the_token(
    org: Org, evil: tuple[str, list[Any]]
) -> None:
    evil_url, evil_seen = evil
    gateway, gateway_seen = _serve(target=evil_url)
    try:
        url = f"http://127.0.0.1:{gateway.server_address[1]}"
        result = org.run(*org.stop_args(), env={"GENESYSCLOUD_API_URL": url})
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.output
    finally:
        gateway.shutdown()
    assert gateway_seen, "gcdiag talked to the configured API host"
    assert evil_seen == [], "nothing may follow a redirect to another host"


def test_token_never_sent_to_hosts_named_in_payloads(
    org: Org, evil: tuple[str, list[Any]], tmp_path: Any
) -> None:
    evil_url, evil_seen = evil
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "eventBody": {
                    "id": org.demo["recording"],
                    "conversationId": org.demo["conversation"],
                    "selfUri": f"{evil_url}/api/v2/x",
                    "mediaUris": {"x": evil_url},
                }
            }
        )
    )
    body = tmp_path / "error.json"
    body.write_text(json.dumps({"message": f"see {evil_url}", "code": "not.authorized", "status": 403}))
    result = org.run("recording-stop", "--event", str(event), "--error-body", str(body))
    assert result.exit_code in (0, 1, 3)
    assert evil_seen == []
    hosts = {r.get("host") for r in json.loads(org.run(*org.stop_args("-o", "json")).stdout)["requests"]}
    assert hosts <= {org.sandbox.url.split("//", 1)[1], None}


def test_a_bearer_token_is_only_sent_to_the_api_host(evil: tuple[str, list[Any]]) -> None:
    evil_url, evil_seen = evil
    env = {"GENESYSCLOUD_API_URL": evil_url, "GENESYSCLOUD_ACCESS_TOKEN": "canary-token-123456"}
    result = CliRunner().invoke(cli, ["whoami"], env=env)
    assert result.exit_code == 3
    assert evil_seen and all(r["authorization"] == "Bearer canary-token-123456" for r in evil_seen)
    assert "canary-token-123456" not in result.output
