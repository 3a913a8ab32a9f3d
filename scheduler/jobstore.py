"""An APScheduler 3.x job store on the Django ORM.

Jobs live in the project database (SQLite in the data folder, or PostgreSQL through
``DATABASE_URL``) next to everything else, under Django's migrations, so the scheduler needs
no second database configuration and no SQLAlchemy. The layout and behaviour follow
APScheduler's own ``SQLAlchemyJobStore``: the job is pickled, ``next_run_time`` is kept as a
UTC timestamp column for the due-jobs query, and a job that can no longer be restored is
logged and removed.

APScheduler's main loop calls ``update_job`` and ``get_next_run_time`` without a guard: an error
there ends the scheduler thread, and with it every later patrol, while the daemon process stays
up. So every call here outlives a database that is briefly away or busy (PostgreSQL restarted,
SQLite's lock held past its wait): it is retried with a growing pause for ``retry_seconds``,
each failure logged, before the error goes up.
"""

from __future__ import annotations

import functools
import logging
import pickle
import time
from datetime import datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.util import datetime_to_utc_timestamp, utc_timestamp_to_datetime
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F

from .models import ScheduledJob

log = logging.getLogger(__name__)

RETRY_SECONDS = 120.0
_FIRST_PAUSE, _LONGEST_PAUSE = 0.05, 5.0


def _outlives_a_database_away(method):
    """Run ``method`` on a fresh connection; on a connection or lock error, pause and retry."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        deadline = time.monotonic() + self.retry_seconds
        pause = _FIRST_PAUSE
        while True:
            close_old_connections()
            try:
                return method(self, *args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() + pause > deadline:
                    raise
                log.warning("job store: database unavailable (%s); retrying in %.2f s", exc, pause)
                if not connection.in_atomic_block:
                    connection.close()  # a broken PostgreSQL session is reopened on the next try
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)

    return wrapper


class DjangoJobStore(BaseJobStore):
    def __init__(
        self, pickle_protocol: int = pickle.HIGHEST_PROTOCOL, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        super().__init__()
        self.pickle_protocol = pickle_protocol
        self.retry_seconds = retry_seconds

    # -- reads -------------------------------------------------------------------------
    @_outlives_a_database_away
    def lookup_job(self, job_id: str) -> Job | None:
        state = ScheduledJob.objects.filter(pk=job_id).values_list("job_state", flat=True).first()
        return self._reconstitute_job(state) if state is not None else None

    def get_due_jobs(self, now: datetime) -> list[Job]:
        if self._scheduler is not None and self._scheduler.state == STATE_STOPPED:
            # APScheduler's main loop runs one more round after shutdown(); a job due then would
            # fail to submit yet have its stored next run advanced: the overdue run would be lost.
            return []
        return self._get_jobs(next_run_time__lte=datetime_to_utc_timestamp(now))

    @_outlives_a_database_away
    def get_next_run_time(self) -> datetime | None:
        ts = (
            ScheduledJob.objects.filter(next_run_time__isnull=False)
            .order_by("next_run_time")
            .values_list("next_run_time", flat=True)
            .first()
        )
        return utc_timestamp_to_datetime(ts)

    def get_all_jobs(self) -> list[Job]:
        jobs = self._get_jobs()
        self._fix_paused_jobs_sorting(jobs)
        return jobs

    # -- writes ------------------------------------------------------------------------
    @_outlives_a_database_away
    def add_job(self, job: Job) -> None:
        try:
            with transaction.atomic():
                ScheduledJob.objects.create(
                    id=job.id, next_run_time=self._ts(job), job_state=self._state(job)
                )
        except IntegrityError:
            raise ConflictingIdError(job.id) from None

    @_outlives_a_database_away
    def update_job(self, job: Job) -> None:
        n = ScheduledJob.objects.filter(pk=job.id).update(
            next_run_time=self._ts(job), job_state=self._state(job)
        )
        if n == 0:
            raise JobLookupError(job.id)

    @_outlives_a_database_away
    def remove_job(self, job_id: str) -> None:
        n, _ = ScheduledJob.objects.filter(pk=job_id).delete()
        if n == 0:
            raise JobLookupError(job_id)

    @_outlives_a_database_away
    def remove_all_jobs(self) -> None:
        ScheduledJob.objects.all().delete()

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _ts(job: Job) -> float | None:
        return datetime_to_utc_timestamp(job.next_run_time)

    def _state(self, job: Job) -> bytes:
        return pickle.dumps(job.__getstate__(), self.pickle_protocol)

    def _reconstitute_job(self, job_state: bytes | memoryview) -> Job:
        state = pickle.loads(bytes(job_state))  # noqa: S301 - our own table, written by this class
        state["jobstore"] = self
        job = Job.__new__(Job)
        job.__setstate__(state)
        job._scheduler = self._scheduler
        job._jobstore_alias = self._alias
        return job

    @_outlives_a_database_away
    def _get_jobs(self, **filters) -> list[Job]:
        rows = (
            ScheduledJob.objects.filter(**filters)
            .order_by(F("next_run_time").asc(nulls_last=True))
            .values_list("id", "job_state")
        )
        jobs, broken = [], []
        for job_id, state in rows:
            try:
                jobs.append(self._reconstitute_job(state))
            except Exception:  # noqa: BLE001 - same policy as APScheduler's own stores
                log.exception("Unable to restore job %r -- removing it", job_id)
                broken.append(job_id)
        if broken:
            ScheduledJob.objects.filter(pk__in=broken).delete()
        return jobs

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"
