"""Issue 11 end to end: the demo's scanned documents — a 红头文件 scanned to an image-only PDF and
a photographed ID list shown as a picture in an article's body — are fetched by a real patrol,
read by OCR in the screening workers and flagged, each hit with its page and box."""

from __future__ import annotations

import json

import pytest
import yaml

from demo.server import DemoNetwork
from tests.crawl_helpers import patrol

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo-scans")]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    net = DemoNetwork("small", scans=True).start()
    root = tmp_path_factory.mktemp("scans")
    cfg = root / "patrol.yaml"
    net.write_config(cfg, crawl={"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4})
    conf = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    conf["sites"] = [s for s in conf["sites"] if s["id"] in ("fgj", "mzj")]  # the sites carrying the scans
    cfg.write_text(yaml.safe_dump(conf, allow_unicode=True), encoding="utf-8")
    data = root / "data"
    try:
        patrol(data, cfg, "crawl", "--quiet")
        out = json.loads(patrol(data, cfg, "findings", "--status", "all", "--format", "json").stdout)
        yield net, out
    finally:
        net.stop()


def test_every_scanned_plant_is_found_by_ocr_with_page_and_box(scanned):
    net, out = scanned
    scans = [
        p for p in net.network.screening_positives if p["attachment"] is not None and p["attachment"].scan
    ]
    assert {p["attachment"].fmt for p in scans} == {"pdf", "jpg"}
    truth = {(t["url"], t["kind"]) for t in net.truth()["screening_positives"]}
    found = {f["url"]: f for f in out["findings"]}
    for p in scans:
        url = next(u for u, k in truth if u.endswith(p["attachment"].path) and k == p["kind"])
        finding = found.get(url)
        assert finding is not None and finding["flagged"], url
        hits = [h for h in finding["hits"] if h["kind"] == p["kind"]]
        assert hits and all(h.get("ocr") is True and h["page"] == 1 for h in hits), hits
        assert all(len(h["box"]) == 4 and h["box"][2] > h["box"][0] for h in hits)


def test_the_article_picture_hangs_on_its_article(scanned):
    net, out = scanned
    image = next(
        p for p in net.network.screening_positives if p["attachment"] is not None and p["attachment"].inline
    )
    finding = next(f for f in out["findings"] if f["url"].endswith(image["attachment"].path))
    assert finding["page"].endswith(image["article"].path)  # the page it was shown in
    assert all("*" in h["text"] for h in finding["hits"] if h["kind"] == "id_number")  # masked in the store
