"""``patrol schedule`` — the scheduler daemon (see scheduler/daemon.py)."""

from __future__ import annotations

import logging
import shlex

from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from scheduler.daemon import Daemon, plan_from_schedule
from scheduler.lock import AlreadyRunning


class Command(BaseCommand):
    help = "The scheduler daemon: nightly patrol and weekly timeliness report (schedule in patrol.yaml)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--patrol-every",
            type=float,
            metavar="SECONDS",
            help="run the patrol every N seconds instead of the cron schedule (trials, tests)",
        )
        parser.add_argument(
            "--report-every",
            type=float,
            metavar="SECONDS",
            help="run the report every N seconds instead of the cron schedule",
        )
        parser.add_argument(
            "--patrol-command",
            metavar="CMD",
            help="command line to run instead of `patrol crawl` (trials, tests)",
        )
        parser.add_argument(
            "--report-command",
            metavar="CMD",
            help="command prefix to run instead of `patrol report` (the report verb is appended)",
        )

    def handle(self, *args, **opts):
        logging.getLogger("scheduler").setLevel(logging.INFO)
        try:
            conf = load(settings.PATROL_CONFIG)
            plan = plan_from_schedule(
                conf.schedule, settings.PATROL_CONFIG, settings.DATA_DIR, cwd=str(settings.BASE_DIR)
            )
        except (ConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if opts["patrol_every"]:
            plan.patrol_trigger = IntervalTrigger(seconds=opts["patrol_every"], timezone=plan.timezone)
        if opts["report_every"]:
            plan.report_trigger = IntervalTrigger(seconds=opts["report_every"], timezone=plan.timezone)
        if opts["patrol_command"]:
            plan.patrol_command = shlex.split(opts["patrol_command"])
        if opts["report_command"]:
            plan.report_command = shlex.split(opts["report_command"])
        try:
            code = Daemon(plan, out=self.stdout).run()
        except AlreadyRunning as exc:
            raise CommandError(str(exc)) from None
        if code:
            raise SystemExit(code)
