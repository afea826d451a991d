"""The touchline and the screen: a table official enters the last group match on a phone; the
public table and the bracket (on the public page and the big screen) fill in; a second phone that had
the same match open gets the conflict message, and nothing of the first entry is lost.
Screenshots: the phone form, the conflict, the public page, the screen at 1920×1080 and 3840×2160."""

from __future__ import annotations

from playwright.sync_api import expect

from liangping.events import services
from liangping.events.models import Match, Player, Stage
from tests.browser.conftest import DESKTOP, PHONE
from tests.events.conftest import build, play

UHD = {"width": 3840, "height": 2160}


def test_a_result_from_the_phone_reaches_the_table_bracket_and_screen(  # type: ignore[no-untyped-def]
    page, new_page, live_server, cast, login, shot, offline, console_errors
):
    t = build(cast.district, cast.tengzhou, "滕州测试邀请赛")
    services.add_official(cast.district, t, cast.specialist, "table")
    services.draw_groups(cast.district, t, method="random", seed="browser")
    services.generate_schedule(cast.district, t)
    group = list(Match.objects.filter(tournament=t, stage=Stage.GROUP).select_related("home", "away"))
    last = group[-1]
    for m in group[:-1]:  # every group match but the last: the team drawn first wins 1:0
        home_first = m.home.group_order < m.away.group_order
        play(cast.district, m, 1 if home_first else 0, 0 if home_first else 1)
    letter = last.group

    public = new_page(viewport=DESKTOP)
    public.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    public.goto(f"{live_server.url}/events/public/{t.pk}/")
    expect(public.locator("#bracket")).to_contain_text(f"{letter}组第1名")
    before = public.locator(f"#table-{letter} tbody").inner_text()

    screen = new_page(viewport=DESKTOP)
    screen.goto(f"{live_server.url}/events/public/{t.pk}/screen/?poll=1")
    screen.wait_for_selector("body[data-ready='1']", state="attached")
    expect(screen.locator("#es-bracket")).to_contain_text(f"{letter}组第1名")

    # two phones open the same match
    page.set_viewport_size(PHONE)
    login(page, "specialist")
    page.goto(f"{live_server.url}/events/matches/{last.pk}/")
    other = page.context.new_page()
    other.set_viewport_size(PHONE)
    other.goto(f"{live_server.url}/events/matches/{last.pk}/")
    page.fill("input[name=home_goals]", "-1")
    page.fill("input[name=away_goals]", "0")
    page.click("button.ev-save")
    expect(page.locator("#id_home_goals_error, .errorlist")).to_contain_text("不能为负数")
    page.fill("input[name=home_goals]", "3")
    page.fill("input[name=away_goals]", "2")
    page.fill("input[name=home_scorers]", "7×2")
    shot(page, "events-result-phone")
    page.click("button.ev-save")
    expect(page.locator(".msg.success")).to_contain_text("已保存")
    expect(page.locator("#entries")).to_contain_text("3:2")

    other.fill("input[name=home_goals]", "0")
    other.fill("input[name=away_goals]", "0")
    other.click("button.ev-save")
    expect(other.locator("#result-error")).to_contain_text("已被专员甲于")
    expect(other.locator("#result-error")).to_contain_text("您填写的是 0:0，未保存")
    expect(other.locator("input[name=home_goals]")).to_have_value("3")  # the entry that stands
    shot(other, "events-result-conflict-phone")
    last.refresh_from_db()
    assert (last.home_goals, last.away_goals) == (3, 2)

    # the public table and bracket follow
    public.reload()
    assert public.locator(f"#table-{letter} tbody").inner_text() != before
    sf = Match.objects.get(tournament=t, code="SF1")
    assert sf.home_id is not None and sf.away_id is not None
    expect(public.locator("#bracket [data-code=SF1]")).to_contain_text(sf.home.name)
    expect(public.locator("#bracket [data-code=SF1]")).to_contain_text(sf.away.name)
    shot(public, "events-public-desktop")
    # the screen polls and redraws by itself
    expect(screen.locator("#es-bracket [data-code=SF1]")).to_contain_text(sf.home.name, timeout=10000)
    expect(screen.locator("#es-groups")).to_contain_text("已赛 15/15")
    shot(screen, "events-screen-1080")
    text = screen.content()
    for p in Player.objects.filter(team__tournament=t):
        assert p.birth_date.isoformat() not in text and p.name not in text
    screen.set_viewport_size(UHD)
    screen.wait_for_timeout(300)
    root = screen.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert 39 <= root <= 41  # the picture scales as one
    width, inner = screen.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    shot(screen, "events-screen-2160")
    screen.set_viewport_size(DESKTOP)
    # a day with more matches than the panel holds: denser, then the rest counted, never cut off
    screen.evaluate(
        """() => { var d = JSON.parse(document.getElementById('es-data').textContent);
        d.today = d.today.concat(d.today, d.today); window.eventsRedraw(d); }"""
    )
    last, panel = screen.evaluate(
        """() => [document.querySelector('#es-today tr:last-child').getBoundingClientRect().bottom,
        document.querySelector('.es-today').getBoundingClientRect().bottom]"""
    )
    assert last <= panel
    expect(screen.locator("#es-today tr:last-child")).to_contain_text("未在大屏列出")
    # the refused entries answer 400 (the form again with its errors): nothing else may fail
    assert not [e for e in console_errors if "net::ERR_FAILED" not in e and "status of 400" not in e]
