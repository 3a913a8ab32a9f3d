"""The information centre starts a patrol of one site from the app.

The POST launches ``patrol crawl --site ID --trigger web`` as a child process of its own
session (it outlives the request and the web server's restarts), logging to
``<data>/logs/web-patrol-<time>-<site>.log``; the run then shows in 巡查记录 like any other.
One patrol at a time: while a patrol process is alive the form refuses another.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import psutil
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from config.patrolconf import ConfigError, load
from crawler.models import PatrolRun

from .views import requires

TRIGGER = "web"
logger = logging.getLogger(__name__)


class StartPatrolForm(forms.Form):
    site = forms.ChoiceField(label="网站")

    def __init__(self, sites: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = sites


def _configured_sites() -> tuple[list[tuple[str, str]], str]:
    """(site id, name) of the configured sites, and an error text when the config is unreadable."""
    try:
        conf = load(settings.PATROL_CONFIG)
    except ConfigError as exc:
        return [], f"配置文件无法读取：{exc}"
    tiers = {"county": 0, "department": 1, "town": 2}
    ordered = sorted(conf.sites, key=lambda s: (tiers.get(s.tier, 9), s.name))
    return [(s.id, s.name) for s in ordered], ""


def running_patrol() -> PatrolRun | None:
    """The patrol whose process is still alive, if any."""
    for run in PatrolRun.objects.filter(status="running").order_by("-started_at"):
        if run.pid and psutil.pid_exists(run.pid):
            try:
                if psutil.Process(run.pid).status() != psutil.STATUS_ZOMBIE:
                    return run
            except psutil.NoSuchProcess:
                continue
    return None


def launch(site_id: str, started_by: str = "") -> tuple[int, Path]:
    """Start ``patrol crawl --site site_id`` detached; returns (pid, log path). The log's first
    line says who started it and when."""
    logs = Path(settings.DATA_DIR) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"web-patrol-{timezone.localtime():%Y%m%d-%H%M%S}-{site_id}.log"
    cmd = [
        sys.executable,
        "-m",
        "config.cli",
        "--config",
        str(settings.PATROL_CONFIG),
        "--data",
        str(settings.DATA_DIR),
        "crawl",
        "--site",
        site_id,
        "--trigger",
        TRIGGER,
        "--quiet",
    ]
    env = {**os.environ, "PATROL_DATA": str(settings.DATA_DIR), "PATROL_CONFIG": str(settings.PATROL_CONFIG)}
    with open(log, "ab") as out:
        out.write(
            f"网页端发起：{started_by or '未知用户'} 于 {timezone.localtime():%Y-%m-%d %H:%M:%S} 巡查 {site_id}\n".encode()
        )
        out.flush()
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, the site id is one of the configured ids
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(Path(__file__).resolve().parent.parent),
            start_new_session=True,
        )
    return proc.pid, log


@require_http_methods(["GET", "POST"])
@requires("view_runs", "start_patrol")
def start_patrol(request: HttpRequest) -> HttpResponse:
    sites, error = _configured_sites()
    form = StartPatrolForm(sites, request.POST or None)
    busy = running_patrol()
    if request.method == "POST":
        if busy is not None:
            messages.error(request, f"巡查 #{busy.pk} 仍在进行，请等它结束后再发起。")
        elif form.is_valid():
            site_id = form.cleaned_data["site"]
            pid, log = launch(site_id, request.user.get_username())
            logger.info(
                "patrol of %s started from the web app by %s (pid %s, log %s)",
                site_id,
                request.user,
                pid,
                log,
            )
            name = dict(sites).get(site_id, site_id)
            messages.success(request, f"已发起对“{name}”的巡查（进程 {pid}），结果见下方巡查记录。")
            return redirect("web:runs")
    context = {"form": form, "error": error, "busy": busy}
    return render(request, "web/start_patrol.html", context, status=400 if request.method == "POST" else 200)
