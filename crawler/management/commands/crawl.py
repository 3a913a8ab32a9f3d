import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from crawler.runner import Progress, run_patrol


class Command(BaseCommand):
    help = "One patrol of the configured sites (crawl + screen)."
    # Django's system checks (models, admin, URLs) are for a changed code base, not for each
    # nightly run: they cost the patrol 0.4 s before its first request (`patrol django check`)
    requires_system_checks = []

    def add_arguments(self, parser):
        # still accepted (Django adds it to commands that run the checks): scripts pass it
        parser.add_argument("--skip-checks", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument(
            "--site",
            action="extend",
            nargs="+",
            dest="sites",
            metavar="ID",
            help="site ids to patrol (default: all)",
        )
        parser.add_argument("--full", action="store_true", help="walk every list page even when unchanged")
        parser.add_argument("--trigger", default="manual")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")
        parser.add_argument(
            "--wait",
            action="store_true",
            help="scale-out: put the patrol on the shared queue (PATROL_QUEUE) for `patrol worker`s "
            "and return when it is done",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            metavar="S",
            help="with --wait: stop waiting after S seconds (the patrol stays queued; exit status 3)",
        )

    def handle(self, *args, **opts):
        try:
            conf = load(settings.PATROL_CONFIG)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        if opts["wait"]:
            return self._queued(conf, opts)
        try:
            run_id = run_patrol(
                conf,
                opts["sites"],
                trigger=opts["trigger"],
                full=opts["full"],
                progress=None if opts["quiet"] else Progress(),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self._report(run_id)

    def _queued(self, conf, opts):
        from crawler import distributed

        try:
            run = distributed.enqueue(conf, opts["sites"], trigger=opts["trigger"], full=opts["full"])
        except (ValueError, ConfigError, distributed.QueueError) as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # redis.ConnectionError and the like: say where, not a traceback
            raise CommandError(f"共享队列不可用（PATROL_QUEUE）：{type(exc).__name__}: {exc}") from None
        units = run.stats["queue"]["units"]
        self.stderr.write(
            f"巡查 #{run.pk} 已排队：{units} 个单元（按主机分组），等待工作进程（patrol worker）…"
        )
        run = distributed.wait(
            run.pk,
            timeout=opts["timeout"],
            progress=None if opts["quiet"] else QueueProgress(self.stderr),
            conf=conf,
        )
        if run.status == "running":
            raise CommandError(f"巡查 #{run.pk} 在 {opts['timeout']:g} 秒内未完成，仍在队列中", returncode=3)
        self._report(run.pk)

    def _report(self, run_id: int) -> None:
        from crawler.models import PatrolRun

        run = PatrolRun.objects.get(pk=run_id)
        self.stdout.write(
            f"巡查 #{run.pk} {run.get_status_display()}: 请求 {run.requests}, 页面 {run.pages}, "
            f"新信息 {run.new_items}, 发现 {run.findings}"
        )
        for line in summary_lines(run.stats or {}):
            self.stdout.write(line)
        if run.status != "ok":
            raise CommandError(run.error or "patrol failed")


class QueueProgress:
    """A line every few seconds while a queued patrol is crawled: units done, running, queued."""

    def __init__(self, stream, every: float = 5.0):
        import time

        self.stream, self.every, self.last, self.clock = stream, every, 0.0, time.monotonic

    def __call__(self, run) -> None:
        from django.db.models import Count

        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        states = dict(run.units.values_list("state").annotate(n=Count("pk")))
        self.stream.write(
            f"排队巡查 #{run.pk}: 完成 {states.get('done', 0)}  巡查中 {states.get('running', 0)}  "
            f"排队 {states.get('queued', 0)}  失败 {states.get('failed', 0)}"
        )


def _some(items: list[str], limit: int = 8) -> str:
    more = f" 等 {len(items)} 个" if len(items) > limit else ""
    return "；".join(items[:limit]) + more


def summary_lines(stats: dict) -> list[str]:
    """What the patrol noticed about the sites' shape: moves, retired columns, cut-short walks."""
    lines = []
    moves = []
    for sid, move in sorted((stats.get("moves") or {}).items()):
        if move.get("url"):
            moves.append(f"{sid} 地址 {move['url'][0]} → {move['url'][1]}")
        elif move.get("scope"):
            moves.append(f"{sid} 范围 {', '.join(move['scope'][0])} → {', '.join(move['scope'][1])}")
        for first, final in move.get("redirect") or []:
            moves.append(f"{sid} 跳转 {first} → {final}")
    if moves:
        lines.append(f"网站迁移 {len(moves)} 处: {_some(moves)}")
    retired = stats.get("retired") or {}
    if retired or stats.get("linked_items"):
        per_site = ", ".join(f"{sid} {n}" for sid, n in sorted(retired.items()))
        lines.append(
            f"撤销栏目 {stats.get('retired_columns', 0)} 个（本次完整巡查未再发现{': ' + per_site if per_site else ''}），"
            f"迁移后与原记录关联的信息 {stats.get('linked_items', 0)} 条"
        )
    cut = stats.get("incomplete_sites") or {}
    if cut:
        items = [f"{sid}（{why}）" for sid, why in sorted(cut.items())]
        lines.append(f"未完整巡查、不撤销栏目的网站 {len(cut)} 个: {_some(items, 5)}")
    if stats.get("spider_exceptions"):
        lines.append(f"解析出错的页面 {stats['spider_exceptions']} 个（详见日志；所在网站按未完整巡查处理）")
    return lines
