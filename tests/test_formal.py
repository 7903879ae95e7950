"""fuan_rotation.formal's writing machinery: its row writer and its spilling of long sheets."""

import datetime
import io
import zipfile

import xlsxwriter
from openpyxl import load_workbook

from fuan_rotation.formal import SPOOL_ROWS, Column, FormalBook, _Workbook


def _sheet_xml(workbook_class):
    buffer = io.BytesIO()
    book = workbook_class(buffer, {"constant_memory": True})
    ws = book.add_worksheet("表")
    bold = book.add_format({"bold": True, "border": 1})
    ws.write_string(0, 0, "标题", bold)
    ws.set_row(1, 30)  # a row with a height and no cells
    for col in range(300):  # a wide header, as the participation sheet has
        ws.write_string(3, col, f"第{col}次")
    for row in range(4, 60):
        ws.write_string(row, 0, f"成员{row}")
        ws.write_number(row, 5, row)
        ws.write_number(row, 7 + row * 3 % 290, 1, bold)  # a few cells far apart
        if row % 7 == 0:
            ws.set_row(row, 40)  # after the row's cells, as FormalSheet does
        if row % 11 == 0:
            ws.write_datetime(row, 3, datetime.datetime(2018, 8, row % 28 + 1))
    ws.write_formula(61, 5, "=SUBTOTAL(109,F5:F60)", bold, 1234)
    book.close()
    return zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")


def test_row_writer_writes_what_xlsxwriter_writes():
    """The faster row writer is a drop-in: the sheet's XML is XlsxWriter's own, byte for byte
    (this fails if an XlsxWriter upgrade changes how a row is written)."""
    assert _sheet_xml(_Workbook) == _sheet_xml(xlsxwriter.Workbook)


def test_a_long_sheet_spills_and_reads_back_whole():
    """Past SPOOL_ROWS rows go to a temporary file; every row comes back in order, and a
    column kept only for a value in a spilled batch is still measured and kept."""
    rows = SPOOL_ROWS * 2 + 17
    book = FormalBook(title="测试表", made_on=datetime.date(2026, 1, 5))
    sheet = book.sheet(
        "名单",
        [
            Column("序号", width=6),
            Column("姓名", cap=30),
            Column("备注", cap=10, drop_if_empty=True),
            Column("空列", drop_if_empty=True),
        ],
    )
    long_name = "很长的名字" * 5
    for n in range(rows):
        sheet.add(n, long_name if n == 3 else f"成员{n}", "有" if n == 5 else "", "")
    output = book.close()
    ws = load_workbook(io.BytesIO(output)).active
    header = [c.value for c in ws[4]]
    assert header == ["序号", "姓名", "备注"]  # 空列 had no value anywhere: left out
    values = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=5, max_row=4 + rows)]
    assert values[0] == (0, "成员0") and values[3] == (3, long_name)
    assert [v[0] for v in values] == list(range(rows))
    # The name column fits its widest value, met in the first spilled batch.
    assert ws.column_dimensions["B"].width > 25
