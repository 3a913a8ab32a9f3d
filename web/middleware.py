"""Response headers every page of the app carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: no-store`` on every page a
    logged-in user gets (findings, snapshots, the lexicon, dashboards: none may sit in a shared
    or browser cache) and on every error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.status_code >= 400:
            add_never_cache_headers(response)
        return response
