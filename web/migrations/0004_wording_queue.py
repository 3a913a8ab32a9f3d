"""信息中心 works the 错敏 queue (wording errors and watched names): new permissions view_wording and
decide_wording. The secrecy bureau does not get them (issue 10: these go to the information centre)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADDED = {"信息中心": ("view_wording", "decide_wording")}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("web")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, codenames in ADDED.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        perms = Permission.objects.using(db).filter(content_type__app_label="web", codename__in=codenames)
        assert perms.count() == len(codenames), name
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, codenames in ADDED.items():
        for group in Group.objects.using(db).filter(name=name):
            group.permissions.remove(
                *Permission.objects.using(db).filter(content_type__app_label="web", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("web", "0003_info_centre_patrol")]

    operations = [
        migrations.AlterModelOptions(
            name="access",
            options={
                "default_permissions": (),
                "managed": False,
                "permissions": [
                    ("view_findings", "查看筛查发现（审核队列、发现详情、快照）"),
                    ("review_finding", "审核筛查发现（确认、排除、已下架）"),
                    ("view_lexicon", "查看词库（仓库词库与白名单）"),
                    ("view_private_lexicon", "查看保密局私有词库的词条"),
                    ("view_reports", "查看督查报表（更新数量、时效性、年度统计）"),
                    ("view_runs", "查看巡查记录"),
                    ("start_patrol", "从网页端发起对单个网站的巡查"),
                    ("view_wording", "查看错敏信息队列（表述错误、关注人名）"),
                    ("decide_wording", "处理错敏信息（忽略、已整改）"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
