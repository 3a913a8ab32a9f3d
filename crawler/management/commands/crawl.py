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
        if run.status != "ok":
            raise CommandError(run.error or "patrol failed")
