"""The review workflow's actions: one decision (with an allowlist entry), bulk decisions,
"next in queue", the bureau's allowlist and the queue's XLSX export.

Views stay thin: permissions, forms, redirects; the decisions themselves are
``Finding.review`` (every one kept as a ``Review``, never edited).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from screening.models import AllowEntry, Finding

from . import findings, labels
from .forms import BulkReviewForm, QueueFilterForm, ReviewForm
from .review_export import queue_workbook
from .views import requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# the queue's columns: (title, sort key or "", first direction descending?)
COLUMNS = [
    ("严重程度", "severity", True),
    ("地址 / 标题", "url", False),
    ("所在页面", "", False),
    ("站点", "site", False),
    ("类型", "", False),
    ("命中", "", False),
    ("状态", "status", False),
    ("发现时间", "found", True),
]


def queue_columns(sort: str) -> list[dict]:
    """Header cells: a click sorts by the column, a second click reverses it."""
    current, desc = sort.lstrip("-"), sort.startswith("-")
    out = []
    for title, key, desc_first in COLUMNS:
        active = bool(key) and key == current
        if active:
            nxt = key if desc else f"-{key}"
        else:
            nxt = f"-{key}" if desc_first else key
        out.append({"title": title, "key": key, "active": active, "desc": desc, "next": nxt})
    return out


def decide(finding: Finding, user, form: ReviewForm) -> AllowEntry | None:
    """Apply a valid ReviewForm: the decision, and for 排除 the allowlist entry it asks for."""
    data = form.cleaned_data
    with transaction.atomic():
        finding.review(user, data["decision"], data["note"])
        scope = data.get("allow")
        if not scope:
            return None
        hit = data.get("allow_hit_data") or {}
        entry = AllowEntry(
            scope=scope,
            note=data["note"],
            finding=finding,
            created_by=user,
            created_by_name=user.get_username(),
        )
        if scope == "phrase":
            entry.phrase = data["allow_phrase"]
        else:
            entry.url = finding.url
        if scope == "rule":
            entry.kind = str(hit.get("kind") or "")
            entry.rule = str(hit.get("rule") or "")
        entry.save()
        return entry


def next_in_queue(after: Finding) -> Finding | None:
    """The first finding still waiting for a person (the queue's default order), other than ``after``."""
    return findings.queue(findings.QueueFilters()).exclude(pk=after.pk).first()


def after_decision(request: HttpRequest, finding: Finding, form: ReviewForm) -> HttpResponse:
    if form.cleaned_data.get("next"):
        nxt = next_in_queue(finding)
        if nxt is not None:
            return redirect("web:finding", pk=nxt.pk)
        messages.info(request, "队列中已没有待处理的发现。")
        return redirect("web:queue")
    return redirect("web:finding", pk=finding.pk)


def _queue_url(back: str) -> str:
    """The queue with the filters it was showing (rebuilt from parsed pairs, never a raw URL)."""
    pairs = parse_qsl(back.lstrip("?"), keep_blank_values=False)
    query = urlencode([(k, v) for k, v in pairs if k in QueueFilterForm.base_fields or k == "page"])
    return reverse("web:queue") + (f"?{query}" if query else "")


@require_POST
@requires("view_findings", "review_finding")
def bulk_review(request: HttpRequest) -> HttpResponse:
    form = BulkReviewForm(request.POST)
    back = _queue_url(request.POST.get("back", ""))
    if not form.is_valid():
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"批量处理未执行：{errors or '请先勾选发现'}")
        return redirect(back)
    data = form.cleaned_data
    done, refused = 0, []
    for finding in Finding.objects.filter(pk__in=data["ids"]).order_by("pk"):
        try:
            finding.review(request.user, data["decision"], data["note"])
            done += 1
        except ValidationError as exc:
            refused.append(f"#{finding.pk}：{'；'.join(exc.messages)}")
    verdict = labels.STATUS_LABELS[data["decision"]]
    messages.success(request, f"已批量处理 {done} 条：{verdict}")
    if refused:
        messages.warning(request, "未处理：" + "；".join(refused[:20]))
    return redirect(back)


@require_GET
@requires("view_findings")
def export_queue(request: HttpRequest) -> HttpResponse:
    """The current queue view (its filters and order) as XLSX, one sheet per responsible unit."""
    form = QueueFilterForm(request.GET or None)
    rows = [findings.queue_row(f) for f in findings.queue(form.filters())[:20000]]
    body = queue_workbook(rows, timezone.localtime())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="findings-{stamp}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@requires("view_findings")
def allowlist(request: HttpRequest) -> HttpResponse:
    entries = AllowEntry.objects.select_related("finding").order_by("revoked_at", "-created_at", "-id")
    rows = [
        {
            "entry": e,
            "scope": e.get_scope_display(),
            "kind": labels.kind(e.kind) if e.kind else "",
        }
        for e in entries
    ]
    return render(request, "web/allowlist.html", {"rows": rows})


@require_POST
@requires("view_findings", "review_finding")
def allowlist_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(AllowEntry, pk=pk)
    if entry.revoked_at is None:
        entry.revoke(request.user)
        messages.success(request, "已撤销白名单条目：下次巡查起重新标记。")
    return redirect("web:allowlist")
