"""Site identity (网站标识码, ICP 备案号, 公安机关备案号, 党政机关网站标识): inspection.checks.identity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspection.checks import Identity, missing_identity, site_identity

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages"

# what each real page's footer shows (read by hand from the saved pages)
EXPECTED = {
    "001": ("4114240001", "豫ICP备15021526号-1", "豫公网安备41142402000535号", True),
    "005": ("1506000140", "蒙ICP备13001412号-2", "蒙公网安备15062102000168号", True),  # dcs.conac.cn script
    "006": ("3300000020", "浙ICP备05018911号", "浙公网安备33010602009328号", True),
    "007": ("1400000045", "晋ICP备12000773号", "晋公网安备14010502050691号", True),
    "008": ("bm01000001", "京ICP备05070218号", "京公网安备11010202000001号", True),  # a ministry's code
    "009": (None, "京ICP备20027467号-1", None, False),
    "010": ("3590000001", "闽ICP备09032658号", None, True),  # conac behind an IPv6 gateway host
    "014": ("2202000006", "吉ICP备05005864号", "吉公网安备22021102000204号", True),
    "022": (None, "京ICP备05008494号", None, True),  # written by document.write(unescape(...))
    "026": (None, None, None, False),  # a news site: ICP 证 (a licence) is not a 备案号
    "030": (None, None, "京公网安备:110105011222", False),
    "034": ("4104000031", "豫ICP备05017763号-1", "豫公网安备41040002000001号", False),
    "035": ("4104000017", "陕ICP备08003687号-1", None, False),  # 标识码&nbsp;4104000017
}


@pytest.mark.parametrize("num", sorted(EXPECTED))
def test_real_footers(num):
    manifest = {m["file"]: m for m in json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))}
    m = manifest[f"pages/{num}.html"]
    html = (REAL / m["file"]).read_bytes().decode(m.get("encoding") or "utf-8")
    got = site_identity(m.get("original_url") or "http://x.test/", html)
    code, icp, psb, mark = EXPECTED[num]
    assert (got.site_code, got.icp, got.psb, got.gov_mark is not None) == (code, icp, psb, mark)


def test_missing_lists_absent_marks_in_contract_order():
    assert missing_identity(Identity()) == ["site_code", "icp", "psb", "gov_mark"]
    assert missing_identity(Identity(site_code="1", gov_mark="x")) == ["icp", "psb"]


def test_only_shown_text_counts():
    html = (
        "<html><head><meta name='SiteIDCode' content='1311000001'><title>网站标识码：1311000001</title>"
        "<style>.footer_dzjg{width:20px}</style></head><body><!-- 冀ICP备12345678号 -->"
        "<script>var psb='冀公网安备 13110002000001号';</script><div class='footer'>主办：某县人民政府</div>"
        "</body></html>"
    )
    assert missing_identity(site_identity("http://x.test/", html)) == ["site_code", "icp", "psb", "gov_mark"]


def test_marks_written_in_many_ways():
    html = (
        "<html><body><div class='footer'>网站标识码 ：1311000001　冀 ICP 备 12345678 号 - 2 "
        "<a href='http://www.beian.gov.cn/'>冀公网安备 13110002000001号</a>"
        "<span id='_ideConac'></span></div></body></html>"
    )
    got = site_identity("http://x.test/", html)
    assert got == Identity("1311000001", "冀ICP备12345678号-2", "冀公网安备13110002000001号", "_ideConac")
    img = "<html><body><img src='/images/red.png' alt='党政机关'></body></html>"
    assert site_identity("http://x.test/", img).gov_mark == "/images/red.png"


def test_near_miss_numbers():
    html = "<html><body>标识码：13110000012 电话：0311-12345678 ICP证：冀B2-20040022</body></html>"
    got = site_identity("http://x.test/", html)
    assert (got.site_code, got.icp) == (None, None)


def test_other_labels():
    html = "<html><body><p>网站识别码：1311000001</p><p>公安机关备案号：13110002000001</p></body></html>"
    got = site_identity("http://x.test/", html)
    assert (got.site_code, got.psb) == ("1311000001", "公安机关备案号:13110002000001")


def test_full_width_digits():
    html = "<html><body>网站标识码：１３１１０００００１　冀ICP备１２３４５６７８号</body></html>"
    got = site_identity("http://x.test/", html)
    assert (got.site_code, got.icp) == ("1311000001", "冀ICP备12345678号")
