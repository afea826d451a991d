"""Every page of the login, administration and case screens × the cast: 200, 302 or 404."""

from __future__ import annotations

import pytest

from liangping.cases import services as cases

ALL = ["supervisor", "leader", "department", "district", "specialist", "owner", "outsider"]
ADMINS = ["sysadmin", "secadmin", "auditor"]
EVERYONE = ALL + ADMINS

# page → the cast members who get 200; everyone else signed in gets 404.
MATRIX = {
    "/": EVERYONE,
    "/users/": ["sysadmin", "secadmin"],
    "/users/new/": ["sysadmin", "secadmin"],
    "/users/{user}/": ["sysadmin", "secadmin"],
    "/orgs/": ["sysadmin", "secadmin"],
    "/settings/": ["sysadmin"],
    "/calendar/": ["sysadmin"],
    "/audit/": ["auditor"],
    "/cases/": ALL,
    "/cases/new/": ALL,
    "/cases/new/?project={inside}": ["supervisor", "leader", "department", "district", "specialist", "owner"],
    "/cases/new/?project={outside}": ["supervisor"],
    "/cases/{case}/": ["supervisor", "leader", "department", "district", "specialist", "owner"],
}


@pytest.fixture
def urls(cast):
    case = cases.register(cast.supervisor, "用地手续未办结", subject=cast.inside)
    ids = {"user": cast.owner.pk, "inside": cast.inside.pk, "outside": cast.outside.pk, "case": case.pk}
    return {page: page.format(**ids) for page in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_page_matrix(client, cast, urls, who):
    client.force_login(getattr(cast, who))
    got = {page: client.get(url).status_code for page, url in urls.items()}
    expected = {page: 200 if who in allowed else 404 for page, allowed in MATRIX.items()}
    assert got == expected


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, cast, urls):
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_posts_outside_the_role_are_404(client, cast, urls, who):
    """Writing pages refuse the same people the reading pages do."""
    client.force_login(getattr(cast, who))
    posts = {
        "/users/new/": ["sysadmin", "secadmin"],
        f"/users/{cast.owner.pk}/": ["sysadmin", "secadmin"],
        f"/users/{cast.owner.pk}/password/": ["secadmin"],
        "/orgs/": ["sysadmin"],
        "/settings/": ["sysadmin"],
        "/calendar/": ["sysadmin"],
    }
    for url, allowed in posts.items():
        status = client.post(url, {}).status_code
        if who in allowed:
            assert status in (200, 302), (url, status)
        else:
            assert status == 404, (url, status)
