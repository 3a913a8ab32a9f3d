"""Supervisor dashboards: the reports package's data, reshaped for the web templates.

The figures come from ``reports`` (counts, timeliness, inspection, annual); this module only loads
the config and rules the way ``patrol report`` does, picks defaults, and turns the JSON dicts
into rows with Chinese labels. Exports go through ``reports.registry`` like the CLI.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max

from config.patrolconf import ConfigError, PatrolConf, load
from reports import labels
from reports.counts import counts
from reports.registry import REPORTS, Params
from reports.rules import Rules, load_rules
from reports.sheets import ranked
from reports.timeliness import evaluate

from .charts import bars
from .links import href

DEFAULT_TIMEZONE = "Asia/Shanghai"


def report_conf() -> PatrolConf | None:
    """The patrol config, or None: reports work from the store alone (as ``patrol report``)."""
    try:
        return load(settings.PATROL_CONFIG)
    except (ConfigError, OSError):
        return None


def rules_for(conf: PatrolConf | None) -> Rules:
    return load_rules(conf.rules if conf else None)


def today(conf: PatrolConf | None = None) -> date:
    tz = (conf.schedule.get("timezone") if conf else None) or DEFAULT_TIMEZONE
    return datetime.now(ZoneInfo(tz)).date()


# ---- counts -------------------------------------------------------------------------------


def newest_year_with_data(conf: PatrolConf | None = None) -> int:
    """The year of the newest listed item published up to today (this year when none is)."""
    from crawler.models import Listing

    current = today(conf)
    newest = Listing.objects.filter(item__publish_date__lte=current).aggregate(m=Max("item__publish_date"))[
        "m"
    ]
    return newest.year if newest else current.year


def counts_data(year: int, conf: PatrolConf | None = None) -> dict:
    return counts(date(year, 1, 1), date(year, 12, 31), rules_for(conf), conf)


def counts_view(data: dict, rules: Rules) -> dict:
    units = [
        {
            "rank": rank,
            "name": site["name"],
            "tier": labels.tier(site["tier"]),
            "items": site["items"],
            "columns": [
                {
                    "name": col["name"],
                    "category": rules.category_label(col["category"]),
                    "url": col["url"],
                    "href": href(col["url"]),
                    "items": col["items"],
                    "items_total": col["items_total"],
                    "last_published": col["last_published"],
                }
                for col in site["columns"]
            ],
        }
        for rank, site in ranked(data["sites"], "items")
    ]
    return {
        "from": data["from"],
        "to": data["to"],
        "total": data["total"],
        "tiers": [(labels.tier(t), n) for t, n in data["tiers"].items()],
        "units": units,
        "chart": bars((u["name"], u["items"]) for u in units),
    }


# ---- timeliness ---------------------------------------------------------------------------


def timeliness_data(as_of: date, conf: PatrolConf | None = None) -> dict:
    return evaluate(as_of, rules_for(conf), conf)


def timeliness_view(data: dict, rules: Rules) -> dict:
    veto = data.get("veto", [])
    names = {v["site"]: v["name"] for v in veto}
    by_kind = Counter(f["kind"] for f in data["findings"])
    groups = []
    for kind, label in labels.FINDING_LABELS.items():
        rows = [
            {
                "site": names.get(f["site"], f["site"]),
                "name": f.get("name", ""),
                "column_kind": labels.column_kind(f.get("column_kind")),
                "days": f["days"],
                "limit": f["limit"],
                "approximate": f.get("calendar") == "approximate",
                "url": f["url"],
                "href": href(f["url"]),
            }
            for f in data["findings"]
            if f["kind"] == kind
        ]
        groups.append({"kind": kind, "label": label, "rows": rows})
    return {
        "as_of": data["as_of"],
        "total": len(data["findings"]),
        "vetoed": sum(1 for v in veto if v["vetoed"]),
        "by_kind": [(label, by_kind.get(kind, 0)) for kind, label in labels.FINDING_LABELS.items()],
        "veto": [
            {
                **v,
                "tier_label": labels.tier(v["tier"]),
                "reason_text": "；".join(labels.veto_reason(r, rules.veto) for r in v["reasons"]),
            }
            for v in veto
        ],
        "groups": groups,
        "chart": bars(Counter(names.get(f["site"], f["site"]) for f in data["findings"]).items()),
    }


# ---- exports ------------------------------------------------------------------------------

FORMATS = ("xlsx", "html")  # what the web offers of each report (reports.registry has them all)


def export(report: str, fmt: str, *, year: int | None = None, as_of: date | None = None) -> tuple[bytes, str]:
    """(bytes, file name) of a report as XLSX or as the reports' printable HTML page.

    ``year`` for counts and annual, ``as_of`` for timeliness and inspection (``reports.registry``).
    """
    if report not in REPORTS or fmt not in FORMATS:
        raise ValueError(f"unknown report or format: {report!r} {fmt!r}")
    conf = report_conf()
    rules = rules_for(conf)
    entry = REPORTS[report]
    params = Params(as_of=as_of) if entry.period == "as_of" else Params(year=year)
    return entry.render(fmt, entry.data(params, rules, conf), rules), entry.filename(params, fmt)
