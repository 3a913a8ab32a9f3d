"""``patrol probe [--site ID ...] [--rounds N] [--interval S]`` — reachability probes of homepages."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from inspection.models import FAILURE_KINDS
from inspection.probe import probe_round

LABELS = dict(FAILURE_KINDS)


class Command(BaseCommand):
    help = "Reachability probes: one GET of every configured homepage per round, stored for the inspection report."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", action="append", dest="sites", metavar="ID", help="only this site (repeatable)"
        )
        parser.add_argument("--rounds", type=int, default=1, help="rounds to run (default 1)")
        parser.add_argument("--interval", type=float, default=0.0, help="seconds between rounds' starts")
        parser.add_argument("--quiet", action="store_true", help="print failures only")

    def handle(self, *args, **opts):
        if opts["rounds"] < 1 or opts["interval"] < 0:
            raise CommandError("--rounds must be at least 1 and --interval not negative")
        try:
            conf = load(settings.PATROL_CONFIG)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        for n in range(opts["rounds"]):
            began = time.monotonic()
            try:
                probes = probe_round(conf, opts["sites"])
            except KeyError as exc:
                raise CommandError(f"未配置的网站：{exc.args[0]}") from None
            failed = [p for p in probes if not p.ok]
            for p in probes:
                if p.ok and opts["quiet"]:
                    continue
                state = "正常" if p.ok else f"失败（{LABELS.get(p.failure, p.failure)}）"
                status = p.status if p.status is not None else "-"
                note = f"  {p.detail}" if p.detail else ""
                self.stdout.write(f"{p.site.site_id}\t{state}\tHTTP {status}\t{p.elapsed_ms} ms{note}")
            self.stdout.write(f"第 {n + 1} 轮：{len(probes)} 个首页，失败 {len(failed)} 个")
            if n + 1 < opts["rounds"]:
                time.sleep(max(0.0, opts["interval"] - (time.monotonic() - began)))
