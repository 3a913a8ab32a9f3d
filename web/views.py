"""Thin views: permission checks, forms and templates; the logic lives in plain modules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from crawler.models import PatrolRun, Site, SiteFinding
from screening.models import Finding

from . import dashboards, findings, labels
from .downloads import snapshot_filename
from .forms import AsOfForm, QueueFilterForm, ReviewForm, YearForm
from .lexicon import lexicon_page, source_name
from .printing import with_print_button

PAGE_SIZE = 50


def requires(*perms: str) -> Callable:
    """Logged in (else the login page) and holding every ``web.<perm>`` (else 403)."""

    def decorate(view: Callable) -> Callable:
        guarded = view
        for perm in reversed(perms):
            guarded = permission_required(f"web.{perm}", raise_exception=True)(guarded)
        return wraps(view)(login_required(guarded))

    return decorate


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


# ---- review queue and findings ------------------------------------------------------------


@require_GET
@requires("view_findings")
def queue(request: HttpRequest) -> HttpResponse:
    from .review import queue_columns

    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(findings.queue(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [findings.queue_row(f) for f in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "columns": queue_columns(filters.sort),
        "bulk_decisions": [(k, labels.DECISION_VERBS[k]) for k, _ in labels.DECISIONS],
    }
    return render(request, "web/queue.html", context)


def _finding(pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.select_related("page__site", "page__item", "attachment", "snapshot"), pk=pk
    )


def _detail_response(
    request: HttpRequest, finding: Finding, form: ReviewForm, status: int = 200
) -> HttpResponse:
    from .review import queue_url

    back = form["back"].value() or ""
    context = {
        "finding": finding,
        "detail": findings.detail(finding),
        "form": form,
        "queue_url": queue_url(back),  # back to the view the reviewer came from
        "decisions": [
            (key, labels.DECISION_VERBS[key])
            for key, _ in labels.DECISIONS
            if key != finding.status  # reopen only a decided finding; no decision twice in a row
        ],
    }
    return render(request, "web/finding.html", context, status=status)


@require_GET
@requires("view_findings")
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(pk)
    initial = {"next": True, "back": request.GET.get("from", "")}
    return _detail_response(request, finding, ReviewForm(hits=finding.hits, initial=initial))


@require_POST
@requires("view_findings", "review_finding")
def finding_review(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from .review import after_decision, decide

    finding = _finding(pk)
    form = ReviewForm(request.POST, hits=finding.hits)
    if not form.is_valid():
        return _detail_response(request, finding, form, status=400)
    try:
        entry = decide(finding, request.user, form)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail_response(request, finding, form, status=400)
    decision = form.cleaned_data["decision"]
    extra = f"，并加入白名单（{entry.get_scope_display()}）" if entry else ""
    messages.success(request, f"已记录：{labels.STATUS_LABELS[decision]}{extra}")
    return after_decision(request, finding, form)


@require_GET
@requires("view_findings")
def snapshot(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence bytes, as a download only: never rendered by the browser."""
    finding = _finding(pk)
    path = findings.snapshot_path(finding)
    if path is None:
        raise Http404("快照文件不存在")
    fh = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    head = fh.read(16)
    fh.seek(0)
    response = FileResponse(
        fh,
        as_attachment=True,  # Content-Disposition with filename*=utf-8'' for the Chinese name
        filename=snapshot_filename(finding, head),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_GET
@requires("view_findings")
def finding_crop(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """The region of a scanned page an OCR hit was read from, as a PNG drawn by the app (the
    stored document itself is never sent to be rendered)."""
    finding = _finding(pk)
    png = findings.ocr_crop(finding, index)
    if png is None:
        raise Http404("没有可显示的识别区域")
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# ---- lexicon and runs ---------------------------------------------------------------------


@require_GET
@requires("view_lexicon")
def lexicon(request: HttpRequest) -> HttpResponse:
    with_private = request.user.has_perm("web.view_private_lexicon")
    page = lexicon_page(with_private_terms=with_private)
    context = {
        "lex": page,
        "with_private": with_private,
        "repo_entries": _entry_rows(page.repo),
        "private_entries": _entry_rows(page.private),
    }
    return render(request, "web/lexicon.html", context)


def _entry_rows(lex) -> list[dict]:
    if lex is None:
        return []
    return [
        {
            "term": e.term,
            "kind": labels.kind(e.kind),
            "severity": labels.SEVERITY_LABELS.get(e.severity, e.severity),
            "form": "仅作标签时" if e.form == "label" else "任意位置",
            "note": e.note,
            "source": source_name(e.source),
        }
        for e in lex.entries.values()
    ]


@require_GET
@requires("view_runs")
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(PatrolRun.objects.order_by("-started_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    found = _run_site_findings([run.pk for run in page])
    names = dict(Site.objects.values_list("site_id", "name"))
    rows = [
        {
            "run": run,
            "trigger": labels.TRIGGER_LABELS.get(run.trigger, run.trigger),
            "sites": found.get(run.pk, []),
            "site_names": _site_names(run.sites or [], names),
        }
        for run in page
    ]
    return render(request, "web/runs.html", {"page": page, "rows": rows})


def _site_names(site_ids: list[str], names: dict[str, str], shown: int = 6) -> str:
    """The run's sites by name: 全部网站 when it covered every known site, else up to ``shown`` names."""
    if not site_ids or (len(names) > shown and set(names) <= set(site_ids)):
        return f"全部网站（{len(site_ids)} 个）" if site_ids else "全部网站"
    listed = [names.get(sid, sid) for sid in site_ids]
    more = f" 等 {len(listed)} 个" if len(listed) > shown else ""
    return "、".join(listed[:shown]) + more


def _run_site_findings(run_ids: list[int]) -> dict[int, list[dict]]:
    """Per run, per site: what the patrol could not read or found missing (SiteFinding), counted
    by kind and listed, in Chinese."""
    kinds = dict(SiteFinding.KINDS)
    out: dict[int, dict[int, dict]] = {}
    qs = SiteFinding.objects.filter(run_id__in=run_ids).select_related("site")
    for f in qs.order_by("run_id", "site__site_id", "kind", "url"):
        site = out.setdefault(f.run_id, {}).setdefault(
            f.site_id, {"site": f.site, "counts": {}, "entries": []}
        )
        label = kinds.get(f.kind, f.kind)
        site["counts"][label] = site["counts"].get(label, 0) + 1
        note = f.detail.get("reason") or (f"→ {f.detail['target']}" if f.detail.get("target") else "")
        site["entries"].append({"label": label, "url": f.url, "note": note})
    return {
        run: [{**s, "counts": list(s["counts"].items())} for s in sites.values()]
        for run, sites in out.items()
    }


# ---- supervisor dashboards ----------------------------------------------------------------


@require_GET
@requires("view_reports")
def counts(request: HttpRequest) -> HttpResponse:
    conf = dashboards.report_conf()
    form = YearForm(request.GET or None)
    year = form.year_or(dashboards.newest_year_with_data(conf))
    if not form.is_bound:
        form = YearForm(initial={"year": year})  # the picker shows the year on screen
    data = dashboards.counts_data(year, conf)
    view = dashboards.counts_view(data, dashboards.rules_for(conf))
    return render(request, "web/counts.html", {"form": form, "year": year, "report": view})


@require_GET
@requires("view_reports")
def timeliness(request: HttpRequest) -> HttpResponse:
    conf = dashboards.report_conf()
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_or(dashboards.today(conf))
    if not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of.isoformat()})
    data = dashboards.timeliness_data(as_of, conf)
    view = dashboards.timeliness_view(data, dashboards.rules_for(conf))
    return render(request, "web/timeliness.html", {"form": form, "as_of": as_of, "report": view})


@require_GET
@requires("view_reports")
def inspection(request: HttpRequest) -> HttpResponse:
    """Site summary, findings filtered by site / level / kind in pages, every site's identity."""
    from reports.inspection import identities

    from . import inspection_board as ib

    conf = dashboards.report_conf()
    sites = ib.active_sites()
    query = request.GET.copy()  # the links keep every filter, and the date shown even when defaulted
    if not query.get("as_of"):
        query["as_of"] = dashboards.today(conf).isoformat()
    form = ib.InspectionFilterForm(query, sites=[(s.site_id, s.name) for s in sites])
    as_of = form.as_of_or(dashboards.today(conf))
    report = ib.data(as_of, conf)
    view = ib.board(report, form, request.GET.get("page"), identities(sites))
    context = {"form": form, "as_of": as_of, "report": view, "query": query}
    return render(request, "web/inspection.html", context)


@require_GET
@requires("view_reports")
def report_export(request: HttpRequest, report: str, fmt: str) -> HttpResponse:
    """XLSX download, or the reports package's printable page (it escapes every text itself)."""
    from reports.registry import CONTENT_TYPES, REPORTS

    if report not in REPORTS or fmt not in dashboards.FORMATS:
        raise Http404("没有这种报表")
    conf = dashboards.report_conf()
    if REPORTS[report].period == "as_of":
        form = AsOfForm(request.GET or None)
        body, name = dashboards.export(report, fmt, as_of=form.as_of_or(dashboards.today(conf)))
    else:
        form = YearForm(request.GET or None)
        body, name = dashboards.export(report, fmt, year=form.year_or(dashboards.today(conf).year))
    if fmt == "html":
        body = with_print_button(body.decode("utf-8")).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if fmt == "xlsx" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- 错敏 queue (information centre) ---------------------------------------------------------


@require_GET
@requires("view_wording")
def wording_queue(request: HttpRequest) -> HttpResponse:
    from inspection import queue as wq
    from reports import render_inspection as ri

    from .links import href

    show = "all" if request.GET.get("show") == "all" else "open"
    rows = wq.rows(show)
    for r in rows:
        r.href = href(r.url)  # only http(s) becomes a link
    context = {
        "rows": rows,
        "show": show,
        "kind_labels": ri.KIND_LABELS,
        "decision_labels": wq.DECISION_LABELS,
        "level_labels": ri.LEVEL_LABELS,
        "can_decide": request.user.has_perm("web.decide_wording"),
    }
    return render(request, "web/wording_queue.html", context)


@require_POST
@requires("view_wording", "decide_wording")
def wording_decide(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import redirect

    from inspection import queue as wq

    url, text = request.POST.get("url", ""), request.POST.get("text", "")
    decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
    if decision not in (*wq.DECISION_LABELS, "reopen") or not wq.known(url, text):
        return HttpResponse("无效的处理请求", status=400, content_type="text/plain; charset=utf-8")
    wq.decide(url, text, decision, request.user, note)
    done = "已重新打开" if decision == "reopen" else f"已记录：{wq.DECISION_LABELS[decision]}"
    messages.success(request, f"{done}（“{text}”）")
    show = "all" if request.POST.get("show") == "all" else "open"
    target = reverse("web:wording_queue") + ("?show=all" if show == "all" else "")
    return redirect(target)
