"""Alerts: new high-severity findings right after a patrol (to the bureau), and a daily digest
(new findings, 未整改 items with their age, the timeliness vetoes, the inspection summary: each
site's veto reasons and warnings, reports.inspection) to each responsible unit,
to the supervisors and to the bureau. Channels and audiences come from ``patrol.yaml``
(``alerts:``, config/alertsconf.py); transports are in ``reports.alert_channels``.

Messages name the page, its unit, the kind and severity of what was found and a link to
the web app, never the hit text itself: the secret or personal data stays in the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .alert_channels import Message, deliver

log = logging.getLogger(__name__)

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
MAX_LINES = 30  # per section of one message; the web app has the rest


@dataclass
class Line:
    site_id: str
    site: str
    text: str


@dataclass
class Digest:
    day: str
    new: list[Line] = field(default_factory=list)
    not_fixed: list[Line] = field(default_factory=list)
    vetoes: list[Line] = field(default_factory=list)
    inspection: list[Line] = field(default_factory=list)


def _link(base_url: str, pk: int) -> str:
    return f"{base_url.rstrip('/')}/findings/{pk}/" if base_url else f"发现编号 #{pk}"


def _finding_line(f, base_url: str, age: bool = False) -> Line:
    from screening.models import HIT_KIND_LABELS, Finding

    site = f.page.site if f.page_id else None
    title = ""
    if f.attachment_id and f.attachment.name:
        title = f.attachment.name
    elif f.page_id and f.page.item_id:
        title = f.page.item.title
    kinds = "、".join(HIT_KIND_LABELS.get(k, k) for k in f.kinds)
    days = f"，确认后 {f.days_open()} 天未整改" if age else ""
    text = (
        f"[{dict(Finding.SEVERITY).get(f.severity, f.severity)}] {site.name if site else '-'}：{title or f.url}"
        f"（{kinds}{days}）{f.url} {_link(base_url, f.pk)}"
    )
    return Line(site.site_id if site else "", site.name if site else "", text)


def _findings():
    from screening.models import Finding

    return Finding.objects.select_related("page__site", "page__item", "attachment")


# ---- after each patrol ------------------------------------------------------------------------


def immediate_message(run_id: int, alerts: dict) -> Message | None:
    """New findings of this patrol at or above ``immediate_severity`` (still open), or None."""
    floor = SEVERITY_RANK[alerts.get("immediate_severity", "high")]
    wanted = [s for s, r in SEVERITY_RANK.items() if r >= floor]
    found = list(_findings().filter(run_id=run_id, status="open", severity__in=wanted).order_by("pk"))
    if not found:
        return None
    lines = [_finding_line(f, alerts.get("base_url", "")).text for f in found]
    shown = lines[:MAX_LINES]
    more = [f"……另有 {len(lines) - len(shown)} 条，见审核队列"] if len(lines) > len(shown) else []
    subject = f"【保密巡查】第 {run_id} 次巡查新发现 {len(found)} 条高风险内容，请立即审核"
    text = "\n".join([subject, "", *shown, *more])
    md = "\n".join(f"- {line}" for line in [*shown, *more])
    return Message(subject, text, md)


def after_patrol(conf: Any, run_id: int) -> dict[str, bool]:
    """Send the immediate alert to every bureau channel; channel name -> delivered. Never raises."""
    alerts = getattr(conf, "alerts", None) or {}
    channels = [c for c in alerts.get("channels", []) if "bureau" in c["audience"]]
    if not channels:
        return {}
    try:
        msg = immediate_message(run_id, alerts)
    except Exception:  # noqa: BLE001 - alerts never stop the patrol
        log.exception("alerts: could not build the message for run %s", run_id)
        return {}
    if msg is None:
        return {}
    return {c["name"]: deliver(c, msg, alerts) for c in channels}


# ---- daily digest -----------------------------------------------------------------------------


def digest_data(conf: Any, now: datetime | None = None) -> Digest:
    now = now or timezone.now()
    base = (getattr(conf, "alerts", None) or {}).get("base_url", "")
    day = timezone.localtime(now).date()
    digest = Digest(day=day.isoformat())
    since = now - timedelta(days=1)
    for f in _findings().filter(created_at__gte=since, created_at__lte=now, flagged=True).order_by("pk"):
        digest.new.append(_finding_line(f, base))
    not_fixed = _findings().filter(status="not_fixed").order_by("first_confirmed_at", "pk")
    for f in not_fixed:
        digest.not_fixed.append(_finding_line(f, base, age=True))
    for site_id, name, reasons in vetoes(conf, day):
        digest.vetoes.append(Line(site_id, name, f"{name}：{reasons}"))
    digest.inspection = inspection_lines(conf, day)
    return digest


def inspection_summary(data: dict) -> list[tuple[str, str, str]]:
    """(site id, name, text) for each site with a veto or a warning in an inspection report: the
    veto reasons and the warnings by kind, counted (never the found text)."""
    from collections import Counter

    from reports import render_inspection as ri

    out = []
    for s in data.get("sites", []):
        warnings = Counter(
            f["kind"] for f in data["findings"] if f["site"] == s["id"] and f["level"] == "warning"
        )
        if not s["veto"] and not warnings:
            continue
        parts = [f"单项否决（{ri.reasons_text(s)}）"] if s["veto"] else []
        if warnings:
            parts.append("预警：" + "、".join(f"{ri.kind(k)} {n} 项" for k, n in warnings.items()))
        out.append((s["id"], s["name"], f"{s['name']}：{'；'.join(parts)}"))
    return out


def inspection_lines(conf: Any, day) -> list[Line]:
    try:
        from reports.inspection import evaluate
        from reports.rules import load_rules

        data = evaluate(day, load_rules(getattr(conf, "rules", None)), conf)
    except Exception:  # noqa: BLE001 - a digest without the inspection summary beats no digest
        log.exception("alerts: inspection evaluation failed; digest sent without it")
        return []
    return [Line(sid, name, text) for sid, name, text in inspection_summary(data)]


def vetoes(conf: Any, day) -> list[tuple[str, str, str]]:
    """(site id, name, reasons) of the sites the timeliness rules veto as of ``day``."""
    try:
        from reports import labels
        from reports.rules import load_rules
        from reports.timeliness import evaluate

        rules = load_rules(getattr(conf, "rules", None))
        data = evaluate(day, rules, conf)
    except Exception:  # noqa: BLE001 - a digest without vetoes beats no digest
        log.exception("alerts: timeliness evaluation failed; digest sent without vetoes")
        return []
    out = []
    for v in data.get("veto", []):
        if v.get("vetoed"):
            reasons = "；".join(labels.veto_reason(r, rules.veto) for r in v.get("reasons", []))
            out.append((v["site"], v.get("name", v["site"]), reasons or "单项否决"))
    return out


def _section(title: str, lines: list[Line]) -> list[str]:
    shown = [ln.text for ln in lines[:MAX_LINES]]
    more = [f"……另有 {len(lines) - len(shown)} 条"] if len(lines) > len(shown) else []
    return [f"{title}（{len(lines)}）", *(shown or ["无"]), *more, ""]


def digest_message(digest: Digest, sites: set[str] | None = None, unit: str = "") -> Message:
    """The digest for everyone (``sites`` None) or for one unit's sites."""

    def mine(lines: list[Line]) -> list[Line]:
        return lines if sites is None else [ln for ln in lines if ln.site_id in sites]

    new, nf, veto = mine(digest.new), mine(digest.not_fixed), mine(digest.vetoes)
    insp = mine(digest.inspection)
    who = f"（{unit}）" if unit else ""
    subject = (
        f"【网站巡查日报】{digest.day}{who}：新发现 {len(new)}，未整改 {len(nf)}，时效性否决 {len(veto)}，"
        f"检查指标否决或预警 {len(insp)}"
    )
    parts = [
        *_section("一、新发现（近24小时）", new),
        *_section("二、未整改", nf),
        *_section("三、时效性单项否决", veto),
        *_section("四、检查指标（单项否决与预警）", insp),
    ]
    text = "\n".join([subject, "", *parts])
    md_lines = []
    for p in parts:
        if p.startswith(("一、", "二、", "三、", "四、")):
            md_lines.append(f"**{p}**")
        else:
            md_lines.append(f"- {p}" if p else "")
    return Message(subject, text, "\n".join(md_lines))


