"""liangping period lock|publish|reopen|show PERIOD — the period lifecycle on the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.core.models import Role, User
from liangping.core.periods import PeriodCodeError
from liangping.core.tenancy import (
    INSTALLATION,
    TenantArg,
    installation_city,
    place_by_code,
    resolve,
    tenant_for,
    tenant_of_place,
)
from liangping.grading import services


def tenant_by_code(code: str | None) -> TenantArg:
    """The tenant --city names (a city's code, or the province's for its own periods); none given: the
    installation's city."""
    if not code:
        return INSTALLATION
    place = place_by_code(code)
    if place is None:
        raise CommandError(f"区划代码 {code} 不是本系统中的省或市")
    return tenant_of_place(place)


def actor_for(username: str | None, tenant: TenantArg = INSTALLATION) -> User | None:
    """The named account, else the first supervisor of the tenant (of the installation's city)."""
    if username:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"用户 {username} 不存在或已停用") from exc
    city = resolve(tenant)
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk")
    mine = (
        supervisors.filter(org__tenant__isnull=True)
        if city is None
        else supervisors.filter(org__tenant_id=city)
    )
    return mine.first() or (
        supervisors.filter(org__isnull=True).first() if city == installation_city() else None
    )


class Command(BaseCommand):
    help = "考核期：锁定（冻结分级与排名）、发布、重新开放、查看"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["lock", "publish", "reopen", "show"])
        parser.add_argument("period", help="2025-06（月）或 2025Q2（季度）")
        parser.add_argument("--yes", action="store_true", help="有未审核的月度调度时仍然锁定")
        parser.add_argument("--reason", default="", help="重新开放的原因（必填）")
        parser.add_argument("--as", dest="username", help="以该用户身份操作（默认：该市第一位督查人员）")
        parser.add_argument(
            "--city", help="城市的区划代码（如 370400；370000 为省级考核期），默认为本系统的城市"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = tenant_by_code(opts["city"])
        actor = actor_for(opts["username"], tenant)
        if opts["username"] and not opts["city"] and actor is not None:
            tenant = tenant_for(actor)  # the account's own city's period
        try:
            period = services.get_or_create_period(opts["period"], tenant)
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from exc
        try:
            if opts["action"] == "lock":
                snap = services.lock_period(actor, period, confirm_unreviewed=opts["yes"])
                counts = snap.summary["projects"]
                self.stdout.write(
                    f"{period.label}已锁定（快照第{snap.version}版，规则第{snap.ruleset.version}版）："
                    f"蓝 {counts['blue']}，黄 {counts['yellow']}，红 {counts['red']}，未评定 {counts['none']}"
                )
            elif opts["action"] == "publish":
                services.publish_period(actor, period)
                self.stdout.write(f"{period.label}已发布，亮屏和双公开将显示该期数据")
            elif opts["action"] == "reopen":
                services.reopen_period(actor, period, opts["reason"])
                self.stdout.write(f"{period.label}已重新开放；再次锁定将生成新的快照版本，旧版本保留可查")
            else:
                current = services.current_snapshot(period)
                version = f"，快照第{current.version}版" if current else "，尚无快照"
                self.stdout.write(f"{period.label}：{period.get_status_display()}{version}")
        except services.NeedsConfirmation as exc:
            lines = "\n".join(
                f"  {r.project.code} {r.project.name} {r.month:%Y-%m}" for r in exc.reports[:50]
            )
            more = f"\n  ……共 {len(exc.reports)} 份" if len(exc.reports) > 50 else ""
            raise CommandError(f"{exc}，未审核的调度：\n{lines}{more}\n确认锁定请加 --yes") from exc
        except services.GradingError as exc:
            raise CommandError(str(exc)) from exc
