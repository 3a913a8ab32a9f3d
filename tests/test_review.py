"""The review workflow (issue 8, deliverable 3): decisions kept and never edited, reopen,
排除 with a note and an allowlist entry the next screen respects, revocation, queue
search/sort/filters, bulk decisions, next in queue, the XLSX export per unit."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from config.patrolconf import parse
from crawler.models import Item, Page, Site
from crawler.screen_hook import screen_document
from screening.models import AllowEntry, Finding, Review, active_allow_rules
from web.roles import SECRECY_BUREAU, SUPERVISOR, assign_role

pytestmark = pytest.mark.django_db

PASSWORD = "Patrol-test-passw0rd"
DOC = "<html><body><h1>关于会议的通知</h1><p>本文件为内部资料，请各单位注意。</p></body></html>"
CONF = parse(
    "sites:\n  - {id: county, name: 示例县, tier: county, url: 'https://www.example.gov.cn/'}\n"
    "crawl: {delay_seconds: 0}\n"
)


def _user(username: str, role: str):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    assign_role(user, role)
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def reviewer():
    return _user("bureau", SECRECY_BUREAU)


@pytest.fixture
def bureau(reviewer):
    return _client(reviewer)


def _site(site_id: str, name: str) -> Site:
    host = f"https://{site_id}.example.gov.cn/"
    return Site.objects.create(site_id=site_id, name=name, tier="department", url=host, scope=[host])


def _finding(site: Site, n: int, title: str, hits: list[dict], severity: str = "medium", **extra) -> Finding:
    url = f"{site.url}art/{n}.html"
    item = Item.objects.create(site=site, url=url, title=title, publish_date=date(2025, 3, 1))
    page = Page.objects.create(site=site, item=item, url=url, status=200)
    return Finding.objects.create(
        url=url,
        page_url=url,
        page=page,
        severity=severity,
        flagged=True,
        kinds=sorted({h["kind"] for h in hits}),
        hits=hits,
        **extra,
    )


def _hit(text: str, context: str, kind: str = "internal_marker", rule: str = "lexicon") -> dict:
    return {"kind": kind, "rule": rule, "severity": "medium", "text": text, "context": context}


@pytest.fixture
def units():
    return _site("jyj", "县教育局"), _site("nyj", "县农业局")


@pytest.fixture
def three(units):
    jyj, nyj = units
    a = _finding(
        jyj,
        1,
        "关于会议的通知",
        [_hit("内部资料", "本文件为内部资料，请各单位注意", rule="lexicon:内部资料")],
    )
    b = _finding(
        nyj,
        2,
        '=HYPERLINK("http://evil.example/","x")',
        [_hit("秘密", "秘密★1年", "classified_mark", "mark")],
        "high",
    )
    c = _finding(jyj, 3, "@SUM(1+1)", [_hit("注意保存", "内部资料 注意保存")], "low")
    return a, b, c


def _review(client, finding, **data):
    return client.post(reverse("web:finding_review", args=[finding.pk]), data)


# ---- decisions ----------------------------------------------------------------------------------


def test_dismiss_needs_a_note_and_every_decision_is_kept(bureau, reviewer, three):
    a = three[0]
    resp = _review(bureau, a, decision="dismissed", note="  ")
    assert resp.status_code == 400 and "须填写备注" in resp.content.decode()
    a.refresh_from_db()
    assert a.status == "open" and not Review.objects.exists()

    assert _review(bureau, a, decision="dismissed", note="会议通知模板用语").status_code == 302
    assert _review(bureau, a, decision="open").status_code == 302  # reopen
    assert _review(bureau, a, decision="confirmed", note="确有泄露").status_code == 302
    a.refresh_from_db()
    assert a.status == "confirmed" and a.first_confirmed_at is not None
    history = list(
        a.reviews.order_by("at", "id").values_list("from_status", "decision", "reviewer_name", "note")
    )
    assert history == [
        ("open", "dismissed", "bureau", "会议通知模板用语"),
        ("dismissed", "open", "bureau", ""),
        ("open", "confirmed", "bureau", "确有泄露"),
    ]
    body = bureau.get(reverse("web:finding", args=[a.pk])).content.decode()
    assert "会议通知模板用语" in body and "已排除" in body and "重新打开" in body
    # reopening an open finding is refused
    b = three[1]
    assert _review(bureau, b, decision="open").status_code == 400


def test_reviews_are_never_edited_or_deleted(reviewer, three):
    a = three[0]
    rev = a.review(reviewer, "confirmed", "通知整改")
    rev.note = "改过的备注"
    with pytest.raises(PermissionError):
        rev.save()
    with pytest.raises(PermissionError):
        rev.delete()
    with pytest.raises(PermissionError):
        Review.objects.filter(pk=rev.pk).update(note="x")
    with pytest.raises(PermissionError):
        Review.objects.all().delete()
    assert Review.objects.get(pk=rev.pk).note == "通知整改"
    with pytest.raises(ValidationError):
        a.review(reviewer, "verified_removed")  # the patrol's verdict, never a person's


def test_review_admin_is_read_only(reviewer, three):
    from django.contrib import admin

    three[0].review(reviewer, "confirmed", "x")
    model_admin = admin.site._registry.get(Review)
    if model_admin is None:
        pytest.skip("Review is not in the admin")
    request = type("R", (), {"user": get_user_model().objects.create_superuser("root", password=PASSWORD)})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# ---- allowlist -------------------------------------------------------------------------------------


def test_dismiss_with_a_phrase_allowlists_it_for_the_next_screen_until_revoked(bureau, three):
    a = three[0]
    before = screen_document(DOC.encode(), a.url, "text/html", "https://other.example.gov.cn/x.html", CONF)
    assert "内部资料" in {h.text for h in before.hits}

    resp = _review(
        bureau,
        a,
        decision="dismissed",
        note="模板用语，非密",
        allow="phrase",
        allow_hit="0",
        allow_phrase="本文件为内部资料",
    )
    assert resp.status_code == 302
    entry = AllowEntry.objects.get()
    assert (entry.scope, entry.phrase, entry.created_by_name, entry.finding_id) == (
        "phrase",
        "本文件为内部资料",
        "bureau",
        a.pk,
    )
    # the phrase applies on any page; a hit of the same word elsewhere still counts
    after = screen_document(DOC.encode(), a.url, "text/html", "https://other.example.gov.cn/x.html", CONF)
    assert "内部资料" not in {h.text for h in after.hits}
    other = "<html><body><p>此件为内部资料，不得外传。</p></body></html>"
    assert "内部资料" in {h.text for h in screen_document(other.encode(), "x", "text/html", a.url, CONF).hits}

    listing = bureau.get(reverse("web:allowlist")).content.decode()
    assert "本文件为内部资料" in listing and "生效中" in listing
    assert bureau.post(reverse("web:allowlist_revoke", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.revoked_at is not None and entry.revoked_by_name == "bureau"
    assert active_allow_rules() == []
    again = screen_document(DOC.encode(), a.url, "text/html", "https://other.example.gov.cn/x.html", CONF)
    assert "内部资料" in {h.text for h in again.hits}
    assert "已撤销" in bureau.get(reverse("web:allowlist")).content.decode()


def test_phrase_must_hold_the_hit_and_lie_in_its_context(bureau, three):
    a = three[0]
    resp = _review(
        bureau, a, decision="dismissed", note="x", allow="phrase", allow_hit="0", allow_phrase="请各单位"
    )
    assert resp.status_code == 400 and not AllowEntry.objects.exists()
    a.refresh_from_db()
    assert a.status == "open"
    # an allowlist entry only with 排除
    resp = _review(bureau, a, decision="confirmed", allow="url")
    assert resp.status_code == 400 and not AllowEntry.objects.exists()


def test_url_and_rule_entries_cover_only_their_url(bureau, three):
    a = three[0]
    _review(bureau, a, decision="dismissed", note="本页是公开的保密知识宣传", allow="rule", allow_hit="0")
    entry = AllowEntry.objects.get()
    assert (entry.scope, entry.url, entry.kind, entry.rule) == (
        "rule",
        a.url,
        "internal_marker",
        "lexicon:内部资料",
    )
    same = screen_document(DOC.encode(), a.url, "text/html", a.url.replace("https:", "http:"), CONF)
    assert not [h for h in same.hits if h.kind == "internal_marker"]
    elsewhere = screen_document(DOC.encode(), "y", "text/html", "https://jyj.example.gov.cn/art/9.html", CONF)
    assert [h for h in elsewhere.hits if h.kind == "internal_marker"]


# ---- queue ------------------------------------------------------------------------------------------


def _queue_ids(client, **params) -> list[int]:
    resp = client.get(reverse("web:queue"), params)
    assert resp.status_code == 200
    return [row.finding.pk for row in resp.context["rows"]]


def test_queue_search_filters_and_sort(bureau, units, three):
    a, b, c = three
    assert _queue_ids(bureau, q="内部资料") == [a.pk, c.pk]  # hit text, in Chinese
    assert _queue_ids(bureau, q="HYPERLINK") == [b.pk]  # title
    assert _queue_ids(bureau, q="art/3.html") == [c.pk]  # URL
    assert _queue_ids(bureau, site="nyj") == [b.pk]
    Finding.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    assert set(_queue_ids(bureau, date_from=(today - timedelta(days=1)).isoformat())) == {a.pk, b.pk}
    assert _queue_ids(bureau, date_to=(today - timedelta(days=5)).isoformat()) == [c.pk]
    assert _queue_ids(bureau) == [b.pk, a.pk, c.pk]  # default: severity, then newest
    assert _queue_ids(bureau, sort="severity") == [c.pk, a.pk, b.pk]
    assert _queue_ids(bureau, sort="-found") == [b.pk, a.pk, c.pk]
    assert _queue_ids(bureau, sort="found") == [c.pk, a.pk, b.pk]
    assert _queue_ids(bureau, sort="site") == [b.pk, c.pk, a.pk]  # 县农业局 < 县教育局, then newest id
    body = bureau.get(reverse("web:queue"), {"sort": "severity"}).content.decode()
    assert "sort=-severity" in body  # a second click reverses


def test_not_fixed_is_in_the_default_queue_with_its_age(bureau, reviewer, three):
    a = three[0]
    a.review(reviewer, "confirmed", "通知整改")
    Finding.objects.filter(pk=a.pk).update(first_confirmed_at=timezone.now() - timedelta(days=6))
    a.refresh_from_db()
    assert a.pk not in _queue_ids(bureau)
    a.system_check("not_fixed", "仍可访问，命中仍在（内部资料）")
    assert a.pk in _queue_ids(bureau)
    detail = bureau.get(reverse("web:finding", args=[a.pk])).content.decode()
    assert "巡查核实" in detail and "仍可访问，命中仍在（内部资料）" in detail and "未整改" in detail
    assert "已 6 天" in detail
    assert "确认后 6 天" in bureau.get(reverse("web:queue")).content.decode()
    out = io.StringIO()
    call_command("findings", "--status", "open", "--format", "json", stdout=out)
    assert {f["url"]: f["status"] for f in json.loads(out.getvalue())["findings"]}[a.url] == "not_fixed"
    table = io.StringIO()
    call_command("findings", stdout=table)
    assert "未整改（6天）" in table.getvalue()


def test_bulk_decisions_on_a_selection(bureau, three):
    a, b, c = three
    resp = bureau.post(
        reverse("web:bulk_review"), {"ids": [a.pk, c.pk], "decision": "confirmed", "back": "site=jyj&evil=1"}
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("web:queue") + "?site=jyj"
    assert {f.pk: f.status for f in Finding.objects.all()} == {
        a.pk: "confirmed",
        b.pk: "open",
        c.pk: "confirmed",
    }
    assert Review.objects.filter(decision="confirmed").count() == 2
    # 排除 without a note is refused for the whole selection
    bureau.post(reverse("web:bulk_review"), {"ids": [b.pk], "decision": "dismissed"})
    b.refresh_from_db()
    assert b.status == "open"
    # a supervisor may not decide
    sup = _client(_user("sup", SUPERVISOR))
    assert sup.post(reverse("web:bulk_review"), {"ids": [b.pk], "decision": "confirmed"}).status_code == 403


def test_next_in_queue_after_a_decision(bureau, three):
    a, b, c = three
    resp = _review(bureau, b, decision="confirmed", next="on")
    assert resp["Location"] == reverse("web:finding", args=[a.pk])  # the next one waiting
    resp = _review(bureau, a, decision="confirmed")
    assert resp["Location"] == reverse("web:finding", args=[a.pk])  # stays when not asked
    _review(bureau, c, decision="confirmed", next="on")
    assert Finding.objects.filter(status="open").count() == 0
    resp = _review(bureau, c, decision="removed", next="on")
    assert resp["Location"] == reverse("web:queue")  # nothing left


def test_export_is_grouped_by_unit_and_never_a_formula(bureau, three):
    resp = bureau.get(reverse("web:queue_export"), {"status": "all"})
    assert resp.status_code == 200 and resp["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["汇总", "县农业局", "县教育局"]  # units in the view's order (highest first)
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert summary == {"县教育局": 2, "县农业局": 1}
    titles = [cell for row in wb["县农业局"].iter_rows(min_row=2) for cell in row if cell.column == 5]
    assert titles[0].value.startswith("=HYPERLINK") and titles[0].data_type == "s"
    edu = [cell for row in wb["县教育局"].iter_rows(min_row=2) for cell in row if cell.column == 5]
    assert {c.value for c in edu} == {"关于会议的通知", "@SUM(1+1)"}
    assert all(c.data_type == "s" for c in edu)
    with zipfile.ZipFile(io.BytesIO(resp.content)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # no formula anywhere
    # the export follows the current view's filters
    resp = bureau.get(reverse("web:queue_export"), {"site": "nyj"})
    assert load_workbook(io.BytesIO(resp.content)).sheetnames == ["汇总", "县农业局"]


@pytest.mark.django_db(transaction=True)
def test_migration_renames_taken_down_to_removed():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("screening", "0001_initial")])
    old = executor.loader.project_state([("screening", "0001_initial")]).apps
    user = old.get_model("auth", "User").objects.create(username="old-reviewer")
    finding = old.get_model("screening", "Finding").objects.create(
        url="https://a.example.gov.cn/1.html", severity="high", status="taken_down"
    )
    old.get_model("screening", "Review").objects.create(finding=finding, reviewer=user, decision="taken_down")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("screening"))
    f = Finding.objects.get(pk=finding.pk)
    assert f.status == "removed" and f.first_confirmed_at is not None
    review = f.reviews.get()
    assert (review.decision, review.reviewer_name) == ("removed", "old-reviewer")


def test_only_the_bureau_sees_and_revokes_the_allowlist(bureau, three):
    from web.roles import INFO_CENTRE

    _review(bureau, three[0], decision="dismissed", note="宣传材料", allow="url")
    entry = AllowEntry.objects.get()
    for role in (SUPERVISOR, INFO_CENTRE):
        other = _client(_user(f"u-{role}", role))
        assert other.get(reverse("web:allowlist")).status_code == 403
        assert other.post(reverse("web:allowlist_revoke", args=[entry.pk])).status_code == 403
        assert other.get(reverse("web:queue_export")).status_code == 403
    entry.refresh_from_db()
    assert entry.revoked_at is None
    assert bureau.get(reverse("web:allowlist_revoke", args=[entry.pk])).status_code == 405  # POST only


def test_next_and_back_keep_the_reviewers_view(bureau, three):
    a, b, c = three
    detail = bureau.get(reverse("web:finding", args=[a.pk]), {"from": "site=jyj&q=&evil=x"})
    assert f'href="{reverse("web:queue")}?site=jyj"' in detail.content.decode()  # ← 审核队列 of that view
    resp = _review(bureau, a, decision="confirmed", next="on", back="site=jyj")
    assert resp["Location"] == reverse("web:finding", args=[c.pk]) + "?from=site%3Djyj"  # not b (县农业局)
    # in a view that keeps decided findings (全部), next is the one after the current
    resp = _review(bureau, b, decision="confirmed", next="on", back="status=all")
    assert resp["Location"] == reverse("web:finding", args=[a.pk]) + "?from=status%3Dall"
    resp = _review(bureau, c, decision="confirmed", next="on", back="status=all")
    assert resp["Location"] == reverse("web:queue") + "?status=all"  # c was the last of the view


def test_a_document_that_moved_leaves_the_queue_at_its_old_address(bureau, units, three):
    a = three[0]
    new_site = _site("jyj2", "县教育局（新址）")
    moved = _finding(new_site, 1, a.page.item.title, a.hits)
    Item.objects.filter(pk=moved.page.item_id).update(moved_from=a.page.item_id)
    assert a.pk not in _queue_ids(bureau) and moved.pk in _queue_ids(bureau)
    assert a.pk in _queue_ids(bureau, status="all")  # the evidence stays reachable
