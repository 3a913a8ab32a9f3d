from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from crawler.runner import Progress, run_patrol


class Command(BaseCommand):
    help = "One patrol of the configured sites (crawl + screen)."

    def add_arguments(self, parser):
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

    def handle(self, *args, **opts):
        try:
            conf = load(settings.PATROL_CONFIG)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
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
