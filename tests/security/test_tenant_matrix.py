"""The authorisation matrix across cities: every route of PAGES with an item, asked for 济南's item.

枣庄's people (the cast) get 404 for every one of them, their refused posts change nothing, and no
page they can open names anything of 济南's; 济南's own supervisor and the provincial supervisor get
what a supervisor gets for an item of their own city (the province sees both cities), and the
province's posts are refused (404) with nothing changed: it reads the cities, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.province.world import MARKERS, Jinan, build_jinan
from tests.security.conftest import World, changed_tables, fingerprint
from tests.security.test_authz_matrix import PAGES, ROLES, SEES, body_text, clients

# Item kinds without a 济南 item in tests/province/world.py: their routes are not asked for another
# city's item here yet. A new kind must be added to one list or the other.
NOT_YET_PER_CITY: frozenset[str] = frozenset()
PER_CITY = frozenset(
    {
        *(
            "project",
            "report",
            "visit",
            "photo",
            "case",
            "attachment",
            "task",
            "task_report",
            "milestone",
            "job",
            "firm",
        ),
        *("em_point", "em_warning", "em_call", "em_contact"),  # 防汛叫应: through the points' districts
        *("tournament", "team", "match"),  # tournaments: through the organising org
        *("chain", "chain_segment", "chain_link", "chain_lead", "chain_snapshot"),  # chains: their city
        *("svc_point", "svc_assist"),  # 政务服务: points and requests by their Org.tenant
        *("sweep", "reception", "campaign"),  # 稳定 and 食品安全 ledgers: their owner's or org's city
        *("deputy_project", "deputy_visit", "deputy_photo"),  # 代表委员: their projects' city
    }
)
# The pages that are only a form to change an item: the province's office, which reads, gets none (404).
FORMS_TO_CHANGE = frozenset(
    {
        "projects:report_edit",
        "projects:report_new",
        "projects:visit_new",
        "tasks:milestone",
        "tasks:report_edit",
        "tasks:report_new",
    }
)
# a place's other screens (/screen/<code>/…): each reads its own city's data only
PLACE_SCREENS = ("districts", "chains", "services", "appeals", "appeals_data")
ITEM_PAGES = sorted(name for name, page in PAGES.items() if page.item in PER_CITY)
LIST_PAGES = sorted(name for name, page in PAGES.items() if not page.item)


class Province:
    """The matrix's world with a third place: "elsewhere", the item of that kind in 济南."""

    def __init__(self, world: World, jinan: Jinan) -> None:
        self.world, self.jinan = world, jinan

    def item(self, kind: str, where: str) -> Any:
        return self.jinan.item(kind) if where == "elsewhere" else self.world.item(kind, where)

    def chain_part(self, name: str, where: str) -> Any:
        return self.jinan.chain_parts[name] if where == "elsewhere" else self.world.chain_part(name, where)

    @property
    def emergency(self) -> Any:
        """The one-time links: 济南's contact's elsewhere, the matrix world's otherwise."""
        province = self

        class Links:
            def token(self, where: str) -> str:
                return (
                    province.jinan.token() if where == "elsewhere" else province.world.emergency.token(where)
                )

        return Links()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)


