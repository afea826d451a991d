"""Pages of the spreadsheet import (each importer says who may use it: by default the supervisors)
and the export download (each exporter says who may)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core.audit import record_download
from liangping.core.models import User
from liangping.core.scope import is_supervisor
from liangping.sheets import jobs, mapping, registry
from liangping.sheets.errors import Issue, unmapped_message
from liangping.sheets.models import ImportJob, JobStatus
from liangping.sheets.runner import run_export
from liangping.sheets.writing import write_issues

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The options the preview page lets the person change (the indicators' reading options).
REREAD_OPTIONS = ("layout", "period", "indicator", "confirm", "file_ranks")
# The layouts an importer with the `layout` option reads (indicators.layouts names them the same way).
LAYOUT_CHOICES = (
    ("", "按内容识别"),
    ("a", "（a）长表：每行一个指标、地区和期间"),
    ("b", "（b）地区为行、指标为列"),
    ("c", "（c）指标为行、地区为列"),
    ("d", "（d）期间为行、地区为列"),
)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入类型", widget=forms.RadioSelect, error_messages={"required": "请选择导入类型"}
    )
    file = forms.FileField(
        label="选择文件（.xlsx、.xls 或 .csv）",
        error_messages={
            "required": "请选择要导入的文件",
            "empty": "文件是空的，没有可导入的内容，请重新选择文件",
            "invalid": "没有收到文件，请重新选择后上传",
        },
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.entries = registry.importers(user)
        choices = [(i.name, i.label) for i in self.entries]
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if choices:
            field.initial = choices[0][0]
        # The options chosen at upload, per importer: a select named opt-<importer>-<option>.
        self.upload_options = []
        for entry in self.entries:
            for name, (label, values) in entry.choices_for(user).items():
                key = f"opt-{entry.name}-{name}"
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    choices=[("", "请选择"), *values],
                    required=False,
                    error_messages={"invalid_choice": f"请选择{label}"},
                )
                self.upload_options.append((entry.name, name, self[key]))

    def chosen_options(self) -> dict[str, str]:
        """The upload options of the chosen importer; a missing one is a form error."""
        kind = self.cleaned_data["kind"]
        out = {}
        for importer, name, bound in self.upload_options:
            if importer != kind:
                continue
            value = self.cleaned_data.get(bound.name, "")
            if not value:
                self.add_error(bound.name, f"请选择{bound.label}")
            out[name] = value
        return out


def _importer_user(request: HttpRequest) -> User:
    """A person who may use at least one importer; anyone else gets 404."""
    user = request.user
    if not isinstance(user, User) or not user.is_active or not registry.importers(user):
        raise Http404
    return user


def _may_use(user: User, kind: str) -> bool:
    entry = registry.importer(kind)
    return entry.allowed(user) if entry is not None else bool(is_supervisor(user))


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    user = _importer_user(request)
    job = get_object_or_404(ImportJob, pk=pk, user=user)
    if not _may_use(user, job.kind):
        raise Http404
    return job


def _download(data: bytes, filename: str, fallback: str = "download.xlsx") -> HttpResponse:
    """The Chinese name as RFC 5987's filename* (every current browser keeps it), an ASCII name for
    clients that know only filename."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = _importer_user(request)
    chosen = request.GET.get("kind", "")
    initial: dict[str, str] | None = None
    if registry.importer(chosen) is not None and _may_use(user, chosen):
        initial = {"kind": chosen}
        # ?kind=case_categories&case_kind=appeal: the page linked from elsewhere preselects the option
        for name in registry.importer(chosen).choices_for(user):  # type: ignore[union-attr]
            if request.GET.get(name):
                initial[f"opt-{chosen}-{name}"] = request.GET[name]
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        options = form.chosen_options()
        if not form.errors:
            try:
                job = jobs.create_job(
                    user, form.cleaned_data["kind"], form.cleaned_data["file"], options=options
                )
            except jobs.UploadError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("sheets:job", pk=job.pk)
    context = {
        "form": form,
        "importers": form.entries,
        "exporters": [e for e in registry.exporters() if e.offered_to(user)],
        "recent": ImportJob.objects.filter(user=user)[:5],
    }
    return render(request, "sheets/import.html", context, status=400 if form.errors else 200)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    user = _importer_user(request)
    rows = ImportJob.objects.filter(user=user)[:200]
    labels = {i.name: i.label for i in registry.importers()}
    return render(request, "sheets/jobs.html", {"jobs": rows, "labels": labels})


