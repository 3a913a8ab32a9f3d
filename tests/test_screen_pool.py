"""The screening pool (screening/pool.py): long-lived workers, same results as inline, failures
contained to their own document.

Two pools per module (each loads jieba once in its template): a plain one for the formats and
the load, and a hostile one (short time limit, small memory limit, a private lexicon, a test
extractor for ``#POOLTEST:`` text files installed in the workers through ``initializer``).
"""

from __future__ import annotations

import ctypes
import io
import os
import pickle
import signal
import time
from pathlib import Path

import pytest

from screening.extract import Extracted, Limits
from screening.extract.base import MB
from screening.extract.sandbox import deadline_remaining, document_deadline, run_isolated
from screening.pool import ScreenJob, ScreenPool, screen_inline

pytestmark = pytest.mark.xdist_group("screen-pool")

SHARED = Path(os.environ.get("PATROL_SHARED", Path(__file__).resolve().parents[2] / "shared"))
REAL_PAGES = sorted((SHARED / "real-pages" / "pages").glob("*.html"))
REAL_TEXT = SHARED / "real-text"

BODY = [
    "内部资料 注意保存",
    "关于做好2024年度防汛工作的通知",
    "联系人：张三，身份证号 11010519491231002X，手机 13912345678",
    "各乡镇人民政府、县直各单位：现将有关事项通知如下。",
]
HOSTILE_LIMITS = Limits(timeout_s=3, memory_mb=300)
PRIVATE_TERM = "青鸾工程"


# ------------------------------------------------------------------ documents


def _html() -> bytes:
    paras = "".join(f"<p>{line}</p>" for line in BODY)
    return f"<html><head><meta charset='utf-8'><title>通知</title></head><body>{paras}</body></html>".encode()


def _txt() -> bytes:
    return "\n".join(BODY).encode("gb18030")


