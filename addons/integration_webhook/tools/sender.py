"""One HTTP POST of a webhook, with the outcome classified.

Redirects are failures (the receiver must give its final URL), ``410 Gone``
means "stop sending", every other non-2xx answer and every network error is
retried. The response is read only up to a bound.
"""

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

import requests

from .retry import parse_retry_after

EXCERPT_BYTES = 2048
READ_LIMIT = 64 * 1024


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


def new_session():
    """A keep-alive session; no proxies from the environment, no retries."""
    session = requests.Session()
    session.trust_env = False
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(session, url, headers, body, timeout):
    """POST ``body`` and classify the answer; never raises for HTTP problems."""
    started = time.monotonic()
    try:
        response = session.post(
            url,
            data=body,
            headers=headers,
            timeout=float(timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout:
        return SendResult("retry", duration_ms=_ms(started), error=f"timed out after {timeout} s")
    except requests.ConnectionError as exc:
        return SendResult("retry", duration_ms=_ms(started), error=f"connection failed: {_reason(exc)}")
    except requests.RequestException as exc:
        return SendResult("retry", duration_ms=_ms(started), error=f"request failed: {_reason(exc)}")
    raw, error = _read_bounded(response)
    status = response.status_code
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
        excerpt=raw[:EXCERPT_BYTES].decode("utf-8", "replace"),
        error=error,
        retry_after=retry_after,
    )


def _read_bounded(response):
    """Read at most READ_LIMIT bytes of the answer.

    A body read to its end keeps the connection alive for the next delivery;
    a larger one is cut and its connection dropped.
    """
    chunks, size, error = [], 0, ""
    try:
        for chunk in response.iter_content(8192):
            chunks.append(chunk)
            size += len(chunk)
            if size >= READ_LIMIT:
                break
    except (requests.RequestException, OSError) as exc:
        error = f"reading the response failed: {_reason(exc)}"
    finally:
        response.close()
    return b"".join(chunks), error


def _ms(started):
    return int((time.monotonic() - started) * 1000)


def _reason(exc):
    """A short reason without the URL's query string or credentials."""
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    return str(reason)[:300]


class SenderPool:
    """Keeps up to ``size`` requests in flight, each pool thread on its own
    keep-alive connection. Only HTTP happens in the threads: ``prepare`` and
    ``on_result`` run in the caller's thread, so they may use the ORM.
    """

    def __init__(self, size):
        self.size = max(1, size)
        self._local = threading.local()
        self._sessions = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(self.size)

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = new_session()
            with self._lock:
                self._sessions.append(session)
        return session

    def _post(self, url, headers, body, timeout):
        return post(self._session(), url, headers, body, timeout)

    def run(self, url, timeout, items, prepare, on_result, rate_limit=0):
        """POST one request per item, as a sliding window.

        :param prepare: ``item -> (headers, body)``
        :param on_result: ``(item, SendResult) -> bool``; False stops sending
            more (requests already in flight still complete and are reported)
        :param rate_limit: at most this many requests per second (0: no limit)
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
                    time.sleep(max(0.0, started + submitted / rate_limit - time.monotonic()))
                headers, body = prepare(item)
                future = self._executor.submit(self._post, url, headers, body, timeout)
                in_flight[future] = item
                submitted += 1
            if not in_flight:
                return
            done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                if not on_result(in_flight.pop(future), future.result()):
                    stop = True

    def close(self):
        self._executor.shutdown(wait=True)
        for session in self._sessions:
            session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
