"""``patrol runs`` — the patrol history: start, end, status, pages, new items, findings, error,
and per site what the patrol observed about the site itself (``SiteFinding``: pages it could not
read, missing list pages, no disclosure entry, offsite redirects, retired columns) - counts by
kind, and every entry with ``-v`` or in ``--format json``."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from crawler.models import PatrolRun, Site, SiteFinding, WorkUnit
from scheduler.models import JobRun
from screening.management.table import render

PATROL_HEADERS = ["编号", "开始", "结束", "状态", "触发", "页面", "新信息", "发现", "错误"]
JOB_HEADERS = ["编号", "任务", "开始", "结束", "状态", "巡查", "错误", "输出"]


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _short(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


KIND_LABELS = dict(SiteFinding.KINDS)


def site_findings(run_ids: list[int]) -> dict[int, dict[str, dict]]:
    """{run id: {site id: {"counts": {kind: n}, "findings": [{kind, url, detail}]}}}."""
    out: dict[int, dict[str, dict]] = {}
    names = dict(Site.objects.values_list("pk", "site_id"))
    for f in SiteFinding.objects.filter(run_id__in=run_ids).order_by("run_id", "site_id", "kind", "url"):
        site = out.setdefault(f.run_id, {}).setdefault(
            names.get(f.site_id, str(f.site_id)), {"counts": {}, "findings": []}
        )
        site["counts"][f.kind] = site["counts"].get(f.kind, 0) + 1
        site["findings"].append({"kind": f.kind, "url": f.url, "detail": f.detail})
    return out


def units(run_ids: list[int]) -> dict[int, dict]:
    """A queued patrol's units by state (scale-out), with the workers that took them."""
    out: dict[int, dict] = {}
    for run_id, state, owner, stats in WorkUnit.objects.filter(run_id__in=run_ids).values_list(
        "run_id", "state", "owner", "stats"
    ):
        u = out.setdefault(
            run_id, {"total": 0, "queued": 0, "running": 0, "done": 0, "failed": 0, "workers": set()}
        )
        u["total"] += 1
        u[state] += 1
        worker = owner.split("/")[0] if owner else (stats or {}).get("worker", "")
        if worker:
            u["workers"].add(worker)
    for u in out.values():
        u["workers"] = sorted(u["workers"])
    return out


def patrol_runs(limit: int) -> list[dict]:
    runs = list(PatrolRun.objects.order_by("-started_at", "-pk")[:limit])
    found = site_findings([r.pk for r in runs])
    queued = units([r.pk for r in runs])
    return [
        {
            "id": r.pk,
            "started": _when(r.started_at),
            "finished": _when(r.finished_at),
            "status": r.status,
            "trigger": r.trigger,
            "requests": r.requests,
            "pages": r.pages,
            "new_items": r.new_items,
            "findings": r.findings,
            "error": r.error,
            "scope_dropped": int((r.stats or {}).get("scope_dropped", 0)),
            "sites": found.get(r.pk, {}),
            **({"units": queued[r.pk]} if r.pk in queued else {}),
        }
        for r in runs
    ]


def job_runs(limit: int) -> list[dict]:
    return [
        {
            "id": r.pk,
            "job": r.job_id,
            "kind": r.kind,
            "scheduled_for": _when(r.scheduled_for),
            "started": _when(r.started_at),
            "finished": _when(r.finished_at),
            "status": r.status,
            "patrol_run": r.patrol_run_id,
            "error": r.error,
            "note": r.note,
            "output": r.output,
        }
        for r in JobRun.objects.order_by("-started_at", "-pk")[:limit]
    ]


class Command(BaseCommand):
    help = "Patrol run history (newest first); --jobs shows the scheduler's job runs instead."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:  # a bare -v lists every site finding (-v N still works)
            if action.dest == "verbosity":
                action.nargs, action.const = "?", 2
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--jobs", action="store_true", help="the scheduler's job runs (patrols and reports)"
        )

    def handle(self, *args, **opts):
        limit = max(1, opts["limit"])
        if opts["jobs"]:
            rows, key = job_runs(limit), "jobs"
        else:
            rows, key = patrol_runs(limit), "runs"
        if opts["format"] == "json":
            sys.stdout.write(json.dumps({key: rows}, ensure_ascii=False, indent=1) + "\n")
            sys.stdout.flush()
            return
        if not rows:
            self.stdout.write("还没有运行记录")
            return
        if opts["jobs"]:
            kinds, status = dict(JobRun.KIND), dict(JobRun.STATUS)
            table = [
                [
                    str(r["id"]),
                    kinds.get(r["kind"], r["kind"]),
                    _short_iso(r["started"]),
                    _short_iso(r["finished"]),
                    status.get(r["status"], r["status"]),
                    str(r["patrol_run"] or "-"),
                    _first_line(r["error"]),
                    r["output"].splitlines()[0] if r["output"] else "",
                ]
                for r in rows
            ]
            self.stdout.write(render(JOB_HEADERS, table, [6, 6, 19, 19, 8, 6, 50, 60]))
            return
        status = dict(PatrolRun.STATUS)
        table = [
            [
                str(r["id"]),
                _short_iso(r["started"]),
                _short_iso(r["finished"]),
                status.get(r["status"], r["status"])
                + (f" {r['units']['done']}/{r['units']['total']}单元" if r.get("units") else ""),
                r["trigger"],
                str(r["pages"]),
                str(r["new_items"]),
                str(r["findings"]),
                _first_line(r["error"]),
            ]
            for r in rows
        ]
        self.stdout.write(render(PATROL_HEADERS, table, [6, 19, 19, 18, 8, 8, 8, 8, 60]))
        self._site_findings(rows, verbose=opts["verbosity"] >= 2)

    def _site_findings(self, rows: list[dict], verbose: bool) -> None:
        """Per run and site: the site findings by kind (every entry with -v)."""
        for r in rows:
            if r["scope_dropped"]:
                self.stdout.write(
                    f"\n巡查 #{r['id']} 拦截范围外请求 {r['scope_dropped']} 个（未访问，见日志）"
                )
            if not r["sites"]:
                continue
            self.stdout.write(f"\n巡查 #{r['id']} 站点问题：")
            for site, found in r["sites"].items():
                counts = "，".join(f"{KIND_LABELS.get(k, k)} {n}" for k, n in found["counts"].items())
                self.stdout.write(f"  {site}：{counts}")
                if not verbose:
                    continue
                for f in found["findings"]:
                    detail = f["detail"]
                    note = detail.get("reason") or (f"→ {detail['target']}" if detail.get("target") else "")
                    self.stdout.write(
                        f"    [{KIND_LABELS.get(f['kind'], f['kind'])}] {f['url']}  {note}".rstrip()
                    )
        if not verbose and any(r["sites"] for r in rows):
            self.stdout.write("（加 -v 列出每一条）")


def _short_iso(text: str | None) -> str:
    return text[:19].replace("T", " ") if text else "-"