def _job_context(job: ImportJob) -> dict[str, object]:
    entry = registry.importer(job.kind)
    unmapped = [{**u, "message": unmapped_message(u)} for u in job.unmapped]
    options = entry.options if entry else ()
    fixed = entry.choices_for(job.user) if entry else {}
    return {
        "job": job,
        "label": entry.label if entry else job.kind,
        "takes_options": bool(set(options) & set(REREAD_OPTIONS))
        and job.status in (JobStatus.PREVIEWED, JobStatus.FAILED),
        "fixed_options": [
            (label, dict(values).get(job.options.get(name, ""), job.options.get(name, "")))
            for name, (label, values) in fixed.items()
        ],
        "layouts": LAYOUT_CHOICES if "layout" in options else (),
        "needs_confirmation": bool(job.errors) and all(e.get("confirm") for e in job.errors),
        "progress": jobs.read_progress(job),
        "unmapped": unmapped,
        "not_imported": sum(1 for u in unmapped if not u.get("mapped")),
        "may_map": job.status in (JobStatus.PREVIEWED, JobStatus.FAILED)
        and any(not u.get("duplicate_of") and not u.get("reason") for u in unmapped),
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "sheets/job.html", _job_context(job))


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment polled every second while the job runs; reloads the page when it is over."""
    job = _own_job(request, pk)
    response = render(request, "sheets/_progress.html", _job_context(job))
    if not job.busy:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def job_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The fields the person chose for the file's unknown columns: remembered for their office,
    then the file is previewed again with them."""
    job = _own_job(request, pk)
    entry = registry.importer(job.kind)
    if entry is None or job.status not in (JobStatus.PREVIEWED, JobStatus.FAILED) or not job.unmapped:
        return redirect("sheets:job", pk=job.pk)
    fields = {spec.field for spec in entry.columns}
    chosen: dict[str, str] = {}
    for column in job.unmapped:
        if column.get("duplicate_of") or column.get("reason"):
            continue
        value = request.POST.get(f"map-{column['index']}", "")
        chosen[column["key"]] = value if value in fields else ""
    mapping.remember(job.user, job.kind, chosen, entry.columns)
    jobs.repreview(job)
    return redirect("sheets:job", pk=job.pk)


@login_required
@require_POST
def job_options(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the file again as the person says: another layout, a period or an indicator the file does
    not name, the flagged rows confirmed, the bureau's ranks taken."""
    job = _own_job(request, pk)
    chosen = {name: request.POST.get(name, "").strip()[:40] for name in ("layout", "period", "indicator")}
    for flag in ("confirm", "file_ranks"):
        chosen[flag] = "1" if request.POST.get(flag) else ""
    jobs.set_options(job, chosen)
    return redirect("sheets:job", pk=job.pk)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    jobs.confirm(job)
    return redirect("sheets:job", pk=job.pk)


@login_required
@require_POST
def job_recover(request: HttpRequest, pk: int) -> HttpResponse:
    """Clean up a job whose worker died: what it wrote is reverted and it can be confirmed again."""
    job = _own_job(request, pk)
    jobs.recover(job, _importer_user(request))
    return redirect("sheets:job", pk=job.pk)


@login_required
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    out = io.BytesIO()
    write_issues(
        out,
        [Issue(e["row"], e["column"], e["message"]) for e in job.errors],
        [Issue(w["row"], w["column"], w["message"]) for w in job.warnings],
    )
    stem = job.filename.rsplit(".", 1)[0]
    filename = f"{stem}-错误清单.xlsx"
    record_download(job.user, f"导入错误清单：{job.filename}"[:255], filename, job)
    return _download(out.getvalue(), filename)


@login_required
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The export `kind`, scoped to the person, with the list filters of the query string."""
    entry = registry.exporter(kind)
    user = request.user
    if entry is None or not isinstance(user, User) or not user.is_active or not entry.allowed(user):
        raise Http404
    out = io.BytesIO()
    try:
        run_export(kind, out, user=user, actor=user, filters=request.GET.dict())
    except ValueError as exc:  # a filter the exporter cannot use, e.g. an unknown period
        return HttpResponse(f"无法导出：{exc}", status=400, content_type="text/plain; charset=utf-8")
    filters = {k: v for k, v in request.GET.dict().items() if v}
    return _download(out.getvalue(), entry.filename_for(filters), f"{kind}.xlsx")
