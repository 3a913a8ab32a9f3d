"""Scheduler data: APScheduler's persistent job store and the history of job runs."""

from __future__ import annotations

from django.db import models


class ScheduledJob(models.Model):
    """One APScheduler job, pickled (the same layout as APScheduler's SQLAlchemyJobStore)."""

    id = models.CharField(max_length=191, primary_key=True)
    next_run_time = models.FloatField(null=True, blank=True, db_index=True)  # UTC timestamp; null = paused
    job_state = models.BinaryField()

    class Meta:
        ordering = ["next_run_time"]

    def __str__(self) -> str:
        return self.id


class JobRun(models.Model):
    """One firing of a scheduled job: a patrol or the weekly report."""

    KIND = [("patrol", "巡查"), ("report", "报告")]
    STATUS = [
        ("running", "运行中"),
        ("ok", "完成"),
        ("failed", "失败"),
        ("killed", "已终止"),
        ("skipped", "跳过"),
    ]
    job_id = models.CharField(max_length=191)
    kind = models.CharField(max_length=16, choices=KIND)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS, default="running")
    pid = models.IntegerField(null=True, blank=True)
    patrol_run = models.ForeignKey(
        "crawler.PatrolRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="job_runs"
    )
    error = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    output = models.CharField(max_length=1000, blank=True, default="")  # report files or the patrol's log

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.job_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
