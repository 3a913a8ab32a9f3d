"""``patrol report counts|timeliness|annual`` — see ARCHITECTURE.md for the JSON contract."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from reports import render_annual, render_counts, render_timeliness
from reports.annual import annual
from reports.counts import counts
from reports.rules import load_rules
from reports.timeliness import evaluate

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Reports: counts, timeliness, annual."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        c = sub.add_parser("counts", help="update counts per site, tier and column")
        c.add_argument("--year", type=int)
        c.add_argument("--from", dest="frm")
        c.add_argument("--to")
        t = sub.add_parser(
            "timeliness", help="stale/empty columns, stale homepages, late, undated and dead items"
        )
        t.add_argument(
            "--as-of", dest="as_of", help="evaluation date YYYY-MM-DD (default: today, Asia/Shanghai)"
        )
        a = sub.add_parser("annual", help="the 主动公开 statistics section of the annual report")
        a.add_argument("--year", type=int, required=True)
        for p in (c, t, a):
            p.add_argument("--format", choices=["table", "json", "xlsx", "html"], default="table")
            p.add_argument("-o", "--output")

    def _conf(self):
        try:
            return load(settings.PATROL_CONFIG)
        except ConfigError:
            return None  # reports work from the store alone; per-column overrides need the config

    def handle(self, *args, **opts):
        conf = self._conf()
        rules = load_rules(conf.rules if conf else None)
        if opts["report"] == "counts":
            if opts["year"]:
                frm, to = date(opts["year"], 1, 1), date(opts["year"], 12, 31)
            elif opts["frm"] and opts["to"]:
                frm, to = _date(opts["frm"]), _date(opts["to"])
            else:
                raise CommandError("give --year Y or --from D --to D")
            data = counts(frm, to, rules, conf)
            self._emit(
                opts,
                data,
                lambda: render_counts.table(data, rules),
                lambda path: render_counts.xlsx(data, rules, path),
                lambda: render_counts.html_page(data, rules),
            )
        elif opts["report"] == "timeliness":
            as_of = _date(opts["as_of"]) if opts["as_of"] else self._today(conf)
            data = evaluate(as_of, rules, conf)
            self._emit(
                opts,
                data,
                lambda: render_timeliness.table(data, rules),
                lambda path: render_timeliness.xlsx(data, rules, path),
                lambda: render_timeliness.html_page(data, rules),
            )
        else:
            data = annual(opts["year"], rules, conf)
            self._emit(
                opts,
                data,
                lambda: render_annual.table(data, rules),
                lambda path: render_annual.xlsx(data, rules, path),
                lambda: render_annual.html_page(data, rules),
            )

    @staticmethod
    def _today(conf) -> date:
        tz = (conf.schedule.get("timezone") if conf else None) or DEFAULT_TIMEZONE
        return datetime.now(ZoneInfo(tz)).date()

    def _emit(self, opts, data, as_table, as_xlsx, as_html=None):
        fmt, out = opts["format"], opts.get("output")
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        elif fmt == "table":
            text = as_table()
        elif fmt == "xlsx":
            path = out or "report.xlsx"
            as_xlsx(path)
            self.stdout.write(f"已写入 {path}\n")
            return
        else:
            if as_html is None:
                raise CommandError("html format is not available for this report yet")
            text = as_html()
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"已写入 {out}\n")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
