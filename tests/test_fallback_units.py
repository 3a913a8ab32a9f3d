"""Units behind discovery fallbacks and 'what could not be read is said' (issue 7, items 2, 3, 7):
redirect stubs, document.write menus, challenge pages, the menu selector, the override keys, and
the run history (CLI and web) listing each run's site findings."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config.patrolconf import ConfigError, parse
from crawler.extract import discover
from crawler.models import PatrolRun, Site
from crawler.sitefindings import record
from web.roles import INFO_CENTRE, assign_role

HOME = "http://gov.example/zwgk/"


# ---------------------------------------------------------------------------- redirect stubs
@pytest.mark.parametrize(
    "html,target",
    [
        (  # a meta refresh written by a script, in <head>
            '<html><head><script>document.write(\'<meta http-equiv="refresh" content="0;url=../xxgk/">\')'
            "</script></head><body></body></html>",
            "http://gov.example/xxgk/",
        ),
        (  # a plain meta refresh, with a delay and a quoted URL
            "<html><head><meta http-equiv='Refresh' content=\"2; URL='/gk/index.html'\"></head>"
            "<body>页面跳转中…</body></html>",
            "http://gov.example/gk/index.html",
        ),
        (
            "<html><body><script>window.location.href = 'index_gk.html';</script></body></html>",
            HOME + "index_gk.html",
        ),
        ('<script>location.replace("http://other.example/a/")</script>', "http://other.example/a/"),
        ("<script>top.location='/x/'</script>正在跳转，请稍候", "http://gov.example/x/"),
    ],
)
def test_stub_target_follows_meta_and_script_redirects(html, target):
    assert discover.stub_target(HOME, html) == target


@pytest.mark.parametrize(
    "html",
    [
        # a real page that happens to carry a script redirect for old browsers
        "<html><body>"
        + "".join(f"<p>第{i}段正文内容，介绍本单位的机构职能和工作动态。</p>" for i in range(12))
        + "<script>if(isMobile)location.href='/m/';</script></body></html>",
        # a menu page: too many links to be a stub
        "<html><body>"
        + "".join(f"<a href='/c{i}/'>栏目{i}</a>" for i in range(8))
        + "<script>location.href='/x/'</script></body></html>",
        # a self-reload is no redirect
        "<html><body><script>location.href='/zwgk/'</script></body></html>",
        "<html><body><a href='javascript:void(0)'>x</a></body></html>",
    ],
)
def test_stub_target_none_for_real_pages(html):
    assert discover.stub_target(HOME, html) is None


def test_challenge_pages_are_told_from_stubs_and_pages():
    jsl = (
        "<html><head><script>document.cookie='__jsl_clearance=1354611120.82|0|x8T;max-age=3600;path=/';"
        "location.href=location.pathname+location.search</script></head><body></body></html>"
    )
    reload_only = "<html><body><script>setTimeout(function(){location.reload()},100)</script></body></html>"
    assert discover.is_challenge(jsl)
    assert discover.is_challenge(reload_only)
    assert not discover.is_challenge("<html><body><script>location.href='/xxgk/'</script></body></html>")
    page = "<html><body><ul>" + "".join(
        f"<li><a href='/a/{i}.html'>标题{i}</a> 2020-01-0{i}</li>" for i in range(1, 8)
    )
    assert not discover.is_challenge(
        page + "</ul><script>document.cookie='a=1';location.reload()</script></body></html>"
    )
    assert not discover.is_challenge("<html><body></body></html>")


# ---------------------------------------------------------------------------- document.write
def test_expand_writes_reads_literal_markup_only():
    html = (
        "<div><script>document.write('<ul><li><a href=\"/a/\">通知公告</a></li>');"
        'document.writeln("<li><a href=\\"/b/\\">政策\\u6587\\u4ef6</a></li>" + \'</ul>\');</script></div>'
        "<script>for(var i=0;i<n;i++){document.write('<a href=\"index_'+i+'.html\">'+i+'</a>')}</script>"
        "<script src='/x.js'>document.write('<a href=\"/never/\">外部脚本</a>')</script>"
    )
    out = discover.expand_writes(html)
    assert '<a href="/a/">通知公告</a>' in out
    assert '<a href="/b/">政策文件</a>' in out
    assert "index_'+i+'" in out  # a computed write stays a script
    assert "<script src='/x.js'>" in out  # an external script is not run


def test_column_candidates_read_document_write_menus_and_the_menu_selector():
    html = (
        "<html><body><div class='side'><script>document.write('<ul class=\"lm\">"
        '<li><a href="/tzgg/">通知公告</a></li><li><a href="/zcjd/">政策解读</a></li></ul>\')</script></div>'
        "<div class='box'><a href='/ztzl/'>专题专栏</a><a href='/zwdt/'>政务动态</a></div>"
        "<ul class='list'><li><a href='/tzgg/202001/t20200101_1.html'>关于某事的通知</a><span>2020-01-01</span></li></ul>"
        "</body></html>"
    )
    urls = {c.url for c in discover.column_candidates("http://g.example/tzgg/", html, set())}
    assert {"http://g.example/zcjd/", "http://g.example/ztzl/", "http://g.example/zwdt/"} <= urls
    picked = discover.column_candidates("http://g.example/tzgg/", html, set(), menu="div.box")
    assert [c.url for c in picked] == ["http://g.example/ztzl/", "http://g.example/zwdt/"]
    xpath = discover.column_candidates("http://g.example/x/", html, set(), menu="//ul[@class='lm']")
    assert [c.text for c in xpath] == ["通知公告", "政策解读"]


@pytest.mark.parametrize("text", ["政务公开", "信息公开", "政府信息公开", "公开目录"])
def test_entry_texts_alike(text):
    html = (
        f"<html><body><div class='nav'><a href='/'>首页</a><a href='/zwdt/'>政务动态</a>"
        f"<a href='/gk/'>{text}</a></div></body></html>"
    )
    assert discover.find_disclosure_entry("http://g.example/", html) == "http://g.example/gk/"


def test_entry_written_by_script_and_platform_homepage():
    html = "<html><body><script>document.write('<a href=\"/xxgk/\">政府信息公开</a>')</script></body></html>"
    assert discover.find_disclosure_entry("http://g.example/", html) == "http://g.example/xxgk/"
    assert discover.is_disclosure_page("http://g.example/", "<title>平川镇政府信息公开网</title>")
    assert not discover.is_disclosure_page(
        "http://g.example/", "<title>平川镇人民政府</title><h3>政府信息公开指南</h3>"
    )


def test_looks_like_list_tells_a_shell_from_a_content_page():
    from crawler.extract import parse_list

    shell = (
        "<html><body><div class='nav'><a href='/'>首页</a></div><div class='crumb'>当前位置：财政信息</div>"
        "<div id='list'></div><script src='/js/list.js'></script></body></html>"
    )
    guide = (  # a short content page: a heading and one paragraph, no empty list box
        "<html><body><div class='article'><h1>信息公开指南</h1><p>为了更好地提供政府信息公开服务，特编制本指南。</p>"
        "</div><script>var stat=1</script></body></html>"
    )
    text = "".join(
        f"<p>本局主要职责之{i}：负责全县水利工程建设与管理，组织实施水资源保护。</p>" for i in range(10)
    )
    content = f"<html><body><div class='nav'><a href='/'>首页</a></div><div>{text}</div></body></html>"
    url = "http://g.example/jgzn/"
    assert discover.looks_like_list(url, shell, parse_list(url, shell))
    assert not discover.looks_like_list(url, content, parse_list(url, content))
    assert not discover.looks_like_list(url, guide, parse_list(url, guide))
    bare = shell.replace("<script src='/js/list.js'></script>", "")
    assert not discover.looks_like_list(url, bare, parse_list(url, bare))  # no script fills it


# ---------------------------------------------------------------------------- override keys
CONF = """sites:
  - id: a
    name: A
    tier: county
    url: http://x.example/
    overrides:
      {key}: {value}
