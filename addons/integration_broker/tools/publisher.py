"""Publish a batch to a RabbitMQ exchange with pipelined publisher confirms.

No ORM. One connection per drain (a :class:`Publisher` reused by its
confirm windows), up to ``window`` messages in flight: the broker's
``basic.ack`` with the ``multiple`` flag confirms many at once, so the batch
costs a few round trips, not one per message. Every
message is persistent and ``mandatory``: one that no queue takes comes back
as ``basic.return`` (reported as ``unroutable``), not silently dropped.

A message counts as published only when the broker confirmed it and did not
return it; anything else (connection refused or lost, channel closed, nack,
no confirm in time) is ``retry`` and goes back to the delivery's retry
schedule. pika's ``SelectConnection`` is used rather than
``BlockingConnection``: the blocking channel waits for the confirm of each
message before the next.
"""

import logging
import re
import ssl
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pika
import pika.exceptions
from pika.adapters.utils.connection_workflow import (
    AMQPConnectionWorkflowFailed,
    AMQPConnectorPhaseErrorBase,
)

from . import tls as tls_tools

NO_ROUTE = 312
_SSL_REASON = re.compile(r"\[SSL: \w+\] ([^(]+)")

# pika logs a refused connection as seven ERROR lines; the relay records
# every failure on the delivery attempt instead. An administrator who set
# pika's level (--log-handler=pika:DEBUG) keeps it.
_pika_logger = logging.getLogger("pika")
if _pika_logger.level == logging.NOTSET:
    _pika_logger.setLevel(logging.CRITICAL)


@dataclass
class PublishResult:
    outcome: str  # success | retry
    error: str = ""
    unroutable: bool = False
    duration_ms: int = 0


