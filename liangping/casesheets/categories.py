"""A kind's category tree in and out as .xlsx (the system administrator's, like the 时限与分类 page).

One row per category: 分类代码 (the key), 分类名称, 上级分类代码 (blank at the top), 是否启用 (blank:
启用 for a new category, unchanged for an existing one). The kind is chosen when the file is uploaded
(the `case_kind` option), never read from the file. Categories the file does not name stay as they are;
none is deleted (a category in use is deactivated instead).

The whole file is checked against the tree it would make before anything is written: a code repeated,
a parent that is neither in the file nor in the kind, a cycle (a category under its own descendant) and
a category that would find no time limit (neither its own, nor an ancestor's, nor the kind's 全部分类
one: spec.find_limit's rule) are errors on their row and column, and then nothing is saved. The writes
go through the page's own functions (kindadmin.add_category / update_category), so each change is
audited with the file's name as its reason, and a moved category takes its whole subtree along.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from liangping.cases import kindadmin
from liangping.cases.engine import CaseError
from liangping.cases.models import CaseCategory, CaseKind
from liangping.core.models import Role, User
from liangping.kinds.spec import CODE_RE
from liangping.sheets import journal
from liangping.sheets.errors import Issue
from liangping.sheets.registry import Exporter, Importer, Progress, register_exporter, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank
from liangping.sheets.writing import OutColumn, write_rows

NAME = "case_categories"
OPTION = "case_kind"
COLUMNS = (
    ColumnSpec("code", "分类代码", ("代码", "编码", "分类编码"), required=True, key=True),
    ColumnSpec("name", "分类名称", ("名称", "分类"), required=True, key=True),
    ColumnSpec("parent", "上级分类代码", ("上级代码", "上级分类编码", "父级代码", "上级分类")),
    ColumnSpec("active", "是否启用", ("启用", "状态")),
)
EXPORT_COLUMNS = [
    OutColumn("分类代码", 20),
    OutColumn("分类名称", 24),
    OutColumn("上级分类代码", 20),
    OutColumn("上级分类名称", 24),
    OutColumn("是否启用", 10),
]
YES = {"是", "启用", "√", "y", "yes", "1", "true"}
NO = {"否", "停用", "×", "n", "no", "0", "false"}


def sysadmins(user: User) -> bool:
    return bool(user.is_active and user.role == Role.SYSADMIN)


def kind_choices(user: User) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    kinds = CaseKind.objects.filter(active=True).order_by("id").values_list("code", "name")
    return {OPTION: ("事项类型", [(code, name) for code, name in kinds])}


@dataclass
class Wanted:
    row: int
    code: str
    name: str
    parent: str
    active: bool | None


def _kind(ctx: ImportContext) -> CaseKind | None:
    code = ctx.options.get(OPTION, "")
    kind = CaseKind.objects.filter(code=code, active=True).first() if code else None
    if kind is None:
        known = "、".join(f"{c}（{n}）" for c, n in CaseKind.objects.values_list("code", "name"))
        what = f"没有“{code}”这一事项类型" if code else "没有选择事项类型"
        ctx.result.errors.append(Issue(None, "", f"{what}：请在上传时选择要导入分类的事项类型（{known}）"))
    return kind


def _active(ctx: ImportContext, row: Row) -> bool | None:
    raw = ctx.reader.raw(row, "active")
    if is_blank(raw):
        return None
    text = "".join(as_text(raw).split()).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    ctx.reader.error(row, "active", f"“{as_text(raw)}”无法识别，请填写“是”或“否”")
    return None


def _read(ctx: ImportContext) -> list[Wanted]:
    r = ctx.reader
    seen: dict[str, int] = {}
    out = []
    for row in ctx.table.rows:
        before = len(ctx.result.errors)
        code = r.key(row, "code", max_length=40)
        if code and not CODE_RE.match(code):
            r.error(
                row, "code", f"分类代码“{code}”只能用小写字母、数字和下划线，以字母开头（最长 40 个字符）"
            )
        elif code in seen:
            r.error(row, "code", f"分类代码“{code}”与第{seen[code]}行重复：一个分类只写一行")
        elif code:
            seen[code] = row[0]
        name = r.key(row, "name", max_length=100)
        parent = r.text(row, "parent", max_length=40).strip()
        if parent and parent == code:
            r.error(row, "parent", f"分类“{code}”的上级分类不能是它自己")
        active = _active(ctx, row)
        if len(ctx.result.errors) == before and code and name:
            out.append(Wanted(row[0], code, name, parent, active))
    return out


def _check_tree(ctx: ImportContext, kind: CaseKind, wanted: list[Wanted], existing: dict[str, Any]) -> None:
    """Unknown parents, cycles and categories without a time limit, in the tree the file would make."""
    parents = {c.code: (c.parent.code if c.parent else "") for c in existing.values()}
    names = {c.code: c.name for c in existing.values()}
    header = ctx.reader.header
    for w in wanted:
        if w.parent and w.parent not in parents and w.parent not in {x.code for x in wanted}:
            ctx.result.errors.append(
                Issue(
                    w.row,
                    header("parent"),
                    f"上级分类代码“{w.parent}”既不在本文件中，也不是该事项类型已有的分类",
                )
            )
    if ctx.result.errors:
        return
    for w in wanted:
        parents[w.code], names[w.code] = w.parent, w.name
    for w in wanted:
        at, path = w.parent, [w.code]
        while at:
            if at in path:
                loop = " → ".join([*path, at])
                ctx.result.errors.append(
                    Issue(
                        w.row,
                        header("parent"),
                        f"分类“{w.name}”的上级关系形成循环（{loop}），请改正上级分类代码",
                    )
                )
                break
            path.append(at)
            at = parents.get(at, "")
    if ctx.result.errors:
        return
    rows = {w.code: w.row for w in wanted}
    # Every category whose ancestry the file sets or changes: the file's rows and the subtrees below them.
    touched = [c for c in parents if _under(c, set(rows), parents)]
    for code, urgency in kindadmin.uncovered(kind, parents, touched):
        ctx.result.errors.append(
            Issue(
                rows.get(code) or rows[_nearest(code, set(rows), parents)],
                header("parent") if ctx.reader.has("parent") else header("code"),
                kindadmin.uncovered_message(kind, names.get(code, code), urgency),
            )
        )


def _under(code: str, roots: set[str], parents: Mapping[str, str]) -> bool:
    seen: set[str] = set()
    while code and code not in seen:
        if code in roots:
            return True
        seen.add(code)
        code = parents.get(code, "")
    return False


def _nearest(code: str, roots: set[str], parents: Mapping[str, str]) -> str:
    while code not in roots:
        code = parents[code]
    return code


def _depth(code: str, parents: Mapping[str, str]) -> int:
    depth, seen = 0, set()
    while parents.get(code) and code not in seen:
        seen.add(code)
        code, depth = parents[code], depth + 1
    return depth


def import_categories(ctx: ImportContext) -> None:
    if ctx.actor is None or not sysadmins(ctx.actor):
        ctx.result.errors.append(
            Issue(None, "", "事项分类只能由系统管理员导入（命令行请用 --as 指定系统管理员的用户名）")
        )
        return
    kind = _kind(ctx)
    wanted = _read(ctx)
    ctx.progress(len(ctx.table.rows), len(ctx.table.rows))
    if kind is None or ctx.result.errors:
        return
    existing = {c.code: c for c in CaseCategory.objects.filter(kind=kind).select_related("parent")}
    _check_tree(ctx, kind, wanted, existing)
    if ctx.result.errors:
        return
    changes = []
    for w in wanted:
        old = existing.get(w.code)
        if old is None:
            ctx.result.created += 1
            changes.append(w)
        elif (
            old.name != w.name
            or (old.parent.code if old.parent else "") != w.parent
            or (w.active is not None and w.active != old.active)
        ):
            ctx.result.updated += 1
            changes.append(w)
        else:
            ctx.result.unchanged += 1
    if not ctx.writes or not changes:
        return
    parents = {c.code: (c.parent.code if c.parent else "") for c in existing.values()}
    parents.update({w.code: w.parent for w in wanted})
    changes.sort(key=lambda w: (_depth(w.code, parents), w.row))  # parents placed before their children
    with journal.chunk():
        log = journal.active()
        if log is not None and existing:
            log.before_update(
                CaseCategory, [c.pk for c in existing.values()], ["name", "active", "parent", "path"]
            )
        for w in changes:
            try:
                _write(ctx, kind, w)
            except CaseError as exc:
                column = "parent" if getattr(exc, "field", "") == "parent" else "code"
                ctx.result.errors.append(Issue(w.row, ctx.reader.header(column), str(exc)))
                return


def _write(ctx: ImportContext, kind: CaseKind, w: Wanted) -> None:
    assert ctx.actor is not None
    rows = {c.code: c for c in CaseCategory.objects.filter(kind=kind)}  # fresh paths after earlier moves
    parent = rows[w.parent] if w.parent else None
    current = rows.get(w.code)
    if current is None:
        made = kindadmin.add_category(
            ctx.actor, kind, code=w.code, name=w.name, parent=parent, reason=ctx.reason
        )
        if w.active is False:
            kindadmin.update_category(ctx.actor, made, name=w.name, active=False, reason=ctx.reason)
        return
    active = current.active if w.active is None else w.active
    kindadmin.update_category(
        ctx.actor, current, name=w.name, active=active, reason=ctx.reason, parent=parent
    )


# -- export ------------------------------------------------------------------------------------


def export_rows(kind: CaseKind) -> Iterator[list[Any]]:
    """The tree in path order (parents before children), written as the import reads it back."""
    for c in CaseCategory.objects.filter(kind=kind).select_related("parent").order_by("path", "sort", "id"):
        yield [
            c.code,
            c.name,
            c.parent.code if c.parent else "",
            c.parent.name if c.parent else "",
            "是" if c.active else "否",
        ]


def _export_kind(filters: Mapping[str, str]) -> CaseKind:
    code = (filters.get("kind") or "").strip()
    kind = CaseKind.objects.filter(code=code).first() if code else None
    if kind is None:
        raise ValueError("请选择事项类型：从时限与分类页面各类型的“导出分类”下载")
    return kind


def export_categories(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    kind = _export_kind(filters)
    notes = [
        ("事项类型", f"{kind.name}（{kind.code}）"),
        (
            "说明",
            "每行一个分类；上级分类代码留空为一级分类；修改后可在时限与分类页面选择“从表格导入分类”导入",
        ),
        ("时限", "分类没有自己的时限时，按上级分类的时限，再按“全部分类”的时限计算"),
    ]
    total = CaseCategory.objects.filter(kind=kind).count()
    return write_rows(
        out, "事项分类", EXPORT_COLUMNS, export_rows(kind), total=total, progress=progress, notes=notes
    )


def _name_for(filters: Mapping[str, str]) -> str:
    kind = CaseKind.objects.filter(code=(filters.get("kind") or "").strip()).first()
    return f"事项分类_{kind.name}.xlsx" if kind else "事项分类.xlsx"


def _describe(filters: Mapping[str, str]) -> dict[str, str]:
    kind = CaseKind.objects.filter(code=(filters.get("kind") or "").strip()).first()
    return {"事项类型": kind.name} if kind else {}


def register() -> None:
    register_importer(
        Importer(
            NAME,
            "事项分类",
            COLUMNS,
            import_categories,
            "按分类代码新增或修改所选事项类型的分类树（名称、上级分类、是否启用）；文件中没有的分类保持不变。"
            "仅系统管理员可用，每项修改记入审计日志。",
            model="cases.casecategory",
            options=(OPTION,),
            allowed=sysadmins,
            upload_choices=kind_choices,
        )
    )
    register_exporter(
        Exporter(
            NAME,
            "事项分类",
            "事项分类.xlsx",
            export_categories,
            sysadmins,
            name_for=_name_for,
            describe=_describe,
            has_rows=lambda user: False,  # a kind must be chosen: offered on 时限与分类, per kind
        )
    )
