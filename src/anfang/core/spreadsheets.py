"""Excel exports (alarm history, passage records): one sheet with a title line, the filter described, then
a frozen, filterable table. Text is always written as text: a device or a person may write `=…`, and a
spreadsheet must never run it (formula injection)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC time as a naive local time (spreadsheets have no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def to_xlsx(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    *,
    sheet: str,
    title: str,
    subtitle: str = "",
    widths: Mapping[str, int] | None = None,
    frozen_columns: int = 0,
) -> tuple[bytes, int]:
    """The workbook's bytes and how many rows it holds; `columns` are (key, heading) pairs."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws: Any = book.active
    ws.title = sheet[:31]
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", subtitle)])
    for cell in (ws["A1"], ws["A2"]):
        if isinstance(cell.value, str):
            cell.data_type = "s"
    header_row = 3
    ws.append([heading for _key, heading in columns])
    fill = PatternFill("solid", fgColor="DCE6F2")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    count = 0
    for row in rows:
        # Control characters (a device's text may carry them) are not allowed in the XML of a sheet.
        values = [row[key] for key, _heading in columns]
        values = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
        ws.append(values)
        count += 1
        for cell, value in zip(ws[ws.max_row], values, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    widths = widths or {}
    for index, (key, _heading) in enumerate(columns, start=1):
        default = 19 if key.endswith("_at") else 12
        ws.column_dimensions[get_column_letter(index)].width = widths.get(key, default)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=frozen_columns + 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + max(count, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
