"""A screening job and the screen itself: what a pool worker does with a job, and what a crawl
does inline when it screens in its own process (``screen_inline``, the same function).

Shared by the parent side of the pool (:mod:`screening.pool`), its worker processes
(:mod:`screening.workers`) and the pool's socket client (:mod:`screening.remote`). A result is
always a :class:`screening.service.DocResult`; a failure is ``unscreened`` with a reason from
the functions at the end of this module.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .extract.base import Limits
from .extract.sandbox import document_deadline
from .service import DocResult, unreadable

EXIT_MEMORY = 86  # a worker's exit code: it ran out of memory receiving a job


@dataclass(frozen=True)
class ScreenJob:
    key: object  # the caller's key, untouched; also on the future (``future.key``)
    data: bytes
    name: str  # file name or URL (type hint for detection); the result's ``source``
    content_type: str | None = None
    url: str | None = None
    # inspection checks on the same extracted text (issue 10): (wording lexicon path or None,
    # watch list path or None, the page's publish date as ISO or None); None: no checks
    checks: tuple[str | None, str | None, str | None] | None = None
    # the bytes as a content-addressed file (``…/<sha256>``, crawler.snapshots) instead of ``data``:
    # the worker reads them itself (nothing big is pickled through the supervisor or held in the
    # queue) and checks them against the name, so it screens exactly the bytes written; ``size``
    # is their length (the oversize check without reading them)
    path: str | None = None
    size: int | None = None


def job_size(job: ScreenJob) -> int:
    return job.size if job.path is not None and job.size is not None else len(job.data)


def job_data(job: ScreenJob) -> bytes:
    """The job's bytes: ``data``, or the content-addressed file at ``path`` (checked by its
    sha256 name; ``ValueError`` when the file no longer holds those bytes)."""
    if job.path is None:
        return job.data
    import hashlib

    with open(job.path, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != os.path.basename(job.path):
        raise ValueError(f"snapshot {os.path.basename(job.path)[:12]}… does not hold the bytes fetched")
    return data


class ScreenFuture(Future):
    """A future of a :class:`DocResult` that carries its job's ``key``."""

    def __init__(self, key: object):
        super().__init__()
        self.key = key


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def configured_workers(screening: dict) -> int:
    """A patrol's screening workers: ``PATROL_SCREEN_WORKERS`` over ``screening.workers``."""
    workers = os.environ.get("PATROL_SCREEN_WORKERS")
    return int(workers) if workers not in (None, "") else int(screening.get("workers", 2))


# ------------------------------------------------------------------ the screen itself

SCREENER_BUILDS: dict[int, int] = {}  # pid → Screeners built in that process (inherited by forks)


@lru_cache(maxsize=4)
def patrol_screener(private_lexicon: str | None, threshold: str) -> Any:
    """The patrol's screener: the default lexicons plus the private one, at ``threshold``
    (built once per process and key; the pool's template builds it for every worker)."""
    from .engine import Screener, load_lexicon
    from .engine.lexicon import default_lexicon_paths

    paths = list(default_lexicon_paths())
    if private_lexicon:
        paths.append(private_lexicon)
    screener = Screener(load_lexicon(paths), threshold=threshold)
    SCREENER_BUILDS[os.getpid()] = SCREENER_BUILDS.get(os.getpid(), 0) + 1
    return screener


def screen_inline(
    job: ScreenJob,
    *,
    private_lexicon: str | None = None,
    threshold: str = "medium",
    limits: Limits | None = None,
) -> DocResult:
    """Screen one job in this process, every extractor inline, under the soft deadline.

    The same function the pool's workers run; it never raises (a failure is ``unscreened``)."""
    from .extract import extract
    from .service import screen_extracted

    limits = (limits or Limits()).with_(isolation="inline")
    try:
        with document_deadline(limits.timeout_s):
            data = job_data(job)
            extracted = extract(data, name=job.name, content_type=job.content_type, limits=limits)
            del data
            screener = patrol_screener(private_lexicon, threshold) if extracted.text.strip() else None
            result = screen_extracted(extracted, job.name, url=job.url, screener=screener)
            if job.checks is not None and extracted.text.strip():
                result.checks = inspection_checks(extracted.text, *job.checks)
            return result
    except MemoryError:
        return unreadable(job.name, memory_reason(limits))
    except Exception as exc:  # a broken document or lexicon must never stop the patrol
        return unreadable(job.name, f"screening failed: {type(exc).__name__}: {exc}"[:300])


def inspection_checks(text: str, wording: str | None, watch: str | None, published: str | None) -> dict:
    """Wording errors and watched names in a document's text (inspection.checks; the lexicons are
    loaded once per worker). Plain dicts, ``{"wording": [...], "watch": [...]}``; a failure of the
    checks is reported in ``error`` and never costs the document its screen."""
    import datetime as dt

    try:
        wording_lex, watch_list = _inspection_lists(wording, watch)
        from inspection.checks import check_watch, check_wording

        out: dict = {"wording": [], "watch": []}
        for h in check_wording(text, wording_lex):
            out["wording"].append(
                {
                    "text": h.text,
                    "suggestion": h.suggestion,
                    "severity": h.severity,
                    "context": h.context,
                    "note": h.note,
                }
            )
        if watch_list.entries:
            day = dt.date.fromisoformat(published) if published else None
            for w in check_watch(text, day, watch_list):
                out["watch"].append(
                    {"text": w.text, "context": w.context, "since": w.since.isoformat(), "note": w.note}
                )
        return out
    except Exception as exc:  # noqa: BLE001 - the screen result stands
        return {"wording": [], "watch": [], "error": f"{type(exc).__name__}: {exc}"[:300]}


def preload_checks(wording: str | None, watch: str | None) -> None:
    """The inspection checks' modules and lists, loaded by the pool's template before it forks its
    workers (a pool's ``initializer``): each fresh worker — one every ``max_jobs_per_worker``
    documents — otherwise imported and read them again on its first page (0.14-0.17 s of CPU
    each). A list that does not load here is left to each job, which reports it as before."""
    try:
        _inspection_lists(wording, watch)
    except Exception:  # noqa: BLE001 - the checks say it per document; the screen must start
        pass


@lru_cache(maxsize=4)
def _inspection_lists(wording: str | None, watch: str | None):
    from inspection.checks import load_watch, load_wording

    return load_wording([wording] if wording else None), load_watch([watch] if watch else None)


def memory_reason(limits: Limits) -> str:
    return f"memory limit ({limits.memory_mb} MB) exceeded"


def death_reason(code: int | None, limits: Limits) -> str:
    """Why a worker died, from its exit status (negative: the signal that killed it)."""
    if code is None:
        return "screening worker lost (exit status unknown)"
    if code == EXIT_MEMORY:
        return memory_reason(limits)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"parser crashed ({name}); memory limit {limits.memory_mb} MB"
    return f"parser failed (exit code {code})"


def timeout_reason(limits: Limits) -> str:
    return f"timed out after {limits.timeout_s:g} s"
