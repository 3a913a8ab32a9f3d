"""Screen what the patrol fetched and store the findings against the snapshot it came from."""

from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _screener(private_lexicon: str | None, threshold: str):
    from screening.engine import Screener, load_lexicon
    from screening.engine.lexicon import default_lexicon_paths

    paths = list(default_lexicon_paths())
    if private_lexicon:
        paths.append(private_lexicon)
    return Screener(load_lexicon(paths), threshold=threshold)


def _limits(conf):
    from screening.extract import Limits

    return Limits.from_config(conf.screening)


def allow_rules() -> list[dict[str, str]]:
    """The bureau's active allowlist (read per document: it is small, and revocations apply at once)."""
    from screening.models import active_allow_rules

    return active_allow_rules()


def screen_document(body: bytes, name: str, content_type: str, url: str, conf):
    """Screen bytes with the patrol's screener and drop what the bureau's allowlist covers."""
    from screening.service import apply_allowlist, screen_bytes

    result = screen_bytes(
        body,
        name,
        content_type=content_type or None,
        url=url,
        limits=_limits(conf),
        screener=_screener(conf.screening["private_lexicon"], conf.screening["threshold"]),
    )
    return apply_allowlist(result, url, allow_rules(), conf.screening["threshold"])


_screen = screen_document


def screen_page(page, body: bytes, content_type: str, run, conf) -> int:
    """Screen a fetched page; returns 1 when a finding was recorded."""
    from screening.models import record_findings

    result = _screen(body, page.url, content_type or "text/html", page.url, conf)
    page.screen_status, page.screen_reason = result.status, (result.reason or "")[:300]
    page.save(update_fields=["screen_status", "screen_reason"])
    finding = record_findings(
        result, url=page.url, page_url=page.url, snapshot=page.snapshot, page=page, run=run
    )
    return 1 if finding is not None else 0


def screen_attachment(att, body: bytes, content_type: str, run, conf) -> int:
    from screening.models import record_findings

    result = _screen(body, att.name or att.url, content_type, att.url, conf)
    att.screen_status, att.screen_reason = result.status, (result.reason or "")[:300]
    att.save(update_fields=["screen_status", "screen_reason"])
    finding = record_findings(
        result,
        url=att.url,
        page_url=att.page.url,
        snapshot=att.snapshot,
        page=att.page,
        attachment=att,
        run=run,
    )
    return 1 if finding is not None else 0
