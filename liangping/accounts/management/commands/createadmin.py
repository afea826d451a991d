"""liangping createadmin USERNAME --role sysadmin|secadmin|auditor [--name 姓名]: the first administrators.

Prints a random initial password once. The account must change it at the first sign-in and, as
every administrator, bind an authenticator app; the creation is audited (actor 系统).
"""

from __future__ import annotations

import secrets
import string
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from liangping.core.accounts import USER_FIELDS
from liangping.core.audit import diff, record, snapshot
from liangping.core.models import ADMIN_ROLES, Role, User

ALPHABET = string.ascii_letters + string.digits + "#%+=@"


def initial_password(length: int = 16) -> str:
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(length))
        try:
            validate_password(password)
        except Exception:
            continue
        return password


class Command(BaseCommand):
    help = "新建系统管理员、安全管理员或审计管理员账号（三权分立，各一个角色），打印一次初始密码"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--role", required=True, choices=sorted(ADMIN_ROLES), help="sysadmin、secadmin 或 auditor"
        )
        parser.add_argument("--name", default="", help="姓名")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError("请填写用户名")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"用户名“{username}”已被使用")
        role = Role(options["role"])
        password = initial_password()
        user = User(username=username, display_name=options["name"] or role.label, role=role)
        user.set_password(password)
        user.save()
        record(None, "user.create", user, changes=diff({}, snapshot(user, USER_FIELDS)))
        self.stdout.write(f"已新建{role.label}账号 {username}，初始密码（只显示这一次）：{password}")
        self.stdout.write("首次登录时须修改密码并绑定动态口令（双因素登录）。")
