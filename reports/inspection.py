"""Every inspection indicator and the veto summary per site (RULES.md "Inspection indicators beyond
timeliness"; ARCHITECTURE.md, JSON contract "inspection"). Numbers from ``config/rules.yaml``.

``evaluate(as_of, rules, conf)`` returns
``{"as_of", "findings": [{"kind", "level", "site", "url", ...}], "sites": [{"id", "name", "veto",
"reasons", ...}]}``. Sources and levels, exactly as the contract maps them:

* the six timeliness kinds (``reports.timeliness``; ``days``, ``limit``, ``name`` kept):
  ``stale_homepage`` is ``veto`` (past the homepage window, 14 days) and an early ``warning`` past
  10 days (``limit`` 10); ``stale_column`` is ``deduct``, and an early ``warning`` for a dynamic
  column past 10 days but within its window; ``empty_column``, ``late_publication``,
  ``undated_item``, ``dead_link`` are ``deduct``. A site with more than 2 empty columns also gets
  ``empty_columns`` (``count``, ``url`` the homepage) at ``warning``.
* ``site_unavailable`` from ``inspection.Probe``: the probes of the 7 calendar days ending with
  ``as_of`` (the configured time zone); ``probes``, ``failures``, ``rate``; ``veto`` at a rate of
  5 % or more, ``warning`` at 3 % or more. A site with fewer than 140 probes gets no verdict: when
  its rate would reach the warning line the entry is listed with ``insufficient: true`` at
  ``warning`` (for a person to look at) and never makes a veto.
* ``unanswered_message`` / ``slow_reply`` from ``inspection.Message``, judged by
  ``inspection.checks.judge_message``: messages asked within the 12 months before ``as_of``;
  unanswered as of ``as_of`` (no reply dated up to then, and no answered state without a date)
  for more than 3 calendar months → ``veto`` (``column`` = the column URL, ``column_name``,
  ``asked``, ``days``); replied more than 5 working days after asking (reports.workdays, the
  asked day is day 0) → ``warning`` (``column``, ``asked``, ``replied``, ``workdays``).
* from the site's latest patrol (``crawler.sitefindings.latest``): ``missing_identity``
  (``deduct``; ``missing``, ``found``), ``hidden_link`` (``veto``; ``target``, ``how``),
  ``wording_error`` (``serious`` → ``veto``, else ``warning``; ``text``, ``suggestion``,
  ``context``), ``watch_name`` (``warning``; ``text``, ``context``), ``offsite_redirect``,
  ``no_disclosure_entry``, ``unreadable``, ``retired_column`` (``deduct``). A wording error or
  watched name the information centre marked ``ignore`` is left out; one marked ``fixed`` is left
  out unless a patrol that started after the decision found it again.

``sites[].reasons`` lists, sorted by name, every kind with a ``veto`` finding plus the
timeliness site thresholds (≥ 5 stale dynamic/notice columns or ≥ 10 stale columns →
``stale_column``; ≥ 5 empty columns → ``empty_column``).
"""

from __future__ import annotations

import calendar
import copy
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.patrolconf import PatrolConf
from crawler import sitefindings
from crawler.models import PatrolRun, Site

from . import timeliness
from .rules import Rules

DEFAULT_TIMEZONE = "Asia/Shanghai"
KINDS = (
    "site_unavailable",
    "stale_homepage",
    "stale_column",
    "empty_column",
    "empty_columns",
    "unanswered_message",
    "slow_reply",
    "hidden_link",
    "wording_error",
    "watch_name",
    "missing_identity",
    "late_publication",
    "undated_item",
    "dead_link",
    "offsite_redirect",
    "no_disclosure_entry",
    "unreadable",
    "retired_column",
)
LEVELS = ("veto", "deduct", "warning")
CRAWL_KINDS = (
    "missing_identity",
    "hidden_link",
    "wording_error",
    "watch_name",
    "offsite_redirect",
    "no_disclosure_entry",
    "unreadable",
    "retired_column",
)
DEDUCT = {
    "stale_column",
    "empty_column",
    "late_publication",
    "undated_item",
    "dead_link",
    "missing_identity",
    "offsite_redirect",
    "no_disclosure_entry",
    "unreadable",
    "retired_column",
}
# the timeliness site thresholds (reports.timeliness.veto_summary) by the kind they count
THRESHOLD_KINDS = {
    "stale_dynamic_notice_columns": "stale_column",
    "stale_columns": "stale_column",
    "empty_columns": "empty_column",
    "stale_homepage": "stale_homepage",
}
QUEUE_KINDS = ("wording_error", "watch_name")


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the month's last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _tz(conf: PatrolConf | None) -> ZoneInfo:
    return ZoneInfo((conf.schedule.get("timezone") if conf else None) or DEFAULT_TIMEZONE)


