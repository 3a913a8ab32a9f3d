"""Per-site crawl statistics as a downloader middleware (Scrapy's stats collector holds them).

For every request and response the site it belongs to (the longest configured scope holding
the URL) gets ``site/<id>/requests``, ``site/<id>/responses`` and ``site/<id>/status/<code>``;
``crawler.runner`` copies them into ``PatrolRun.stats["sites"]`` (``patrol runs`` shows them).
Registered after the scope guard, so only requests that will be sent are counted.
"""

from __future__ import annotations

from config.patrolconf import site_for_url

ORDER = 45


class SiteStatsMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.sites = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _site(self, url: str) -> str | None:
        if self.sites is None:
            conf = getattr(self.crawler.spider, "conf", None)
            self.sites = conf.sites if conf is not None else []
        owner = site_for_url(self.sites, url)
        return owner.id if owner is not None else None

    def process_request(self, request):
        site = request.meta.get("site") or self._site(request.url)
        if site:
            self.stats.inc_value(f"site/{site}/requests")
        return None

    def process_response(self, request, response):
        site = request.meta.get("site") or self._site(request.url)
        if site:
            self.stats.inc_value(f"site/{site}/responses")
            self.stats.inc_value(f"site/{site}/status/{response.status}")
        return response


def collect(stats: dict) -> dict[str, dict]:
    """``{site id: {"requests": n, "responses": n, "status": {code: n}}}`` from Scrapy's stats."""
    out: dict[str, dict] = {}
    for key, value in stats.items():
        if not isinstance(key, str) or not key.startswith("site/"):
            continue
        _, site, rest = key.split("/", 2)
        entry = out.setdefault(site, {"requests": 0, "responses": 0, "status": {}})
        if rest.startswith("status/"):
            entry["status"][rest.split("/", 1)[1]] = int(value)
        elif rest in ("requests", "responses"):
            entry[rest] = int(value)
    return out
