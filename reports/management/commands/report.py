"""``patrol report counts|timeliness|inspection|annual`` — see ARCHITECTURE.md for the JSON contract.

Reports, their parameters and formats come from ``reports.registry`` (the web exports use it too).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError, load
from reports.registry import FORMATS, REPORTS, Params
from reports.rules import load_rules

DEFAULT_TIMEZONE = "Asia/Shanghai"
HELP = {
    "counts": "update counts per site, tier and column",
    "timeliness": "stale/empty columns, stale homepages, late, undated and dead items",
    "inspection": "every inspection indicator (reachability, 互动回应, identity, wording, hidden links, "
    "early warnings) and the veto summary per site",
    "annual": "the 主动公开 statistics section of the annual report",
}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Reports: counts, timeliness, inspection, annual."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        for key, report in REPORTS.items():
            p = sub.add_parser(key, help=HELP.get(key, report.title))
            if key == "counts":
                p.add_argument("--year", type=int)
                p.add_argument("--from", dest="frm")
                p.add_argument("--to")
            elif report.period == "year":
                p.add_argument("--year", type=int, required=True)
            else:
                p.add_argument(
                    "--as-of", dest="as_of", help="evaluation date YYYY-MM-DD (default: today, Asia/Shanghai)"
                )
            formats = [f for f in FORMATS if f in report.formats]
            p.add_argument("--format", choices=formats, default="table")
            p.add_argument("-o", "--output")

    def _conf(self):
        try:
            return load(settings.PATROL_CONFIG)
        except ConfigError:
            return None  # reports work from the store alone; per-column overrides need the config

    def _params(self, key: str, opts: dict, conf) -> Params:
        if key == "counts":
            if opts.get("year"):
                return Params(year=opts["year"])
            if opts.get("frm") and opts.get("to"):
                return Params(frm=_date(opts["frm"]), to=_date(opts["to"]))
            raise CommandError("give --year Y or --from D --to D")
        if REPORTS[key].period == "year":
            return Params(year=opts["year"])
        return Params(as_of=_date(opts["as_of"]) if opts.get("as_of") else self._today(conf))

    def handle(self, *args, **opts):
        conf = self._conf()
        rules = load_rules(conf.rules if conf else None)
        key = opts["report"]
        report = REPORTS[key]
        params = self._params(key, opts, conf)
        fmt, out = opts["format"], opts.get("output")
        body = report.render(fmt, report.data(params, rules, conf), rules)
        if fmt == "xlsx" and not out:
            out = "report.xlsx"
        if out:
            with open(out, "wb") as fh:
                fh.write(body)
            self.stdout.write(f"已写入 {out}\n")
        else:
            sys.stdout.write(body.decode("utf-8"))
            sys.stdout.flush()

    @staticmethod
    def _today(conf) -> date:
        tz = (conf.schedule.get("timezone") if conf else None) or DEFAULT_TIMEZONE
        return datetime.now(ZoneInfo(tz)).date()
