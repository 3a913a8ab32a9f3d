from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "网页端"

    def ready(self) -> None:
        from . import admin_labels

        admin_labels.apply()  # Chinese names in the admin, without touching other apps' models