# ---- reachability -------------------------------------------------------------------------


def probe_window(as_of: date, days: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the ``days`` calendar days ending with ``as_of``, in ``tz``."""
    end = datetime.combine(as_of + timedelta(days=1), time(0), tz)
    return end - timedelta(days=days), end


def reachability(site: Site, as_of: date, rules: Rules, tz: ZoneInfo) -> list[dict]:
    from inspection.models import Probe

    ir = rules.inspection
    start, end = probe_window(as_of, ir.window_days, tz)
    probes = Probe.objects.filter(site=site, at__gte=start, at__lt=end)
    total = probes.count()
    if not total:
        return []
    failures = probes.filter(ok=False).count()
    rate = failures / total
    base = {
        "kind": "site_unavailable",
        "site": site.site_id,
        "url": site.url,
        "probes": total,
        "failures": failures,
        "rate": round(rate, 4),
    }
    if total < ir.min_probes:
        return [{**base, "level": "warning", "insufficient": True}] if rate >= ir.warning_rate else []
    if rate >= ir.veto_rate:
        return [{**base, "level": "veto"}]
    if rate >= ir.warning_rate:
        return [{**base, "level": "warning"}]
    return []


# ---- 互动回应 ----------------------------------------------------------------------------------


def message_findings(site: Site, as_of: date, rules: Rules) -> list[dict]:
    """unanswered_message / slow_reply by ``inspection.checks.judge_message`` (the one rule, with the
    numbers from rules.yaml); a reply dated after ``as_of`` did not exist then."""
    from inspection.checks import judge_message
    from inspection.models import Message

    ir = rules.inspection
    since = add_months(as_of, -ir.message_window_months)
    out = []
    qs = Message.objects.filter(site=site, asked__gt=since, asked__lte=as_of).order_by("asked", "url")
    for m in qs:
        replied = m.replied if m.replied is not None and m.replied <= as_of else None
        verdict = judge_message(
            m.asked, replied, m.state or None, as_of, ir.unanswered_months, ir.reply_working_days
        )
        if verdict is None:
            continue
        f = {
            "kind": verdict.kind,
            "level": "veto" if verdict.kind == "unanswered_message" else "warning",
            "site": site.site_id,
            "url": m.url,
            "column": m.column_url,
            "column_name": m.column_name,
            "asked": m.asked.isoformat(),
        }
        if m.title:
            f["name"] = m.title
        if verdict.kind == "slow_reply":
            f.update(replied=replied.isoformat(), workdays=verdict.workdays, limit=ir.reply_working_days)
            if verdict.approximate:
                f["calendar"] = "approximate"
        else:
            f["days"] = verdict.days
            if m.state:
                f["state"] = m.state
        out.append(f)
    return out


# ---- the patrol's own findings ------------------------------------------------------------


def decisions() -> dict[tuple[str, str], tuple[str, datetime]]:
    """(page URL, wrong text) → (decision, when) of the 错敏 queue."""
    from inspection.models import WordingDecision

    return {(d.url, d.text): (d.decision, d.at) for d in WordingDecision.objects.all()}


def details(f) -> list[dict]:
    """The finding(s) one SiteFinding holds: its detail, or each entry of ``detail["hits"]`` (several
    wording errors of one page, where one row per (run, site, kind, url) is kept)."""
    d = dict(f.detail or {})
    hits = d.pop("hits", None)
    if isinstance(hits, list):
        return [{**d, **h} for h in hits if isinstance(h, dict)]
    return [d]


def decided(f, decided_map: dict, text: str | None = None) -> str:
    """'ignore' / 'fixed' when the queue's decision on (page, ``text``) still holds, else ''."""
    text = str(f.detail.get("text", "")) if text is None else text
    hit = decided_map.get((f.url, text))
    if hit is None:
        return ""
    decision, at = hit
    if decision == "fixed" and f.run.started_at > at:
        return ""  # a patrol after the decision found it again: not fixed
    return decision


def crawl_findings(site: Site, decided_map: dict) -> list[dict]:
    out = []
    for f in sitefindings.latest(site, CRAWL_KINDS):
        for d in details(f):
            if f.kind in QUEUE_KINDS and decided(f, decided_map, str(d.get("text", ""))):
                continue
            if f.kind == "wording_error":
                level = "veto" if d.get("severity") == "serious" else "warning"
            elif f.kind == "hidden_link":
                level = "veto"
            elif f.kind == "watch_name":
                level = "warning"
            else:
                level = "deduct"
            out.append({**d, "kind": f.kind, "level": level, "site": site.site_id, "url": f.url})
    return out


# ---- timeliness and early warnings --------------------------------------------------------


def _timeliness_level(f: dict, rules: Rules) -> str:
    if f["kind"] == "stale_homepage":
        return "veto" if rules.veto.get("stale_homepage") else "deduct"
    return "deduct"


def early_warnings(as_of: date, rules: Rules, conf: PatrolConf | None, sites: list[Site]) -> list[dict]:
    """stale_homepage past 10 days and dynamic columns past 10 days, below their windows."""
    ir = rules.inspection
    early = copy.copy(rules)
    early.windows = {**rules.windows, "homepage": ir.early_homepage_days, "dynamic": ir.early_dynamic_days}
    out = []
    for site in sites:
        for f in timeliness.homepage_finding(site, as_of, early):
            if f.days <= rules.windows.get("homepage", f.days):
                out.append({**f.as_dict(), "level": "warning"})
    for col in timeliness._judged_columns(as_of, rules, conf):  # noqa: SLF001 - the same columns judged
        if col.kind != "dynamic":
            continue
        window = rules.windows.get("dynamic")
        for f in timeliness.column_findings(col, as_of, early):
            if f.kind == "stale_column" and f.days is not None and (window is None or f.days <= window):
                out.append({**f.as_dict(), "level": "warning"})
    return out


# ---- the report ---------------------------------------------------------------------------


def evaluate(as_of: date, rules: Rules, conf: PatrolConf | None = None) -> dict:
    """Every inspection finding as the store stands, judged as of ``as_of``; the veto summary."""
    tz = _tz(conf)
    tl = timeliness.evaluate(as_of, rules, conf)
    order = {tier: i for i, tier in enumerate(timeliness.TIERS)}
    sites = sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.tier, 9), s.site_id))
    by_site: dict[str, list[dict]] = defaultdict(list)
    for f in tl["findings"]:
        by_site[f["site"]].append({**f, "level": _timeliness_level(f, rules)})
    for f in early_warnings(as_of, rules, conf, sites):
        by_site[f["site"]].append(f)
    thresholds = {v["site"]: v for v in tl["veto"]}
    decided_map = decisions()
    kind_order = {k: i for i, k in enumerate(KINDS)}
    level_order = {k: i for i, k in enumerate(LEVELS)}
    findings, summary = [], []
    for site in sites:
        mine = by_site.get(site.site_id, [])
        empty = sum(1 for f in mine if f["kind"] == "empty_column")
        if empty > rules.inspection.empty_columns_warning:
            mine.append(
                {
                    "kind": "empty_columns",
                    "level": "warning",
                    "site": site.site_id,
                    "url": site.url,
                    "count": empty,
                }
            )
        mine += reachability(site, as_of, rules, tz)
        mine += message_findings(site, as_of, rules)
        mine += crawl_findings(site, decided_map)
        mine.sort(key=lambda f: (kind_order.get(f["kind"], 99), level_order[f["level"]], f["url"]))
        findings += mine
        summary.append(site_summary(site, mine, thresholds.get(site.site_id)))
    return {"as_of": as_of.isoformat(), "findings": findings, "sites": summary}


