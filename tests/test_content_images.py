"""crawler.content_images: the images of an article body are documents for OCR; the site's logos,
banners, icons, QR codes and template images are not."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.content_images import content_images, image_urls

PAGE = """<html><head><base href="http://a.gov.cn/xxgk/2026/"></head><body>
<div class="header"><img src="/images/logo.png"><img src="/img/top.jpg"></div>
<nav><img src="/img/home.gif"></nav>
<div class="main"><h1>关于印发某某办法的通知</h1>
  <div class="TRS_Editor"><p>正文</p>
    <p><img src="W020260301_scan1.jpg" alt="通知扫描件第1页"></p>
    <p><img src="W020260301_scan2.jpg"></p>
    <p><img src="/img/dot.gif" width="12" height="12"></p>
    <p><img src="data:image/png;base64,AAAA"></p>
    <p><img src="/template/banner_2026.jpg"></p>
  </div>
  <div class="bdshare"><img src="/img/wx.png"></div>
  <div><img src="/images/print_icon.gif"></div>
</div>
<div id="footer"><img src="/img/dzjg.png"><img src="/img/ewm.jpg"></div>
</body></html>"""


def test_only_the_body_images_are_documents():
    template = set(image_urls("http://a.gov.cn/", '<img src="/template/banner_2026.jpg">'))
    got = content_images("http://a.gov.cn/xxgk/2026/t1.html", PAGE, template)
    assert got == [
        ("http://a.gov.cn/xxgk/2026/W020260301_scan1.jpg", "通知扫描件第1页"),
        ("http://a.gov.cn/xxgk/2026/W020260301_scan2.jpg", "W020260301_scan2.jpg"),
    ]


def test_real_detail_pages_give_no_chrome_images():
    root = Path(__file__).resolve().parents[2] / "shared" / "real-pages"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    details = [m for m in manifest if m["kind"] == "detail"]
    assert len(details) >= 10
    for m in details:
        html = (root / m["file"]).read_bytes().decode(m.get("encoding") or "utf-8", errors="replace")
        everything = image_urls(m["original_url"], html)
        body = content_images(m["original_url"], html)
        assert set(u for u, _ in body) <= set(everything)
        for url, _name in body:  # what is left is never page chrome
            assert not any(w in url.lower() for w in ("logo", "banner", "ewm", "qrcode", "icon", "share")), (
                url
            )
