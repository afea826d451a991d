"""The demo's government services hold the seeds' figures, on the pages and on the public screen:
9,421 matters; 6 pilot towns, a 50-matter guidance catalogue and 1,433 cases; the 万达 便民站 with 5
categories and 35 matters; 二手车出口 with 7 matters of 4 departments in 1 form, 3 → 1 and 20 → 3 days."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from liangping.services.models import Bundle, Matter, ServicePoint

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--no-serve", "--today", TODAY.isoformat(), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def page(url: str, username: str = "supervisor") -> str:
    from liangping.core.models import User

    client = Client()
    client.force_login(User.objects.filter(role=username).order_by("id").first())
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_seeds_figures_on_the_pages(demo):
    assert Matter.objects.count() == 9421 and Matter.objects.filter(sample=False).count() >= 4
    overview = page("/services/")
    assert 'id="matter-count">9421<' in overview
    assert 'id="pilot-towns">6<' in overview and 'id="pilot-guide">50<' in overview
    assert 'id="pilot-total">1433<' in overview
    assert 'id="mall-categories">5<' in overview and 'id="mall-matters">35<' in overview
    assert 'id="catalogue-total">9421<' in page("/services/matters/")
    mall = ServicePoint.objects.get(name="枣庄万达广场政务服务便民站")
    detail = page(f"/services/points/{mall.pk}/")
    assert 'id="point-categories">5<' in detail and 'id="point-matters">35<' in detail
    bundle = Bundle.objects.get(code="car_export")
    view = page(f"/services/bundles/{bundle.pk}/")
    assert (
        'id="bundle-matters">7<' in view
        and 'id="bundle-departments">4<' in view
        and 'id="bundle-forms">1<' in view
    )
    limits = view[view.index('id="bundle-limits"') :]
    assert (
        '<td>机动车转让待出口登记</td><td>市公安局交通警察支队车辆管理所</td><td class="num">3</td>'
        '<td class="num">1</td>' in limits
    )
    assert (
        '<td>出口退税申报</td><td>国家税务总局枣庄市税务局</td><td class="num">20</td><td class="num">3</td>'
        in limits
    )
    assert "rule-flagged" in page("/services/rule/") and "未配备帮办代办主管" in page("/services/rule/")


def test_the_seeds_figures_on_the_screen(demo):
    screen = Client().get("/screen/services/").content.decode()
    assert (
        'id="sv-matters">9421<' in screen
        and 'id="sv-pilot">1433<' in screen
        and 'id="sv-guide">50<' in screen
    )
    assert "5<small>类</small>35<small>项</small>" in screen
    assert "4 个部门 7 个事项 → 1 张表单" in screen
    assert "机动车转让待出口登记 <s>3 天</s> → <b>1 天</b>" in screen
    assert "出口退税申报 <s>20 天</s> → <b>3 天</b>" in screen
