"""One screening pool served to other processes (screening/remote.py): results reach the right
future, a client that dies does not disturb the others, a server that goes away resolves what is
still waiting as unscreened."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import Future

from screening.jobs import ScreenJob
from screening.remote import PoolServer, RemotePool, pair
from screening.service import DocResult


class Held:
    """A pool whose jobs resolve when the test says so (each to a result naming its job)."""

    def __init__(self):
        self.jobs: list[tuple[ScreenJob, Future]] = []
        self.lock = threading.Lock()

    def submit(self, job: ScreenJob) -> Future:
        f: Future = Future()
        with self.lock:
            self.jobs.append((job, f))
        return f

    def release(self, name: str) -> None:
        with self.lock:
            hits = [(j, f) for j, f in self.jobs if j.name == name]
        for job, f in hits:
            f.set_result(DocResult(job.name, "screened", None, None, False, []))

    def wait_for(self, n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.jobs) < n:
            assert time.monotonic() < deadline, f"{len(self.jobs)} jobs reached the pool, {n} expected"
            time.sleep(0.01)


def _job(name: str, key=None) -> ScreenJob:
    return ScreenJob(key=key, data=b"", name=name, path=f"/snapshots/{name}", size=10)


def test_results_reach_their_own_futures_in_any_order():
    pool = Held()
    server_end, client_end = pair()
    server = PoolServer(pool, [server_end])
    client = RemotePool(client_end)
    try:
        futures = {n: client.submit(_job(n, key=n)) for n in ("a.html", "b.pdf", "c.doc")}
        pool.wait_for(3)
        assert [j.path for j, _ in pool.jobs] == ["/snapshots/a.html", "/snapshots/b.pdf", "/snapshots/c.doc"]
        assert client.pending == 3
        pool.release("c.doc")
        pool.release("a.html")
        assert futures["c.doc"].result(5).source == "c.doc"
        assert futures["a.html"].result(5).source == "a.html"
        assert not futures["b.pdf"].done() and futures["b.pdf"].key == "b.pdf"
        pool.release("b.pdf")
        assert futures["b.pdf"].result(5).status == "screened"
        assert client.pending == 0 and server.served == 3
    finally:
        client.close()


def test_a_server_gone_resolves_the_waiting_jobs_as_unscreened_and_refuses_new_ones():
    pool = Held()
    server_end, client_end = pair()
    server = PoolServer(pool, [server_end])
    client = RemotePool(client_end)
    waiting = client.submit(_job("x.html"))
    pool.wait_for(1)
    server.close()
    result = waiting.result(5)
    assert result.status == "unscreened" and "gone" in result.reason
    late = client.submit(_job("y.html")).result(5)
    assert late.status == "unscreened"
    client.close()


def test_a_client_that_dies_leaves_the_server_serving_the_others():
    pool = Held()
    pairs = [pair(), pair()]
    server = PoolServer(pool, [s for s, _ in pairs])
    pid = os.fork()
    if pid == 0:  # a crawl process that submits a job and is killed before its result
        try:
            pairs[1][1].close()
            RemotePool(pairs[0][1]).submit(_job("dies.html"))
            time.sleep(60)
        finally:
            os._exit(0)
    pairs[0][1].close()
    pool.wait_for(1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pool.release("dies.html")  # its result has nowhere to go: dropped, nothing raised
    client = RemotePool(pairs[1][1])
    try:
        f = client.submit(_job("lives.html"))
        pool.wait_for(2)
        pool.release("lives.html")
        assert f.result(5).source == "lives.html"
        deadline = time.monotonic() + 5
        while len(server.conns) != 1:  # the dead client's end was dropped
            assert time.monotonic() < deadline, server.conns
            time.sleep(0.01)
    finally:
        client.close()
