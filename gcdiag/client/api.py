"""The HTTP client for the Genesys Cloud Platform API (on requests; thread-safe).

What it guarantees, because a diagnostic tool must not make things worse:

* **Credentials stay home.** The bearer token goes only to the API host and the client's Basic credentials
  only to the login host; redirects are never followed (``allow_redirects=False``), so a gateway answering
  3xx cannot forward a token elsewhere. Path parameters are URL-quoted with ``safe=""`` so an id such as
  ``../x`` or ``a/b`` can never change the path. No record, error or log line carries a header, a body or a
  query string.
* **Bounded, honest retries.** At most ``1 + retries`` attempts for transient failures (plus one retry after a
  single re-authentication on 401 for client credentials). 429 honours ``Retry-After`` (seconds or HTTP date),
  else ``inin-ratelimit-reset`` (genesys-facts §6), capped by ``retry_after_cap``: a longer wait is not slept but
  raised as ``rate_limited``. 502/503/504 and connection failures back off exponentially with full jitter. A
  request that is not idempotent (POST/PUT/PATCH/DELETE unless ``idempotent=True``) is never retried once it
  may have reached the server (read timeout, 5xx); a connect failure (nothing sent) is retried for any method,
  and so is a 429, which is a refusal.
* **Bounded in time and size.** A request (connect, every read, retries and their waits) ends by its deadline
  (``deadline`` seconds, and the run's deadline when a diagnosis set one: :mod:`gcdiag.client.deadline`); an
  answer larger than :data:`MAX_ANSWER_BYTES` is refused unread (:mod:`gcdiag.client.transfer`); its JSON is
  read like any document from outside (:mod:`gcdiag.util.documents`: bounded depth, no huge numbers).
* **Provenance.** Every attempt, the token request included, becomes a :class:`RequestRecord` in the shared
  :class:`RequestLog`: method, path template, status, duration, identity, correlation id, host.

Token endpoint (genesys-facts §1.4, CONFIRMED): ``POST {login_url}/oauth/token`` with HTTP Basic ``client_id:secret``
and the form ``grant_type=client_credentials``; the answer carries ``access_token`` and ``expires_in``
(seconds). The token is cached until 60 s before it expires. Token-endpoint errors are OAuth-style bodies
(INFERRED, genesys-facts §1.4).
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from gcdiag import __version__
from gcdiag.client.deadline import REQUEST_DEADLINE, Deadline, current_run_deadline
from gcdiag.client.errors import ApiError
from gcdiag.client.pool import PoolAdapter, preconnect
from gcdiag.client.provenance import RequestLog, RequestRecord
from gcdiag.client.ratelimit import RateLimiter
from gcdiag.client.response import KEPT_HEADERS, ApiResponse
from gcdiag.client.retry import RETRY_STATUSES, Attempt, Decision, RetryPolicy
from gcdiag.client.transfer import AnswerTooLarge, DeadlineReached, exchange
from gcdiag.client.urls import build_path, host_of, strip_base_url
from gcdiag.genesys.constants import TOKEN_PATH
from gcdiag.settings.model import CLIENT_CREDENTIALS, DEFAULT_DEADLINE, Credentials
from gcdiag.util.documents import DocumentError, load_json
from gcdiag.util.files import MB, size_text

if TYPE_CHECKING:  # imported where used: it is off the start-up path
    from gcdiag.genesys.errors import ParsedError

SUBJECT = "subject"
INSPECTOR = "inspector"
TOKEN_REFRESH_MARGIN_S = 60.0
# A token request that still failed after its retries (5xx, timeouts, a dropped connection) stands for this long:
# the look-ups waiting on the token get that failure instead of each spending a new retry budget (ten look-ups
# against a failing login host took 14 s). A smoke run tries again after it.
TOKEN_FAILURE_HOLD_S = 30.0
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CORRELATION_HEADER = "ININ-Correlation-Id"
# The largest answer gcdiag reads (after decompression): a page of 100 entities, a role, a conversation are tens
# to hundreds of KB. A larger one is an error, never kept in memory.
MAX_ANSWER_BYTES = 4 * MB


# --- results and errors -------------------------------------------------------------------------------------


def _seconds(value: str | None, now: Callable[[], datetime]) -> float | None:
    """A Retry-After / inin-ratelimit-reset value in seconds (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - now()).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _chain(exc: BaseException) -> list[Any]:
    """The exception, its args, their ``reason`` and the implicit cause chain (requests wraps urllib3's)."""
    seen: list[Any] = []
    todo: list[Any] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        if isinstance(item, BaseException):
            todo += [*item.args, item.__cause__, item.__context__]
        reason = getattr(item, "reason", None)
        if reason is not None:
            todo.append(reason)
    return seen