def redact_url(url):
    """The URL without its password, for display and logs.

    >>> redact_url("amqps://odoo:s3cret@mq.example.com:5671/prod")
    'amqps://odoo:***@mq.example.com:5671/prod'
    >>> redact_url("amqp://mq.example.com/")
    'amqp://mq.example.com/'
    """
    parts = urlsplit(url or "")
    if parts.password is None:
        return url or ""
    netloc = f"{parts.username}:***@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url):
    """Raise ValueError unless ``url`` is an ``amqp://`` or ``amqps://`` URL
    with a host.

    >>> check_url("amqp://guest:guest@127.0.0.1:5672/%2F")
    >>> check_url("http://example.com")
    Traceback (most recent call last):
    ...
    ValueError: the broker URL must start with amqp:// or amqps://
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("amqp", "amqps"):
        raise ValueError("the broker URL must start with amqp:// or amqps://")
    if not parts.hostname:
        raise ValueError("the broker URL has no host")


def connection_parameters(url, tls=None, timeout=10.0, name=None):
    """``pika.URLParameters`` for ``url``: for ``amqps://``, TLS per ``tls``
    (a :class:`~.tls.TlsSettings`; by default certifi's CA bundle with the
    certificate and host name checked), one connection attempt, bounded
    socket and handshake timeouts."""
    check_url(url)
    parameters = pika.URLParameters(url)
    if urlsplit(url).scheme == "amqps":
        context = tls_tools.client_context(tls or tls_tools.TlsSettings())
        parameters.ssl_options = pika.SSLOptions(context, urlsplit(url).hostname)
    parameters.connection_attempts = 1
    parameters.socket_timeout = timeout
    parameters.stack_timeout = timeout
    parameters.blocked_connection_timeout = timeout
    if name:
        parameters.client_properties = {"connection_name": name}
    return parameters


class Publisher:
    """One connection and confirm-mode channel, opened by the first
    :meth:`publish` and reused by the next ones (a drain's confirm windows)
    until :meth:`close`.

    Not thread-safe: every call must come from the same thread (the relay's).
    A window that fails (connection refused or lost, channel closed, no
    confirm in time) closes the connection and marks its unconfirmed
    messages ``retry``; the next window opens a new one.
    """

    connection_class = pika.SelectConnection  # tests count connections here

    def __init__(self, parameters, exchange, timeout=30.0, window=1000):
        self.parameters = parameters
        self.exchange = exchange
        self.timeout = timeout
        self.window = max(1, window)
        self.connection = None
        self.channel = None  # in confirm mode
        self.next_tag = 1
        self.open_error = None  # why open() failed, for the first window
        self._new_window([])

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def _new_window(self, messages):
        self.messages = messages
        self.results = [None] * len(messages)
        self.next_index = 0
        self.unsettled = {}  # delivery tag -> message index
        self.tags = deque()  # the unsettled tags, oldest first (may hold settled ones)
        self.returned = set()  # message ids the broker returned
        self.started = time.monotonic()
        self.error = None

    # -- the loop ------------------------------------------------------
    def publish(self, messages):
        """Publish one window of ``messages`` and wait for their confirms.

        :return: one :class:`PublishResult` per message, in order; never
            raises for a broker or network problem
        """
        if not messages:
            return []
        self._new_window(messages)
        if self.open_error:
            # open() just tried: the window fails as it would have connecting
            self._settle_rest(self.open_error)
            self.open_error = None
            return self.results
        connection = self.connection
        if connection and connection.is_open and self.channel and self.channel.is_open:
            connection.ioloop.call_later(0, self._publish_more)
        else:
            connection = self._connect()
        self._run(connection)
        return self.results

    def open(self):
        """Connect and put the channel in confirm mode ahead of the first
        window (overlapping what the caller reads meanwhile); a failure is
        the first window's outcome."""
        self._new_window([])
        self._run(self._connect())
        if not self.channel:
            self.open_error = self.error or "no confirm mode from the broker"

    def _connect(self):
        self.channel = None
        self.connection = self.connection_class(
            self.parameters,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        return self.connection

    def _run(self, connection):
        """Run the loop until the window is settled or failed (at most
        ``timeout`` once the connection is open)."""
        timer = connection.ioloop.call_later(self.timeout, self._on_timeout)
        try:
            connection.ioloop.start()
        finally:
            connection.ioloop.remove_timeout(timer)
            self._settle_rest(self.error or "no confirm from the broker")

    def close(self):
        """Close the connection (waiting at most ``timeout`` for the broker)."""
        connection, self.connection, self.channel = self.connection, None, None
        if not connection or not connection.is_open:
            return
        self._new_window([])
        connection.close()
        timer = connection.ioloop.call_later(self.timeout, connection.ioloop.stop)
        try:
            connection.ioloop.start()
        finally:
            connection.ioloop.remove_timeout(timer)

    def _finish(self, error=None):
        """End the window: the loop stops, the connection stays open unless
        the window failed."""
        if error and not self.error:
            self.error = error
        connection = self.connection
        if not self.error and connection.is_open:
            connection.ioloop.stop()
        elif connection.is_open:
            connection.close()
        elif connection.is_closed:
            connection.ioloop.stop()
        # opening or closing: _on_open_error or _on_closed stops the loop

    def _on_open(self, connection):
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_open_error(self, connection, error):
        self.error = f"cannot connect to the broker: {_reason(error)}"
        connection.ioloop.stop()

    def _on_closed(self, connection, reason):
        if not self.error and self._pending():
            self.error = f"connection closed: {_reason(reason)}"
        self.channel = None
        connection.ioloop.stop()

    def _on_timeout(self):
        self._finish(f"no confirm within {self.timeout:g} s")

    def _on_channel_open(self, channel):
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(
            ack_nack_callback=self._on_confirm,
            callback=lambda _frame: self._on_confirm_mode(channel),
        )

    def _on_channel_closed(self, _channel, reason):
        self.channel = None
        self._finish(f"channel closed by the broker: {_reason(reason)}")

    def _on_confirm_mode(self, channel):
        self.channel = channel
        self.next_tag = 1
        self._publish_more()

    # -- publishing and confirms --------------------------------------
    def _publish_more(self):
        while (
            self.next_index < len(self.messages) and len(self.unsettled) < self.window
        ):
            index = self.next_index
            routing_key, body, properties = self.messages[index]
            self.channel.basic_publish(
                self.exchange,
                routing_key,
                body,
                properties=pika.BasicProperties(**properties),
                mandatory=True,
            )
            self.unsettled[self.next_tag] = index
            self.tags.append(self.next_tag)
            self.next_tag += 1
            self.next_index += 1
        if not self._pending():
            self._finish()

    def _pending(self):
        return bool(self.unsettled) or self.next_index < len(self.messages)

    def _on_return(self, _channel, method, properties, _body):
        # RabbitMQ sends basic.return before the basic.ack of the same message
        # (reply code 312 NO_ROUTE for a mandatory message no queue took)
        self.returned.add(properties.message_id)

    def _on_confirm(self, frame):
        method = frame.method
        acked = isinstance(method, pika.spec.Basic.Ack)
        duration = _ms(self.started)
        if method.multiple:
            # tags go out in order: the confirmed ones are the oldest
            tags, last = self.tags, method.delivery_tag
            while tags and tags[0] <= last:
                self._settle(tags.popleft(), acked, duration)
        else:
            self._settle(method.delivery_tag, acked, duration)
        self._publish_more()

    def _settle(self, tag, acked, duration):
        index = self.unsettled.pop(tag, None)
        if index is None:
            return
        routing_key, _body, properties = self.messages[index]
        if not acked:
            result = PublishResult("retry", "refused by the broker (nack)")
        elif properties.get("message_id") in self.returned:
            result = PublishResult(
                "retry",
                f"unroutable: no queue is bound to exchange {self.exchange!r} "
                f"for routing key {routing_key!r}",
                unroutable=True,
            )
        else:
            result = PublishResult("success")
        result.duration_ms = duration
        self.results[index] = result

    def _settle_rest(self, error):
        duration = _ms(self.started)
        for index, result in enumerate(self.results):
            if result is None:
                self.results[index] = PublishResult(
                    "retry", error, duration_ms=duration
                )


def publish_batch(parameters, exchange, messages, timeout=30.0, window=1000):
    """Publish ``messages`` on a connection of their own and wait for the
    broker's confirms (:meth:`Publisher.publish`).

    :param messages: ``[(routing key, body bytes, properties dict)]``, the
        properties as keyword arguments of ``pika.BasicProperties``
    :param window: most messages published and not yet confirmed
    :return: one :class:`PublishResult` per message, in order; never raises
        for a broker or network problem
    """
    with Publisher(parameters, exchange, timeout, window) as publisher:
        return publisher.publish(messages)


def _reason(error):
    """A readable sentence for a broker or network error: pika's connection
    workflow wrappers are unwrapped down to the cause, TLS failures named.

    >>> _reason(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    "TLS: the broker's certificate was refused (certificate verify failed)"
    """
    while True:
        if isinstance(error, AMQPConnectionWorkflowFailed) and error.exceptions:
            error = error.exceptions[-1]
        elif isinstance(error, AMQPConnectorPhaseErrorBase) and error.exception:
            error = error.exception
        else:
            break
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = getattr(error, "verify_message", None) or error.strerror or error
        return f"TLS: the broker's certificate was refused ({detail})"[:300]
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason or error.strerror or error}"[:300]
    text = str(error) or repr(error)
    if isinstance(error, pika.exceptions.AMQPConnectionError) and "SSL" in text:
        # TLS 1.3: a refused client certificate ends the stream after the
        # client's side of the handshake completed (pika reports it as text)
        found = _SSL_REASON.search(text)
        text = (
            "TLS: the broker closed the encrypted connection "
            f"({found.group(1).strip() if found else 'end of stream'}): does it "
            "require a client certificate, or refuse this one?"
        )
    if text in ("", "()"):
        text = type(error).__name__
    return text[:300]


def _ms(started):
    return int((time.monotonic() - started) * 1000)