def send_digest(conf: Any, now: datetime | None = None) -> dict[str, bool]:
    """One digest per channel: units get their own sites, supervisors and the bureau everything."""
    alerts = getattr(conf, "alerts", None) or {}
    channels = alerts.get("channels", [])
    if not channels:
        return {}
    digest = digest_data(conf, now)
    names = {s.id: s.name for s in getattr(conf, "sites", [])}
    out = {}
    for ch in channels:
        if set(ch["audience"]) & {"bureau", "supervisors"}:
            msg = digest_message(digest)
        else:
            msg = digest_message(digest, set(ch["sites"]), "、".join(names.get(s, s) for s in ch["sites"]))
        out[ch["name"]] = deliver(ch, msg, alerts)
    return out


def test_channels(conf: Any) -> dict[str, bool]:
    alerts = getattr(conf, "alerts", None) or {}
    msg = Message(
        "【网站巡查】告警通道测试",
        "这是一条测试消息：本通道已正确配置。",
        "这是一条测试消息：本通道已正确配置。",
    )
    return {ch["name"]: deliver(ch, msg, alerts) for ch in alerts.get("channels", [])}


def digest_job(config_path: str) -> None:
    """The scheduler's daily job: load the config and send the digest (recorded as a JobRun)."""
    from django.db import close_old_connections, connection

    from config.patrolconf import load
    from scheduler.jobs import finish
    from scheduler.models import JobRun

    close_old_connections()
    run = JobRun.objects.create(job_id=DIGEST_JOB_ID, kind="report")
    try:
        sent = send_digest(load(config_path))
        failed = [name for name, ok in sent.items() if not ok]
        note = f"日报已发送：{len(sent) - len(failed)}/{len(sent)} 个通道" + (
            f"；失败：{'、'.join(failed)}" if failed else ""
        )
        finish(run, "ok" if not failed else "failed", "" if not failed else note, note=note)
    except Exception as exc:  # noqa: BLE001 - the daemon goes on; the failure is in the history
        log.exception("digest job failed")
        finish(run, "failed", str(exc)[:4000])
    finally:
        connection.close()


DIGEST_JOB_ID = "alerts_digest"