def _classify(exc: requests.RequestException) -> tuple[str, str, bool, bool]:
    """(short text, ApiError kind, nothing was sent, worth retrying) for a transport failure."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout", "timeout", True, True
    if isinstance(exc, requests.ReadTimeout):
        return "read timeout", "timeout", False, True
    if isinstance(exc, requests.Timeout):
        return "timeout", "timeout", False, True
    if isinstance(exc, requests.exceptions.SSLError):
        # A certificate problem does not heal by retrying. Say which (the verify message is the OpenSSL text,
        # e.g. "unable to get local issuer certificate": a CA bundle that does not hold the server's CA).
        verify = next((e for e in _chain(exc) if isinstance(e, ssl.SSLCertVerificationError)), None)
        if verify is not None:
            why = getattr(verify, "verify_message", "") or "certificate verify failed"
            return f"TLS error: the server's certificate is not trusted ({why})", "connection", True, False
        return "TLS error", "connection", True, False
    if isinstance(exc, requests.ConnectionError):
        chain = _chain(exc)
        # Name the usual reasons a host cannot be reached, so the one-line cause says which it was.
        if any(isinstance(e, NameResolutionError) for e in chain):
            return "could not resolve the host name (DNS)", "connection", True, True
        if any(isinstance(e, ConnectionRefusedError) for e in chain):
            return "connection refused", "connection", True, True
        if any(isinstance(e, (NewConnectionError, ConnectTimeoutError)) for e in chain):
            return "connection error (could not connect)", "connection", True, True
        return "connection error", "connection", False, True
    return f"request error ({type(exc).__name__})", "invalid", True, False


class _Bearer(AuthBase):
    """Sets the bearer header.

    Passing an explicit auth object also stops requests from applying ~/.netrc credentials over it.
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "_Bearer(***)"


class _Basic(HTTPBasicAuth):
    def __repr__(self) -> str:
        return "_Basic(***)"


# --- the client ---------------------------------------------------------------------------------------------


