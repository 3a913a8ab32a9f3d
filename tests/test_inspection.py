"""reports.inspection: every level rule with its near-misses, and the JSON equal to planted truth."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from crawler.models import Column, Item, Listing, PatrolRun, Site, SiteFinding
from inspection.models import Message, Probe, WordingDecision
from reports.inspection import add_months, evaluate
from reports.rules import load_rules

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 7, 1)
TZ = ZoneInfo("Asia/Shanghai")


def site(sid: str, tier: str = "town", **kw) -> Site:
    return Site.objects.create(site_id=sid, name=f"{sid}镇", tier=tier, url=f"http://{sid}.x.gov.cn/", **kw)


def probes(s: Site, total: int, failures: int, day: date = AS_OF) -> None:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=TZ)
    Probe.objects.bulk_create(
        Probe(
            site=s,
            at=at - timedelta(minutes=6 * 24 * 60 * i // total),
            ok=i >= failures,
            failure="" if i >= failures else "timeout",
        )
        for i in range(total)
    )


def column(s: Site, name: str, last: date | None, empty: bool = False) -> Column:
    col = Column.objects.create(site=s, url=f"{s.url}{name}/", name=name, empty=empty)
    if last is not None:
        item = Item.objects.create(
            site=s, url=f"{col.url}1.html", title="一条", publish_date=last, detail_status=200
        )
        Listing.objects.create(column=col, item=item, title="一条")
    return col


def run_with(s: Site, findings: list[tuple[str, str, dict]], started: datetime | None = None) -> PatrolRun:
    run = PatrolRun.objects.create(status="ok", sites=[s.site_id])
    if started:
        PatrolRun.objects.filter(pk=run.pk).update(started_at=started)
        run.refresh_from_db()
    for kind, url, detail in findings:
        SiteFinding.objects.create(run=run, site=s, kind=kind, url=url, detail=detail)
    return run


def judge() -> dict:
    return evaluate(AS_OF, load_rules())


def of(data: dict, sid: str, kind: str | None = None) -> list[dict]:
    return [f for f in data["findings"] if f["site"] == sid and (kind is None or f["kind"] == kind)]


def summary(data: dict, sid: str) -> dict:
    return next(s for s in data["sites"] if s["id"] == sid)


# ---- reachability -------------------------------------------------------------------------


def test_reachability_levels_and_near_misses():
    cases = {"veto5": (140, 7), "warn49": (141, 7), "warn3": (200, 6), "fine": (140, 4), "few": (139, 10)}
    for sid, (total, failures) in cases.items():
        probes(site(sid), total, failures)
    old = site("old")
    probes(old, 140, 0)
    probes(old, 50, 50, day=AS_OF - timedelta(days=7))  # the 8th day before: outside the window
    data = judge()
    got = {
        sid: [(f["level"], f["probes"], f["failures"]) for f in of(data, sid, "site_unavailable")]
        for sid in cases
    }
    assert got == {
        "veto5": [("veto", 140, 7)],
        "warn49": [("warning", 141, 7)],
        "warn3": [("warning", 200, 6)],
        "fine": [],
        "few": [("warning", 139, 10)],
    }
    assert of(data, "few", "site_unavailable")[0]["insufficient"] is True
    assert "insufficient" not in of(data, "veto5", "site_unavailable")[0]
    assert of(data, "veto5", "site_unavailable")[0]["rate"] == 0.05
    assert of(data, "old") == []
    assert summary(data, "veto5")["reasons"] == ["site_unavailable"]
    assert summary(data, "few")["veto"] is False and summary(data, "warn49")["veto"] is False


def test_probes_after_as_of_are_not_counted():
    s = site("later")
    first = datetime(2026, 7, 2, 0, 0, tzinfo=TZ)  # the day after as_of begins (Asia/Shanghai)
    Probe.objects.bulk_create(
        Probe(site=s, at=first + timedelta(minutes=i), ok=False, failure="refused") for i in range(140)
    )
    Probe.objects.create(site=s, at=first - timedelta(seconds=1), ok=True)
    assert of(judge(), "later") == []


# ---- 互动回应 ----------------------------------------------------------------------------------


def message(s: Site, n: int, asked: date, replied: date | None = None, state: str = "") -> Message:
    return Message.objects.create(
        site=s,
        column_url=f"{s.url}xzxx/",
        column_name="县长信箱",
        url=f"{s.url}xzxx/{n}.html",
        title=f"咨询{n}",
        asked=asked,
        replied=replied,
        state=state,
    )


def test_unanswered_and_slow_reply_with_near_misses():
    s = site("msg")
    message(s, 1, date(2026, 4, 3), state="尚未回复")  # 2 months 28 days: no veto
    message(s, 2, date(2026, 4, 1), state="办理中")  # exactly 3 months: no veto
    message(s, 3, date(2026, 3, 31))  # 3 months and a day: veto
    message(s, 4, date(2025, 6, 30))  # asked more than a year before: not judged
    message(s, 5, date(2026, 6, 17), date(2026, 6, 25))  # 5th working day (端午 on the 19th): fine
    message(s, 6, date(2026, 6, 17), date(2026, 6, 26))  # 6th working day: warning
    message(s, 7, date(2026, 1, 5), None, "已回复")  # answered, reply date not shown: no veto
    message(s, 8, date(2026, 1, 6), date(2026, 7, 2))  # replied after as_of: unanswered then
    data = judge()
    got = [(f["kind"], f["url"].rsplit("/", 1)[1], f["level"]) for f in of(data, "msg")]
    assert got == [
        ("unanswered_message", "3.html", "veto"),
        ("unanswered_message", "8.html", "veto"),
        ("slow_reply", "6.html", "warning"),
    ]
    veto = of(data, "msg", "unanswered_message")[0]
    assert (veto["column"], veto["column_name"], veto["asked"], veto["days"]) == (
        f"{s.url}xzxx/",
        "县长信箱",
        "2026-03-31",
        92,
    )
    slow = of(data, "msg", "slow_reply")[0]
    assert (slow["asked"], slow["replied"], slow["workdays"]) == ("2026-06-17", "2026-06-26", 6)
    assert summary(data, "msg")["reasons"] == ["unanswered_message"]


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 7, 1), -12) == date(2025, 7, 1)


# ---- timeliness levels and early warnings -------------------------------------------------


def test_homepage_and_dynamic_column_early_warnings():
    home10, home11, home15 = site("h10"), site("h11"), site("h15")
    for s, days in ((home10, 10), (home11, 11), (home15, 15)):
        s.homepage_last_published = AS_OF - timedelta(days=days)
        s.save()
    d = site("dyn")
    column(d, "工作动态", AS_OF - timedelta(days=10))  # 10 days: nothing
    column(d, "乡镇动态", AS_OF - timedelta(days=11))  # early warning
    column(d, "部门动态", AS_OF - timedelta(days=15))  # stale: deduct
    column(d, "通知公告", AS_OF - timedelta(days=181))  # stale notice column: deduct, no early warning
    column(d, "政策文件", AS_OF - timedelta(days=12))  # not dynamic: no early warning
    data = judge()
    assert of(data, "h10") == []
    assert [(f["kind"], f["level"], f["days"], f["limit"]) for f in of(data, "h11")] == [
        ("stale_homepage", "warning", 11, 10)
    ]
    assert [(f["kind"], f["level"], f["days"], f["limit"]) for f in of(data, "h15")] == [
        ("stale_homepage", "veto", 15, 14)
    ]
    assert summary(data, "h15")["reasons"] == ["stale_homepage"] and not summary(data, "h11")["veto"]
    got = sorted((f["name"], f["level"], f["days"], f["limit"]) for f in of(data, "dyn"))
    assert got == [
        ("乡镇动态", "warning", 11, 10),
        ("通知公告", "deduct", 181, 180),
        ("部门动态", "deduct", 15, 14),
    ]
    assert not summary(data, "dyn")["veto"]


def test_empty_columns_warning_and_threshold_veto():
    few, many, five = site("e2"), site("e3"), site("e5")
    for s, n in ((few, 2), (many, 3), (five, 5)):
        for i in range(n):
            column(s, f"栏目{i}", None, empty=True)
    data = judge()
    assert [f["kind"] for f in of(data, "e2")] == ["empty_column"] * 2
    warn = of(data, "e3", "empty_columns")
    assert [(f["level"], f["count"], f["url"]) for f in warn] == [("warning", 3, many.url)]
    assert {f["level"] for f in of(data, "e3", "empty_column")} == {"deduct"}
    assert not summary(data, "e3")["veto"]
    assert summary(data, "e5")["reasons"] == ["empty_column"] and summary(data, "e5")["veto"]


# ---- the patrol's findings ------------------------------------------------------------------


def test_crawl_findings_levels_and_the_wording_decisions():
    s = site("crawl")
    page = f"{s.url}a/1.html"
    before = timezone.now() - timedelta(days=2)
    run_with(
        s,
        [
            ("missing_identity", s.url, {"missing": ["icp", "psb"], "found": {"site_code": "6109220001"}}),
            ("hidden_link", page, {"target": "http://bet.example.com/", "how": "display:none"}),
            (
                "wording_error",
                page,
                {
                    "text": "中华人名共和国",
                    "suggestion": "中华人民共和国",
                    "context": "…",
                    "severity": "serious",
                },
            ),
            (
                "wording_error",
                f"{s.url}a/2.html",
                {"text": "国务院办公厅厅长", "suggestion": "x", "context": "", "severity": "normal"},
            ),
            (
                "wording_error",
                f"{s.url}a/3.html",
                {"text": "错一", "suggestion": "对一", "context": "", "severity": "serious"},
            ),
            (
                "wording_error",
                f"{s.url}a/4.html",
                {"text": "错二", "suggestion": "对二", "context": "", "severity": "serious"},
            ),
            ("watch_name", f"{s.url}a/5.html", {"text": "张某某", "context": "张某某同志出席"}),
            ("offsite_redirect", f"{s.url}go/", {"target": "http://elsewhere.example.com/"}),
            ("no_disclosure_entry", s.url, {}),
            ("unreadable", f"{s.url}zwgk/", {"reason": "rows_not_found"}),
            ("retired_column", f"{s.url}old/", {"retired": "2026-06-01"}),
        ],
        started=before,
    )
    user = User.objects.create(username="centre")
    WordingDecision.objects.create(url=f"{s.url}a/3.html", text="错一", decision="ignore", user=user)
    WordingDecision.objects.create(url=f"{s.url}a/4.html", text="错二", decision="fixed", user=user)
    data = judge()
    got = [(f["kind"], f["level"], f["url"].replace(s.url, "/")) for f in of(data, "crawl")]
    assert got == [
        ("hidden_link", "veto", "/a/1.html"),
        ("wording_error", "veto", "/a/1.html"),
        ("wording_error", "warning", "/a/2.html"),
        ("watch_name", "warning", "/a/5.html"),
        ("missing_identity", "deduct", "/"),
        ("offsite_redirect", "deduct", "/go/"),
        ("no_disclosure_entry", "deduct", "/"),
        ("unreadable", "deduct", "/zwgk/"),
        ("retired_column", "deduct", "/old/"),
    ]
    first = of(data, "crawl", "wording_error")[0]
    assert (first["text"], first["suggestion"]) == ("中华人名共和国", "中华人民共和国")
    assert of(data, "crawl", "missing_identity")[0]["missing"] == ["icp", "psb"]
    assert of(data, "crawl", "hidden_link")[0]["target"] == "http://bet.example.com/"
    row = summary(data, "crawl")
    assert row["reasons"] == ["hidden_link", "wording_error"]
    assert row["identity"] == {"site_code": "6109220001"}
    assert row["levels"] == {"veto": 2, "deduct": 5, "warning": 2}
    # a patrol after the "fixed" decision that still finds the text brings it back
    run_with(
        s,
        [
            (
                "wording_error",
                f"{s.url}a/4.html",
                {"text": "错二", "suggestion": "对二", "severity": "serious"},
            )
        ],
    )
    again = judge()
    assert [f["url"].rsplit("/", 1)[1] for f in of(again, "crawl", "wording_error")] == ["4.html"]


def test_only_the_latest_finished_patrol_counts():
    s = site("latest")
    run_with(
        s, [("hidden_link", f"{s.url}x.html", {"target": "http://a.example.com/", "how": "font-size:0"})]
    )
    run_with(s, [])
    assert of(judge(), "latest") == []


# ---- the whole JSON against planted truth, through the CLI --------------------------------


def test_report_inspection_json_equals_the_planted_truth(tmp_path, settings, capsys):
    settings.PATROL_CONFIG = str(tmp_path / "none.yaml")  # reports work from the store alone
    a = site("county", tier="county")
    b = site("town")
    inactive = site("gone", active=False)
    probes(a, 168, 9)  # 5.36 %: veto
    probes(b, 168, 2)  # 1.19 %: nothing
    probes(inactive, 168, 168)
    message(b, 1, date(2026, 3, 1))
    column(a, "工作动态", AS_OF - timedelta(days=3))
    call_command("report", "inspection", "--as-of", AS_OF.isoformat(), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    truth = {
        "as_of": "2026-07-01",
        "findings": [
            {
                "kind": "site_unavailable",
                "level": "veto",
                "site": "county",
                "url": a.url,
                "probes": 168,
                "failures": 9,
                "rate": 0.0536,
            },
            {
                "kind": "unanswered_message",
                "level": "veto",
                "site": "town",
                "url": f"{b.url}xzxx/1.html",
                "column": f"{b.url}xzxx/",
                "column_name": "县长信箱",
                "asked": "2026-03-01",
                "days": 122,
                "name": "咨询1",
            },
        ],
        "sites": [
            {"id": "county", "name": "county镇", "veto": True, "reasons": ["site_unavailable"]},
            {"id": "town", "name": "town镇", "veto": True, "reasons": ["unanswered_message"]},
        ],
    }
    assert data["as_of"] == truth["as_of"]
    assert data["findings"] == truth["findings"]
    assert [{k: s[k] for k in ("id", "name", "veto", "reasons")} for s in data["sites"]] == truth["sites"]


def test_every_format_renders_the_same_findings(tmp_path, settings, capsys):
    from openpyxl import load_workbook

    settings.PATROL_CONFIG = str(tmp_path / "none.yaml")
    s = site("fmt")
    probes(s, 140, 8)
    run_with(
        s, [("hidden_link", f"{s.url}<b>.html", {"target": "http://bet.example.com/", "how": "font-size:0"})]
    )
    args = ("report", "inspection", "--as-of", AS_OF.isoformat())
    call_command(*args, "--format", "table")
    text = capsys.readouterr().out
    assert "站点无法访问" in text and "暗链" in text and "单项否决单位: 1" in text
    call_command(*args, "--format", "html", "-o", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;.html" in page and "<b>.html" not in page  # crawled text is escaped
    assert "单项否决汇总" in page and "fmt镇" in page
    call_command(*args, "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:3] == ["单项否决汇总", "全部问题", "单项否决"]
    rows = list(wb["单项否决汇总"].iter_rows(values_only=True))
    assert rows[1][:4] == ("fmt镇", "镇", "是", "站点无法访问、暗链（隐藏外链）")


def test_several_wording_errors_of_one_page_in_one_row():
    s = site("hits")
    page = f"{s.url}p.html"
    hits = [
        {"text": "错甲", "suggestion": "对甲", "context": "", "severity": "serious"},
        {"text": "错乙", "suggestion": "对乙", "context": "", "severity": "normal"},
    ]
    run_with(s, [("wording_error", page, {"hits": hits})])
    WordingDecision.objects.create(url=page, text="错乙", decision="ignore")
    got = [(f["text"], f["level"], f["url"]) for f in of(judge(), "hits")]
    assert got == [("错甲", "veto", page)]


def test_item_kinds_are_deductions():
    s = site("items")
    col = column(s, "通知公告", AS_OF - timedelta(days=3))
    rows = [
        ("late.html", date(2026, 6, 30), date(2026, 5, 1), 200),  # 成文 5-01 → 6-30: over 20 working days
        ("undated.html", None, None, 200),
        ("dead.html", date(2026, 6, 1), None, 404),
    ]
    for name, published, written, status in rows:
        item = Item.objects.create(
            site=s,
            url=f"{col.url}{name}",
            title=name,
            publish_date=published,
            written_date=written,
            detail_status=status,
        )
        Listing.objects.create(column=col, item=item, title=name)
    run_with(s, [("dead_link", f"{col.url}index_3.html", {"column": col.url})])
    got = sorted((f["kind"], f["level"], f["url"].rsplit("/", 1)[1]) for f in of(judge(), "items"))
    assert got == [
        ("dead_link", "deduct", "dead.html"),
        ("dead_link", "deduct", "index_3.html"),
        ("late_publication", "deduct", "late.html"),
        ("undated_item", "deduct", "undated.html"),
    ]
    assert not summary(judge(), "items")["veto"]
