"""The three roles as groups with their permissions (a frozen copy of web/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "信息中心": ("view_lexicon", "view_runs"),
    "保密局": ("view_findings", "review_finding", "view_lexicon", "view_private_lexicon"),
    "督查": ("view_reports",),
}


def create_roles(apps, schema_editor):
    # permissions are normally created after migrate; the groups need them now
    app_config = apps.get_app_config("web")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        perms = Permission.objects.using(schema_editor.connection.alias).filter(
            content_type__app_label="web", codename__in=codenames
        )
        assert perms.count() == len(codenames), name
        group.permissions.add(*perms)


def drop_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