def site_summary(site: Site, mine: list[dict], threshold: dict | None) -> dict:
    reasons = {f["kind"] for f in mine if f["level"] == "veto"}
    reasons |= {THRESHOLD_KINDS[r] for r in (threshold or {}).get("reasons", []) if r in THRESHOLD_KINDS}
    levels = {lv: sum(1 for f in mine if f["level"] == lv) for lv in LEVELS}
    out = {
        "id": site.site_id,
        "name": site.name,
        "tier": site.tier,
        "url": site.url,
        "veto": bool(reasons),
        "reasons": sorted(reasons),  # alphabetical: a stable order for other tools (tests/inspectnet truth)
        "levels": levels,
        "thresholds": [r for r in (threshold or {}).get("reasons", [])],
    }
    identity = next((f for f in mine if f["kind"] == "missing_identity"), None)
    if identity and identity.get("found"):
        out["identity"] = identity["found"]
    return out


# ---- identity values for display ----------------------------------------------------------

IDENTITY_FIELDS = ("site_code", "icp", "psb", "gov_mark")  # inspection.checks.identity.FIELDS


def _stored_home(site: Site, run_id: int) -> tuple[str, str] | None:
    """(url, html) of the newest homepage copy the store kept up to run ``run_id``
    (a homepage answered 304 is not stored again: the copy it was answered from is the newest).
    A redirect stub and the page it led to are both stored: the newest copy showing every mark
    wins, else the newest readable one."""
    from crawler import snapshots
    from crawler.extract import decode_html
    from crawler.models import Page
    from inspection.checks import site_identity

    pages = (
        Page.objects.filter(site=site, kind="home", status=200, snapshot__isnull=False, run_id__lte=run_id)
        .select_related("snapshot")
        .order_by("-id")[:3]
    )
    fallback = None
    for page in pages:
        try:
            body = snapshots.read(page.snapshot)
        except OSError:  # pruned
            continue
        ctype = next((str(v) for k, v in (page.headers or {}).items() if k.lower() == "content-type"), "")
        ctype = ctype.lower()
        charset = ctype.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ctype else None
        home = (page.url, decode_html(body, charset or None))
        if all(vars(site_identity(home[0], home[1])).values()):
            return home
        fallback = fallback or home
    return fallback


