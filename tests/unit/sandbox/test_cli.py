"""``gcdiag sandbox serve`` (gcdiag.cli.sandbox)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from click.testing import CliRunner

from gcdiag.cli.sandbox import sandbox


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GCDIAG_SANDBOX_")}
    full_env.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "gcdiag.cli.sandbox", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    return proc.returncode, err


def test_serve_prints_its_url_first_and_stops_on_sigterm() -> None:
    started = time.monotonic()
    proc = serve("--org", "healthy", "--port", "0")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        elapsed = time.monotonic() - started
        assert first.startswith("listening on http://127.0.0.1:"), first
        # A bound against hanging, not a speed target (machines are shared; bench/ measures speed).
        assert elapsed < 15.0, f"took {elapsed:.2f}s to start"
        url = first.removeprefix("listening on ")
        assert requests.get(url + "/api/v2/docs/swagger", timeout=10).status_code == 200
        token = requests.post(
            url + "/oauth/token",
            auth=(
                "0a8f48f1-e321-4739-8a6a-737db7484ca9",
                "sandbox-fake-secret-integration-fpB4QDcfUvr3xW0P49QhL",
            ),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
        assert token.status_code == 200
    finally:
        code, err = stop(proc)
    assert code == 0
    assert "0a8f48f1-e321-4739-8a6a-737db7484ca9" in err and "healthy.yaml" in err


def test_serve_options_from_environment_and_sigint(tmp_path: Path) -> None:
    proc = serve(
        env={
            "GCDIAG_SANDBOX_ORG": "user-scope",
            "GCDIAG_SANDBOX_RATE_LIMIT": "1",
            "GCDIAG_SANDBOX_LATENCY_MS": "1",
        }
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("listening on ")
        headers = {
            "Authorization": "Bearer sandbox-fake-user-token-_oMlF_bh2qSctzH9cOo8R0eFyhAsaycr6iQrDmfxwyQ"
        }
        codes = [
            requests.get(url + "/api/v2/users/me", headers=headers, timeout=10).status_code for _ in range(2)
        ]
        assert codes == [200, 429]
    finally:
        code, err = stop(proc, signal.SIGINT)
    assert code == 0 and "user-scope.yaml" in err and "Sam Agent" in err


def test_serve_rejects_bad_input() -> None:
    runner = CliRunner()
    result = runner.invoke(sandbox, ["serve", "--org", "/no/such/org.yaml"])
    assert result.exit_code == 2 and "/no/such/org.yaml" in result.output
    result = runner.invoke(sandbox, ["serve", "--fault-rate", "0.5", "--fault-kinds", "earthquake"])
    assert result.exit_code == 2 and "earthquake" in result.output
    result = runner.invoke(sandbox, ["serve", "--fault-rate", "2"])
    assert result.exit_code == 2


def test_importing_the_cli_does_not_import_the_server() -> None:
    code = (
        "import sys, gcdiag.cli.sandbox; "
        "print(any(m in sys.modules for m in ('gcdiag.sandbox.server', 'http.server', 'yaml')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_serve_tls_on_two_ports_prints_the_login_url_and_the_ca_bundle() -> None:
    proc = serve("--org", "healthy", "--port", "0", "--login-port", "0", "--tls")
    try:
        assert proc.stdout is not None
        api = proc.stdout.readline().strip().removeprefix("listening on ")
        login = proc.stdout.readline().strip().removeprefix("login on ")
        ca = proc.stdout.readline().strip().removeprefix("ca bundle ")
        assert (
            api.startswith("https://127.0.0.1:") and login.startswith("https://127.0.0.1:") and api != login
        )
        assert Path(ca).is_file()
        token = requests.post(
            login + "/oauth/token",
            auth=(
                "0a8f48f1-e321-4739-8a6a-737db7484ca9",
                "sandbox-fake-secret-integration-fpB4QDcfUvr3xW0P49QhL",
            ),
            data={"grant_type": "client_credentials"},
            timeout=10,
            verify=ca,
        )
        assert token.status_code == 200
        # The API host does not serve the token endpoint, nor the login host the API.
        assert requests.post(api + "/oauth/token", timeout=10, verify=ca).status_code == 404
        assert requests.get(login + "/api/v2/tokens/me", timeout=10, verify=ca).status_code == 404
    finally:
        code, err = stop(proc)
    assert code == 0 and "login URL on its own port" in err
    assert not Path(ca).exists()  # the CA made at start-up leaves with the server


def test_serve_tls_without_trustme_says_how_to_install_it(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # import trustme raises ImportError
    result = CliRunner().invoke(sandbox, ["serve", "--tls", "--port", "0"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'gcdiag[sandbox-tls]'" in lines[0], result.output
