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
from django.http import HttpRequest, HttpResponse, QueryDict
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


def _view_query(back: str) -> str:
    """The queue's filters from a query string (parsed pairs of known keys, never a raw URL)."""
    pairs = parse_qsl(back.lstrip("?"), keep_blank_values=False)
    return urlencode([(k, v) for k, v in pairs if k in QueueFilterForm.base_fields or k == "page"])


def queue_url(back: str) -> str:
    """The queue showing the view a reviewer came from."""
    query = _view_query(back)
    return reverse("web:queue") + (f"?{query}" if query else "")


def next_in_queue(after: Finding, back: str = "") -> Finding | None:
    """The next finding of the reviewer's queue view (default: what waits for a person)."""
    query = _view_query(back)
    filters = QueueFilterForm(QueryDict(query)).filters() if query else findings.QueueFilters()
    ids = list(findings.queue(filters).values_list("pk", flat=True)[:5000])
    if after.pk in ids:  # still in the view (e.g. 全部): the one after it
        later = ids[ids.index(after.pk) + 1 :]
        return Finding.objects.filter(pk=later[0]).first() if later else None
    return Finding.objects.filter(pk=ids[0]).first() if ids else None  # it left the view: the first


def after_decision(request: HttpRequest, finding: Finding, form: ReviewForm) -> HttpResponse:
    back = _view_query(form.cleaned_data.get("back") or "")
    keep = f"?{urlencode({'from': back})}" if back else ""
    if form.cleaned_data.get("next"):
        nxt = next_in_queue(finding, back)
        if nxt is not None:
            return redirect(reverse("web:finding", args=[nxt.pk]) + keep)
        messages.info(request, "当前视图中已没有其他发现。")
        return redirect(queue_url(back))
    return redirect(reverse("web:finding", args=[finding.pk]) + keep)


@require_POST
@requires("view_findings", "review_finding")
def bulk_review(request: HttpRequest) -> HttpResponse:
    form = BulkReviewForm(request.POST)
    back = queue_url(request.POST.get("back", ""))
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
