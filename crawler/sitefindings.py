"""Patrol-level findings (``SiteFinding``): record during a patrol, read the latest per site."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import PatrolRun, Site, SiteFinding


def record(run: PatrolRun, site: Site, kind: str, url: str, **detail) -> SiteFinding:
    """Record one finding of this run; the same (kind, url) twice in a run is kept once."""
    try:
        with transaction.atomic():
            return SiteFinding.objects.create(run=run, site=site, kind=kind, url=url[:2000], detail=detail)
    except IntegrityError:
        return SiteFinding.objects.get(run=run, site=site, kind=kind, url=url[:2000])


def last_run(site: Site) -> PatrolRun | None:
    """The newest finished patrol that covered ``site`` (a run still going is not read)."""
    runs = PatrolRun.objects.exclude(status="running").order_by("-id").only("id", "sites")
    return next((r for r in runs.iterator() if site.site_id in (r.sites or [])), None)


def latest(site: Site, kinds: tuple[str, ...] | None = None) -> list[SiteFinding]:
    """The findings the newest finished patrol of ``site`` recorded (none once a patrol finds none)."""
    run = last_run(site)
    if run is None:
        return []
    qs = SiteFinding.objects.filter(site=site, run=run)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs)
