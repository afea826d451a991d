from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from liangping.core.models import Period, PeriodStatus
from liangping.projects.models import MonthlyReport, ReportStatus


@pytest.mark.django_db
def test_period_command_lifecycle(cast, capsys):
    MonthlyReport.objects.create(
        project=cast.inside,
        month=dt.date(2025, 6, 1),
        month_investment=Decimal(0),
        ytd_investment=Decimal(1),
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    with pytest.raises(CommandError, match="--yes"):
        call_command("period", "lock", "2025-06")
    call_command("period", "lock", "2025-06", "--yes")
    assert "已锁定（快照第1版" in capsys.readouterr().out
    call_command("period", "publish", "2025-06")
    assert Period.objects.get(code="2025-06").status == PeriodStatus.PUBLISHED
    with pytest.raises(CommandError, match="原因"):
        call_command("period", "reopen", "2025-06")
    call_command("period", "reopen", "2025-06", "--reason", "数据更正")
    call_command("period", "lock", "2025年6月", "--yes")
    call_command("period", "show", "2025-06")
    assert "快照第2版" in capsys.readouterr().out
    with pytest.raises(CommandError, match="无法识别"):
        call_command("period", "lock", "六月")
