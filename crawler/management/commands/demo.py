"""``patrol demo``: start the bundled demo network on loopback, patrol it, print the summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import render_counts
from reports.counts import all_years, counts
from reports.rules import load_rules

AS_OF = date(2013, 1, 7)  # the demo network stands as the county's portals did on this day


class Command(BaseCommand):
    help = "Bundled demo network on loopback, one full patrol, summary and report paths."

    def add_arguments(self, parser):
        parser.add_argument("--serve", action="store_true", help="only serve the demo network until Ctrl-C")
        parser.add_argument("--scale", choices=["full", "small"], default="full")

    def handle(self, *args, **opts):
        from demo.server import DemoNetwork  # only this command imports the demo

        data = Path(settings.DATA_DIR)
        cfg = data / "demo-patrol.yaml"
        previous = _previous_port(cfg)
        # a stable address: the network comes back where the last demo patrolled it, so a second
        # run is an incremental patrol of the same sites; if that port is taken, the sites "move"
        # to a new one and the patrol treats it as a move (old columns retired, items linked)
        net = DemoNetwork(scale=opts["scale"], port=previous or 0)
        try:
            net.start()
        except OSError:
            net.port = 0
            net.start()
        net.write_config(cfg)
        truth_path = data / "demo-truth.json"
        truth_path.write_text(json.dumps(net.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            if opts["serve"]:
                self.stdout.write(f"演示网站群已启动，配置文件: {cfg}\n按 Ctrl-C 停止。\n")
                while True:
                    time.sleep(3600)
            self.stdout.write(
                f"演示网站群已启动（{len(net.sites_config())} 个网站，仅本机回环地址，端口 {net.port}）。\n"
            )
            if previous and previous == net.port:
                self.stdout.write(
                    f"沿用上次演示的地址（端口 {net.port}）与数据 {data}：本次为增量巡查，"
                    "未变化的页面按缓存验证（304）复用，统计不会重复计入。\n"
                )
            elif previous:
                self.stdout.write(
                    f"上次演示的端口 {previous} 已被占用，演示网站群改用端口 {net.port}：各网站按迁移处理，"
                    "旧地址的栏目在完整巡查后撤销、信息与原记录关联，统计不会重复计入。\n"
                )
            self.stdout.write("开始巡查…\n")
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
        from reports import labels
        from reports.annual import annual
        from reports.registry import Params, write_files
        from reports.timeliness import evaluate
        from screening.models import Finding

        conf = load(cfg)
        rules = load_rules(conf.rules)
        year = counts(date(2012, 1, 1), date(2012, 12, 31), rules, conf)
        cumulative = all_years(rules, conf)
        stats = annual(2012, rules, conf)
        timely = evaluate(AS_OF, rules, conf)
        reports = data / "reports"
        reports.mkdir(exist_ok=True)
        (reports / "counts-2012.json").write_text(
            json.dumps(year, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        # every report through the one registry the CLI and the web use (reports/registry.py)
        asked = (
            ("counts", Params(year=2012)),
            ("annual", Params(year=2012)),
            ("timeliness", Params(as_of=AS_OF)),
            ("inspection", Params(as_of=AS_OF)),
        )
        for key, params in asked:
            write_files(key, params, ["html", "xlsx"], reports, rules, conf)

        out = self.stdout.write
        out("\n" + render_counts.table(year, rules, columns=False))
        out(
            f"\n2012年度主动公开信息: {year['total']} 条；历年累计: {cumulative['total']} 条（巡查用时 {elapsed:.0f} 秒）\n"
        )
        out(f"\n年报（二）主动公开政府信息情况:\n{stats['paragraph']}\n")
        kinds = Counter(f["kind"] for f in timely["findings"])
        out(
            f"\n时效检查（截至 {AS_OF}）: "
            + "，".join(f"{labels.finding(k)} {n}" for k, n in sorted(kinds.items()))
            + "\n"
        )
        # a document whose site moved is screened again at its new address: count it once
        current = Finding.objects.exclude(page__item__moved_to__isnull=False)
        flagged = current.filter(flagged=True).count()
        out(f"保密筛查: {current.count()} 个页面或附件有命中，其中 {flagged} 个待保密局审核\n\n")
        out("数据位置:\n")
        paths = [
            ("配置", cfg),
            ("数据库", settings.DATABASES["default"]["NAME"]),
            ("快照", data / "snapshots"),
        ]
        paths += [("报告", reports / name) for name in sorted(p.name for p in reports.iterdir())]
        paths += [("演示真值", truth_path)]
        for label, path in paths:
            out(f"  {label}: {path}\n")


def _previous_port(cfg: Path) -> int | None:
    """The port of the demo network the last ``patrol demo`` wrote into ``cfg`` (None if none)."""
    import yaml

    try:
        sites = (yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}).get("sites") or []
        return urlsplit(sites[0]["url"]).port if sites else None
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError):
        return None
