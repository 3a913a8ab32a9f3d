"""Hidden links (暗链): inspection.checks.hidden (pure; no fetching)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from inspection.checks import hidden_links, stylesheet_imports, stylesheet_urls

PAGE = "http://site.test/index.html"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages"


def in_site(url: str) -> bool:
    return urlsplit(url).hostname == "site.test"


def page(body: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class='main'><a href='/a/'>首页</a></div>{body}</body></html>"
    )


def found(html: str, sheets: dict | None = None) -> list[tuple[str, str]]:
    return [(h.target, h.how) for h in hidden_links(PAGE, html, sheets or {}, in_site)]


@pytest.mark.parametrize(
    "body, how",
    [
        (
            "<div style='position:absolute;top:-999px;left:-999px'><a href='http://x.test/'>娱乐城</a></div>",
            "offscreen",
        ),
        ("<marquee height='0' scrollamount='9999'><a href='http://x.test/'>彩票</a></marquee>", "zero_size"),
        ("<div style='height:0;overflow:hidden'><a href='http://x.test/'>博彩</a></div>", "zero_size"),
        (
            "<div style='width:1px;height:1px;overflow:hidden'><a href='http://x.test/'>博彩</a></div>",
            "zero_size",
        ),
        ("<a href='http://x.test/' style='display:none'>百家乐</a>", "display_none"),
        ("<span style='visibility:hidden'><a href='http://x.test/'>百家乐</a></span>", "visibility_hidden"),
        ("<div style='font-size:0'><a href='http://x.test/'>百家乐</a></div>", "font_size_zero"),
        ("<div style='font:0/0 a'><a href='http://x.test/'>百家乐</a></div>", "font_size_zero"),
        ("<p style='text-indent:-9999px'><a href='http://x.test/'>百家乐</a></p>", "offscreen"),
        (
            "<div style='position:fixed;margin-left:-3000px'><a href='http://x.test/'>百家乐</a></div>",
            "offscreen",
        ),
        ("<div hidden><a href='http://x.test/'>百家乐</a></div>", "hidden_attr"),
        (
            "<div style='position:relative;left:-9999px'><a href='http://x.test/'>百家乐</a></div>",
            "offscreen",
        ),
        ("<div style='margin-left:-9999px'><a href='http://x.test/'>百家乐</a></div>", "offscreen"),
        (
            "<div style='position:absolute;right:-10000px'><a href='http://x.test/'>百家乐</a></div>",
            "offscreen",
        ),
        (
            "<div style='position:absolute;clip:rect(0 0 0 0)'><a href='http://x.test/'>百家乐</a></div>",
            "zero_size",
        ),
        ("<div style='transform:scale(0)'><a href='http://x.test/'>百家乐</a></div>", "zero_size"),
        ("<div style='opacity:0'><a href='http://x.test/'>百家乐</a></div>", "opacity_zero"),
        (
            "<div style='display:none'><ul><li><p><a href='//x.test/'>百家乐</a></p></li></ul></div>",
            "display_none",
        ),
    ],
)
def test_inline_hiding(body, how):
    target = "http://x.test/"
    assert found(page(body)) == [(target, how)]


def test_hiding_class_from_style_block_and_site_stylesheet():
    html = page(
        "<div class='yq'><a href='http://a.test/'>网上赌场</a></div>"
        "<div id='ft'><span class='k'><a href='http://b.test/'>时时彩</a></span></div>",
        head="<style>.yq{display:none}</style><link rel='stylesheet' href='/css/main.css'>",
    )
    sheets = {"http://site.test/css/main.css": "body{color:#333}\n#ft .k { visibility : hidden }"}
    assert found(html, sheets) == [
        ("http://a.test/", "display_none"),
        ("http://b.test/", "visibility_hidden"),
    ]
    # the sheet not fetched (out of scope or failed): its rules are unknown, the link counts as shown
    assert found(html) == [("http://a.test/", "display_none")]


def test_imports_are_followed_when_given():
    html = page(
        "<div class='z'><a href='http://a.test/'>赌场</a></div>",
        head="<style>@import url('/css/x.css');</style>",
    )
    assert stylesheet_urls(PAGE, html) == ["http://site.test/css/x.css"]
    sheets = {
        "http://site.test/css/x.css": "@import 'y.css';",
        "http://site.test/css/y.css": ".z{display:none}",
    }
    assert stylesheet_imports("http://site.test/css/x.css", sheets["http://site.test/css/x.css"]) == [
        "http://site.test/css/y.css"
    ]
    assert found(html, sheets) == [("http://a.test/", "display_none")]


def test_cascade_later_or_more_specific_rules_show_again():
    css = "<style>.box{display:none} #main .box{display:block} .k{display:none!important} #x{display:block}</style>"
    html = page(
        "<div id='main'><div class='box'><a href='http://shown.test/'>友情链接</a></div></div>"
        "<div id='x' class='k'><a href='http://imp.test/'>赌场</a></div>"
        "<div style='visibility:hidden'><span style='visibility:visible'><a href='http://vis.test/'>链接</a></span></div>"
        "<div style='font-size:0'><span style='font-size:12px'><a href='http://fs.test/'>链接</a></span></div>",
        head=css,
    )
    assert found(html) == [("http://imp.test/", "display_none")]


def test_near_misses():
    css = (
        "<style>.nav .sub{display:none;position:absolute} .nav li:hover .sub{display:block}"
        ".gov{display:none} @media print {.noprint{display:none}}</style>"
    )
    html = page(
        # a drop-down menu into the site
        "<ul class='nav'><li><a href='/xxgk/'>信息公开</a><ul class='sub'><li><a href='/xxgk/gzdt/'>工作动态</a></li>"
        "<li><a href='http://site.test/xxgk/tzgg/'>通知公告</a></li></ul></li></ul>"
        # hidden links to other government sites, visible links out
        "<div class='gov'><a href='http://www.hebei.gov.cn/'>河北省政府</a><a href='https://WWW.GOV.CN/'>中国政府网</a></div>"
        "<div><a href='http://www.gov.cn/'>中国政府网</a> <a href='http://news.example.com/'>新闻网</a></div>"
        # a box of height 0 that does not clip, print-only hiding, a credit line, an empty link
        "<div style='height:0'><a href='http://over.test/'>溢出可见</a></div>"
        "<div style='position:absolute;left:50%;width:960px;margin-left:-480px'><a href='http://c.test/'>居中</a></div>"
        "<div style='position:absolute;clip:rect(0 200px 30px 0)'><a href='http://clip.test/'>裁剪可见</a></div>"
        "<div class='noprint'><a href='http://p.test/'>打印时隐藏</a></div>"
        "<a href='http://www.hanweb.com' style='display:none'>Produced By 大汉网络 大汉版通发布系统</a>"
        "<a style='display:none' href='http://121.0.0.1/jiucuo.html'><img style='display:none' src='/j.png'></a>"
        # a pop-up panel that a script of the page shows
        "<div id='bsPanel' style='display:none'><a href='http://share.test/intro'>分享到</a></div>"
        "<a href='javascript:;' onclick=\"document.getElementById('bsPanel').style.display='block'\">分享</a>"
        # not http
        "<div style='display:none'><a href='mailto:x@y.test'>邮件</a><a href='javascript:void(0)'>x</a></div>",
        head=css,
    )
    assert found(html) == []


def test_base_href_resolves_targets():
    html = page(
        "<div style='display:none'><a href='bet/'>赌场</a></div>", head="<base href='http://out.test/x/'>"
    )
    assert found(html) == [("http://out.test/x/bet/", "display_none")]


def test_stylesheet_urls():
    head = (
        "<base href='http://site.test/sub/'><link rel='stylesheet' href='a.css'><link rel='alternate stylesheet' "
        "href='alt.css'><link rel='icon' href='i.ico'><LINK REL='StyleSheet' HREF='/b.css'>"
        '<style>@import "c.css"; .x{color:red}</style>'
    )
    assert stylesheet_urls(PAGE, page("", head)) == [
        "http://site.test/sub/a.css",
        "http://site.test/b.css",
        "http://site.test/sub/c.css",
    ]


def test_no_real_page_is_flagged():
    manifest = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for m in manifest:
        html = (REAL / m["file"]).read_bytes().decode(m.get("encoding") or "utf-8", "replace")
        url = m.get("original_url") or "http://unknown.test/"
        host = urlsplit(url).hostname

        def scope(u, host=host):
            return urlsplit(u).hostname == host

        sheets = {}  # the real sites' stylesheets are not saved: inline styles and <style> blocks only
        assert hidden_links(url, html, sheets, scope) == [], m["file"]
        checked += 1
    assert checked == len(manifest) >= 39


def test_boxes_written_by_document_write():
    html = page(
        "<script>document.write('<div style=\"display:none\">');</script><a href='http://x.test/'>赌场</a>"
        "<script type='text/javascript'>document.write(\"</div>\")</script>"
        "<script>document.writeln(unescape('%3Cdiv%20style%3D%22position%3Aabsolute%3Btop%3A-999px%22%3E"
        "%3Ca%20href%3D%22http%3A//y.test/%22%3E%E5%BD%A9%E7%A5%A8%3C/a%3E%3C/div%3E'));</script>"
        # a script that does more than write literals is left alone (its link is not shown hidden)
        "<script>if (a) document.write('<div style=\"display:none\">');</script><a href='http://z.test/'>z</a>"
    )
    assert found(html) == [("http://x.test/", "display_none"), ("http://y.test/", "offscreen")]


def test_outside_links_tell_whether_stylesheets_are_needed():
    from inspection.checks import outside_links

    html = page("<a href='http://www.gov.cn/'>政府网</a><a href='/b/'>b</a><a href='http://o.test/x'>o</a>")
    assert outside_links(PAGE, html, in_site) == ["http://o.test/x"]
    assert outside_links(PAGE, page("<a href='/b/'>b</a>"), in_site) == []


def test_inactive_tab_panels_are_no_hits_but_lone_boxes_are():
    tabs = (
        "<ul class='tab'><li onmouseover=\"setTab('one',1,3)\">新闻网站</li><li>友情链接</li><li>其他</li></ul>"
        "<div id='con_one_1'><a href='http://www.people.com.cn/'>人民网</a></div>"
        "<div id='con_one_2' style='display:none'><a href='http://www.xinhuanet.com/'>新华网</a></div>"
        "<div class='tabcon'><a href='http://www.cctv.com/'>央视网</a></div>"
        "<div class='tabcon' style='display:none'><a href='http://www.chinadaily.com.cn/'>中国日报网</a></div>"
        "<div class='yqlj hide'><a href='http://www.gmw.cn/'>光明网</a></div>"
        "<script>$('.tab li').hover(function(){$(this).siblings().removeClass('on');$('.yqlj').show();});</script>"
    )
    assert found(page(tabs, head="<style>.hide{display:none}</style>")) == []
    # an attack box beside ordinary boxes is still hidden: it shares no class or numbered id with them
    attack = "<div>正文</div><div style='display:none'><a href='http://x.test/'>赌场</a></div><div>页脚</div>"
    assert found(page(attack)) == [("http://x.test/", "display_none")]
    both_hidden = "<div class='xx'><a href='http://a.test/'>赌场</a></div><div class='xx'><a href='http://b.test/'>彩票</a></div>"
    assert len(found(page(both_hidden, head="<style>.xx{display:none}</style>"))) == 2