def _pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(BODY):
        c.drawString(72, 760 - 24 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx() -> bytes:
    import docx

    doc = docx.Document()
    for line in BODY:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, line in enumerate(BODY, 1):
        ws.cell(row=i, column=1, value=line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _samples() -> list[ScreenJob]:
    return [
        ScreenJob(("gen", "html"), _html(), "http://127.0.0.1/a/1.html", "text/html; charset=utf-8", None),
        ScreenJob(("gen", "txt"), _txt(), "通知.txt", "text/plain", "http://127.0.0.1/a/1.txt"),
        ScreenJob(("gen", "pdf"), _pdf(), "通知.pdf", "application/pdf", "http://127.0.0.1/a/1.pdf"),
        ScreenJob(("gen", "docx"), _docx(), "通知.docx", None, "http://127.0.0.1/a/1.docx"),
        ScreenJob(("gen", "xlsx"), _xlsx(), "名单.xlsx", None, "http://127.0.0.1/a/1.xlsx"),
    ]


def _real_jobs() -> list[ScreenJob]:
    jobs = [ScreenJob(("page", p.name), p.read_bytes(), p.name, "text/html", None) for p in REAL_PAGES]
    for folder in ("law", "prov"):
        for path in sorted((REAL_TEXT / folder).iterdir())[:3]:
            jobs.append(ScreenJob(("text", path.name), path.read_bytes(), path.name, None, None))
    return jobs


def _job(action: str, key: object = None) -> ScreenJob:
    return ScreenJob(key or action, f"#POOLTEST:{action}\n".encode(), f"{action}.txt", "text/plain", None)


# ------------------------------------------------------------------ the test-only extractor


KEPT: list[bytes] = []
WORKER_INIT: list[int] = []  # pids that ran the worker initializer


def mark_worker() -> None:
    WORKER_INIT.append(os.getpid())


def install_hostile_txt() -> None:
    """Initializer (runs in the pool's template): TXT files starting ``#POOLTEST:`` misbehave."""
    from screening.extract import registry

    original = registry.get("txt")

    def hostile(data: bytes, limits: Limits, charset: str | None = None) -> Extracted:
        if not data.startswith(b"#POOLTEST:"):
            return original.func(data, limits, charset=charset)
        action = data[10:].decode().strip()
        if action == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if action == "segv":
            ctypes.string_at(0)
        if action == "exit":
            os._exit(5)
        if action == "hang":
            time.sleep(3600)
        if action.startswith("alloc:"):
            block = bytearray(int(action[6:]) * MB)
            return Extracted.ok(f"分配 {len(block) // MB} MB", "txt")
        if action == "deadline":
            return _until_deadline()
        if action.startswith("keep:"):  # memory the worker keeps after the document
            KEPT.append(b"k" * (int(action[5:]) * MB))
            return Extracted.ok("保留", "txt")
        if action == "inited":  # the worker initializer ran here, after the fork, once
            if WORKER_INIT != [os.getpid()]:
                raise RuntimeError(f"worker initializer ran in {WORKER_INIT}")
            return Extracted.ok("已初始化", "txt")
        if action == "pid":
            return Extracted.ok(f"进程 {os.getpid()}", "txt")
        raise ValueError(action)

    registry.register("txt", hostile, isolated=False, takes_charset=True)

    import screening.extract

    def nested_sandbox(kind: str, *_: object, **__: object) -> Extracted:  # the worker is the sandbox
        return Extracted.unscreened("a pool worker forked a sandbox process", kind)

    screening.extract.run_isolated = nested_sandbox


def _until_deadline(*_: object) -> Extracted:
    """A slow extractor that honours the soft deadline: stops and returns partial text."""
    pages = []
    while (deadline_remaining() or 0) > 0:
        pages.append("第一页内部资料")
        time.sleep(0.05)
    return Extracted.unscreened("time limit reached after page 1", "txt", text="\n".join(pages[:1]))


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def pool():
    p = ScreenPool(workers=2, max_jobs_per_worker=60)  # 200 jobs: workers retire and are replaced
    yield p
    p.close()


@pytest.fixture(scope="module")
def private_lexicon(tmp_path_factory):
    path = tmp_path_factory.mktemp("lexicon") / "private.yaml"
    path.write_text(
        f"version: 1\nentries:\n  - {{term: {PRIVATE_TERM}, kind: keyword, severity: high}}\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture(scope="module")
def hostile(private_lexicon):
    p = ScreenPool(
        workers=2,
        private_lexicon=private_lexicon,
        limits=HOSTILE_LIMITS,
        max_worker_rss_mb=200,
        initializer=install_hostile_txt,
        worker_initializer=mark_worker,
    )
    yield p
    p.close()


def _inline(job: ScreenJob, **kw):
    return screen_inline(job, **kw)


# ------------------------------------------------------------------ same results as inline


def test_pool_gives_the_inline_result_for_each_format(pool):
    jobs = _samples()
    futures = [pool.submit(j) for j in jobs]
    for job, fut in zip(jobs, futures, strict=True):
        result = fut.result(timeout=300)
        assert result == _inline(job), job.key
        assert result.status == "screened" and result.hits, job.key
        assert result.format == job.key[1]
        assert {"id_number", "mobile"} <= set(result.kinds), job.key


def test_pool_gives_the_inline_result_on_real_pages_and_documents(pool):
    jobs = _real_jobs()
    futures = [pool.submit(j) for j in jobs]
    results = [f.result(timeout=300) for f in futures]
    for job, result in zip(jobs, results, strict=True):
        assert result == _inline(job), job.key
    assert sum(r.text_chars for r in results) > 100_000
    assert {r.format for r in results} >= {"html", "txt", "docx"}


def _by_path(job: ScreenJob, folder: Path) -> ScreenJob:
    """The job as the patrol sends it: the bytes as a content-addressed file, named by sha256."""
    import hashlib

    path = folder / hashlib.sha256(job.data).hexdigest()
    path.write_bytes(job.data)
    return ScreenJob(job.key, b"", job.name, job.content_type, job.url, path=str(path), size=len(job.data))


def test_a_job_sent_as_its_snapshot_path_gets_the_result_of_its_bytes(pool, tmp_path):
    jobs = _samples()
    futures = [pool.submit(_by_path(j, tmp_path)) for j in jobs]
    for job, fut in zip(jobs, futures, strict=True):
        result = fut.result(timeout=300)
        assert result == _inline(job), job.key
        assert result.status == "screened" and {"id_number", "mobile"} <= set(result.kinds), job.key


def test_a_snapshot_file_that_no_longer_holds_its_bytes_is_unscreened_not_misread(pool, tmp_path):
    job = _by_path(_samples()[1], tmp_path)
    Path(job.path).write_bytes("无关内容".encode())  # not the bytes its sha256 name says
    result = pool.submit(job).result(timeout=300)
    assert result.status == "unscreened" and not result.hits
    assert "does not hold the bytes" in result.reason
    gone = _by_path(_samples()[0], tmp_path / "..")
    os.unlink(gone.path)
    result = pool.submit(gone).result(timeout=300)
    assert result.status == "unscreened" and "FileNotFoundError" in result.reason


def test_results_survive_pickling():
    result = _inline(_samples()[0])
    assert result.hits
    assert pickle.loads(pickle.dumps(result)) == result


def test_200_jobs_submitted_at_once_all_complete(pool):
    distinct = _samples() + _real_jobs()
    jobs = [
        ScreenJob(("bulk", i), d.data, d.name, d.content_type, d.url)
        for i, d in zip(range(200), distinct * 10, strict=False)
    ]
    futures = [pool.submit(j) for j in jobs]
    assert pool.pending > 0
    drained = pool.drained()
    expected = {d.name: _inline(d) for d in distinct}
    drained.result(timeout=600)
    assert pool.pending == 0 and all(f.done() for f in futures)
    for job, fut in zip(jobs, futures, strict=True):
        assert fut.result() == expected[job.name], job.key
    assert pool.drained().done()


def test_workers_load_jieba_and_the_lexicon_once(pool):
    futures = [pool.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(130)]
    assert all(f.result(timeout=300).status == "screened" for f in futures)
    template = pool.pids()["template"]
    assert pool.template_builds == {template: 1}
    served = {pid: info for pid, info in pool.worker_info.items() if info["jobs"]}
    assert len(served) > 2 and pool.replaced == 0  # retired after 60 jobs, none crashed
    for info in served.values():  # built in the template, inherited by every worker, never rebuilt
        assert info["builds"] == {template: 1}
    rows = pool.memory()  # pages shared copy-on-write with the template
    roles = [r["role"] for r in rows]  # (a worker may retire between two calls: read one snapshot)
    assert roles[0] == "template" and len(roles) > 1 and set(roles[1:]) == {"worker"}
    assert sum(r["pss"] for r in rows) < 0.8 * sum(r["rss"] for r in rows)


# ------------------------------------------------------------------ hostile documents


def test_worker_killed_mid_document_is_named_and_the_others_are_correct(hostile, private_lexicon):
    normal = _samples()
    jobs = [_job("sigkill"), *normal[:2], _job("segv"), *normal[2:], _job("exit")]
    futures = [hostile.submit(j) for j in jobs]
    results = {f.key: f.result(timeout=300) for f in futures}
    assert results["sigkill"].status == "unscreened"
    assert results["sigkill"].reason.startswith("parser crashed (SIGKILL)")
    assert results["segv"].reason.startswith("parser crashed (SIGSEGV)")
    assert results["exit"].reason == "parser failed (exit code 5)"
    for job in normal:  # PDF, DOCX, XLSX among them: read inline in the worker, no sandbox process
        expected = _inline(job, private_lexicon=private_lexicon, limits=HOSTILE_LIMITS)
        assert results[job.key] == expected, job.key
        assert results[job.key].status == "screened"
    assert hostile.replaced >= 3


def test_worker_initializer_runs_in_each_worker_after_its_fork(hostile):
    futures = [hostile.submit(_job("inited", i)) for i in range(6)]
    assert [f.result(timeout=300).status for f in futures] == ["screened"] * 6


def test_private_lexicon_reaches_the_workers(hostile, private_lexicon):
    job = ScreenJob("private", f"<p>{PRIVATE_TERM}实施方案</p>".encode(), "p.html", "text/html", None)
    result = hostile.submit(job).result(timeout=300)
    assert PRIVATE_TERM in [h.text for h in result.hits]
    assert result == _inline(job, private_lexicon=private_lexicon, limits=HOSTILE_LIMITS)
    assert PRIVATE_TERM not in [h.text for h in _inline(job).hits]


def test_document_past_its_time_limit_is_timed_out_and_its_worker_replaced(hostile):
    before = hostile.replaced
    hang = hostile.submit(_job("hang"))
    others = [hostile.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(4)]
    result = hang.result(timeout=300)
    assert result.status == "unscreened" and result.reason == "timed out after 3 s"
    assert all(f.result(timeout=300).status == "screened" for f in others)
    deadline = time.monotonic() + 60
    while hostile.replaced == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert hostile.replaced == before + 1


def test_soft_deadline_lets_a_slow_extractor_return_partial_text(hostile):
    result = hostile.submit(_job("deadline")).result(timeout=300)
    assert result.status == "unscreened"
    assert result.reason == "time limit reached after page 1"  # returned, not killed
    assert result.text_chars > 0 and "internal_marker" in result.kinds


def test_memory_limit_counts_from_the_worker_size_after_start_up(hostile):
    hostile.submit(_job("pid")).result(timeout=300)
    base = min(info["base_vm"] for info in hostile.worker_info.values()) // MB
    # fits in the document's 300 MB, though worker and document together pass 300 MB
    size = 300 - min(base, 100) // 2
    assert base + size > 300
    ok = hostile.submit(_job(f"alloc:{size}")).result(timeout=300)
    assert ok.status == "screened", ok.reason
    for worker in hostile.pids()["workers"]:
        assert _address_space_limit(worker) == hostile.worker_info[worker]["base_vm"] + 300 * MB
    big = hostile.submit(_job("alloc:2000")).result(timeout=300)
    assert big.status == "unscreened" and big.reason == "memory limit (300 MB) exceeded"
    after = hostile.submit(_job(f"alloc:{size}")).result(timeout=300)
    assert after.status == "screened"


def test_worker_left_big_by_a_document_retires_and_gives_the_memory_back(hostile):
    before = hostile.replaced
    result = hostile.submit(_job("keep:250")).result(timeout=300)
    assert result.status == "screened"
    (pid,) = [pid for pid, info in hostile.worker_info.items() if info.get("retired") == "rss"]
    assert hostile.worker_info[pid]["rss"] > 250 * MB
    deadline = time.monotonic() + 60
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pid not in hostile.pids()["workers"] and not Path(f"/proc/{pid}").exists()
    assert hostile.replaced == before  # a clean exit, not a crash
    assert hostile.submit(ScreenJob("after", _html(), "a.html")).result(timeout=300).status == "screened"


def _address_space_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            return int(line.split()[3])
    raise AssertionError("no address space limit")


def test_idle_worker_killed_from_outside_is_replaced(hostile):
    hostile.submit(_job("pid")).result(timeout=300)
    victims = hostile.pids()["workers"]
    assert victims
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    futures = [hostile.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(10)]
    assert all(f.result(timeout=300).status == "screened" for f in futures)
    assert not set(victims) & set(hostile.pids()["workers"])


def test_a_broken_private_lexicon_answers_every_job_with_the_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nentries:\n  - {kind: keyword}\n", encoding="utf-8")
    with ScreenPool(workers=1, private_lexicon=str(bad)) as broken:
        futures = [broken.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(3)]
        results = [f.result(timeout=300) for f in futures]
        late = broken.submit(ScreenJob("late", _html(), "late.html")).result(timeout=5)
    for r in [*results, late]:
        assert r.status == "unscreened" and r.reason.startswith("screening workers could not start")
        assert "bad.yaml" in r.reason


def _wording_list(path: Path) -> Path:
    path.write_text(
        "- {wrong: 示范县错写词, right: 示范县正写词, severity: serious, note: 测试}\n", encoding="utf-8"
    )
    return path


def test_the_template_loads_the_inspection_lists_once_for_every_worker(tmp_path):
    from screening.jobs import preload_checks

    lexicon = str(_wording_list(tmp_path / "wording.yaml"))
    checks = (lexicon, None, None)
    # two documents a worker: five documents are screened by three fresh forks of the template
    with ScreenPool(workers=1, max_jobs_per_worker=2, initializer=preload_checks, initargs=checks[:2]) as p:
        assert p.submit(_job("warm")).result(timeout=300).status == "screened"
        os.unlink(lexicon)  # read by the template before its forks: no worker reads it again
        futures = [
            p.submit(
                ScreenJob(
                    i, "本县文件中有示范县错写词一处。".encode(), f"{i}.txt", "text/plain", None, checks
                )
            )
            for i in range(5)
        ]
        results = [f.result(timeout=300) for f in futures]
        forks = len(p.worker_info)  # every worker that ever answered, by pid
    for r in results:
        assert r.status == "screened" and not r.checks.get("error"), r.checks
        assert [h["text"] for h in r.checks["wording"]] == ["示范县错写词"]
    assert forks >= 3


def test_lists_the_template_cannot_load_are_reported_by_each_document_as_before(tmp_path):
    from screening.jobs import preload_checks

    missing = str(tmp_path / "gone.yaml")
    with ScreenPool(workers=1, initializer=preload_checks, initargs=(missing, None)) as p:
        job = ScreenJob(
            "x", "本县文件，内部资料。".encode(), "x.txt", "text/plain", None, (missing, None, None)
        )
        r = p.submit(job).result(timeout=300)
    assert r.status == "screened" and r.flagged  # the screen itself stands
    assert "gone.yaml" in r.checks["error"]


def test_a_patrols_pool_preloads_the_configured_lists(tmp_path):
    from config.patrolconf import parse
    from crawler.pipelines import make_pool
    from screening.jobs import preload_checks

    lexicon = _wording_list(tmp_path / "wording.yaml")
    text = (
        "sites:\n  - {id: a, name: A, tier: county, url: 'http://127.0.0.1:9/'}\n"
        f"inspection:\n  wording_lexicon: {lexicon.name}\n"
    )
    (tmp_path / "patrol.yaml").write_text(text, encoding="utf-8")
    conf = parse(text, str(tmp_path / "patrol.yaml"))
    pool = make_pool(conf, workers=1)
    try:
        assert pool._config.initializer is preload_checks
        assert pool._config.initargs == (conf.inspection["wording_lexicon"], None)
        assert conf.inspection["wording_lexicon"] == str(lexicon)
    finally:
        pool.close()


def test_deadline_is_visible_in_the_process_sandbox_too():
    assert deadline_remaining() is None
    with document_deadline(5):
        assert 0 < deadline_remaining() <= 5
    assert deadline_remaining() is None
    result = run_isolated("test", b"", Limits(timeout_s=1), func=_until_deadline)
    assert result.status == "unscreened" and result.reason == "time limit reached after page 1"


# ------------------------------------------------------------------ closing (last: they end the pools)


def test_close_wait_drains_every_job(pool):
    futures = [pool.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(30)]
    pool.close(wait=True)
    assert pool.pending == 0
    assert all(f.done() and f.result().status == "screened" for f in futures)
    late = pool.submit(ScreenJob("late", _html(), "late.html")).result(timeout=5)
    assert late.status == "unscreened" and late.reason == "screening pool closed"


def test_close_without_wait_answers_every_job_at_once(hostile):
    futures = [hostile.submit(_job("hang", i)) for i in range(4)]
    futures += [hostile.submit(ScreenJob(i, _html(), f"{i}.html")) for i in range(10)]
    hostile.close(wait=False)
    assert hostile.pending == 0
    results = [f.result(timeout=5) for f in futures]
    assert all(r.reason and "cancelled" in r.reason for r in results[:4])
    assert all(r.status in ("screened", "unscreened") for r in results)


# ------------------------------------------------------------------ under a Twisted reactor

REACTOR_SCRIPT = r"""
import json, sys, threading, time
from twisted.internet import defer, reactor
from screening.pool import ScreenJob, ScreenPool

def busy():  # a thread of the reactor's pool holding the GIL now and then, as Scrapy's do
    end = time.monotonic() + 1
    while time.monotonic() < end:
        sum(range(10000))

def as_deferred(future):
    d = defer.Deferred()
    future.add_done_callback(lambda f: reactor.callFromThread(d.callback, f.result()))
    return d

def start():
    for _ in range(4):
        reactor.callInThread(busy)
    pool = ScreenPool(workers=2)
    jobs = [ScreenJob(i, ("<p>内部资料</p><p>手机 13912345678</p>" * (i + 1)).encode(), f"{i}.html")
            for i in range(20)]
    main_thread = threading.get_ident()
    seen = []

    def done(results):
        seen.append(threading.get_ident() == main_thread)
        pool.close()
        json.dump({"kinds": [r.kinds for _, r in results], "reactor_thread": all(seen),
                   "threads": threading.active_count()}, sys.stdout)
        reactor.stop()

    defer.DeferredList([as_deferred(pool.submit(j)) for j in jobs]).addCallback(done)

reactor.callWhenRunning(start)
reactor.run()
"""


@pytest.mark.slow
def test_pool_runs_under_a_twisted_reactor_with_threads():
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", REACTOR_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout)
    assert data["reactor_thread"]
    assert data["kinds"] == [["internal_marker", "mobile"]] * 20


def test_the_workers_template_holds_the_chinese_cmaps_before_any_pdf():
    """Loaded once in the template (shared by every fork), not by each worker's first CID PDF."""
    import subprocess
    import sys

    code = (
        "import screening.extract.worker; from pdfminer.cmapdb import CMapDB; "
        "print(sorted(CMapDB._cmap_cache), sorted(CMapDB._umap_cache))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['UniGB-UCS2-H', 'UniGB-UTF16-H'] ['Adobe-GB1']"


def test_a_workers_resident_size_is_its_own_after_a_fork():
    """The size a worker reports after each job (and retires on) is read from a file kept open;
    a forked worker must read its own, not the process's it was forked from."""
    import mmap

    from screening import workers

    def fresh() -> int:  # the child's size read the plain way
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    workers._rss()  # the file is open in this process now
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        before = fresh()
        blob = mmap.mmap(-1, 96 << 20)  # fresh pages, each touched: resident in the child only
        for i in range(0, len(blob), 4096):
            blob[i] = 1
        os.write(w, f"{before} {workers._rss()} {fresh()}".encode())
        os._exit(0)
    os.close(w)
    before, got, after = map(int, os.read(r, 128).split())
    os.waitpid(pid, 0)
    assert got - before >= 90 << 20, (before, got, after)
    assert abs(got - after) < 8 << 20
