"""The web app owns no data: one table-less model carries the role permissions.

Roles are Django groups (``web/roles.py``, created by a data migration); each grants some
of these permissions. Superusers hold them all.
"""

from __future__ import annotations

from django.db import models


class Access(models.Model):
    """Permission holder only: ``managed = False`` and never queried, so no table exists."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_findings", "查看筛查发现（审核队列、发现详情、快照）"),
            ("review_finding", "审核筛查发现（确认、排除、已下架）"),
            ("view_lexicon", "查看词库（仓库词库与白名单）"),
            ("view_private_lexicon", "查看保密局私有词库的词条"),
            ("view_reports", "查看督查报表（更新数量、时效性、年度统计）"),
            ("view_runs", "查看巡查记录"),
            ("start_patrol", "从网页端发起对单个网站的巡查"),
            ("view_wording", "查看错敏信息队列（表述错误、关注人名）"),
            ("decide_wording", "处理错敏信息（忽略、已整改）"),
        ]
