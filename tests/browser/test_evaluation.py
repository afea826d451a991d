"""「五比五看」 and deputies in the browser: the supervisor opens a round, two evaluators score, the
round is locked and published, the ranking (双亮牌) and the radar profiles show; a deputy records a
site visit on a phone (390×844); a proposal is answered and rated on the case page's forms."""

from __future__ import annotations

from liangping.cases.models import Case
from liangping.evaluation.models import Round, Score
from liangping.grading.services import get_or_create_period
from tests.browser.conftest import DESKTOP, PHONE
from tests.tasks.conftest import png_bytes

JUDGED = ("yan_judged", "zhen_judged", "xi_judged", "shi_judged", "kuai_judged")


def test_round_visit_and_proposal(page, live_server, cast, login, shot, offline, console_errors):
    get_or_create_period("2026Q2")
    page.set_viewport_size(DESKTOP)
    url = live_server.url

    def as_user(who: str) -> None:
        page.context.clear_cookies()
        login(page, who)

    # 1. the supervisor opens a round: four units, two evaluators (领导乙 only for 市发展改革委)
    as_user("supervisor")
    page.goto(f"{url}/evaluation/new/")
    page.fill("input[name=title]", "二季度五比五看")
    page.fill("input[name=period]", "2026Q2")
    for org in (cast.fagai, cast.gongxin, cast.tengzhou, cast.shizhong):
        page.check(f"input[name=units][value='{org.pk}']")
    page.check(f"input[name=evaluators][value='{cast.leader.pk}']")
    page.check(f"input[name=evaluators][value='{cast.leader2.pk}']")
    page.select_option(f"select[name=scope_{cast.leader2.pk}]", [str(cast.fagai.pk)])
    page.click("#round-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "评分中" in page.locator("#round-status").inner_text()
    rnd = Round.objects.get()

    # 2. two evaluators score; an out-of-range score is refused in Chinese first
    for who, value in (("leader", "9"), ("leader2", "6")):
        as_user(who)
        page.goto(f"{url}/evaluation/{rnd.pk}/")
        page.click(f"#my-scoring a:has-text('{cast.fagai.name}')")
        page.wait_for_load_state("networkidle")
        if who == "leader":
            page.fill("input[name=score_yan_judged]", "11")
            page.fill("textarea[name=comment_yan_judged]", "标准高")
            page.click("#score-form button[type=submit]")
            page.wait_for_load_state("networkidle")
            assert "评分应为 1 到 10 的整数" in page.locator("#score-error").inner_text()
        for code in JUDGED:
            page.fill(f"input[name=score_{code}]", value)
            page.fill(f"textarea[name=comment_{code}]", f"{who}的评语")
        page.click("#score-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0
    assert Score.objects.count() == 10
    assert (
        page.locator("#my-scoring").count() == 1 and "已评 5 项" in page.locator("#my-scoring").inner_text()
    )

    # 3. lock and publish; the ranking with 双亮牌 and the radar
    as_user("supervisor")
    page.goto(f"{url}/evaluation/{rnd.pk}/")
    page.click("#round-actions button:has-text('锁定并计算排名')")
    page.wait_for_load_state("networkidle")
    page.click("#round-actions button:has-text('发布')")
    page.wait_for_load_state("networkidle")
    assert "已发布" in page.locator("#round-status").inner_text()
    board = page.locator("#board-department tbody tr")
    assert board.count() == 2
    assert cast.fagai.name in board.first.inner_text() and "第1名" in board.first.inner_text()
    page.wait_for_selector("#radar[data-ready='1']")
    shot(page, "evaluation-round-1920")
    page.click(f"#board-department a:has-text('{cast.fagai.name}')")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#radar[data-ready='1']")
    assert "得分 = 10 × 各评价人评分" in page.content()
    shot(page, "evaluation-unit-1920")

    # 4. a deputy records a site visit on a phone, with a photo, raised as a problem
    page.set_viewport_size(PHONE)
    as_user("deputy")
    page.goto(f"{url}/deputies/")
    page.click(f"#my-projects a.btn[href='/deputies/projects/{cast.inside.pk}/visit/']")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=findings]", "企业反映电力增容审批慢\n现场施工有序")
    page.set_input_files(
        "input[name=photos]", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.check("input[name=raise_problem]")
    shot(page, "deputy-visit-form-390")
    page.click("#visit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "视察情况已登记，并已提为问题" in page.locator(".msg.success").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the visit page is {width}px wide on a phone"
    shot(page, "deputy-visit-390")
    page.set_viewport_size(DESKTOP)
    as_user("supervisor")
    page.goto(f"{url}/projects/{cast.inside.pk}/?kind=deputy#timeline")
    assert "代表委员视察" in page.locator("#timeline").inner_text()
    assert "代表甲（人大代表）" in page.locator("#timeline").inner_text()

    # 5. a proposal: registered with its lead department, accepted, answered, rated by the deputy
    page.goto(f"{url}/deputies/proposals/new/")
    page.select_option("select[name=proposal_type]", "suggestion")
    page.select_option("select[name=proposer]", str(cast.deputy.pk))
    page.fill("input[name=title]", "关于加快电力增容审批的建议")
    page.fill("input[name=projects]", cast.inside.code)
    page.click("#proposal-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "请选择主办单位" in page.locator("#proposal-error").inner_text()
    page.select_option("select[name=lead_org]", label=cast.fagai.name)
    page.click("#proposal-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(kind="proposal")
    case_url = f"{url}/cases/{case.pk}/"

    def act(who: str, action: str, state: str, **fill: str) -> None:
        as_user(who)
        page.goto(case_url)
        form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
        assert form.count() == 1, f"{who} sees no form for {action}"
        if "rating" in fill:
            form.locator(f"input[name=rating][value={fill['rating']}]").check()
        if "note" in fill:
            form.locator("textarea[name=note]").fill(fill["note"])
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert page.locator("h1 .badge").first.inner_text() == state, action

    act("department", "accept", "办理中")
    act("department", "reply", "已答复", note="已开通电力增容绿色通道。")
    as_user("deputy")
    page.goto(case_url)
    ratings = page.locator("form.action-form input[name=rating]")
    assert [ratings.nth(i).get_attribute("value") for i in range(ratings.count())] == [
        "satisfied",
        "basic",
        "unsatisfied",
    ]
    shot(page, "proposal-rate-1920")
    act("deputy", "rate", "已办结", rating="satisfied")
    case.refresh_from_db()
    assert case.status == "closed"
    # the two refused forms (score 11, no lead department) answer 400 on purpose
    unexpected = [e for e in console_errors if "net::ERR_FAILED" not in e and "status of 400" not in e]
    assert not unexpected, console_errors
