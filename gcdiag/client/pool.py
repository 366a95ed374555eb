"""The connections of one identity: kept for the whole run, never more than :data:`POOL_SIZE` per host, and
opened ahead of need while the token request is in flight (:func:`preconnect`).

A connection opened ahead of its first request sits idle, and a TLS 1.3 server sends its session tickets right
after the handshake: urllib3 takes an idle socket with anything to read for one the server closed, and would
drop every warmed connection. :class:`_WarmHTTPSConnection` reads what is there first: TLS records only (the
tickets) leave it usable; end of stream or application data mean it is dropped, as before.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.ssl_ import create_urllib3_context
from urllib3.util.wait import wait_for_read

# Connections per host and identity: as many as the facts layer runs look-ups at once (max_workers of a
# diagnosis). The pool blocks rather than opening more: a run never holds more connections than this.
POOL_SIZE = 16


class _WarmHTTPSConnection(HTTPSConnection):
    @property
    def is_connected(self) -> bool:
        sock = self.sock
        if sock is None:
            return False
        if not wait_for_read(sock, timeout=0.0):
            return True
        if not isinstance(sock, ssl.SSLSocket):
            return False
        timeout = sock.gettimeout()
        try:
            sock.setblocking(False)
            sock.recv(1)  # processes the pending TLS records; raises when no application data came
        except ssl.SSLWantReadError:
            return True  # only session tickets (or other post-handshake records): still a good connection
        except (OSError, ValueError):
            return False
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(timeout)
        return False  # b"": closed by the server; anything else is out of turn: drop it


class _WarmHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WarmHTTPSConnection


class PoolAdapter(HTTPAdapter):
    """requests' adapter with a blocking pool of :data:`POOL_SIZE`, warm-safe HTTPS connections, and one TLS
    context per CA bundle.

    requests hands urllib3 the CA bundle's path, and urllib3 builds a new SSL context and reads the whole bundle
    (certifi's: about 150 certificates) for every new connection: milliseconds of CPU each, ten times over while
    the first round trip is in flight. Here each bundle is read once, into a context the connections share.
    """

    def __init__(self) -> None:
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._contexts_lock = threading.Lock()
        super().__init__(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0, pool_block=True)

    def _context(self, location: str) -> ssl.SSLContext | None:
        with self._contexts_lock:
            context = self._contexts.get(location)
            if context is None:
                try:
                    context = create_urllib3_context()
                    if os.path.isdir(location):
                        context.load_verify_locations(capath=location)
                    else:
                        context.load_verify_locations(cafile=location)
                except (OSError, ValueError, ssl.SSLError):
                    return None  # urllib3 reads it again per connection and reports what is wrong with it
                self._contexts[location] = context
            return context

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> Any:
        host, typed = super().build_connection_pool_key_attributes(request, verify, cert)
        kwargs: dict[str, Any] = dict(typed)
        if host.get("scheme") == "https" and verify and cert is None:
            location = verify if isinstance(verify, str) else DEFAULT_CA_BUNDLE_PATH
            context = self._context(location)
            if context is not None:
                kwargs.pop("ca_certs", None)
                kwargs.pop("ca_cert_dir", None)
                kwargs["ssl_context"] = context
        return host, kwargs

    def cert_verify(self, conn: Any, url: str, verify: bool | str, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)  # type: ignore[no-untyped-call]  # untyped in the stubs
        if any(getattr(conn, "ssl_context", None) is c for c in self._contexts.values()):
            # The shared context holds the CA already: do not make each connection read the bundle again.
            conn.ca_certs = None
            conn.ca_cert_dir = None

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        classes = dict(self.poolmanager.pool_classes_by_scheme)
        classes["https"] = _WarmHTTPSConnectionPool
        self.poolmanager.pool_classes_by_scheme = classes


def preconnect(
    session: requests.Session, base_url: str, count: int, *, verify: str | None, connect_timeout: float
) -> int:
    """Open up to ``count`` connections to ``base_url``'s host side by side (TCP and TLS handshakes) and leave
    them in the pool; returns how many opened. Nothing is sent on them, so no credential leaves early. A
    connection that cannot be opened is left for the request that needs it to report."""
    count = max(0, min(count, POOL_SIZE))
    url = base_url + "/"
    adapter = session.get_adapter(url)
    if count == 0 or not isinstance(adapter, HTTPAdapter):
        return 0
    try:
        settings = session.merge_environment_settings(url, {}, None, verify, None)
        pool = adapter.get_connection_with_tls_context(
            requests.Request("GET", url).prepare(), settings["verify"], proxies=settings["proxies"]
        )
    except Exception:  # a bad CA bundle, an odd proxy: the first real request says what is wrong
        return 0
    if not isinstance(pool, HTTPConnectionPool):
        return 0
    opened: list[bool] = []

    def one() -> None:
        try:
            conn = pool._get_conn(timeout=0)
        except Exception:  # every connection is taken already: nothing to warm
            return
        try:
            if not conn.is_connected:
                conn.timeout = connect_timeout
                conn.connect()
                opened.append(True)
        except Exception:
            conn.close()
        finally:
            pool._put_conn(conn)

    threads = [threading.Thread(target=one, name="gcdiag-connect", daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(connect_timeout + 1.0)
    return len(opened)