class ApiClient:
    """One identity's connection to one org: token handling, retries, limits, provenance. Thread-safe."""

    def __init__(
        self,
        *,
        api_url: str,
        login_url: str,
        credentials: Credentials,
        identity: str,
        log: RequestLog,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        deadline: float = DEFAULT_DEADLINE,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        retry_after_cap: float = 60.0,
        session: requests.Session | None = None,
        ca_bundle: str | None = None,
        user_agent: str = f"gcdiag/{__version__}",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self.api_url = strip_base_url(api_url)
        self.login_url = strip_base_url(login_url)
        self.api_host = host_of(self.api_url)
        self.login_host = host_of(self.login_url)
        self.credentials = credentials
        self.identity = identity
        self.log = log
        self.limiter = limiter
        self.timeout = (float(timeout[0]), float(timeout[1]))
        self.deadline = float(deadline)
        self.max_answer_bytes = int(max_answer_bytes)
        self.policy = RetryPolicy(
            retries=max(0, int(retries)),
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            retry_after_cap=retry_after_cap,
        )
        self.user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._now = now
        self._own_session = session is None
        if session is None:
            session = requests.Session()
            # Up to POOL_SIZE fact threads share one client: connections are kept for the whole run and reused,
            # and a look-up waits for a free one rather than opening more.
            adapter = PoolAdapter()
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session
        # An explicit CA bundle wins over REQUESTS_CA_BUNDLE (requests prefers a per-request verify).
        self.ca_bundle = ca_bundle
        self._token_lock = threading.Lock()
        self._refused: ApiError | None = None
        self._failed: ApiError | None = None
        self._failed_until = 0.0
        self._token: str | None = None
        self._token_expires = 0.0
        self._issued: list[str] = []

    def __repr__(self) -> str:
        return (
            f"ApiClient(identity={self.identity!r}, api_url={self.api_url!r}, kind={self.credentials.kind!r})"
        )

    # -- lifecycle --

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def issued_tokens(self) -> list[str]:
        """Tokens this client obtained (for the redactor: they must never appear in output)."""
        # Not under the token lock: a request log listener (-v) asks for them while a token fetch holds it.
        # Appending to and copying a list are atomic in CPython.
        return list(self._issued)

    # -- public requests --

    def request(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> ApiResponse:
        """Make one API call (with retries); raise :class:`ApiError` for anything but a 2xx answer."""
        method = method.upper()
        try:
            url = self.api_url + build_path(template, path_params)
        except ValueError as exc:
            raise ApiError(
                kind="invalid", method=method, path=template, identity=self.identity, note=str(exc)
            ) from None
        if host_of(url) != self.api_host:  # defence in depth: the bearer token goes to the API host only
            raise ApiError(
                kind="invalid",
                method=method,
                path=template,
                identity=self.identity,
                note="the URL left the API host",
            )
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        response = self._perform(
            method,
            url,
            template,
            self.api_host,
            idempotent=idempotent,
            params=params,
            json_body=json,
            token=False,
        )
        return _api_response(response)

    def get_json(
        self,
        template: str,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        return self.request("GET", template, path_params=path_params, params=params).json

    # -- token --

    def warm_up(self) -> None:
        """Obtain the client-credentials token now (in a background thread, while gcdiag loads its catalog and
        checks). A failure is left for the first real request to report."""
        if self.credentials.kind != CLIENT_CREDENTIALS:
            return
        with contextlib.suppress(Exception):
            self._bearer()

    def preconnect(self, count: int) -> int:
        """Open up to ``count`` connections to the API host now and leave them in the pool (called while the
        token request is in flight, so the first round of look-ups pays no handshake); how many opened."""
        return preconnect(
            self.session, self.api_url, count, verify=self.ca_bundle, connect_timeout=self.timeout[0]
        )

    def _bearer(self, wait: float = -1) -> str:
        """The bearer token, fetched when needed; ``wait``: the longest to wait for another thread's fetch
        (-1: as long as it takes), past which the request's deadline has passed."""
        if self.credentials.kind != CLIENT_CREDENTIALS:
            assert self.credentials.token is not None
            return self.credentials.token.reveal()
        # One lock around check-and-fetch: when 8 threads start at once, one fetches and the others reuse it.
        if not self._token_lock.acquire(timeout=wait if wait < 0 else max(wait, 0.0)):
            raise ApiError(
                kind="deadline",
                method="POST",
                path=TOKEN_PATH,
                identity=self.identity,
                note=f"the token from {self.login_host} was still being fetched when the deadline passed",
                host=self.login_host,
            )
        try:
            if self._token is not None and self._clock() < self._token_expires:
                return self._token
            if self._refused is not None:
                # The login host already refused these credentials (400/401): asking again for every look-up
                # would only repeat the same answer and spend the rate limit.
                raise self._refused
            if self._failed is not None and self._clock() < self._failed_until:
                raise self._failed
            try:
                token, lifetime = self._fetch_token()
            except ApiError as exc:
                run = current_run_deadline()
                if exc.status in (400, 401):
                    self._refused = exc
                elif not (exc.kind == "deadline" and run is not None and run.left() <= 0):
                    # (A fetch cut short by this diagnosis's own run deadline says nothing of the login host.)
                    self._failed, self._failed_until = exc, self._clock() + TOKEN_FAILURE_HOLD_S
                raise
            self._token = token
            self._issued.append(token)
            # Without expires_in, keep it until the API answers 401 (then re-authenticate once).
            self._token_expires = (
                self._clock() + lifetime - TOKEN_REFRESH_MARGIN_S if lifetime is not None else math.inf
            )
            return token
        finally:
            self._token_lock.release()

    def _invalidate(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:  # another thread may already have replaced it
                self._token = None

    def _fetch_token(self) -> tuple[str, float | None]:
        # Minting a token changes nothing the user cares about, so it may be retried like an idempotent call.
        response = self._perform(
            "POST",
            self.login_url + TOKEN_PATH,
            TOKEN_PATH,
            self.login_host,
            idempotent=True,
            params=None,
            json_body=None,
            token=True,
        )
        try:
            data = load_json(response.content, what="the token answer")
        except ValueError:  # not JSON, nested too deeply, a huge number
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            # Never echo this body: it may hold a token under another name.
            raise ApiError(
                kind="auth",
                method="POST",
                path=TOKEN_PATH,
                identity=self.identity,
                status=response.status_code,
                host=self.login_host,
                correlation_id=response.headers.get(CORRELATION_HEADER),
                note="the token endpoint answered without an access_token",
            )
        expires = data.get("expires_in") if isinstance(data, dict) else None
        lifetime = (
            float(expires) if isinstance(expires, (int, float)) and not isinstance(expires, bool) else None
        )
        return token, lifetime

    # -- the retry loop --

    def _record(
        self,
        method: str,
        template: str,
        host: str,
        start: float,
        attempt: int,
        *,
        status: int | None = None,
        correlation_id: str | None = None,
        context_id: str | None = None,
        error: str | None = None,
    ) -> None:
        self.log.add(
            RequestRecord(
                method=method,
                path=template,
                status=status,
                duration_ms=(time.perf_counter() - start) * 1000.0,
                identity=self.identity,
                correlation_id=correlation_id,
                context_id=context_id,
                error=error,
                attempt=attempt,
                host=host,
            )
        )

    def _perform(
        self,
        method: str,
        url: str,
        template: str,
        host: str,
        *,
        idempotent: bool,
        params: Mapping[str, Any] | None,
        json_body: Any,
        token: bool,
    ) -> requests.Response:
        limit = Deadline.after(self.deadline, REQUEST_DEADLINE, self._clock)
        run_limit = current_run_deadline()
        attempt = 0
        retried = 0  # retries spent on transient failures (≤ self.policy.retries)
        reauthenticated = False
        while True:
            attempt += 1
            headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
            auth: AuthBase
            used_token = ""
            if token:
                assert self.credentials.client_id is not None and self.credentials.client_secret is not None
                auth = _Basic(self.credentials.client_id, self.credentials.client_secret.reveal())
            else:
                # May itself call the token endpoint (recorded separately, with its own deadline).
                used_token = self._bearer(wait=self._time_left(limit, run_limit)[0])
                auth = _Bearer(used_token)
                # The limiter models the per-token API limit; the login host has its own (genesys-facts §6
                # namespaces).
                if self.limiter is not None:
                    left, nearest = self._time_left(limit, run_limit)
                    if self.limiter.acquire(within=left) is None:
                        start = time.perf_counter()
                        self._record(
                            method,
                            template,
                            host,
                            start,
                            attempt,
                            error="not sent: rate limit past the deadline",
                        )
                        raise ApiError(
                            kind="deadline",
                            method=method,
                            path=template,
                            identity=self.identity,
                            note=f"the client-side rate limit (--rate-limit) has no slot before {nearest.text()} passes",
                            host=host,
                            attempts=attempt,
                        )
            left, nearest = self._time_left(limit, run_limit)
            start = time.perf_counter()
            if left <= 0:
                self._record(
                    method, template, host, start, attempt, error=f"not sent: {nearest.text()} passed"
                )
                raise self._deadline_error(method, template, host, nearest, attempt, sent=False)
            try:
                response = exchange(
                    self.session,
                    method,
                    url,
                    seconds=left,
                    limit=self.max_answer_bytes,
                    timeout=self.timeout,
                    params=dict(params) if params else None,
                    data={"grant_type": "client_credentials"} if token else None,
                    json=json_body,
                    headers=headers,
                    auth=auth,
                    allow_redirects=False,
                    verify=self.ca_bundle,  # None: REQUESTS_CA_BUNDLE or the system's
                )
            except DeadlineReached:
                # The deadline covers retries too: there is no time left for another attempt.
                self._record(
                    method, template, host, start, attempt, error=f"no answer within {nearest.text()}"
                )
                raise self._deadline_error(method, template, host, nearest, attempt, sent=True) from None
            except AnswerTooLarge as exc:
                self._record(
                    method, template, host, start, attempt, status=exc.status, error="answer too large"
                )
                raise ApiError(
                    kind="too_large",
                    method=method,
                    path=template,
                    identity=self.identity,
                    status=exc.status,
                    note=(
                        f"the answer from {host} is larger than {size_text(self.max_answer_bytes)}"
                        + (f" ({exc.declared:,} bytes)" if exc.declared else "")
                        + ", the most gcdiag reads; it was not read"
                    ),
                    host=host,
                    attempts=attempt,
                ) from None
            except requests.RequestException as exc:
                text, kind, nothing_sent, worth = _classify(exc)
                self._record(method, template, host, start, attempt, error=text)
                state = self._attempt(method, attempt, retried, idempotent, reauthenticated, limit, run_limit)
                decision = self.policy.after_transport_error(
                    state, worth_retrying=worth, nothing_sent=nothing_sent, draw=self._rng.uniform
                )
                if decision.retry:
                    self._sleep(decision.delay)
                    retried += 1
                    continue
                raise ApiError(
                    kind=kind,
                    method=method,
                    path=template,
                    identity=self.identity,
                    message=text,
                    note=decision.note,
                    host=host,
                    attempts=attempt,
                    unreachable=nothing_sent,
                ) from None

            status = response.status_code
            correlation_id = response.headers.get(CORRELATION_HEADER)
            if 200 <= status < 300:
                self._record(
                    method, template, host, start, attempt, status=status, correlation_id=correlation_id
                )
                return response

            from gcdiag.genesys.errors import parse_error_body  # only for an answer that is not 2xx

            parsed = parse_error_body(response.content, status, response.headers.get("Content-Type"))
            state = self._attempt(method, attempt, retried, idempotent, reauthenticated, limit, run_limit)
            decision = Decision(retry=False)
            if status == 429:
                wait, basis = self._rate_limit_wait(response)
                decision = self.policy.after_rate_limit(state, wait=wait, basis=basis, draw=self._rng.uniform)
            elif status == 401 and not token:
                decision = self.policy.after_unauthorized(
                    state, can_reauthenticate=self.credentials.kind == CLIENT_CREDENTIALS
                )
            elif status in RETRY_STATUSES:
                after, _ = self._rate_limit_wait(response, reset=False)
                decision = self.policy.after_unavailable(
                    state, status=status, retry_after=after, draw=self._rng.uniform
                )
            elif 300 <= status < 400:
                location = response.headers.get("Location") or ""
                where = host_of(location) if "://" in location else "the same host"
                decision = Decision(
                    retry=False, note=f"redirect to {where or 'another location'} not followed"
                )
            self._record(
                method,
                template,
                host,
                start,
                attempt,
                status=status,
                correlation_id=correlation_id,
                context_id=parsed.context_id,
                error=decision.record or f"{status} {parsed.code or parsed.oauth_error or ''}".strip(),
            )
            if decision.reauthenticate:
                # The cached token may have been revoked or expired early: get a new one and retry once.
                self._invalidate(used_token)
                reauthenticated = True
                continue
            if decision.retry:
                self._sleep(decision.delay)
                retried += 1
                continue
            raise self._http_error(
                decision.kind or ("auth" if token else "http"),
                method=method,
                template=template,
                host=host,
                parsed=parsed,
                correlation_id=correlation_id,
                attempts=attempt,
                note=decision.note,
            )

    def _attempt(
        self,
        method: str,
        number: int,
        retried: int,
        idempotent: bool,
        reauthenticated: bool,
        limit: Deadline,
        run_limit: Deadline | None,
    ) -> Attempt:
        """What the retry policy is told of the attempt that just ended, with the time left before the nearer
        deadline."""
        left, nearest = self._time_left(limit, run_limit)
        return Attempt(
            method=method,
            number=number,
            retried=retried,
            idempotent=idempotent,
            reauthenticated=reauthenticated,
            time_left=left,
            deadline=nearest.text(),
        )

    def _time_left(self, limit: Deadline, run_limit: Deadline | None) -> tuple[float, Deadline]:
        """Seconds until the nearer deadline, and which one it is (the run's is on the real clock)."""
        left = limit.left(self._clock)
        if run_limit is not None and run_limit.left() < left:
            return run_limit.left(), run_limit
        return left, limit

    def _deadline_error(
        self, method: str, template: str, host: str, deadline: Deadline, attempts: int, *, sent: bool
    ) -> ApiError:
        what = (
            f"no complete answer from {host} within {deadline.text()}"
            if sent
            else (f"not sent to {host}: {deadline.text()} had passed")
        )
        return ApiError(
            kind="deadline",
            method=method,
            path=template,
            identity=self.identity,
            note=what,
            host=host,
            attempts=attempts,
        )

    def _rate_limit_wait(
        self, response: requests.Response, *, reset: bool = True
    ) -> tuple[float | None, str]:
        after = _seconds(response.headers.get("Retry-After"), self._now)
        if after is not None:
            return after, "Retry-After"
        if reset:
            # inin-ratelimit-reset: seconds until the window resets (genesys-facts §6).
            value = _seconds(response.headers.get("inin-ratelimit-reset"), self._now)
            if value is not None:
                return value, "inin-ratelimit-reset"
        return None, ""

    def _http_error(
        self,
        kind: str,
        method: str,
        template: str,
        host: str,
        parsed: ParsedError,
        correlation_id: str | None,
        attempts: int,
        note: str | None,
    ) -> ApiError:
        if not parsed.is_json and parsed.raw.strip():
            # An HTML page or plain text: typically a proxy or gateway answered, not the API (errors.py).
            note = f"{note}; non-JSON body" if note else "non-JSON body"
        return ApiError(
            kind=kind,
            method=method,
            path=template,
            identity=self.identity,
            status=parsed.http_status,
            code=parsed.code or parsed.oauth_error,
            message=parsed.message if parsed.is_json else None,
            message_params=parsed.message_params,
            context_id=parsed.context_id,
            correlation_id=correlation_id,
            parsed=parsed,
            note=note,
            host=host,
            attempts=attempts,
        )


def _api_response(response: requests.Response) -> ApiResponse:
    kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    text = response.text if response.content else ""
    body: Any = None
    problem = ""
    if text.strip():
        try:
            body = load_json(text, what="the answer")
        except DocumentError as exc:
            problem = str(exc)
        except ValueError:
            problem = "the answer is not JSON"
    return ApiResponse(status=response.status_code, headers=kept, json=body, text=text, problem=problem)
