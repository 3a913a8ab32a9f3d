"""One screening pool for several processes of one machine: a pool's ``submit`` over a socket.

A patrol split over crawl processes (crawler/local.py) would otherwise start one pool per
process — its template, workers and resource tracker, about 75 MiB each — for documents that one
pool screens with room to spare. The patrol's own process serves its pool (:class:`PoolServer`);
every other crawl process submits through a :class:`RemotePool`, which has the pool's API
(``submit`` returning a future that resolves to a :class:`~screening.service.DocResult`,
``close``). A job is small: the bytes are a snapshot file the worker reads itself
(``ScreenJob.path``), so only its name, type and path cross the socket.

The sockets are made before the crawl processes are forked (:func:`pair`), so no address or
authentication is needed; a client that dies just closes its end, and its jobs' results are
dropped (its pages stay ``pending`` in the store, and the crawl that takes its unit over screens
them from their snapshots). A server that goes away resolves every job still waiting as
``unscreened`` with the reason, as a closed pool does.
"""

from __future__ import annotations

import itertools
import logging
import socket
import threading
from multiprocessing import connection

from .jobs import ScreenFuture, ScreenJob
from .service import unreadable

log = logging.getLogger(__name__)


def pair() -> tuple[connection.Connection, connection.Connection]:
    """(server end, client end), to be split across a fork."""
    a, b = socket.socketpair()
    return connection.Connection(a.detach()), connection.Connection(b.detach())


class _Locked:
    """A connection whose sends may come from several threads."""

    def __init__(self, conn: connection.Connection):
        self.conn, self.lock = conn, threading.Lock()

    def send(self, msg) -> bool:
        try:
            with self.lock:
                self.conn.send(msg)
            return True
        except (OSError, EOFError, ValueError):  # the other end is gone (a killed crawl process)
            return False


class PoolServer:
    """Serves ``pool`` to the clients at the other ends of ``conns`` (one thread)."""

    def __init__(self, pool, conns: list[connection.Connection]):
        self.pool = pool
        self.conns = {c: _Locked(c) for c in conns}
        self.served = 0
        self._thread = threading.Thread(target=self._run, name="screen-pool-server", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self.conns:
            for conn in connection.wait(list(self.conns), timeout=1.0):
                try:
                    _, job_id, job = conn.recv()
                except (EOFError, OSError):
                    self.conns.pop(conn).conn.close()
                    continue
                out = self.conns[conn]
                future = self.pool.submit(job)
                self.served += 1
                future.add_done_callback(
                    lambda f, out=out, job_id=job_id: out.send(("done", job_id, f.result()))
                )

    def close(self) -> None:
        for locked in list(self.conns.values()):
            locked.conn.close()


class RemotePool:
    """The pool API of a :class:`PoolServer` in another process."""

    def __init__(self, conn: connection.Connection):
        self.out = _Locked(conn)
        self._ids = itertools.count(1)
        self._futures: dict[int, tuple[ScreenFuture, str]] = {}
        self._lock = threading.Lock()
        self.error: str | None = None
        self._reader = threading.Thread(target=self._read, name="screen-pool-client", daemon=True)
        self._reader.start()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._futures)

    def submit(self, job: ScreenJob) -> ScreenFuture:
        future = ScreenFuture(job.key)
        job_id = next(self._ids)
        with self._lock:
            refused = self.error
            if not refused:
                self._futures[job_id] = (future, job.name)
        if not refused and not self.out.send(("job", job_id, job)):
            with self._lock:
                self._futures.pop(job_id, None)
            refused = "screening pool gone"
        if refused:
            future.set_running_or_notify_cancel()
            future.set_result(unreadable(job.name, refused))
        return future

    def _read(self) -> None:
        conn = self.out.conn
        while True:
            try:
                _, job_id, result = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                entry = self._futures.pop(job_id, None)
            if entry is not None:
                entry[0].set_running_or_notify_cancel()
                entry[0].set_result(result)
        with self._lock:
            self.error = self.error or "screening pool gone"
            left, self._futures = list(self._futures.values()), {}
        for future, name in left:
            future.set_running_or_notify_cancel()
            future.set_result(unreadable(name, self.error))

    def close(self, wait: bool = True) -> None:
        """Stop submitting; jobs still waiting resolve as ``unscreened`` (nothing is waited for:
        the pool belongs to the server's process)."""
        with self._lock:
            self.error = self.error or "screening pool closed"
        try:  # a duplicate of the socket: shutting it down ends the reader's recv (and the server's)
            dup = socket.fromfd(self.out.conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
            dup.shutdown(socket.SHUT_RDWR)
            dup.close()
        except OSError:
            pass
        self._reader.join(5)
        self.out.conn.close()
