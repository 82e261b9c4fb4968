"""Reading another portfolio's document over http(s): one deadline for the whole request and a
cap on its size, whatever the server does.

A timeout on each read is not a deadline: a server that sends one byte a second never lets a
read wait long, and held a build for minutes. Here a timer cuts the connection when the time
is up, wherever the request is (connecting, the status line, the headers or the body), and
the body is read a piece at a time against the cap.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from functools import partial

REDIRECTS = 3
PIECE = 1 << 16
# Seconds past the deadline a request may take to notice it was cut off.
GRACE = 0.5


class FetchError(Exception):
    """A document that could not be fetched; the message says why (it quotes nothing the
    server sent but its status)."""

    def __init__(self, message: str, outage: bool = True) -> None:
        super().__init__(message)
        # Out of reach for now (the server is down, slow or says so), rather than wrong.
        self.outage = outage


def is_url(source: str) -> bool:
    """A source given as an http(s) URL rather than a path."""
    return source.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
    """The body at an http(s) URL, read within `timeout` seconds in all and at most
    `max_bytes` long; follows up to `REDIRECTS` redirects (to http(s) only). Raises
    `FetchError`."""
    deadline = time.monotonic() + timeout
    for _ in range(REDIRECTS + 1):
        if not is_url(url):
            raise FetchError("only http and https addresses are read", outage=False)
        location, body = _within(deadline, timeout,
                                 partial(_get, url, deadline, timeout, max_bytes))
        if location is None:
            return body
        url = urllib.parse.urljoin(url, location)
    raise FetchError(f"it redirects more than {REDIRECTS} times", outage=False)


def _within(deadline: float, timeout: float,
            work: Callable[[], tuple[str | None, bytes]]) -> tuple[str | None, bytes]:
    """`work()` if it ends by the deadline. Looking up the host name is the one step no
    socket timeout bounds: the request runs in a thread of its own, left behind (it ends
    when the lookup does) if the time runs out."""
    done: list[tuple[str | None, bytes]] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as exc:  # handed to the caller below
            failed.append(exc)

    thread = threading.Thread(target=run, name="portfolio-federation", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()) + GRACE)
    if thread.is_alive():
        raise FetchError(f"it did not answer within {timeout:g} s")
    if failed:
        raise failed[0]
    return done[0]


def _get(url: str, deadline: float, timeout: float, max_bytes: int
         ) -> tuple[str | None, bytes]:
    """One request: (where a redirect leads, or None; the body)."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise FetchError("its address has an invalid port", outage=False) from None
    host = parts.hostname or ""
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"it did not answer within {timeout:g} s")
    connection: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=left,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=left)
    cut = threading.Event()
    # The connection's socket, kept: the connection lets go of it once the response is
    # under way (HTTP/1.0), and the response reads from it.
    opened: list[socket.socket] = []

    def cut_off() -> None:
        cut.set()
        for sock in opened:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(left, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if connection.sock is not None:
            opened.append(connection.sock)
        if cut.is_set():  # the time ran out while connecting
            cut_off()
        connection.request("GET", path, headers={"Accept": "application/json",
                                                 "User-Agent": "portfolio-plugin"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if location:
                return location, b""
        if response.status != 200:
            raise FetchError(f"the server answered {response.status} "
                             f"{_printable(response.reason)}")
        length = response.getheader("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > max_bytes:
            raise FetchError(f"it is larger than {max_bytes:,} bytes", outage=False)
        pieces = []
        size = 0
        while True:
            piece = response.read1(PIECE)
            if not piece:
                break
            size += len(piece)
            if size > max_bytes:
                raise FetchError(f"it is larger than {max_bytes:,} bytes", outage=False)
            pieces.append(piece)
        if cut.is_set():
            raise FetchError(f"it did not answer within {timeout:g} s")
        if response.length:  # fewer bytes than its Content-Length said
            raise http.client.IncompleteRead(b"", response.length)
        return None, b"".join(pieces)
    except FetchError:
        if cut.is_set():
            raise FetchError(f"it did not answer within {timeout:g} s") from None
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if cut.is_set() or isinstance(exc, TimeoutError):
            raise FetchError(f"it did not answer within {timeout:g} s") from None
        raise FetchError(f"it cannot be reached ({_reason(exc)})") from None
    finally:
        timer.cancel()
        connection.close()


def _reason(exc: BaseException) -> str:
    """A short reason for a failed request."""
    if isinstance(exc, socket.gaierror):
        return "the host name is not known"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.IncompleteRead):
        return "the answer was cut short"
    if isinstance(exc, http.client.HTTPException):
        return "the server's answer is not HTTP"
    text = getattr(exc, "strerror", None) or exc.__class__.__name__
    return _printable(str(text))


def _printable(text: str) -> str:
    """At most 60 printable characters of what a server said."""
    kept = "".join(ch for ch in text if ch.isprintable())
    return kept if len(kept) <= 60 else kept[:57] + "..."
