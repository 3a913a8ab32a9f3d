"""The 错敏 queue of the information centre: wording errors and watched names of each site's latest
patrol, with the suggested correction, the context and the decision taken (ignore / fixed).

Decisions are keyed by page URL and wrong text (``WordingDecision``); ``reports.inspection.decided``
says whether one still holds (a ``fixed`` page found again by a later patrol is back in the queue).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crawler import sitefindings
from crawler.models import Site, SiteFinding
from reports.inspection import QUEUE_KINDS, decided, decisions, details

from .models import WordingDecision

DECISION_LABELS = dict(WordingDecision.DECISIONS)


@dataclass
class Row:
    site: str
    site_name: str
    kind: str
    url: str
    text: str
    suggestion: str
    context: str
    severity: str
    decision: str  # "" = open
    decided_by: str = ""
    decided_at: object = None
    note: str = ""

    @property
    def level(self) -> str:
        if self.kind == "wording_error" and self.severity == "serious":
            return "veto"
        return "warning"


def rows(show: str = "open") -> list[Row]:
    """The queue: ``open`` (undecided, or fixed but found again) or ``all``; serious errors first."""
    dmap = decisions()
    full = {(d.url, d.text): d for d in WordingDecision.objects.select_related("user")}
    out = []
    for site in Site.objects.filter(active=True).order_by("site_id"):
        for f in sitefindings.latest(site, QUEUE_KINDS):
            for d in details(f):
                _add(out, site, f, d, dmap, full, show)
    level = {"veto": 0, "warning": 1}
    kinds = {k: i for i, k in enumerate(QUEUE_KINDS)}
    out.sort(key=lambda r: (bool(r.decision), level[r.level], kinds[r.kind], r.site, r.url, r.text))
    return out


def _add(out: list[Row], site, f, d: dict, dmap: dict, full: dict, show: str) -> None:
    state = decided(f, dmap, str(d.get("text", "")))
    if show == "open" and state:
        return
    rec = full.get((f.url, str(d.get("text", "")))) if state else None
    out.append(
        Row(
            site=site.site_id,
            site_name=site.name,
            kind=f.kind,
            url=f.url,
            text=str(d.get("text", "")),
            suggestion=str(d.get("suggestion", "")),
            context=str(d.get("context", "")),
            severity=str(d.get("severity", "")),
            decision=state,
            decided_by=rec.user.get_username() if rec and rec.user else "",
            decided_at=rec.at if rec else None,
            note=rec.note if rec else "",
        )
    )


def known(url: str, text: str) -> bool:
    """A wording finding with this page and text exists (decisions are only taken on real findings)."""
    return any(
        str(d.get("text", "")) == text
        for f in SiteFinding.objects.filter(kind__in=QUEUE_KINDS, url=url)
        for d in details(f)
    )


def decide(url: str, text: str, decision: str, user, note: str = "") -> WordingDecision | None:
    """Record ``ignore`` / ``fixed`` (replacing an earlier one), or ``reopen`` (remove it)."""
    with transaction.atomic():
        if decision == "reopen":
            WordingDecision.objects.filter(url=url, text=text).delete()
            return None
        if decision not in DECISION_LABELS:
            raise ValueError(decision)
        obj, _ = WordingDecision.objects.update_or_create(
            url=url, text=text, defaults={"decision": decision, "user": user, "note": note[:500]}
        )
        return obj
