"""用户与组织: one account, one role; every change audited."""

from __future__ import annotations

import pytest

from liangping.core.forms import RoleField, UserCreateForm, UserEditForm
from liangping.core.models import AuditLog, Org, OrgKind, Role, User
from tests.cast import PASSWORD

NEW_PASSWORD = "Zaozhuang#2026"


def new_user(**extra):
    data = {
        "username": "shenji2",
        "display_name": "审计乙",
        "phone": "",
        "role": "auditor",
        "org": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_sysadmin_creates_a_user_audited(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post("/users/new/", new_user(role="department", org=cast.fagai.pk))
    assert response.status_code == 302 and response["Location"] == "/users/"
    user = User.objects.get(username="shenji2")
    assert user.role == Role.DEPARTMENT and user.org == cast.fagai and user.check_password(NEW_PASSWORD)
    entry = AuditLog.objects.get(action="user.create")
    assert entry.actor == cast.sysadmin and entry.object_id == str(user.pk)
    assert entry.changes["role"] == [None, "department"]
    assert "password" not in entry.changes
    page = client.get("/users/").content.decode()
    assert "shenji2" in page and "审计乙" in page and "部门用户" in page


def test_the_form_has_one_single_choice_role():
    form = UserCreateForm()
    role_fields = [name for name in form.fields if "role" in name]
    assert role_fields == ["role"]
    assert isinstance(form.fields["role"], RoleField)
    assert (
        not hasattr(form.fields["role"], "queryset") and "Multiple" not in type(form.fields["role"]).__name__
    )
    assert [name for name in UserEditForm().fields if "role" in name] == ["role"]


@pytest.mark.django_db
def test_an_account_cannot_be_both_auditor_and_sysadmin(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post("/users/new/", new_user(role=["auditor", "sysadmin"]))
    assert response.status_code == 200
    assert "一个账号只能有一个角色" in response.content.decode()
    assert not User.objects.filter(username="shenji2").exists()
    # Nor by editing an existing account.
    client.force_login(cast.secadmin)
    response = client.post(
        f"/users/{cast.auditor.pk}/",
        {
            "display_name": "审计管理员",
            "role": ["auditor", "sysadmin"],
            "org": cast.city.pk,
            "is_active": "on",
            "version": cast.auditor.version,
        },
    )
    assert "一个账号只能有一个角色" in response.content.decode()
    cast.auditor.refresh_from_db()
    assert cast.auditor.role == Role.AUDITOR


@pytest.mark.django_db
def test_refusals_are_in_chinese(client, cast):
    client.force_login(cast.secadmin)
    cases = [
        (new_user(username="sysadmin"), "该用户名已被使用"),
        (new_user(password2="other-password"), "两次输入的密码不一致"),
        (new_user(password1="12345678", password2="12345678"), "密码不能全是数字"),
        (new_user(role="department", org=""), "必须选择所属组织"),
        (new_user(role="department", org=cast.tengzhou.pk), "所属组织必须是市直部门"),
        (new_user(role="owner", org=cast.fagai.pk), "所属组织必须是项目单位"),
    ]
    for data, message in cases:
        response = client.post("/users/new/", data)
        assert message in response.content.decode(), message
    assert User.objects.filter(username="shenji2").count() == 0


@pytest.mark.django_db
def test_edit_role_org_active_audited(client, cast):
    client.force_login(cast.secadmin)
    response = client.post(
        f"/users/{cast.department.pk}/",
        {
            "display_name": "发改员",
            "role": "department",
            "org": cast.gongxin.pk,
            "version": cast.department.version,
            "reason": "调岗",
        },
    )
    assert response.status_code == 302
    cast.department.refresh_from_db()
    assert cast.department.org == cast.gongxin and not cast.department.is_active
    entry = AuditLog.objects.get(action="user.update")
    assert entry.changes == {"org": ["市发展改革委", "市工业和信息化局"], "is_active": [True, False]}
    assert entry.reason == "调岗" and entry.actor == cast.secadmin
    # A second save from the same stale page is a conflict, not a silent overwrite.
    response = client.post(
        f"/users/{cast.department.pk}/",
        {"display_name": "别人", "role": "department", "org": cast.fagai.pk, "version": 1},
    )
    assert "已被他人修改" in response.content.decode()
    cast.department.refresh_from_db()
    assert cast.department.display_name == "发改员"


@pytest.mark.django_db
def test_admins_cannot_demote_or_disable_themselves(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post(
        f"/users/{cast.sysadmin.pk}/",
        {
            "display_name": "系统管理员",
            "role": "supervisor",
            "org": cast.city.pk,
            "is_active": "on",
            "version": 1,
        },
    )
    assert "不能修改自己的角色" in response.content.decode()
    cast.sysadmin.refresh_from_db()
    assert cast.sysadmin.role == Role.SYSADMIN


@pytest.mark.django_db
def test_secadmin_resets_passwords(client, cast):
    client.force_login(cast.secadmin)
    assert "重置密码" in client.get(f"/users/{cast.owner.pk}/").content.decode()
    response = client.post(
        f"/users/{cast.owner.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    cast.owner.refresh_from_db()
    assert cast.owner.check_password(NEW_PASSWORD)
    entry = AuditLog.objects.get(action="user.password_reset")
    assert entry.object_id == str(cast.owner.pk) and NEW_PASSWORD not in str(entry.changes)
    # The system administrator does not see the form, and cannot post it.
    client.force_login(cast.sysadmin)
    assert "重置密码" not in client.get(f"/users/{cast.owner.pk}/").content.decode()
    assert client.post(f"/users/{cast.owner.pk}/password/", {}).status_code == 404
    assert client.login(username="owner", password=NEW_PASSWORD)
    assert not client.login(username="owner", password=PASSWORD)


@pytest.mark.django_db
def test_user_list_filters(client, cast):
    client.force_login(cast.sysadmin)
    page = client.get("/users/", {"role": "specialist"}).content.decode()
    assert ">specialist2</a></td>" in page and ">supervisor</a></td>" not in page
    page = client.get("/users/", {"org": cast.tengzhou.pk}).content.decode()
    assert ">district</a></td>" in page and ">owner</a></td>" in page and ">department</a></td>" not in page
    page = client.get("/users/", {"q": "发改"}).content.decode()
    assert ">department</a></td>" in page and ">owner</a></td>" not in page


@pytest.mark.django_db
def test_user_list_queries_do_not_grow(client, cast, django_assert_max_num_queries):
    client.force_login(cast.secadmin)
    for i in range(40):
        User.objects.create_user(f"u{i}", role=Role.OWNER, org=cast.company_a)
    with django_assert_max_num_queries(8):
        assert client.get("/users/").status_code == 200


@pytest.mark.django_db
def test_org_tree_and_adding_an_org(client, cast):
    client.force_login(cast.sysadmin)
    page = client.get("/orgs/").content.decode()
    assert page.index("枣庄市") < page.index("滕州市") < page.index("示例新能源有限公司")
    response = client.post(
        "/orgs/",
        {"name": "市商务局", "kind": OrgKind.DEPARTMENT, "parent": cast.city.pk, "aliases": "商务局"},
    )
    assert response.status_code == 302
    org = Org.objects.get(name="市商务局")
    assert org.parent == cast.city and org.path == f"{cast.city.path}{org.pk}/"
    entry = AuditLog.objects.get(action="org.create")
    assert entry.changes["name"] == [None, "市商务局"] and entry.actor == cast.sysadmin
    response = client.post("/orgs/", {"name": "市商务局", "kind": OrgKind.DEPARTMENT, "parent": cast.city.pk})
    assert "已有同名的市直部门" in response.content.decode()
    # The security administrator sees the tree but adds nothing.
    client.force_login(cast.secadmin)
    page = client.get("/orgs/").content.decode()
    assert "市商务局" in page and "新增组织" not in page
