from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import patrol_start, review, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            redirect_authenticated_user=True,
            extra_context={
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "lockout_hours": settings.AXES_COOLOFF_TIME,
            },
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="web/password_change.html", success_url=reverse_lazy("web:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
    path("findings/", views.queue, name="queue"),
    path("findings/bulk/", review.bulk_review, name="bulk_review"),
    path("findings/export.xlsx", review.export_queue, name="queue_export"),
    path("findings/allowlist/", review.allowlist, name="allowlist"),
    path("findings/allowlist/<int:pk>/revoke/", review.allowlist_revoke, name="allowlist_revoke"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/review/", views.finding_review, name="finding_review"),
    path("findings/<int:pk>/snapshot/", views.snapshot, name="snapshot"),
    path("findings/<int:pk>/crop/<int:index>.png", views.finding_crop, name="finding_crop"),
    path("lexicon/", views.lexicon, name="lexicon"),
    path("runs/", views.runs, name="runs"),
    path("runs/start/", patrol_start.start_patrol, name="start_patrol"),
    path("reports/counts/", views.counts, name="counts"),
    path("reports/timeliness/", views.timeliness, name="timeliness"),
    path("reports/inspection/", views.inspection, name="inspection"),
    path("wording/", views.wording_queue, name="wording_queue"),
    path("wording/decide/", views.wording_decide, name="wording_decide"),
    path("reports/<slug:report>.<slug:fmt>", views.report_export, name="report_export"),
]
