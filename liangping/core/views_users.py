"""用户与组织: accounts (sysadmin, secadmin) and the org tree (sysadmin adds orgs)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core import accounts
from liangping.core.access import roles_required
from liangping.core.forms import OrgForm, PasswordResetForm, UserCreateForm, UserEditForm, UserFilterForm
from liangping.core.models import Org, OrgKind, Role, User

USER_ADMINS = (Role.SYSADMIN, Role.SECADMIN)


@roles_required(*USER_ADMINS)
def users(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = User.objects.select_related("org").order_by("username")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(username__icontains=data["q"]) | Q(display_name__icontains=data["q"]))
        if data["role"]:
            qs = qs.filter(role=data["role"])
        if data["org"]:
            qs = qs.filter(org__path__startswith=data["org"].path)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/users.html",
        {"form": form, "page": page, "query": query.urlencode(), "create_form": UserCreateForm()},
    )


@roles_required(*USER_ADMINS)
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.create_user(
                request.user,  # type: ignore[arg-type]
                username=data["username"],
                display_name=data["display_name"],
                phone=data["phone"],
                role=data["role"],
                org=data["org"],
                password=data["password1"],
            )
        except accounts.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已新建账号“{user.username}”（{user.get_role_display()}）")
            return redirect("core:users")
    return render(request, "core/user_new.html", {"form": form})


@roles_required(*USER_ADMINS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.select_related("org"), pk=pk)
    initial = {
        "display_name": target.display_name,
        "phone": target.phone,
        "role": target.role,
        "org": target.org,
        "is_active": target.is_active,
        "version": target.version,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {k: data[k] for k in accounts.EDITABLE_USER_FIELDS}
        try:
            accounts.update_user(
                request.user,  # type: ignore[arg-type]
                target,
                values,
                expected_version=data["version"],
                reason=data["reason"],
            )
        except accounts.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存账号“{target.username}”")
            return redirect("core:user_edit", pk=target.pk)
    password_form = PasswordResetForm() if accounts.can_reset_password(request.user) else None  # type: ignore[arg-type]
    return render(
        request, "core/user_edit.html", {"target": target, "form": form, "password_form": password_form}
    )


@roles_required(Role.SECADMIN)
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        accounts.reset_password(request.user, target, form.cleaned_data["password1"])  # type: ignore[arg-type]
        messages.success(request, f"已重置账号“{target.username}”的密码")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("core:user_edit", pk=target.pk)


@roles_required(*USER_ADMINS)
def orgs(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = Org.objects.all()
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    form = OrgForm(request.POST or None) if accounts.can_manage_orgs(request.user) else None  # type: ignore[arg-type]
    if request.method == "POST":
        if form is None:
            raise Http404("页面不存在")
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = accounts.create_org(
                    request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    kind=data["kind"],
                    parent=data["parent"],
                    aliases=data["aliases"],
                    sort=data["sort"] or 0,
                )
            except accounts.AccountError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已新增组织“{org.name}”")
                return redirect("core:orgs")
    return render(
        request,
        "core/orgs.html",
        {
            "tree": accounts.org_tree(list(qs.select_related("parent"))),
            "form": form,
            "kinds": OrgKind.choices,
            "kind": kind,
        },
    )
