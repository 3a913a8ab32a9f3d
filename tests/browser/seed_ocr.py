"""A finding read by OCR from a drawn scan, on the data folder ``patrol web`` serves.

``python -m tests.browser.seed_ocr`` (with ``PATROL_DATA``/``PATROL_CONFIG`` set) stores a
scanned-notice PNG as an attachment of the first site with one OCR hit (秘密★1年, page 1, its
box) and prints the finding's id.
"""

from __future__ import annotations

import io
import os

from PIL import Image, ImageDraw

BOX = (70, 50, 330, 110)


def seed() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from crawler import snapshots
    from crawler.models import Attachment, Item, Page, PatrolRun, Site
    from screening.models import Finding
    from tests.scans.scangen import _font

    img = Image.new("RGB", (900, 1200), "white")
    draw = ImageDraw.Draw(img)
    draw.text((BOX[0] + 6, BOX[1] + 6), "秘密★1年", fill=(0, 0, 0), font=_font("bold", 40))
    draw.text((200, 220), "某县人民政府文件", fill=(200, 0, 0), font=_font("bold", 56))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    site = Site.objects.order_by("id").first()
    run = PatrolRun.objects.order_by("-id").first()
    url = f"{site.url.rstrip('/')}/seeded/ocr/notice.html"
    item = Item.objects.create(site=site, url=url, title="关于某事项的通知（扫描件）")
    page = Page.objects.create(
        site=site, item=item, url=url, status=200, snapshot=snapshots.store(b"<html></html>"), run=run
    )
    snap = snapshots.store(buf.getvalue())
    att = Attachment.objects.create(
        page=page, item=item, url=url.replace(".html", ".png"), name="通知扫描件.png", snapshot=snap, run=run
    )
    hit = {
        "kind": "classified_mark",
        "rule": "mark",
        "severity": "high",
        "text": "秘密★1年",
        "context": "秘密★1年 某县人民政府文件",
        "start": 0,
        "end": 5,
        "ocr": True,
        "page": 1,
        "box": list(BOX),
    }
    finding = Finding.objects.create(
        url=att.url,
        page_url=url,
        page=page,
        attachment=att,
        snapshot=snap,
        severity="high",
        flagged=True,
        kinds=["classified_mark"],
        hits=[hit],
        run=run,
    )
    return finding.pk


if __name__ == "__main__":
    print(seed())
