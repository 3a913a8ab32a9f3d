"""Issue 10 end to end: a real patrol of tests/inspectnet, then ``patrol report inspection --format
json``: every planted case found, no near-miss, the counts untouched, nothing outside any scope
(and never a hidden link's target) requested."""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import patrol
from tests.inspectnet.network import AS_OF, InspectNetwork

pytestmark = pytest.mark.xdist_group("inspectnet")


@pytest.fixture(scope="module")
def patrolled(tmp_path_factory):
    net = InspectNetwork().start()
    root = tmp_path_factory.mktemp("inspectnet")
    cfg = net.write_config(root / "patrol.yaml")
    data = root / "data"
    try:
        patrol(data, cfg, "crawl", "--quiet")
        out = patrol(data, cfg, "report", "inspection", "--as-of", AS_OF, "--format", "json").stdout
        counts = patrol(data, cfg, "report", "counts", "--year", "2026", "--format", "json").stdout
        yield net, json.loads(out), json.loads(counts)
    finally:
        net.stop()


def _key(f: dict, fields: list[str]) -> tuple:
    return tuple(json.dumps(f.get(k), ensure_ascii=False, sort_keys=True) for k in fields)


def test_every_planted_case_and_no_near_miss(patrolled):
    net, got, _ = patrolled
    truth = net.truth()
    kinds = set(truth["kinds"])
    mine = [f for f in got["findings"] if f["kind"] in kinds]
    want = truth["findings"]
    missing = []
    for w in want:
        fields = sorted(w)
        if not any(_key(g, fields) == _key(w, fields) for g in mine):
            missing.append(w)
    extra = [g for g in mine if not any(_key(g, sorted(w)) == _key(w, sorted(w)) for w in want)]
    assert not missing, json.dumps(missing, ensure_ascii=False, indent=1)
    assert not extra, json.dumps(extra, ensure_ascii=False, indent=1)


def test_veto_summary_equals_the_truth(patrolled):
    net, got, _ = patrolled
    want = {s["id"]: (s["veto"], sorted(s["reasons"])) for s in net.truth()["sites"]}
    have = {s["id"]: (s["veto"], sorted(s["reasons"])) for s in got["sites"]}
    assert have == want


def test_message_columns_do_not_change_the_counts_and_nothing_left_scope(patrolled):
    net, _, counts = patrolled
    items = {s["id"]: s["items"] for s in counts["sites"]}
    assert items == {"hx": 6, "jyj": 3, "qsz": 5}
    names = {c["name"] for s in counts["sites"] for c in s["columns"]}
    assert not names & {"县长信箱", "局长信箱", "镇长信箱", "在线访谈", "意见征集"}
    assert net.outside_requests == []  # hidden links' targets and every other outside URL: never asked


def test_a_wrong_line_in_the_wording_lexicon_stops_the_patrol_before_any_request(tmp_path):
    (tmp_path / "wording.yaml").write_text(
        "- {wrong: 中华人民共合国, right: 中华人民共和国, severity: serious}\n- {wrong: 北朝鲜, severity: fatal}\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "patrol.yaml"
    cfg.write_text(
        "sites:\n  - {id: a, name: 某局, tier: department, url: 'http://127.0.0.1:9/', scope: ['http://127.0.0.1:9/']}\n"
        "crawl: {}\ninspection: {wording_lexicon: wording.yaml}\n",
        encoding="utf-8",
    )
    proc = patrol(tmp_path / "data", cfg, "crawl", "--quiet", check=False)
    assert proc.returncode != 0
    assert "wording.yaml:2" in proc.stderr


def test_an_unchanged_page_is_checked_against_its_stored_stylesheet_and_asks_for_none(tmp_path):
    """The second patrol of an unchanged network asks for no stylesheet (this server sends no
    validators: the pages come again in full, with the bytes stored), yet the hidden link that
    only the stylesheet hides is found again; a sheet that is gone (404) is kept as gone; once the
    page changes, its sheets are fetched again."""
    from tests.inspectnet.network import IPS

    net = InspectNetwork().start()
    try:
        cfg = net.write_config(tmp_path / "patrol.yaml")
        data = tmp_path / "data"

        def hidden_links() -> list[str]:
            out = patrol(data, cfg, "report", "inspection", "--as-of", AS_OF, "--format", "json").stdout
            found = [f for f in json.loads(out)["findings"] if f["kind"] == "hidden_link"]
            return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in found)

        def sheets_asked() -> list[tuple[str, str]]:
            asked = [r for r in net.requests if r[1].endswith(".css")]
            net.requests.clear()
            return asked

        home = (IPS["hx"], "/")
        status, headers, body = net.pages[home]
        gone = "<link rel='stylesheet' href='/css/gone.css'>"  # a sheet the server answers 404
        assert "友情链接：" in body and "</head>" in body
        net.pages[home] = (status, headers, body.replace("</head>", gone + "</head>", 1))
        both = [(IPS["hx"], "/css/gone.css"), (IPS["hx"], "/css/main.css")]
        patrol(data, cfg, "crawl", "--quiet")
        first = hidden_links()
        assert any("/bet/" in f for f in first)  # hidden by the stylesheet's .ft-ad{display:none}
        assert sorted(sheets_asked()) == both
        patrol(data, cfg, "crawl", "--quiet")
        assert sheets_asked() == []  # the one that failed is not asked again either
        assert hidden_links() == first
        status, headers, body = net.pages[home]
        net.pages[home] = (status, headers, body.replace("友情链接：", "友情链接（更新）："))
        patrol(data, cfg, "crawl", "--quiet")
        assert sorted(sheets_asked()) == both
        assert hidden_links() == first
    finally:
        net.stop()


@pytest.mark.parametrize(
    ("status", "kept"),
    [(200, (200, b"a{}")), (404, (404, None)), (410, (410, None)), (503, None), (403, None)],
)
def test_a_stylesheet_is_kept_when_it_came_or_is_gone_and_asked_again_after_any_other_failure(status, kept):
    from scrapy import Request
    from scrapy.http import Response

    from crawler.inspect import InspectionMixin
    from crawler.items import StructuralPage

    class Spider(InspectionMixin):
        def __init__(self):
            self._inspection_init()
            self.state = {}

        def _drain(self):
            return iter(())

    url = "http://a.example.cn/css/main.css"
    req = Request(url, meta={"css": url, "site": "a"})
    out = list(Spider().parse_css(Response(url, status=status, body=b"a{}", request=req)))
    pages = [(p.status, p.body) for p in out if isinstance(p, StructuralPage) and p.kind == "style"]
    assert pages == ([kept] if kept else [])
