"""One HTTP POST of a webhook, with the outcome classified.

Redirects are failures (the receiver must give its final URL), ``410 Gone``
means "stop sending", every other non-2xx answer and every network error is
retried. The response is read only up to a bound.

urllib3 is used directly rather than requests: it is what requests runs on,
verifies certificates the same way, and costs half the CPU per request, which
is what bounds delivery throughput.
"""

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3.util import connection as urllib3_connection

from odoo.addons.integration_core.tools.outcomes import RETRY_LATER, classify_exception

from .retry import parse_retry_after

EXCERPT_BYTES = 2048
READ_LIMIT = 64 * 1024
CONNECT_TIMEOUT = 5.0
# what the HTTP client raises for a network failure, besides OSError
TRANSIENT_ERRORS = (urllib3.exceptions.HTTPError,)


@dataclass
class SendResult:
    outcome: str  # success | retry | gone
    status: int = 0
    duration_ms: int = 0
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None


def classify(status):
    """``success``, ``gone`` or ``retry`` for an HTTP status code.

    >>> [classify(s) for s in (200, 204, 301, 410, 429, 500)]
    ['success', 'success', 'retry', 'gone', 'retry', 'retry']
    """
    if 200 <= status < 300:
        return "success"
    if status == 410:
        return "gone"
    return "retry"


class _PinnedConnectionMixin:
    """Open the socket to addresses checked beforehand, never to what the
    host name resolves to now (DNS rebinding). Everything else still uses the
    host name: the ``Host`` header, TLS SNI and the certificate check."""

    pinned_addresses = ()

    def _new_conn(self):
        extra = {}
        if self.source_address:
            extra["source_address"] = self.source_address
        if self.socket_options:
            extra["socket_options"] = self.socket_options
        error = None
        for address in self.pinned_addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, **extra
                )
            except TimeoutError:
                error = urllib3.exceptions.ConnectTimeoutError(
                    self,
                    f"Connection to {address} timed out. (connect timeout={self.timeout})",
                )
            except OSError as exc:
                error = urllib3.exceptions.NewConnectionError(
                    self, f"Failed to establish a new connection to {address}: {exc}"
                )
        raise error


def new_connection(url, addresses=None):
    """A keep-alive connection pool of one to the URL's host; no proxies.

    :param addresses: the host's addresses that passed the SSRF check
        (:func:`~odoo.addons.integration_core.tools.url_safety.check_target_url`);
        connections go to these, in order, and the name is not resolved again
    """
    parts = urlsplit(url)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            parts.hostname,
            parts.port,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            parts.hostname, parts.port, maxsize=1, retries=False
        )
    if addresses:
        pool.ConnectionCls = type(
            f"Pinned{pool.ConnectionCls.__name__}",
            (_PinnedConnectionMixin, pool.ConnectionCls),
            {"pinned_addresses": tuple(addresses)},
        )
    return pool


def _target(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


def post(connection, url, headers, body, timeout):
    """POST ``body`` and classify the answer; never raises for HTTP problems."""
    started = time.monotonic()
    try:
        response = connection.urlopen(
            "POST",
            _target(url),
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(
                connect=min(CONNECT_TIMEOUT, timeout), read=timeout
            ),
            retries=False,
            redirect=False,
            preload_content=False,
        )
    except urllib3.exceptions.NewConnectionError as exc:
        # a subclass of ConnectTimeoutError in urllib3 1.26: test it first
        return SendResult(
            "retry",
            duration_ms=_ms(started),
            error=f"connection failed: {_reason(exc)}",
        )
    except urllib3.exceptions.TimeoutError:
        return SendResult(
            "retry", duration_ms=_ms(started), error=f"timed out after {timeout} s"
        )
    except Exception as exc:  # a network failure is retried, anything else is a defect
        if classify_exception(exc, transient=TRANSIENT_ERRORS) != RETRY_LATER:
            raise
        return SendResult(
            "retry",
            duration_ms=_ms(started),
            error=f"connection failed: {_reason(exc)}",
        )
    raw, error = _read_bounded(response)
    status = response.status
    outcome = classify(status)
    if outcome == "retry" and not error:
        error = f"HTTP {status}"
        if 300 <= status < 400:
            error += f" redirect to {response.headers.get('location', '?')} (redirects are not followed)"
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    return SendResult(
        outcome,
        status=status,
        duration_ms=_ms(started),
        # PostgreSQL text holds no NUL: a receiver's binary answer is kept
        # readable instead of failing the recording of the batch
        excerpt=raw[:EXCERPT_BYTES]
        .decode("utf-8", "replace")
        .replace("\x00", "\ufffd"),
        error=error,
        retry_after=retry_after,
    )


def _read_bounded(response):
    """Read at most READ_LIMIT bytes of the answer.

    A body read to its end keeps the connection alive for the next delivery;
    a larger one is cut and its connection dropped.
    """
    try:
        raw = response.read(READ_LIMIT, decode_content=True) or b""
        if len(raw) >= READ_LIMIT:
            response.close()
        else:
            response.release_conn()
        return raw, ""
    except Exception as exc:  # a network failure is retried, anything else is a defect
        if classify_exception(exc, transient=TRANSIENT_ERRORS) != RETRY_LATER:
            raise
        response.close()
        return b"", f"reading the response failed: {_reason(exc)}"


def _ms(started):
    return int((time.monotonic() - started) * 1000)


def _reason(exc):
    """A short reason, without the URL (it may carry a token in its query)."""
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    if "Errno" in text:
        text = text[text.index("[Errno") :] if "[Errno" in text else text
    return text[:300]


class SenderPool:
    """Keeps up to ``size`` requests in flight, each pool thread on its own
    keep-alive connection. Only HTTP happens in the threads: ``prepare`` and
    ``on_result`` run in the caller's thread, so they may use the ORM.
    """

    def __init__(self, size, addresses=None):
        """:param addresses: the vetted addresses to connect to (see
        :func:`new_connection`)"""
        self.size = max(1, size)
        self.addresses = addresses
        self._local = threading.local()
        self._connections = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(self.size)

    def _connection(self, url):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = new_connection(url, self.addresses)
            with self._lock:
                self._connections.append(connection)
        return connection

    def _post(self, url, headers, body, timeout):
        return post(self._connection(url), url, headers, body, timeout)

    def run(self, url, timeout, items, prepare, on_result, rate_limit=0, on_idle=None):
        """POST one request per item, as a sliding window.

        :param prepare: ``item -> (headers, body)``
        :param on_result: ``(item, SendResult) -> bool``; False stops sending
            more (requests already in flight still complete and are reported)
        :param rate_limit: at most this many requests per second (0: no limit)
        :param on_idle: called with no argument each time the window has been
            filled again, while its requests are in flight: slow work done
            there (recording outcomes) overlaps the HTTP instead of holding
            the next requests back
        """
        items = iter(items)
        in_flight = {}
        started = time.monotonic()
        submitted = 0
        stop = False
        while True:
            while not stop and len(in_flight) < self.size:
                item = next(items, None)
                if item is None:
                    break
                if rate_limit:
                    time.sleep(
                        max(0.0, started + submitted / rate_limit - time.monotonic())
                    )
                headers, body = prepare(item)
                future = self._executor.submit(self._post, url, headers, body, timeout)
                in_flight[future] = item
                submitted += 1
            if not in_flight:
                return
            if on_idle:
                on_idle()
            done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                if not on_result(in_flight.pop(future), future.result()):
                    stop = True

    def close(self):
        self._executor.shutdown(wait=True)
        for connection in self._connections:
            connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
