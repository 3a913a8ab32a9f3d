"""Crawl rules as data (issue 9): each rule family has one home, and the county-extendable markers in
config/rules.yaml are the ones the crawler uses."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler import urls
from crawler.extract import markers, parse_detail, parse_list
from crawler.extract import patterns as P

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "config" / "rules.yaml"
LIST_HEAD = "<html><head><meta charset='utf-8'><title>通知公告</title></head><body>"
SIDE = (
    "<div class='left-menu'><ul><li><a href='/xxgk/zcwj/'>政策文件</a></li>"
    "<li><a href='/xxgk/tzgg/'>通知公告</a></li><li><a href='/xxgk/gzdt/'>工作动态</a></li></ul></div>"
)


def _list_page(message: str) -> str:
    return f"{LIST_HEAD}{SIDE}<div class='main'><div class='list'><p>{message}</p></div></div></body></html>"


def _detail_page(message: str) -> str:
    return f"{LIST_HEAD}<div class='content'><p>{message}</p><a href='/'>返回首页</a></div></body></html>"


@pytest.fixture
def county_rules(tmp_path):
    """A county's rules file adding its own wording; the default rules are restored afterwards."""
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    data["timeliness"]["empty_markers"].append("本栏目信息正在整理中")
    data["timeliness"]["soft_404_markers"].append("该信息已(被)?下线")
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    markers.configure(path)
    yield path
    markers.configure(None)


# ------------------------------------------------------------------ markers: config/rules.yaml, used
def test_default_markers_come_from_rules_yaml():
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))["timeliness"]
    m = markers.markers()
    for key, rx in (("empty_markers", m.empty), ("soft_404_markers", m.soft_404)):
        for entry in data[key]:
            if re.escape(entry) == entry:  # a plain phrase: found as written
                assert rx.search(f"（{entry}）"), entry
            else:
                assert entry in rx.pattern, entry
    assert parse_list("http://c.gov.cn/xxgk/tzgg/", _list_page("暂无信息")).empty
    assert parse_detail(
        "http://c.gov.cn/xxgk/tzgg/1.html", _detail_page("对不起，您访问的页面不存在")
    ).soft_404


def test_an_added_marker_works(county_rules):
    lp = parse_list("http://c.gov.cn/xxgk/tzgg/", _list_page("本栏目信息正在整理中"))
    assert lp.empty and lp.entries == []
    d = parse_detail("http://c.gov.cn/xxgk/tzgg/1.html", _detail_page("该信息已被下线，请浏览其他内容"))
    assert d.soft_404
    markers.configure(None)  # the default rules do not know the county's wording
    assert not parse_list("http://c.gov.cn/xxgk/tzgg/", _list_page("本栏目信息正在整理中")).empty
    assert not parse_detail(
        "http://c.gov.cn/xxgk/tzgg/1.html", _detail_page("该信息已被下线，请浏览其他内容")
    ).soft_404


def test_a_removed_marker_is_no_longer_read(tmp_path):
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    data["timeliness"]["empty_markers"] = [m for m in data["timeliness"]["empty_markers"] if m != "暂无信息"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        markers.configure(path)
        assert not parse_list("http://c.gov.cn/xxgk/tzgg/", _list_page("暂无信息")).empty
        assert parse_list("http://c.gov.cn/xxgk/tzgg/", _list_page("暂无数据")).empty
    finally:
        markers.configure(None)


def test_an_entry_with_its_own_alternatives_stays_one_entry():
    assert markers._top_level_bar("已撤稿|已下线") and not markers._top_level_bar("页面已(被|遭)删除")
    assert not markers._top_level_bar(r"[|]\|x") and markers._top_level_bar(r"[]|]x|y")
    m = markers._compile("soft_404_markers", ["已撤稿|已下线", "页面不存在"], 0)
    assert m.search("本文已下线") and m.search("页面不存在") and not m.search("已撤")


def test_a_bad_marker_is_refused_with_its_name(tmp_path):
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    data["timeliness"]["soft_404_markers"].append("页面(不存在")
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="soft_404_markers"):
        markers.load(path)
    assert markers.markers().soft_404.search("页面不存在")  # the markers in use are untouched


def test_no_marker_phrase_is_kept_in_the_code():
    """No string in crawler/extract (docstrings and comments aside) repeats a marker of rules.yaml.
    The one other rule naming such words reads a page's <title>, not its text (SOFT404_TITLE_RE)."""
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))["timeliness"]
    phrases = [
        m for m in data["empty_markers"] + data["soft_404_markers"] if re.fullmatch(r"[\u4e00-\u9fff]+", m)
    ]
    assert len(phrases) > 10
    for path in (ROOT / "crawler" / "extract").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        title_rule = {
            id(c)
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign)
            and any(getattr(t, "id", "") == "SOFT404_TITLE_RE" for t in n.targets)
            for c in ast.walk(n)
        }
        for node in ast.walk(tree):
            if id(node) in title_rule:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                hits = [p for p in phrases if p in node.value]
                assert not hits, f"{path.name}:{node.lineno} repeats {hits}"


# ------------------------------------------------------------------ index files, page parameters
def test_column_url_reads_index_files_and_page_params_from_patterns():
    assert urls.PAGE_PARAMS is P.PAGE_PARAMS
    for name in P.INDEX_FILES:
        assert urls.column_url(f"http://c.gov.cn/xxgk/tzgg/{name}") == "http://c.gov.cn/xxgk/tzgg/"
        assert urls.column_url(f"http://c.gov.cn/xxgk/tzgg/{name.upper()}") == "http://c.gov.cn/xxgk/tzgg/"
        assert urls.parse_scope(f"http://c.gov.cn/xxgk/{name}").segments == ("xxgk",)
    for param in P.PAGE_PARAMS:
        assert urls.column_url(f"http://c.gov.cn/list.asp?classid=3&{param}=2") == (
            "http://c.gov.cn/list.asp?classid=3"
        )
    assert urls.column_url("http://c.gov.cn/xxgk/list.html") == "http://c.gov.cn/xxgk/list.html"
    assert urls.column_url("http://c.gov.cn/list.asp?classid=3") == "http://c.gov.cn/list.asp?classid=3"


def test_pager_params_extend_the_column_page_params():
    assert P.PAGE_PARAMS < P.PAGER_URL_PARAMS


def test_a_form_pager_field_is_a_page_param():
    html = (
        f"{LIST_HEAD}<ul>"
        + "".join(
            f"<li><a href='/a/{i}.html'>第{i}条通知的标题文字</a><span>2020-01-{i:02d}</span></li>"
            for i in range(1, 6)
        )
        + "</ul><a href='javascript:goPage(2)'>2</a><a href='javascript:goPage(3)'>3</a>"
        "<form action='list.jsp' method='post'><input type='hidden' name='curPage' value='1'></form></body></html>"
    )
    lp = parse_list("http://c.gov.cn/list.jsp", html)
    assert lp.post and lp.pages == [
        "http://c.gov.cn/list.jsp",
        "http://c.gov.cn/list.jsp?curPage=2",
        "http://c.gov.cn/list.jsp?curPage=3",
    ]


def test_the_rules_module_loads_without_lxml():
    """crawler.urls (read by the configuration) imports the rules without the HTML machinery."""
    code = (
        "import sys, crawler.urls; assert 'crawler.extract.patterns' not in sys.modules, 'patterns';"
        "import crawler.extract.patterns; assert 'lxml' not in sys.modules, 'lxml'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
