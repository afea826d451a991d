"""用户与组织: accounts (sysadmin, secadmin) and the org tree (sysadmin adds orgs)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from liangping.core import accounts, approvals
from liangping.core.access import roles_required
from liangping.core.forms import OrgForm, PasswordResetForm, UserCreateForm, UserEditForm, UserFilterForm
from liangping.core.models import AccountChange, ChangeStatus, Org, OrgKind, Role
from liangping.core.scope import tenant_of

USER_ADMINS = (Role.SYSADMIN, Role.SECADMIN)


@roles_required(*USER_ADMINS)
def users(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = accounts.accounts_seen_by(request.user).select_related("org").order_by("username")  # type: ignore[arg-type]
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
            outcome = approvals.create_user(
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
            if isinstance(outcome, AccountChange):
                messages.info(
                    request, f"已提交新建账号“{outcome.target_name}”的申请，待另一位管理员批准后生效"
                )
                return redirect("core:account_changes")
            messages.success(request, f"已新建账号“{outcome.username}”（{outcome.get_role_display()}）")
            return redirect("core:users")
    return render(request, "core/user_new.html", {"form": form})


@roles_required(*USER_ADMINS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(accounts.accounts_seen_by(request.user).select_related("org"), pk=pk)  # type: ignore[arg-type]
    if not accounts.may_manage(request.user, target):  # type: ignore[arg-type]
        raise Http404("页面不存在")
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
            outcome = approvals.update_user(
                request.user,  # type: ignore[arg-type]
                target,
                values,
                expected_version=data["version"],
                reason=data["reason"],
            )
        except accounts.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            if isinstance(outcome, AccountChange):
                messages.info(request, f"已提交修改账号“{target.username}”的申请，待另一位管理员批准后生效")
                return redirect("core:account_changes")
            messages.success(request, f"已保存账号“{target.username}”")
            return redirect("core:user_edit", pk=target.pk)
    password_form = PasswordResetForm() if accounts.can_reset_password(request.user) else None  # type: ignore[arg-type]
    pending = AccountChange.objects.filter(target=target, status=ChangeStatus.PENDING).count()
    return render(
        request,
        "core/user_edit.html",
        {
            "target": target,
            "form": form,
            "password_form": password_form,
            "needs_approval": accounts.needs_approval(target.role),
            "pending": pending,
        },
    )


@roles_required(Role.SECADMIN)
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(accounts.accounts_seen_by(request.user), pk=pk)  # type: ignore[arg-type]
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            outcome = approvals.reset_password(request.user, target, form.cleaned_data["password1"])  # type: ignore[arg-type]
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            if isinstance(outcome, AccountChange):
                messages.info(request, f"已提交重置“{target.username}”密码的申请，待另一位管理员批准后生效")
            else:
                messages.success(request, f"已重置账号“{target.username}”的密码")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("core:user_edit", pk=target.pk)


@roles_required(*USER_ADMINS)
def orgs(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    tenant = tenant_of(request.user)
    qs = Org.objects.all() if tenant is None else Org.objects.filter(tenant_id=tenant)
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


@roles_required(*USER_ADMINS)
@require_safe
def account_changes(request: HttpRequest) -> HttpResponse:
    """特权账号变更: the pending requests (approve / reject / withdraw) and the last decided ones."""
    actor = request.user
    visible = approvals.visible_to(actor)  # type: ignore[arg-type]
    pending = list(visible.filter(status=ChangeStatus.PENDING)[:200])
    decided = list(visible.exclude(status=ChangeStatus.PENDING)[:50])
    org_ids = {c.payload.get("org") for c in pending if c.payload.get("org")}
    orgs = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    rows = [
        {
            "change": c,
            "values": approvals.describe(c, orgs),
            "refusal": approvals.refusal(actor, c),  # type: ignore[arg-type]
            "own": c.requested_by_id == actor.pk,
        }
        for c in pending
    ]
    return render(request, "core/account_changes.html", {"rows": rows, "decided": decided})


@roles_required(*USER_ADMINS)
@require_POST
def account_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    change = get_object_or_404(AccountChange.objects.select_related("requested_by", "target"), pk=pk)
    if not approvals.may_see(actor, change):  # type: ignore[arg-type]
        raise Http404("页面不存在")
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "").strip()[:500]
    try:
        if decision == "approve":
            approvals.approve(actor, change, note)  # type: ignore[arg-type]
            messages.success(request, f"已批准：{change}")
        elif decision == "reject":
            approvals.reject(actor, change, note)  # type: ignore[arg-type]
            messages.success(request, f"已{change.get_status_display()}：{change}")
        else:
            messages.error(request, "请选择“批准”或“驳回”")
    except accounts.AccountError as exc:
        messages.error(request, str(exc))
    return redirect("core:account_changes")