@pytest.fixture
def province(world: World, tmp_path) -> Province:
    return Province(world, build_jinan(world.cast, tmp_path))


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", ITEM_PAGES)
def test_another_citys_item_is_not_found(province, name):
    page = PAGES[name]
    url = page.url(province, "elsewhere")  # type: ignore[arg-type]
    problems = []
    users = clients(province.world)
    for who in ROLES:
        # a GET on a POST-only endpoint is 405 before anything is looked up (its POST is checked below)
        want = page.get_status.get(who, 302 if who == "anonymous" else 404)
        response = users[who].get(url)
        if page.post_only and response.status_code == 405:
            continue  # the method is refused before anything is looked up; the POST is checked below
        if response.status_code != want:
            problems.append(f"GET {url} | 枣庄 {who}: {response.status_code}，应为 {want}")
    # 济南's supervisor and the province's get what the cast's supervisor gets for an item of its city
    for who, user in (("济南督查员", province.jinan.supervisor), ("省督查员", province.jinan.provincial)):
        # an import job is its uploader's alone: 济南's supervisor uploaded it
        mine = page.item == "job" and user == province.jinan.supervisor
        whole_city = "outside" not in SEES[page.item]  # a chain: one item, the whole city's
        want = page.expected_get("supervisor", "inside" if mine or whole_city else "outside")
        if user == province.jinan.provincial and name in FORMS_TO_CHANGE:
            want = 404  # read-only: no form to change an item is offered to the province
        response = _client(user).get(url)
        if response.status_code != want:
            problems.append(f"GET {url} | {who}: {response.status_code}，应为 {want}")
    if page.post is not None:
        before = fingerprint()
        for who in ROLES:
            if who == "anonymous":
                continue
            response = users[who].post(url, page.post(province, "elsewhere"))  # type: ignore[arg-type]
            if response.status_code != 404:
                problems.append(f"POST {url} | 枣庄 {who}: {response.status_code}，应为 404")
        changed = changed_tables(before, fingerprint())
        if changed:
            problems.append(f"POST {url} | 枣庄的人: 被拒绝却改动了 {changed}")
        # the province's office reads every city and changes none: its POST is refused, nothing written
        office = _client(province.jinan.provincial)  # signing in touches the user row
        before = fingerprint()
        response = office.post(url, page.post(province, "elsewhere"))  # type: ignore[arg-type]
        if response.status_code != 404:
            problems.append(f"POST {url} | 省督查员: {response.status_code}，应为 404")
        changed = changed_tables(before, fingerprint())
        if changed:
            problems.append(f"POST {url} | 省督查员: 被拒绝却改动了 {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_PAGES)
def test_no_page_of_a_city_names_another_citys_items(province, name):
    page = PAGES[name]
    url = page.url(province, "-")  # type: ignore[arg-type]
    problems = []
    users = clients(province.world)
    for who in ROLES:
        response = users[who].get(url)
        if response.status_code != 200:
            continue
        text = body_text(response)
        problems += [f"GET {url} | 枣庄 {who}: 泄露了济南的“{m}”" for m in MARKERS if m in text]
    assert not problems, "\n".join(problems)


def test_every_item_kind_is_either_per_city_or_listed_as_not_yet():
    kinds = {page.item for page in PAGES.values() if page.item}
    assert kinds - PER_CITY == NOT_YET_PER_CITY


# Per-city objects without an org of their own: periods, snapshots, rule sets (decision 0007). 济南 locks
# and publishes 2025-04, a period 枣庄 does not have; nothing of it reaches 枣庄's people.
JINAN_ONLY = "2025-04"


@pytest.fixture
def jinan_period(province: Province) -> Any:
    from liangping.grading import services as grading

    jinan = province.jinan
    period = grading.get_or_create_period(JINAN_ONLY, jinan.city.pk)
    snapshot = grading.lock_period(jinan.supervisor, period, confirm_unreviewed=True)
    grading.publish_period(jinan.supervisor, period)
    return snapshot


@pytest.mark.django_db
def test_another_citys_periods_snapshots_and_rules_are_not_found(province, jinan_period):
    from django.urls import reverse

    snapshot = jinan_period
    users = clients(province.world)
    problems = []
    gets = [
        reverse("grading:snapshot", args=[snapshot.pk]),
        reverse("disclosure:report", args=[JINAN_ONLY]),
        reverse("disclosure:docx", args=[JINAN_ONLY]),
        reverse("disclosure:public", args=[JINAN_ONLY]),  # the installation's (two cities: the province's)
        reverse("disclosure:public_place", args=["370400", JINAN_ONLY]),
    ]
    for url in gets:
        for who in ROLES:
            want = 302 if who == "anonymous" and not url.startswith("/disclosure/public/") else 404
            status = users[who].get(url).status_code
            if status != want:
                problems.append(f"GET {url} | 枣庄 {who}: {status}，应为 {want}")
    # lists, the API and the screen of 枣庄 name nothing of 济南's period
    for url in (
        reverse("grading:periods"),
        reverse("grading:board") + f"?period={JINAN_ONLY}",
        reverse("grading:rules"),
        reverse("disclosure:index"),
        "/api/v1/grading/periods",
        f"/api/v1/grading/board?period={JINAN_ONLY}",
        reverse("screen:place", args=["370400"]),
        reverse("screen:place_data", args=["370400"]),
        *(reverse(f"screen:place_{page}", args=["370400"]) for page in PLACE_SCREENS),
        *(reverse(f"screen:{page}") for page in ("chains", "districts", "services")),
        "/screen/appeals/",
        "/screen/appeals/data.json",
    ):
        for who in ROLES:
            response = users[who].get(url)
            if response.status_code != 200:
                continue
            text = response.content.decode()
            problems += [f"GET {url} | 枣庄 {who}: 泄露了济南的“{m}”" for m in MARKERS if m in text]
            if url.startswith("/api/v1/grading/periods") and JINAN_ONLY in text:
                problems.append(f"GET {url} | 枣庄 {who}: 列出了济南的考核期")
    # refused period actions on 济南's period change nothing
    before = fingerprint()
    for action, body in (("publish", {}), ("reopen", {"reason": "越权"})):
        url = reverse("grading:period_action", args=[action])
        for who in ROLES:
            if who == "anonymous":
                continue
            status = users[who].post(url, {"period": JINAN_ONLY, **body}).status_code
            if status != 404:
                problems.append(f"POST {url} {action} | 枣庄 {who}: {status}，应为 404")
    changed = changed_tables(before, fingerprint())
    if changed:
        problems.append(f"枣庄的人对济南考核期的操作被拒绝却改动了 {changed}")
    # 济南's own people and the province see it
    assert (
        _client(province.jinan.supervisor).get(reverse("grading:snapshot", args=[snapshot.pk])).status_code
        == 200
    )
    assert (
        _client(province.jinan.provincial).get(reverse("grading:snapshot", args=[snapshot.pk])).status_code
        == 200
    )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_export_or_job_of_a_city_reads_another_citys_period(province, jinan_period, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    from liangping.grading.exports import export_grades

    out = io.BytesIO()
    export_grades(province.cast.supervisor, {"period": JINAN_ONLY}, out, None)
    cells = [
        str(c.value) for row in load_workbook(io.BytesIO(out.getvalue())).active.iter_rows() for c in row
    ]
    assert not [m for m in MARKERS if any(m in c for c in cells)]
    assert "ZZ-2025-001" in " ".join(cells)  # 枣庄's own projects, graded live: its 2025-04 is open
    # the command line acts for one city: 枣庄's supervisor locks 枣庄's 2025-04, never 济南's
    shown = io.StringIO()
    call_command("period", "show", JINAN_ONLY, "--city", "370100", stdout=shown)
    assert "已发布" in shown.getvalue()
    call_command(
        "period", "lock", JINAN_ONLY, "--as", province.cast.supervisor.username, "--yes", stdout=io.StringIO()
    )
    from liangping.core.models import Period

    mine = Period.objects.get(code=JINAN_ONLY, tenant=province.cast.city)
    assert mine.status == "locked" and mine.pk != jinan_period.period_id
    theirs = Period.objects.get(pk=jinan_period.period_id)
    assert theirs.status == "published" and theirs.snapshots.count() == 1


@pytest.mark.django_db
def test_a_citys_screens_name_nothing_of_another_citys_published_chain_or_appeals(province):
    from django.urls import reverse
    from django.utils import timezone

    from liangping.appeals import intake
    from liangping.chains.services import publish_snapshot

    jinan = province.jinan
    publish_snapshot(jinan.supervisor, jinan.item("chain_snapshot"))
    intake.file_appeal(
        actor=jinan.supervisor,
        channel="hotline",
        category="urban_sanitation",
        description="济南示例诉求",
        name="济南示例来电人",
        phone="13506329999",
        address="济南示例地址",
        place_org=jinan.district,
        at=timezone.now(),
    )
    anonymous = Client()
    # 济南's own screens show them (the fixture is not empty)
    assert (
        "济南示例新材料链" in anonymous.get(reverse("screen:place_chains", args=["370100"])).content.decode()
    )
    jn_appeals = anonymous.get(reverse("screen:place_appeals_data", args=["370100"])).json()
    assert jn_appeals["total"] == 1
    problems = []
    zz_appeals = anonymous.get(reverse("screen:place_appeals_data", args=["370400"])).json()
    if zz_appeals["total"] != 0:
        problems.append(f"枣庄的诉求大屏数了济南的诉求：{zz_appeals['total']}")
    for url in (
        reverse("screen:chains"),  # two cities: the installation's default is the province's own
        reverse("screen:place_chains", args=["370400"]),
        reverse("screen:place_chains", args=["370000"]),
        reverse("screen:place_appeals", args=["370400"]),
    ):
        text = anonymous.get(url).content.decode()
        problems += [f"GET {url}: 泄露了济南的“{m}”" for m in (*MARKERS, "济南示例诉求") if m in text]
    assert not problems, "\n".join(problems)
