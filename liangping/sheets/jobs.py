"""Import jobs of the web pages: store the upload, check it (dry run), import it after confirmation.

Both the check and the confirmed import run in a background thread of the web process, never in the
request. Progress goes to a small file next to the upload (MEDIA_ROOT/imports/<id>.progress) that the
page polls, so the database is not written for it. The import writes in short journaled chunks
(journal.py); a job whose process died is shown as interrupted at once and can be recovered (undo.py).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from liangping.core.models import User
from liangping.sheets import journal, registry, undo
from liangping.sheets.errors import ImportResult, SheetError
from liangping.sheets.models import ImportJob, ImportRun, JobStatus, RunStatus
from liangping.sheets.reading import sniff
from liangping.sheets.runner import run_import

log = logging.getLogger(__name__)
STALE_AFTER = journal.DEAD_AFTER  # seconds without progress before a job of another host counts as dead


class UploadError(ValueError):
    """An upload refused before reading it: too big, or not a spreadsheet."""


def check_upload(upload: UploadedFile) -> None:
    limit = int(getattr(settings, "LIANGPING_MAX_UPLOAD_MB", 20))
    if upload.size is not None and upload.size > limit * 1024 * 1024:
        raise UploadError(f"文件超过 {limit} MB，请删去多余的工作表或拆分成几个文件后再上传")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        sniff(data[:4096], upload.name or "", whole=data)
    except SheetError as exc:
        raise UploadError(str(exc)) from exc


def create_job(
    user: User,
    kind: str,
    upload: UploadedFile,
    *,
    sync: bool | None = None,
    options: dict[str, str] | None = None,
) -> ImportJob:
    """Check and store the upload, then start its preview (the dry run) in the background. `options`
    are those chosen at upload (Importer.upload_choices), kept by the job for its preview and run."""
    entry = registry.importer(kind)
    if entry is None:
        raise UploadError("请选择导入类型")
    check_upload(upload)
    name = Path(upload.name or "upload").name[:255]
    chosen = {k: v for k, v in (options or {}).items() if k in entry.options and v}
    job = ImportJob(user=user, kind=kind, filename=name, status=JobStatus.CHECKING, options=chosen)
    job.file.save(name, upload, save=False)
    job.save()
    _start(job, preview_job, sync)
    return job


def _start(job: ImportJob, target: Any, sync: bool | None) -> threading.Thread | None:
    ProgressFile(job.pk)(0, job.rows_total)
    if sync is None:
        sync = bool(getattr(settings, "LIANGPING_IMPORT_SYNC", False))
    if sync:
        target(job.pk)
        job.refresh_from_db()
        return None
    thread = threading.Thread(target=_in_thread, args=(target, job.pk), name=f"import-{job.pk}", daemon=True)
    thread.start()
    return thread


def _in_thread(target: Any, job_id: int) -> None:
    close_old_connections()
    try:
        target(job_id)
    finally:
        connection.close()


def preview_job(job_id: int) -> None:
    """The dry run of a stored upload: the job then holds its report (previewed, or failed with errors)."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(worker=journal.worker_id())
    try:
        result = run_import(
            job.kind,
            job.file.path,
            filename=job.filename,
            actor=job.user,
            dry_run=True,
            progress=ProgressFile(job.pk),
            options=job.options,
        )
    except Exception:
        log.exception("preview of import job %s failed", job.pk)
        _fail(job, "读取文件时发生系统错误，未导入任何数据。请用 Excel 另存后重试，或联系系统管理员。")
        return
    finally:
        progress_path(job_id).unlink(missing_ok=True)
    job.worker = ""
    _store(job, result, JobStatus.PREVIEWED if result.ok else JobStatus.FAILED, finished=not result.ok)
    if not result.ok:
        job.message = "文件有错误，未导入任何数据。请按错误清单修改后重新上传。"
        job.save(update_fields=["message"])


def _fail(job: ImportJob, message: str) -> None:
    """A job ended by a system error: failed, finished now, with what the person should do."""
    job.status, job.finished_at, job.message = JobStatus.FAILED, timezone.now(), message
    job.save(update_fields=["status", "finished_at", "message"])


def _store(job: ImportJob, result: ImportResult, status: str, *, finished: bool) -> None:
    job.status = status
    job.created_count, job.updated_count, job.unchanged_count = (
        result.created,
        result.updated,
        result.unchanged,
    )
    job.errors = [e.as_dict() for e in result.errors]
    job.warnings = [w.as_dict() for w in result.warnings]
    job.unmapped = result.unmapped
    job.layout = result.layout[:60]
    job.preview = {"total": result.preview_total, "rows": result.preview} if result.layout else {}
    job.rows_total = result.rows_total
    job.rows_done = result.rows_total if finished else 0
    job.finished_at = timezone.now() if finished else None
    job.save()


def progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"{job_id}.progress"


class ProgressFile:
    """Writes rows done of total and the phase (check or write) for the polling page, a few times a second."""

    def __init__(self, job_id: int, phase: str = "check") -> None:
        self.path = progress_path(job_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.phase = phase
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.3:
            return
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total, "phase": self.phase}), encoding="utf-8")
        os.replace(tmp, self.path)


def is_dead(job: ImportJob, age: float) -> bool:
    """A busy job nobody works on any more: its process ended (known at once on this host), or it has
    shown no progress for STALE_AFTER seconds."""
    if not job.busy:
        return False
    alive = journal.worker_alive(job.worker) if job.worker else None
    if alive is not None:
        return not alive
    return age > STALE_AFTER


def read_progress(job: ImportJob) -> dict[str, Any]:
    """{"done", "total", "phase", "stale"} of a job: from the progress file while busy, else from the row."""
    if not job.busy:
        return {"done": job.rows_done, "total": job.rows_total, "phase": "", "stale": False}
    path = progress_path(job.pk)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        data, age = {}, 0.0
    return {
        "done": int(data.get("done", 0)),
        "total": int(data.get("total", job.rows_total)),
        "phase": str(data.get("phase", "check")),
        "stale": is_dead(job, age),
    }


def recover(job: ImportJob, actor: User) -> bool:
    """Clean up a job whose worker died: revert what its import wrote and let it be confirmed again
    (an interrupted check simply starts again). False if the job is not dead."""
    if not read_progress(job)["stale"]:
        return False
    if job.status == JobStatus.CHECKING:
        _start(job, preview_job, None)
        return True
    runs = ImportRun.objects.filter(job=job, status__in=[RunStatus.RUNNING, RunStatus.REVERTING])
    for run in runs:
        undo.revert(run, actor, "导入进程中断，撤销已写入的部分")
    ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.PREVIEWED,
        rows_done=0,
        worker="",
        message="上次导入中断，已写入的部分已撤销，可重新确认导入。",
    )
    progress_path(job.pk).unlink(missing_ok=True)
    return True


def confirm(job: ImportJob, *, sync: bool | None = None) -> threading.Thread | None:
    """Start the import of a previewed job (once: a second click does nothing).

    In the background unless `sync` (or settings.LIANGPING_IMPORT_SYNC) says to run it here and now.
    Returns the thread, if one was started.
    """
    if not job.can_confirm:
        return None
    started = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
        status=JobStatus.RUNNING, rows_done=0, worker=journal.worker_id(), message=""
    )
    if started != 1:
        return None
    job.status = JobStatus.RUNNING
    return _start(job, run_job, sync)


def run_job(job_id: int) -> None:
    """Import a confirmed job's file for real and record the outcome in the job."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(worker=journal.worker_id())
    try:
        result = run_import(
            job.kind,
            job.file.path,
            filename=job.filename,
            actor=job.user,
            dry_run=False,
            progress=ProgressFile(job.pk),
            write_progress=ProgressFile(job.pk, "write"),
            job=job,
            options=job.options,
        )
    except journal.Abandoned:
        log.warning("import job %s was taken over by its recovery", job_id)
        return
    except Exception:
        log.exception("import job %s failed", job_id)
        _fail(job, "导入时发生系统错误，未导入任何数据。请稍后重试，或联系系统管理员。")
        return
    finally:
        progress_path(job_id).unlink(missing_ok=True)
    ok = result.ok
    job.worker = ""
    _store(job, result, JobStatus.DONE if ok else JobStatus.FAILED, finished=True)
    job.message = "导入完成。" if ok else "导入前发现错误（数据可能已被他人修改），未导入任何数据。"
    job.save(update_fields=["message"])


def set_options(job: ImportJob, chosen: dict[str, str], *, sync: bool | None = None) -> bool:
    """Preview again with the run options the person chose on the preview page (those the importer
    takes); False when the job is past its preview."""
    entry = registry.importer(job.kind)
    if entry is None or job.status not in (JobStatus.PREVIEWED, JobStatus.FAILED):
        return False
    fixed = {k: v for k, v in job.options.items() if k in entry.choices_for(job.user)}  # chosen at upload
    job.options = {**{k: v for k, v in chosen.items() if k in entry.options and v}, **fixed}
    ImportJob.objects.filter(pk=job.pk).update(options=job.options)
    repreview(job, sync=sync)
    return True


def repreview(job: ImportJob, *, sync: bool | None = None) -> None:
    """Preview a stored upload again, after the person mapped its columns: the dry run reads the
    office's mapping (sheets.mapping), as every later import of the office will."""
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKING, message="", finished_at=None)
    job.status, job.message, job.finished_at = JobStatus.CHECKING, "", None
    _start(job, preview_job, sync)
