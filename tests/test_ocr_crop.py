"""The review page of an OCR hit shows the region of the scanned page it was read from, cropped
and redrawn by the app (a PNG), to the roles that see findings and to no one else."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from PIL import Image

from crawler import snapshots
from crawler.models import Attachment, Item, Page, Site
from screening.models import Finding
from web.roles import SECRECY_BUREAU, SUPERVISOR, assign_role

pytestmark = pytest.mark.django_db
BOX = [60, 40, 260, 90]  # where the mark was "read", in pixels of the page image


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _client(role: str) -> Client:
    user = get_user_model().objects.create_user(f"u-{role}", password="Patrol-test-passw0rd")
    assign_role(user, role)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def scan_finding():
    page_img = Image.new("RGB", (800, 1100), "white")
    page_img.paste((200, 0, 0), (BOX[0], BOX[1], BOX[2], BOX[3]))  # the "mark": a red block
    buf = io.BytesIO()
    page_img.save(buf, format="PNG")
    site = Site.objects.create(
        site_id="s", name="某县", tier="county", url="http://a.gov.cn/", scope=["http://a.gov.cn/"]
    )
    item = Item.objects.create(site=site, url="http://a.gov.cn/t1.html", title="扫描件")
    page = Page.objects.create(
        site=site, item=item, url=item.url, status=200, snapshot=snapshots.store(b"<html></html>")
    )
    snap = snapshots.store(buf.getvalue())
    att = Attachment.objects.create(
        page=page, item=item, url="http://a.gov.cn/scan.png", name="scan.png", snapshot=snap
    )
    hits = [
        {
            "kind": "classified_mark",
            "severity": "high",
            "text": "秘密★1年",
            "context": "秘密★1年",
            "start": 0,
            "end": 5,
            "ocr": True,
            "page": 1,
            "box": BOX,
        },
        {"kind": "keyword", "severity": "low", "text": "涉密", "context": "涉密", "start": 9, "end": 11},
    ]
    return Finding.objects.create(
        url=att.url,
        page_url=page.url,
        page=page,
        attachment=att,
        snapshot=snap,
        severity="high",
        flagged=True,
        kinds=["classified_mark", "keyword"],
        hits=hits,
    )


def test_the_bureau_sees_the_region_of_the_page_the_mark_was_read_from(scan_finding):
    bureau = _client(SECRECY_BUREAU)
    page = bureau.get(reverse("web:finding", args=[scan_finding.pk])).content.decode()
    crop_url = reverse("web:finding_crop", args=[scan_finding.pk, 0])
    assert crop_url in page and "第 1 页的原图区域" in page
    assert reverse("web:finding_crop", args=[scan_finding.pk, 1]) not in page  # not an OCR hit
    resp = bureau.get(crop_url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert "no-store" in resp["Cache-Control"]
    img = Image.open(io.BytesIO(resp.content)).convert("RGB")
    assert img.size == (BOX[2] - BOX[0] + 48, BOX[3] - BOX[1] + 48)  # the box and a margin around it
    assert img.getpixel((img.width // 2, img.height // 2)) == (200, 0, 0)
    assert img.getpixel((2, 2)) == (255, 255, 255)


def test_no_crop_for_other_hits_or_roles(scan_finding):
    bureau = _client(SECRECY_BUREAU)
    assert bureau.get(reverse("web:finding_crop", args=[scan_finding.pk, 1])).status_code == 404
    assert bureau.get(reverse("web:finding_crop", args=[scan_finding.pk, 7])).status_code == 404
    assert _client(SUPERVISOR).get(reverse("web:finding_crop", args=[scan_finding.pk, 0])).status_code == 403
    anonymous = Client().get(reverse("web:finding_crop", args=[scan_finding.pk, 0]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
