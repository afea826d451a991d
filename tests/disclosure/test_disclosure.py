"""The quarterly disclosure: .docx and HTML from the published snapshot, the same figures as the screen."""

from __future__ import annotations

import copy
import io

import docx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from liangping.disclosure.document import LIST_HEADER
from liangping.grading import services
from liangping.grading.rules import DEFAULT_RULES
from liangping.screen.data import screen_data, snapshot_data
from tests.screen.world import add_unpublished


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def overview_table(document) -> dict[str, str]:
    first = tables(document)[0]
    assert first[0] == ["项目", "数值"]
    return dict((label, value) for label, value in first[1:])


def list_table(document, header_after: str) -> list[list[str]]:
    """The table that follows the heading starting with `header_after`."""
    body = document.element.body
    found = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[1]
        if tag == "p" and "".join(child.itertext()).startswith(header_after):
            found = True
        elif found and tag == "tbl":
            table = docx.table.Table(child, document)
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table after {header_after}")


@pytest.mark.django_db
def test_docx_figures_equal_the_screen(world, tmp_path, capsys):
    target = tmp_path / "disclosure.docx"
    call_command("disclosure", "2025Q2", str(target))
    assert "2025年第二季度重点工作进展情况" in capsys.readouterr().out
    document = docx.Document(str(target))  # opens: python-docx reads it back
    data = screen_data()
    assert document.paragraphs[0].text == "2025年第二季度重点工作进展情况"
    assert data["as_of"]["text"] in document.paragraphs[1].text
    ov = data["overview"]
    table = overview_table(document)
    # every overview number, one by one
    expected = {
        "重点项目（个）": ov["projects"]["total"],
        "纳入分级评定（个）": ov["projects"]["graded"],
        "蓝牌激励（个）": ov["projects"]["blue"],
        "黄牌提醒（个）": ov["projects"]["yellow"],
        "红牌警告（个）": ov["projects"]["red"],
        "未评定（个）": ov["projects"]["none"],
        "年度计划投资（亿元）": ov["display"]["annual_plan"],
        "累计完成投资（亿元）": ov["display"]["ytd_investment"],
        "投资完成率（%）": ov["display"]["completion"],
        "时序进度（%）": ov["display"]["time_progress"],
        "与时序进度差距（百分点）": ov["display"]["gap"],
    }
    assert table == {k: str(v) for k, v in expected.items()}
    # every red and yellow row
    for heading, key in (("（一）红牌警告", "red"), ("（二）黄牌提醒", "yellow")):
        rows = list_table(document, heading)
        assert rows[0] == LIST_HEADER
        assert rows[1:] == [
            [str(i), r["code"], r["name"], r["district"], r["leader"], r["reason"]]
            for i, r in enumerate(data[key], 1)
        ]
        assert len(rows) - 1 == ov["projects"][key]
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"投资完成率{ov['display']['completion']}%" in text and ov["display"]["relation"] in text
    ranking = list_table(document, "五、主要经济指标")
    assert [r[2] for r in ranking[1:]] == [str(i["rank"]) for i in data["ranking"]["indicators"]]
    assert [r[4] for r in ranking[1:]] == [i["change_card"] for i in data["ranking"]["indicators"]]
    summons = list_table(document, "七、约谈名单")
    assert [r[1] for r in summons[1:]] == ["ZZ-2025-002"]


@pytest.mark.django_db
def test_an_earlier_published_quarter_and_a_month_period(world, tmp_path):
    target = tmp_path / "q1.docx"
    call_command("disclosure", "2025年第一季度", str(target))
    document = docx.Document(str(target))
    assert document.paragraphs[0].text == "2025年第一季度重点工作进展情况"
    q1 = services.current_snapshot(world.q1)
    assert q1 is not None
    assert overview_table(document)["红牌警告（个）"] == str(snapshot_data(q1)["overview"]["projects"]["red"])
    june = services.get_or_create_period("2025-06")  # a month period may be disclosed too
    services.lock_period(world.cast.supervisor, june)
    services.publish_period(world.cast.supervisor, june)
    call_command("disclosure", "2025-06", str(target))
    assert docx.Document(str(target)).paragraphs[0].text == "2025年6月重点工作进展情况"


