"""``patrol createuser USERNAME --role 保密局|信息中心|督查`` — an account with one role.

The password comes from an interactive prompt (asked twice) or, with ``--password-stdin``,
from the first line of standard input; Django's password validators check it either way.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from web.roles import ROLES, assign_role


class Command(BaseCommand):
    help = "Create a web app account with a role (保密局, 信息中心 or 督查)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES, help="保密局 | 信息中心 | 督查")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        parser.add_argument("--email", default="")

    def handle(self, *args, **opts):
        User = get_user_model()
        username = opts["username"].strip()
        if not username:
            raise CommandError("用户名不能为空")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在（角色可在管理后台修改）")
        password = self._password(opts["password_stdin"])
        user = User(username=username, email=opts["email"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            assign_role(user, opts["role"])
        self.stdout.write(f"已创建用户 {username}，角色：{opts['role']}")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("标准输入中没有密码")
            return password
        if not sys.stdin.isatty():
            raise CommandError("无法交互输入密码：请在终端运行，或使用 --password-stdin")
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致")
        return password
