"""The services app's importers and exporters in the sheets framework."""

from __future__ import annotations

from liangping.services.catalogue import COLUMNS, export_catalogue, import_catalogue
from liangping.services.handled_sheets import HANDLED_COLUMNS, export_handled, import_handled
from liangping.services.permissions import sees_services
from liangping.sheets.registry import Exporter, Importer, register_exporter, register_importer


def register() -> None:
    register_importer(
        Importer(
            "matters",
            "政务服务事项目录",
            COLUMNS,
            import_catalogue,
            "按事项编码新增或更新政务服务事项；生效日期起计入目录，事项状态填“取消”即从生效日期起取消；"
            "同一文件重复导入不会产生任何变化。",
            model="services.matter",
        )
    )
    register_exporter(
        Exporter("matters", "政务服务事项目录", "政务服务事项目录.xlsx", export_catalogue, sees_services)
    )
    register_importer(
        Importer(
            "handled",
            "办件",
            HANDLED_COLUMNS,
            import_handled,
            "大厅每日办件表：按办件编号新增，已导入的办件不会重复；办结时间不能早于受理时间。",
            model="services.handledcase",
        )
    )
    register_exporter(Exporter("handled", "办件", "办件.xlsx", export_handled, sees_services))
