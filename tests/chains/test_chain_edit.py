"""Creating and changing a chain and adding segments: data, not code; refused input says what to fix."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liangping.chains.mapdata import chain_map
from liangping.chains.models import Chain, Segment
from liangping.core.models import AuditLog

pytestmark = pytest.mark.django_db


def supervisor(cast):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(cast.supervisor)
    return c


def test_a_new_chain_with_leader_anchor_and_layout(cast, cw):
    response = supervisor(cast).post(
        reverse("chains:new"),
        {
            "name": "高端装备",
            "leader": cast.leader2.pk,
            "alliance": "高端装备产业联盟",
            "fund": "装备基金",
            "fund_size": "20",
            "anchors": cw.firm_a.credit_code.lower(),
            "zones": "核心基地 装备产业园 滕州\n产业配套区 配套区甲\n协调发展区：协调区甲",
        },
    )
    assert response.status_code == 302
    chain = Chain.objects.get(name="高端装备")
    data = chain_map(chain, cast.supervisor)
    assert data["chain"]["layout"] == "1+1+1"
    assert data["chain"]["anchors"] == ["甲锂能科技有限公司"]
    assert data["chain"]["leader"] == "领导乙"
    assert AuditLog.objects.filter(action="chain.create", object_id=str(chain.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zones", "重点园区 某园", "布局第1行"),
        ("zones", "核心基地 园区 莱芜区", "不是本市的区（市）"),
        ("anchors", "91310110666007217A", "校验位不正确"),
        ("anchors", "91310110666007217T", "请先导入该企业"),
        ("fund_size", "很多", "不是数字"),
        ("name", "锂电", "已存在"),
    ],
)
def test_refused_chain_input_names_the_field_and_saves_nothing(cast, cw, field, value, message):
    body = {"name": "新链", "zones": "", "anchors": "", "fund_size": "", field: value}
    response = supervisor(cast).post(reverse("chains:new"), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Chain.objects.filter(name="新链").exists()


def test_adding_a_segment_and_a_sub_segment(cast, cw):
    c = supervisor(cast)
    url = reverse("chains:segment_new", args=[cw.chain.pk])
    c.post(url, {"name": "负极材料", "position": "15", "measure": "负极材料", "unit": "万吨"})
    c.post(url, {"name": "储能系统", "position": "40", "parent": cw.cell.pk})
    added = Segment.objects.get(chain=cw.chain, name="负极材料")
    assert [(m.name, m.unit) for m in added.measures.all()] == [("负极材料", "万吨")]
    assert Segment.objects.get(chain=cw.chain, name="储能系统").parent == cw.cell
    page = c.post(url, {"name": "负极材料", "position": "16"}, follow=True).content.decode()
    assert "已有环节“负极材料”" in page
    page = c.post(url, {"name": "隔膜涂覆", "position": "x"}, follow=True).content.decode()
    assert "【次序】" in page
    page = c.post(url, {"name": "隔膜涂覆", "position": "1", "measure": "涂覆"}, follow=True).content.decode()
    assert "产能名称和单位要一起填写" in page
    assert not Segment.objects.filter(name="隔膜涂覆").exists()
