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


# Texts of every kind the row writer meets: XML escapes, leading and trailing (ideographic)
# spaces, control characters, a literal _x0041_, a very long text.
TEXTS = [
    "成员甲",
    "A&B <公司> 有限",
    " 前有空格",
    "后有空格 ",
    "\u3000其中：到会成员",
    "两行\n文字",
    "制表\t符",
    "含_x0041_转义",
    "\x01控制符_x0041_\r\n",
    "",
    "长" * 20000,
]


def _cells_xml(fast):
    buffer = io.BytesIO()
    workbook_class = _Workbook if fast else xlsxwriter.Workbook
    book = workbook_class(buffer, {"constant_memory": True})
    ws = book.add_worksheet("表")
    bold = book.add_format({"bold": True, "border": 1})
    wrap = book.add_format({"text_wrap": True, "border": 1})
    ws.write_string(0, 0, "标题", bold)
    ws.set_column(4, 4, 12, wrap)  # a column's format, for its cells without one
    for n, text in enumerate(TEXTS):
        row = 2 + n
        if n == 4:
            ws.set_row(row, 30, bold)  # a row's format, ahead of the column's
        cells = [
            (0, text, None),
            (1, n, bold),
            (2, text, wrap),
            (4, 2.5 * n, None),
            (30 + n, 1, None),
            (40, datetime.datetime(2018, 8, n + 1), wrap),
        ]
        if fast:
            ws.write_cells(row, cells)
        else:
            for col, value, fmt in cells:
                if isinstance(value, str):
                    ws.write_string(row, col, value, fmt)
                else:
                    ws.write(row, col, value, fmt)
        if n % 3 == 0:
            ws.set_row(row, 40)  # after the row's cells, as FormalSheet does
        if n == 7:
            ws.set_row(row, 40, wrap)
    # A row already written is left alone, as XlsxWriter leaves it.
    if fast:
        assert ws.write_cells(1, [(0, "已写过的行", None)]) == -1
    else:
        ws.write_string(1, 0, "已写过的行")
    book.close()
    archive = zipfile.ZipFile(buffer)
    return archive.read("xl/worksheets/sheet1.xml"), archive.read("xl/styles.xml")


def test_write_cells_writes_what_xlsxwriter_writes():
    """A row written at once is what XlsxWriter's write_string() and write_number() write, byte
    for byte, text of every kind and the styles included."""
    fast, library = _cells_xml(fast=True), _cells_xml(fast=False)
    assert b"&amp;B &lt;" in fast[0] and b'xml:space="preserve"' in fast[0]
    assert fast == library


def test_text_of_rich_string_form_is_written_as_text():
    """XlsxWriter writes a text that starts with <r> and ends with </r> unescaped, as
    rich-string XML; a name typed that way could add cells or a formula to the sheet. The
    workbook writes it as the text it is."""
    names = [
        "<r>x</r>",
        '<r><t>甲</t></r></is></c><c r="B5"><f>1+1</f><v>2</v></c><c r="C5" t="inlineStr"><is><r>',
    ]
    book = FormalBook(title="测试表", made_on=datetime.date(2026, 1, 5))
    sheet = book.sheet("名单", [Column("姓名"), Column("备注")])
    for name in names:
        sheet.add(name)
    ws = load_workbook(io.BytesIO(book.close())).active
    assert [ws.cell(row, 1).value for row in (5, 6)] == names
    assert ws["B5"].value is None and ws["C5"].value is None


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
