"""``patrol demo``: start the bundled demo network on loopback, patrol it, print the summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import render_counts
from reports.counts import all_years, counts
from reports.rules import load_rules


class Command(BaseCommand):
    help = "Bundled demo network on loopback, one full patrol, summary and report paths."

    def add_arguments(self, parser):
        parser.add_argument("--serve", action="store_true", help="only serve the demo network until Ctrl-C")
        parser.add_argument("--scale", choices=["full", "small"], default="full")

    def handle(self, *args, **opts):
        from demo.server import DemoNetwork  # only this command imports the demo

        data = Path(settings.DATA_DIR)
        net = DemoNetwork(scale=opts["scale"])
        net.start()
        cfg = data / "demo-patrol.yaml"
        net.write_config(cfg)
        truth_path = data / "demo-truth.json"
        truth_path.write_text(json.dumps(net.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            if opts["serve"]:
                self.stdout.write(f"演示网站群已启动，配置文件: {cfg}\n按 Ctrl-C 停止。\n")
                while True:
                    time.sleep(3600)
            self.stdout.write(
                f"演示网站群已启动（{len(net.sites_config())} 个网站，仅本机回环地址）。开始巡查…\n"
            )
            self.stdout.flush()
            started = time.monotonic()
            env = {**os.environ, "PATROL_CONFIG": str(cfg), "PATROL_DATA": str(data)}
            rc = subprocess.call(
                [
                    sys.executable,
                    "-m",
                    "config.cli",
                    "--config",
                    str(cfg),
                    "--data",
                    str(data),
                    "crawl",
                    "--trigger",
                    "demo",
                ],
                env=env,
            )
            if rc != 0:
                raise CommandError(f"demo patrol failed (exit {rc}); see the messages above")
            elapsed = time.monotonic() - started
        except KeyboardInterrupt:
            return
        finally:
            net.stop()
        self._summary(data, cfg, truth_path, elapsed)

    def _summary(self, data: Path, cfg: Path, truth_path: Path, elapsed: float) -> None:
        from config.patrolconf import load

        conf = load(cfg)
        rules = load_rules(conf.rules)
        year = counts(date(2012, 1, 1), date(2012, 12, 31), rules, conf)
        cumulative = all_years(rules, conf)
        reports = data / "reports"
        reports.mkdir(exist_ok=True)
        (reports / "counts-2012.json").write_text(
            json.dumps(year, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        render_counts.xlsx(year, rules, str(reports / "counts-2012.xlsx"))
        self.stdout.write("\n" + render_counts.table(year, rules, columns=False))
        self.stdout.write(
            f"\n2012年度主动公开信息: {year['total']} 条；历年累计: {cumulative['total']} 条"
            f"（巡查用时 {elapsed:.0f} 秒）\n\n"
        )
        self.stdout.write("数据位置:\n")
        db = settings.DATABASES["default"]["NAME"]
        for label, path in [
            ("配置", cfg),
            ("数据库", db),
            ("快照", data / "snapshots"),
            ("统计(JSON)", reports / "counts-2012.json"),
            ("统计(XLSX)", reports / "counts-2012.xlsx"),
            ("演示真值", truth_path),
        ]:
            self.stdout.write(f"  {label}: {path}\n")
