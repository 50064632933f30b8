"""The wire server's loop: HTTP/1.1 keep-alive over non-blocking sockets, from one thread.

It knows nothing of routes: for each request it asks ``server.respond(target)`` for the whole
response, and sends it at once or, with ``server.latency``, that many seconds later.
``Connection: close`` is honoured; request bodies are read past (no benchmark sends one).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import selectors
import socket
import time
from collections.abc import Iterator
from typing import Protocol


class Server(Protocol):
    """What the loop needs from the server."""

    latency: float
    """Seconds to wait before each answer (0: answer at once)."""

    def respond(self, target: bytes) -> bytes:
        """The whole HTTP response to ``GET target``."""
        ...


class _Connection:
    """One keep-alive HTTP/1.1 connection: bytes received so far, bytes left to send."""

    __slots__ = ("inbox", "outbox", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbox = b""
        self.outbox: list[bytes] = []


def _requests(conn: _Connection) -> Iterator[tuple[bytes, bool]]:
    """Take each complete request off ``conn.inbox``: its target and whether to close after."""
    buffer = conn.inbox
    while (end := buffer.find(b"\r\n\r\n")) >= 0:
        head = buffer[:end]
        length = 0
        if b"ength:" in head:  # a request body (no benchmark sends one)
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
        if len(buffer) < end + 4 + length:
            break
        buffer = buffer[end + 4 + length :]
        close = b"onnection: close" in head or b"onnection: Close" in head
        yield head[: head.find(b"\r\n")].split(b" ", 2)[1], close
    conn.inbox = buffer


def run(server: Server, listener: socket.socket) -> None:
    """Serve every connection from one thread, on readiness events (``selectors``).

    Plain ``selectors`` rather than asyncio or a thread per connection (threads measured dearer
    per request here): one ``select`` wakes the loop for every connection that has a request,
    and each request is one ``recv``, one dictionary lookup and one ``send``. Latency is a heap
    of timed answers. The large send buffer lets one ``send`` take a whole body.
    """
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    conns: dict[int, _Connection] = {}
    # Answers waiting for their latency: due, order, connection, response, close after.
    timed: list[tuple[float, int, _Connection, bytes, bool]] = []
    order = itertools.count()

    def close(conn: _Connection) -> None:
        selector.unregister(conn.sock)
        del conns[conn.sock.fileno()]
        conn.sock.close()

    def send(conn: _Connection, response: bytes, then_close: bool) -> None:
        if not conn.outbox:
            try:
                sent = conn.sock.send(response)
            except OSError:
                close(conn)
                return
            response = response[sent:]
        if response:
            if not conn.outbox:
                selector.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
            conn.outbox.append(response)
        if then_close:
            conn.outbox.append(b"")  # the marker: close once everything before it is sent
            if len(conn.outbox) == 1:
                close(conn)

    def flush(conn: _Connection) -> None:
        while conn.outbox:
            pending = conn.outbox[0]
            if not pending:
                close(conn)
                return
            try:
                sent = conn.sock.send(pending)
            except BlockingIOError:
                return
            except OSError:
                close(conn)
                return
            if sent < len(pending):
                conn.outbox[0] = pending[sent:]
                return
            conn.outbox.pop(0)
        selector.modify(conn.sock, selectors.EVENT_READ)

    while True:
        timeout = None if not timed else max(0.0, timed[0][0] - time.monotonic())
        for key, events in selector.select(timeout):
            if key.fileobj is listener:
                with contextlib.suppress(BlockingIOError):
                    sock, _ = listener.accept()
                    sock.setblocking(False)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
                    conns[sock.fileno()] = _Connection(sock)
                    selector.register(sock, selectors.EVENT_READ)
                continue
            conn = conns.get(key.fd)
            if conn is None:
                continue
            if events & selectors.EVENT_WRITE:
                flush(conn)
                if key.fd not in conns:
                    continue
            if events & selectors.EVENT_READ:
                try:
                    data = conn.sock.recv(1 << 18)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    close(conn)
                    continue
                conn.inbox = conn.inbox + data if conn.inbox else data
                for target, then_close in _requests(conn):
                    response = server.respond(target)
                    if server.latency:
                        due = time.monotonic() + server.latency
                        heapq.heappush(timed, (due, next(order), conn, response, then_close))
                    else:
                        send(conn, response, then_close)
                    if key.fd not in conns:
                        break
        now = time.monotonic()
        while timed and timed[0][0] <= now:
            _, _, waiting, response, then_close = heapq.heappop(timed)
            if waiting.sock.fileno() >= 0:  # not closed meanwhile (its fd may be reused)
                send(waiting, response, then_close)
