"""``patrol prune --keep-days N [--dry-run]``: remove the snapshots of old versions without findings."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from crawler.prune import PatrolRunning, prune


class Command(BaseCommand):
    help = "清理旧快照：删除 N 天前的旧版本快照（有保密发现或审核证据的、每个网址的最新版本永久保留）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days", type=int, required=True, metavar="N", help="保留最近 N 天内抓取的所有版本"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的内容，不删除")
        parser.add_argument("--force", action="store_true", help="有巡查正在运行时也清理")
        parser.add_argument("--batch", type=int, default=500, help="每个事务处理的快照数")
        parser.add_argument("--list", action="store_true", dest="list", help="逐个列出删除的快照")

    def handle(self, *args, **opts):
        if opts["keep_days"] < 0:
            raise CommandError("--keep-days 不能为负数")
        if opts["batch"] < 1:
            raise CommandError("--batch 至少为 1")
        try:
            res = prune(
                opts["keep_days"],
                dry_run=opts["dry_run"],
                force=opts["force"],
                batch=opts["batch"],
                log=(lambda line: self.stderr.write(line)) if opts["verbosity"] > 1 else None,
            )
        except PatrolRunning as exc:
            raise CommandError(str(exc)) from None
        if opts["dry_run"] or opts["list"]:
            for sha in res.deleted_sha256:
                self.stdout.write(f"{'将删除' if opts['dry_run'] else '已删除'} {sha}")
        self.stdout.write(res.summary())
