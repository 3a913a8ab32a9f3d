"""The daily digest carries the inspection summary: veto reasons and warnings per site, no found text."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from config.patrolconf import parse
from crawler.models import PatrolRun, Site, SiteFinding
from inspection.models import Probe
from reports import alerts

pytestmark = pytest.mark.django_db

CONFIG = """\
sites:
  - {id: a, name: 甲镇, tier: town, url: 'http://a.x.gov.cn/'}
  - {id: b, name: 乙镇, tier: town, url: 'http://b.x.gov.cn/'}
  - {id: c, name: 丙镇, tier: town, url: 'http://c.x.gov.cn/'}
"""


def test_digest_section_four_per_unit_and_for_everyone():
    conf = parse(CONFIG)
    sites = {
        s.id: Site.objects.create(site_id=s.id, name=s.name, tier=s.tier, url=s.url, scope=s.scope)
        for s in conf.sites
    }
    run = PatrolRun.objects.create(status="ok", sites=["a", "b", "c"])
    SiteFinding.objects.create(
        run=run,
        site=sites["a"],
        kind="hidden_link",
        url="http://a.x.gov.cn/",
        detail={"target": "http://bet.example.com/", "how": "display_none"},
    )
    SiteFinding.objects.create(
        run=run,
        site=sites["b"],
        kind="watch_name",
        url="http://b.x.gov.cn/1.html",
        detail={"text": "张某某", "context": "张某某出席"},
    )
    now = timezone.now()
    Probe.objects.bulk_create(
        Probe(
            site=sites["b"],
            at=now - timedelta(minutes=30 * i),
            ok=i >= 6,
            failure="" if i >= 6 else "timeout",
        )
        for i in range(150)
    )
    digest = alerts.digest_data(conf, now)
    everyone = alerts.digest_message(digest).text
    assert "四、检查指标（单项否决与预警）（2）" in everyone
    assert "甲镇：单项否决（暗链（隐藏外链））" in everyone
    assert (
        "乙镇：预警：站点无法访问 1 项、关注人名 1 项" in everyone
        or "乙镇：预警：关注人名 1 项、站点无法访问 1 项" in everyone
    )
    assert "丙镇" not in everyone.split("四、")[1]
    assert "张某某" not in everyone and "bet.example.com" not in everyone  # counts, never the found text
    unit = alerts.digest_message(digest, {"a"}, "甲镇").text
    assert "甲镇：单项否决" in unit and "乙镇" not in unit
    assert "检查指标否决或预警 1" in unit.splitlines()[0]


def test_a_broken_inspection_evaluation_leaves_the_rest_of_the_digest(monkeypatch):
    import reports.inspection

    def boom(*a, **k):
        raise RuntimeError("x")

    monkeypatch.setattr(reports.inspection, "evaluate", boom)
    digest = alerts.digest_data(parse(CONFIG), datetime.now(tz=timezone.get_current_timezone()))
    assert digest.inspection == [] and "四、检查指标" in alerts.digest_message(digest).text
