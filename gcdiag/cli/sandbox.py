"""``gcdiag sandbox serve``: run the sandbox org in the foreground until SIGINT/SIGTERM.

The first stdout line is ``listening on http://HOST:PORT`` (flushed), so scripts and CI can start the server
in the background and read its URL; with ``--login-port`` a ``login on URL`` line follows, and with ``--tls`` a
``ca bundle PATH`` line (the CA to trust). The fixture's credentials follow on stderr for convenience: a sandbox
fixture's secrets are fake, and this is the only place gcdiag ever prints one.

Importing this module only imports click; the server and the fixture loader are imported inside the command.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import click

from gcdiag.cli.command import Group
from gcdiag.cli.errors import UsageProblem
from gcdiag.cli.options import options_of
from gcdiag.settings.options import SANDBOX_OPTIONS


@click.group("sandbox", cls=Group)
def sandbox() -> None:
    """The embedded sandbox org: a local Genesys Cloud emulator for demos, tests and CI."""


@sandbox.command("serve", example="gcdiag sandbox serve --org healthy --port 8080")
@options_of(
    SANDBOX_OPTIONS,
    "org_ref",
    "host",
    "port",
    "latency_ms",
    "rate_limit",
    "fault_rate",
    "fault_seed",
    "fault_kinds",
    "tls",
    "login_port",
)
def serve(
    org_ref: str,
    host: str,
    port: int,
    latency_ms: int,
    rate_limit: int | None,
    fault_rate: float,
    fault_seed: int | None,
    fault_kinds: str | None,
    tls: bool,
    login_port: int | None,
) -> None:
    """Serve a sandbox org on HOST:PORT until interrupted (SIGINT/SIGTERM), then exit 0.

    With --login-port the token endpoint is served on that port only, as Genesys's login host; with --tls both
    speak HTTPS, and the lines after the first say the login URL and the CA bundle to trust
    (``--ca-bundle`` or ``REQUESTS_CA_BUNDLE``).
    """
    from gcdiag.sandbox.fixture import FixtureError, load_fixture
    from gcdiag.sandbox.server import Sandbox, TlsUnavailable

    try:
        org = load_fixture(org_ref)
    except FixtureError as exc:
        raise UsageProblem(str(exc)) from None
    kinds = [k.strip() for k in fault_kinds.split(",") if k.strip()] if fault_kinds else None
    try:
        server = Sandbox(
            org,
            latency_ms=latency_ms,
            rate_limit_per_minute=rate_limit,
            fault_rate=fault_rate,
            fault_seed=fault_seed,
            fault_kinds=kinds,
            host=host,
            port=port,
            tls=tls,
            login_port=login_port,
        )
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server.start()
        except TlsUnavailable as exc:
            raise UsageProblem(f"--tls: {exc}") from None
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}: {exc.strerror or exc}") from None
        click.echo(f"listening on {server.url}")
        if login_port is not None:
            click.echo(f"login on {server.login_url}")
        if server.ca_bundle:
            click.echo(f"ca bundle {server.ca_bundle}")
        sys.stdout.flush()
        _describe(org, two_hosts=login_port is not None)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _describe(org: Any, *, two_hosts: bool = False) -> None:
    """The fixture's identities on stderr (fake credentials of a sandbox fixture only)."""
    err = sys.stderr
    urls = "login URL on its own port" if two_hosts else "API and login URL are the same"
    print(f"sandbox org {org.name} ({org.id}) from {org.source}; {urls}", file=err)
    for client in org.clients.values():
        what = f"[{client.grant}, {client.state}]"
        print(f"  client {client.name!r} {what}: id {client.id} secret {client.secret}", file=err)
    for token in org.tokens:
        user = org.users.get(token.user_id) if token.user_id else None
        who = f"user {user.name!r}" if user else "no user"
        print(f"  bearer token for {who} via client {token.client_id}: {token.token}", file=err)
    if org.demo:
        print(f"  demo: conversation {org.demo.get('conversation')}", file=err)
    err.flush()


if __name__ == "__main__":  # python -m gcdiag.cli.sandbox serve ...
    sandbox()