@pytest.mark.django_db
def test_command_refuses_unknown_and_unpublished_periods(world, tmp_path):
    add_unpublished(world)
    out = str(tmp_path / "x.docx")
    with pytest.raises(CommandError, match="无法识别考核期"):
        call_command("disclosure", "六月", out)
    with pytest.raises(CommandError, match="2025年第三季度尚未发布"):
        call_command("disclosure", "2025Q3", out)  # locked, not published
    with pytest.raises(CommandError, match="2025年7月尚未发布"):
        call_command("disclosure", "2025-07", out)  # open
    with pytest.raises(CommandError, match="2030年第一季度尚未发布"):
        call_command("disclosure", "2030Q1", out)  # unknown
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("disclosure", "2025Q2", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.django_db
def test_html_page_and_download(world):
    add_unpublished(world)
    c = client_for(world.cast.leader)
    page = c.get(reverse("disclosure:report", args=["2025Q2"]))
    assert page.status_code == 200
    html = page.content.decode()
    data = screen_data()
    assert "2025年第二季度重点工作进展情况" in html and data["overview"]["display"]["completion"] in html
    for row in data["red"] + data["yellow"]:
        assert row["name"] in html and row["reason"] in html
    download = c.get(reverse("disclosure:docx", args=["2025Q2"]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in download["Content-Disposition"] and ".docx" in download["Content-Disposition"]
    assert docx.Document(io.BytesIO(download.content)).paragraphs[0].text == data["title"]
    for code in ("2025Q3", "2025-07", "2030Q1", "nonsense"):
        assert c.get(reverse("disclosure:report", args=[code])).status_code == 404
        assert c.get(reverse("disclosure:docx", args=[code])).status_code == 404
    index = c.get(reverse("disclosure:index")).content.decode()
    assert "2025年第二季度" in index and "2025年第一季度" in index and "2025年第三季度" not in index


@pytest.mark.django_db
def test_disclosure_is_for_signed_in_ledger_users(world):
    url = reverse("disclosure:report", args=["2025Q2"])
    assert Client().get(url).status_code == 302
    assert Client().get(reverse("disclosure:docx", args=["2025Q2"])).status_code == 302
    for who in ("sysadmin", "secadmin", "auditor"):
        assert client_for(getattr(world.cast, who)).get(url).status_code == 404
    for who in ("supervisor", "leader", "department", "district", "specialist", "owner", "outsider"):
        assert client_for(getattr(world.cast, who)).get(url).status_code == 200


def footer_fields(document) -> list[str]:
    """The field instructions in the footer of every section (PAGE, NUMPAGES …)."""
    out = []
    for section in document.sections:
        for node in section.footer._element.iter():
            if node.tag.endswith("}instrText"):
                out.append(node.text.strip())
    return out


@pytest.mark.django_db
def test_docx_has_page_numbers_and_says_the_cutoff_day(world, tmp_path):
    target = tmp_path / "q2.docx"
    call_command("disclosure", "2025Q2", str(target))
    document = docx.Document(str(target))
    assert footer_fields(document) == ["PAGE", "NUMPAGES"]
    footer = "".join(p.text for s in document.sections for p in s.footer.paragraphs)
    assert footer.startswith("第 ") and " 页 共 " in footer and footer.endswith(" 页")
    assert document.paragraphs[1].text.startswith("数据截至：2025年6月30日 · 2025年第二季度（")
    assert "快照" not in document.paragraphs[1].text


@pytest.mark.django_db
def test_public_page_of_a_published_period_needs_no_sign_in(world):
    add_unpublished(world)
    anonymous = Client()
    page = anonymous.get(reverse("disclosure:public", args=["2025Q2"]))
    assert page.status_code == 200
    html = page.content.decode()
    data = screen_data()
    assert "2025年第二季度重点工作进展情况" in html and "数据截至：2025年6月30日" in html
    assert f"投资完成率{data['overview']['display']['completion']}%" in html
    for row in data["red"] + data["yellow"]:
        assert row["name"] in html and row["reason"] in html
    assert "下载 Word" not in html  # the .docx stays a signed, audited download
    for code in ("2025Q3", "2025-07", "2030Q1", "nonsense"):  # locked, open, unknown: not published
        assert anonymous.get(reverse("disclosure:public", args=[code])).status_code == 404
    assert anonymous.post(reverse("disclosure:public", args=["2025Q2"])).status_code == 405


@pytest.mark.django_db
def test_the_summons_rule_prints_its_own_number_of_red_periods(world):
    supervisor = world.cast.supervisor
    client = client_for(supervisor)
    summons_page = reverse("grading:summons") + "?period=2025Q2"
    assert screen_data()["summons_rule"] == {"consecutive_red": 2, "label": "连续两期红牌"}
    assert (
        "注：连续两期红牌的项目列入约谈名单"
        in client.get(reverse("disclosure:report", args=["2025Q2"])).content.decode()
    )
    services.reopen_period(supervisor, world.q2, "约谈改为连续三期红牌")
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["summons"] = {"consecutive_red": 3}
    services.save_ruleset(supervisor, rules, "三期连续红牌才约谈")
    services.lock_period(supervisor, world.q2, confirm_unreviewed=True)
    services.publish_period(supervisor, world.q2)
    data = screen_data()
    assert data["summons_rule"] == {"consecutive_red": 3, "label": "连续三期红牌"} and data["summons"] == []
    page = client.get(summons_page).content.decode()
    assert "连续三期红牌" in page and "紧邻的前2期" in page and "两期" not in page
    html = client.get(reverse("disclosure:report", args=["2025Q2"])).content.decode()
    assert "本期无连续三期红牌的项目" in html and "两期" not in html
    document = docx.Document(io.BytesIO(client.get(reverse("disclosure:docx", args=["2025Q2"])).content))
    assert "本期无连续三期红牌的项目，无约谈对象。" in [p.text for p in document.paragraphs]