"""


@pytest.mark.parametrize(
    "key,value,problem",
    [
        ("columns", "[http://x.example/a/, ftp://x.example/b/]", "'ftp://x.example/b/' must be an absolute"),
        ("columns", "[]", "non-empty list"),
        ("columns", "7", "list of column URLs or a selector"),
        ("entry", "/zwgk/", "absolute http(s) URL"),
        ("row", "''", "CSS or XPath selector"),
        ("rows", "li", "unknown override"),
    ],
)
def test_override_values_checked_with_file_and_line(key, value, problem):
    with pytest.raises(ConfigError) as err:
        parse(CONF.format(key=key, value=value), "conf/patrol.yaml")
    assert str(err.value).startswith(f"conf/patrol.yaml:7: sites[0].overrides.{key}") or key == "rows"
    assert problem in str(err.value)


def test_override_entry_and_columns_accepted():
    site = parse(CONF.format(key="entry", value="http://x.example/gk/")).sites[0]
    assert site.entry == "http://x.example/gk/"
    site = parse(CONF.format(key="columns", value="'div.left-menu'")).sites[0]
    assert site.overrides["columns"] == "div.left-menu"
    site = parse(CONF.format(key="columns", value="[http://x.example/tzgg/]")).sites[0]
    assert site.overrides["columns"] == ["http://x.example/tzgg/"]


# ---------------------------------------------------------------------------- shown in runs
@pytest.fixture
def run_with_findings(db):
    site = Site.objects.create(site_id="sx", name="示例县水利局", tier="department", url="http://sx.example/")
    run = PatrolRun.objects.create(status="ok", trigger="manual", sites=["sx"])
    record(
        run,
        site,
        "unreadable",
        "http://sx.example/gk/rsxx/",
        reason="栏目页面返回反爬虫验证页",
        code="challenge",
    )
    record(
        run,
        site,
        "unreadable",
        "http://sx.example/gk/czxx/",
        reason="栏目页面上没有找到信息列表",
        code="rows_not_found",
    )
    record(
        run, site, "dead_link", "http://sx.example/gk/tzgg/index_3.html", reason="列表页无法打开（HTTP 404）"
    )
    PatrolRun.objects.create(status="ok", trigger="manual", sites=["sx"])  # a later run that found nothing
    return run


def test_patrol_runs_lists_site_findings(run_with_findings, capsys):
    call_command("runs", "--format", "json")
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert runs[0]["sites"] == {}
    sx = runs[1]["sites"]["sx"]
    assert sx["counts"] == {"dead_link": 1, "unreadable": 2}
    assert {(f["kind"], f["url"], f["detail"].get("code")) for f in sx["findings"]} == {
        ("dead_link", "http://sx.example/gk/tzgg/index_3.html", None),
        ("unreadable", "http://sx.example/gk/rsxx/", "challenge"),
        ("unreadable", "http://sx.example/gk/czxx/", "rows_not_found"),
    }
    call_command("runs")
    table = capsys.readouterr().out
    assert "sx：列表页失效 1，无法读取 2" in table
    assert "反爬虫验证页" not in table  # entries only with -v
    call_command("runs", "-v")
    verbose = capsys.readouterr().out
    assert "[无法读取] http://sx.example/gk/rsxx/  栏目页面返回反爬虫验证页" in verbose
    assert "[列表页失效] http://sx.example/gk/tzgg/index_3.html" in verbose


def test_web_runs_page_shows_site_findings_in_chinese(run_with_findings):
    user = get_user_model().objects.create_user("ic", password="Patrol-test-passw0rd")
    assign_role(user, INFO_CENTRE)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("web:runs")).content.decode()
    assert "示例县水利局（sx）：列表页失效 1，无法读取 2" in body
    assert "【无法读取】" in body and "栏目页面上没有找到信息列表" in body
    assert "http://sx.example/gk/tzgg/index_3.html" in body
