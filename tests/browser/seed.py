"""Seed a patrolled data folder with what the browser tests need beyond the patrol itself.

Run as a child process (``python -m tests.browser.seed``) with ``PATROL_DATA``/``PATROL_CONFIG``
set, so it writes the same store the ``patrol web`` server reads: a crawled item whose title
holds markup that must show as text, with a flagged finding on it, and the accounts given on
standard input (one process for all: each ``patrol createuser`` would start Django again).
"""

from __future__ import annotations

import os
from datetime import date

SCRIPT_TITLE = "<script>alert(1)</script>"
IMG_TITLE = "<img src=x onerror=alert(1)>"
XSS_TITLE = f"关于{SCRIPT_TITLE}公示{IMG_TITLE}的通知"
XSS_CONTEXT = f"联系人{IMG_TITLE}内部资料{SCRIPT_TITLE}"


def seed(users: list[tuple[str, str, str]]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # as every patrol verb does
    from crawler import snapshots
    from crawler.models import Column, Item, Listing, Page, PatrolRun, Site
    from screening.models import Finding

    site = Site.objects.order_by("id").first()
    run = PatrolRun.objects.order_by("-id").first()
    url = site.url.rstrip("/") + "/seeded/markup-title.html"
    # dated like the patrol's newest item, so the seed does not move the newest year with data
    newest = Item.objects.filter(publish_date__isnull=False).order_by("-publish_date").first()
    day = newest.publish_date if newest else date.today()
    item = Item.objects.create(
        site=site, url=url, title=XSS_TITLE, publish_date=day, first_seen_run=run, last_seen_run=run
    )
    column = Column.objects.filter(site=site).order_by("id").first()
    if column is not None:
        Listing.objects.create(
            column=column,
            item=item,
            title=XSS_TITLE,
            row_date=day,
            first_seen_run=run,
            last_seen_run=run,
        )
    body = f"<html><body><h1>{XSS_TITLE}</h1><p>{XSS_CONTEXT}</p></body></html>".encode()
    snap = snapshots.store(body)
    page = Page.objects.create(site=site, item=item, url=url, status=200, snapshot=snap, run=run)
    finding = Finding.objects.create(
        url=url,
        page_url=url,
        page=page,
        snapshot=snap,
        run=run,
        severity="high",
        flagged=True,
        kinds=["internal_marker"],
        hits=[
            {
                "kind": "internal_marker",
                "rule": "lexicon",
                "severity": "high",
                "text": "内部资料",
                "context": XSS_CONTEXT,
                "start": len(f"联系人{IMG_TITLE}"),
                "end": len(f"联系人{IMG_TITLE}内部资料"),
            }
        ],
    )
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from web.roles import assign_role

    for username, role, password in users:
        user = get_user_model()(username=username)
        validate_password(password, user)  # as patrol createuser does
        user.set_password(password)
        user.save()
        assign_role(user, role)
    print(finding.pk)
    return 0


if __name__ == "__main__":
    import json
    import sys

    # stdin: [[username, role, password], ...], the accounts to create (one per role)
    raise SystemExit(seed([tuple(u) for u in json.load(sys.stdin)]))