def _last_runs(sites: list[Site]) -> dict[str, PatrolRun]:
    """``crawler.sitefindings.last_run`` of every site, in one pass over the runs."""
    pending = {s.site_id for s in sites}
    out: dict[str, PatrolRun] = {}
    for run in PatrolRun.objects.exclude(status="running").order_by("-id").only("id", "sites", "started_at"):
        for sid in set(run.sites or []) & pending:
            out[sid] = run
        pending -= out.keys()
        if not pending:
            break
    return out


def identities(sites: list[Site] | None = None) -> dict[str, dict]:
    """Every site's identity marks as its latest patrol saw them, for display (the web dashboard;
    the report's ``sites[].identity`` keeps only what a site missing a mark showed):
    ``{site_id: {"patrolled", "found": {field: value}, "missing": [field], "unread": [field],
    "patrol": when that patrol started}}``.

    A site missing a mark has a ``missing_identity`` finding holding what was found and what is
    missing. A site missing none has no finding: its values are read again, by the same check,
    from the newest homepage copy stored up to that patrol; a mark the patrol saw but that copy
    no longer shows (pruned, or changed since) is ``unread``. ``patrolled`` is False for a site
    no finished patrol covered (nothing is known)."""
    from crawler.models import SiteFinding
    from inspection.checks import site_identity

    if sites is None:
        sites = list(Site.objects.filter(active=True))
    runs = _last_runs(sites)
    findings = {
        (f.site_id, f.run_id): f
        for f in SiteFinding.objects.filter(
            kind="missing_identity", run_id__in={r.id for r in runs.values()}, site__in=sites
        )
    }
    out: dict[str, dict] = {}
    for site in sites:
        run = runs.get(site.site_id)
        if run is None:
            out[site.site_id] = {"patrolled": False, "found": {}, "missing": [], "unread": [], "patrol": None}
            continue
        finding = findings.get((site.id, run.id))
        if finding is not None:
            detail = finding.detail or {}
            missing = [f for f in IDENTITY_FIELDS if f in (detail.get("missing") or [])]
            found = {k: str(v) for k, v in (detail.get("found") or {}).items() if k in IDENTITY_FIELDS and v}
        else:
            home = _stored_home(site, run.id)
            missing = []
            found = {k: v for k, v in vars(site_identity(home[0], home[1])).items() if v} if home else {}
        out[site.site_id] = {
            "patrolled": True,
            "found": found,
            "missing": missing,
            "unread": [f for f in IDENTITY_FIELDS if f not in found and f not in missing],
            "patrol": run.started_at,
        }
    return out
