"""The three roles as Django groups, and the permissions each grants (``web.<codename>``).

The data migrations ``0002_roles``, ``0003_info_centre_patrol`` and ``0004_wording_queue`` create the
groups with a frozen copy of this table; ``tests/test_web.py`` checks that the two agree.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

INFO_CENTRE = "信息中心"
SECRECY_BUREAU = "保密局"
SUPERVISOR = "督查"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # the information centre runs the portals: it sees the dashboards (timeliness first) and
    # may start a patrol of one site from the app; it works the 错敏 queue (wording errors, watched names)
    INFO_CENTRE: (
        "view_lexicon",
        "view_runs",
        "view_reports",
        "start_patrol",
        "view_wording",
        "decide_wording",
    ),
    SECRECY_BUREAU: ("view_findings", "review_finding", "view_lexicon", "view_private_lexicon"),
    SUPERVISOR: ("view_reports",),
}
ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)


def assign_role(user, role: str) -> None:
    """Put ``user`` into the role's group (the group comes from the migration)."""
    if role not in ROLE_PERMISSIONS:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    user.groups.add(Group.objects.get(name=role))
