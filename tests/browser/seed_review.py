"""Findings for the review browser tests, on the patrolled data folder ``patrol web`` serves.

``python -m tests.browser.seed_review TAG`` (with ``PATROL_DATA``/``PATROL_CONFIG`` set) adds
four open findings whose titles hold TAG on the first site and prints their ids as JSON
(甲 medium, 乙 high with a formula-looking title, 丙 low with ``@SUM``, 丁 medium).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

TITLES = {  # {tag}{key} makes each title unique and searchable
    "甲": ("{tag}{key}：关于召开工作会议的通知", "medium"),
    "乙": ('=HYPERLINK("http://evil.example/","{tag}{key}")', "high"),
    "丙": ("@SUM(1+1) {tag}{key}", "low"),
    "丁": ("{tag}{key}：年度工作总结", "medium"),
}
CONTEXT = "本文件为内部资料，请各单位注意保存"


def seed(tag: str) -> dict[str, int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from crawler import snapshots
    from crawler.models import Item, Page, PatrolRun, Site
    from screening.models import Finding

    site = Site.objects.order_by("id").first()
    run = PatrolRun.objects.order_by("-id").first()
    out = {}
    for n, (key, (title, severity)) in enumerate(TITLES.items()):
        url = f"{site.url.rstrip('/')}/seeded/{tag}/{n}.html"
        full = title.format(tag=tag, key=key)
        item = Item.objects.create(site=site, url=url, title=full, publish_date=date.today())
        body = f"<html><body><h1>{full}</h1><p>{CONTEXT}</p></body></html>".encode()
        snap = snapshots.store(body)
        page = Page.objects.create(site=site, item=item, url=url, status=200, snapshot=snap, run=run)
        finding = Finding.objects.create(
            url=url,
            page_url=url,
            page=page,
            snapshot=snap,
            severity=severity,
            flagged=True,
            kinds=["internal_marker"],
            hits=[
                {
                    "kind": "internal_marker",
                    "rule": "lexicon:内部资料",
                    "severity": severity,
                    "text": "内部资料",
                    "context": CONTEXT,
                    "start": 5,
                    "end": 9,
                }
            ],
        )
        out[key] = finding.pk
    return out


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1]), ensure_ascii=False))
