"""Each kind of office file behind tests/fixtures/roster-files, generated in its variants:
zip part spelling and foreign formats, sheets, layout rows, multi-row headers, values,
bounds."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from members.models import FederationRole, Gender, PublicOffice
from members.roster import (
    MAX_CELLS,
    GroupRef,
    RosterBook,
    RosterFileError,
    clean_name,
    parse_gender,
    read_roster,
)
from tests.members.roster_workbooks import person, rezip, roster_bytes, save, workbook_bytes

HEADER = ["序号", "姓名", "工作单位", "工商联职务", "联系电话", "轮值组"]


def _row(n, **overrides):
    values = {"序号": n, "姓名": f"成员{n}", "工作单位": f"公司{n}", "工商联职务": "执委"}
    values |= {"联系电话": f"1390000{n:04d}", "轮值组": ""}
    values.update(overrides)
    return [values[h] for h in HEADER]


# Package ---------------------------------------------------------------------------------


def _renamed(data, renames):
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(renames.get(info.filename, info.filename), source.read(info))
    return output.getvalue()


@pytest.mark.parametrize(
    "renames",
    [
        {"xl/sharedStrings.xml": "xl/SharedStrings.xml"},
        {"xl/sharedStrings.xml": "XL/SHAREDSTRINGS.XML"},
        {"xl/worksheets/sheet1.xml": "xl/Worksheets/Sheet1.xml"},
        {"xl/styles.xml": "xl/Styles.xml", "xl/workbook.xml": "xl/Workbook.xml"},
        {"[Content_Types].xml": "[content_types].xml"},
    ],
)
def test_zip_part_names_are_matched_case_insensitively(renames):
    data = workbook_bytes([person(1), person(2)])
    book = read_roster(_renamed(data, renames))
    assert [r.values["name"] for r in book.records] == ["成员0001", "成员0002"]


def test_strict_open_xml_is_named_with_how_to_resave():
    data = roster_bytes(2)
    rels = zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels").decode()
    strict = rels.replace(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    )
    with pytest.raises(RosterFileError, match="Strict Open XML") as raised:
        read_roster(rezip(data, replace={"_rels/.rels": strict}))
    assert "另存为" in raised.value.message


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ("姓名,工作单位,工商联职务\n张三,甲公司,执委\n".encode(), "CSV"),
        ("姓名,工作单位,工商联职务\n张三,甲公司,执委\n".encode("gb18030"), "CSV"),
        ("姓名\t工作单位\t工商联职务\n".encode("utf-8-sig"), "CSV"),
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "网页"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, ".xls"),
    ],
)
def test_other_formats_are_named_with_how_to_resave(data, named):
    with pytest.raises(RosterFileError, match=re.escape(named)) as raised:
        read_roster(data)
    assert "另存为" in raised.value.message


def test_an_ods_file_is_named():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(RosterFileError, match="OpenDocument"):
        read_roster(output.getvalue())


# Sheets ----------------------------------------------------------------------------------


def _sheet(workbook, title, rows, state="visible"):
    ws = workbook.create_sheet(title)
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.sheet_state = state
    return ws


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheets_are_never_read_and_are_named(state):
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "旧名单", [_row(1, 工作单位="旧公司"), _row(9)], state=state)
    _sheet(wb, "新名单", [_row(1), _row(2)])
    wb.active = 1
    book = read_roster(save(wb))
    assert book.sheet_name == "新名单"
    assert [r.values["company"] for r in book.records] == ["公司1", "公司2"]
    assert [name for name, _reason in book.sheets_left] == ["旧名单"]


def test_the_active_sheet_is_read_first():
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "甲表", [_row(1)])
    _sheet(wb, "乙表", [_row(2)])
    wb.active = 1
    book = read_roster(save(wb))
    assert [s.sheet_name for s in book.sheets] == ["乙表", "甲表"]


def test_a_workbook_with_only_hidden_rosters_says_why_nothing_was_read():
    wb = Workbook()
    wb.active.title = "封面"
    wb.active["A1"] = "名册"
    _sheet(wb, "名单", [_row(1)], state="hidden")
    with pytest.raises(RosterFileError, match="名单"):
        read_roster(save(wb))


def test_group_sheets_are_all_read_with_the_group_from_the_sheet_name():
    wb = Workbook()
    wb.remove(wb.active)
    header = ["姓名", "工作单位", "工商联职务"]
    for title, names in (("第1组", ["甲", "乙"]), ("第二组", ["丙"]), ("3组", ["丁"])):
        ws = wb.create_sheet(title)
        ws.append(header)
        for name in names:
            ws.append([name, f"{name}公司", "执委"])
    book = read_roster(save(wb))
    groups = {r.values["name"]: r.values["group"] for r in book.records}
    assert groups == {"甲": GroupRef(1), "乙": GroupRef(1), "丙": GroupRef(2), "丁": GroupRef(3)}
    # Rows of different sheets are told apart.
    assert [r.place for r in book.records] == ["第1组·2", "第1组·3", "第二组·2", "3组·2"]


def test_a_group_column_wins_over_the_sheet_name():
    wb = Workbook()
    ws = wb.active
    ws.title = "第1组"
    ws.append(HEADER)
    ws.append(_row(1, 轮值组="第5组"))
    assert read_roster(save(wb)).records[0].values["group"] == GroupRef(5)


# Layout rows ------------------------------------------------------------------------------


def _layout_workbook():
    wb = Workbook()
    ws = wb.active
    ws.append(["福安市工商联执委会名册"])
    ws.merge_cells("A1:F1")
    ws.append(HEADER)
    ws.append(["（一）副会长（1名）"])
    ws.merge_cells("A3:F3")
    ws.append(_row(1))
    ws.append(["二、常执委"])  # not merged: only in the leading column
    ws.append(_row(2))
    ws.append(HEADER)  # the header repeated on a printed page
    ws.append(_row(3))
    ws.append([4])  # a pre-numbered empty row
    ws.append([None, None, None, None, None, "第3组小计"])
    ws.append(["合计：3人"])
    ws.append(["附：召集人名单另报"])
    ws.append(["填报人：张某", None, None, "联系电话：0593-1234567"])
    ws.append(["审核：", None, "日期：2026年11月"])
    return save(wb)


def test_layout_rows_are_skipped_and_listed():
    book = read_roster(_layout_workbook())
    assert book.errors == []
    assert [r.values["name"] for r in book.records] == ["成员1", "成员2", "成员3"]
    assert [row for row, _text in book.skipped_rows] == [3, 5, 7, 9, 10, 11, 12, 13, 14]
    assert book.skipped_rows[0][1] == "（一）副会长（1名）"


def test_a_heading_typed_in_the_name_column_is_skipped():
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "工作单位", "工商联职务"])
    ws.append(["一、副会长（1人）"])
    ws.append(["甲", "甲公司", "副会长"])
    ws.append(["二、常务执委"])
    ws.append(["乙", "乙公司", "常执委"])
    ws.append(["丙", "丙公司"])  # a person without a role is still an error
    book = read_roster(save(wb))
    assert [row for row, _text in book.skipped_rows] == [2, 4]
    assert [(e.row, e.column) for e in book.errors] == [(6, "工商联职务")]


def test_a_row_with_a_company_but_no_name_is_still_an_error():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(_row(1))
    ws.append([2, None, "无名公司", "执委"])
    book = read_roster(save(wb))
    assert [(e.row, e.column) for e in book.errors] == [(3, "姓名")]


# Multi-row headers --------------------------------------------------------------------------


@pytest.mark.parametrize("top", [0, 1])
def test_multi_row_headers_take_the_lowest_name(top):
    wb = Workbook()
    ws = wb.active
    if top:
        ws.append(["基本信息"])
        ws.merge_cells("A1:G1")
    ws.append(["姓名", "工商联职务", "单位情况", None, "联系方式", None, None])
    ws.append([None, None, "工作单位", "单位职务", "手机", "办公电话", "传真"])
    first, second = top + 1, top + 2
    for area in (f"A{first}:A{second}", f"B{first}:B{second}", f"C{first}:D{first}"):
        ws.merge_cells(area)
    ws.merge_cells(f"E{first}:G{first}")
    ws.append(["甲", "执委", "甲公司", "经理", "13900000001", "0593-1", ""])
    book = read_roster(save(wb))
    assert book.errors == []
    (record,) = book.records
    assert record.values["company"] == "甲公司"
    assert record.values["position"] == "经理"
    assert record.values["mobile"] == "13900000001"
    assert book.ignored_columns == ["联系方式/办公电话（F）", "联系方式/传真（G）"]


# Values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("张\u3000三", "张三"),
        (" 王  五 ", "王五"),
        ("王 𠮷", "王𠮷"),
        ("𡈽 田", "𡈽田"),
        ("欧阳 娜娜", "欧阳娜娜"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("帕尔哈提・艾力", "帕尔哈提·艾力"),
        ("帕尔哈提 ･ 艾力", "帕尔哈提·艾力"),
        ("买买提‧艾力", "买买提·艾力"),
        ("山﨑", "山﨑"),  # a compatibility ideograph stays what was typed
        ("ＬＩ　Ｍｉｎｇ", "LI Ming"),
    ],
)
def test_names_are_normalised_losslessly(written, name):
    assert clean_name(written) == name


@pytest.mark.parametrize(
    ("written", "gender"),
    [
        ("男", Gender.MALE),
        ("女性", Gender.FEMALE),
        (1, Gender.MALE),
        ("2", Gender.FEMALE),
        (2.0, Gender.FEMALE),
        ("0", None),
        ("9", None),
    ],
)
def test_sex_per_gb_t_2261_1(written, gender):
    assert parse_gender(written) == gender


def test_unusable_optional_values_warn_and_required_ones_block():
    long_email = "a" * 250 + "@example.com"
    rows = [
        person(1, 性别="未填", 届别="去年"),
        person(2, 工作单位="公" * 201),
        person(3, 人大代表="是"),
    ]
    headers = ["姓名", "性别", "工作单位", "工商联职务", "联系电话", "届别", "电子邮箱"]
    rows[0]["电子邮箱"] = long_email
    book = read_roster(workbook_bytes(rows, headers))
    assert [(e.row, e.column) for e in book.errors] == [(3, "工作单位")]
    assert [(e.row, e.column) for e in book.warnings] == [(2, "性别"), (2, "届别"), (2, "电子邮箱")]
    values = book.records[0].values
    assert "email" not in values and "gender" not in values
    assert values["role"] == FederationRole.STANDING


# Bounds and parsing once ------------------------------------------------------------------


def _styles_bomb(count):
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * count
    return (
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/>'
        f'</fills><borders count="1"><border/></borders><cellXfs count="{count}">{xf}</cellXfs>'
        "</styleSheet>"
    )


def test_a_style_bomb_is_read_without_its_styles():
    data = rezip(roster_bytes(3), replace={"xl/styles.xml": _styles_bomb(200_000)})
    assert len(data) < 200_000
    book = read_roster(data)
    assert len(book.records) == 3
    assert any("样式" in notice for notice in book.notices)


def test_too_many_cells_are_refused_before_parsing():
    cells = '<c r="A1" t="n"><v>1</v></c>' * (MAX_CELLS + 1)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData><row r="1">{cells}</row></sheetData>'
        "</worksheet>"
    )
    data = rezip(roster_bytes(3), replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(RosterFileError, match="单元格"):
        read_roster(data)


def test_a_book_survives_its_round_trip_through_json():
    rows = [person(1, 人大代表="福安市"), person(2, 轮值组="第3组（电机组）")]
    headers = ["姓名", "工作单位", "工商联职务", "轮值组", "人大代表", "联系电话"]
    book = read_roster(workbook_bytes(rows, headers))
    again = RosterBook.from_data(book.to_data())
    assert [r.values for r in again.records] == [r.values for r in book.records]
    assert again.records[0].values["offices"] == {
        (PublicOffice.Kind.DEPUTY, PublicOffice.Level.COUNTY)
    }
    assert again.sha256 == book.sha256


def test_an_unusable_extra_sheet_is_named_not_fatal():
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "名册", [_row(1)])
    empty = wb.create_sheet("空白表")
    empty.append(HEADER)
    partial = wb.create_sheet("通讯录")
    partial.append(["姓名", "联系电话", "工作单位"])
    partial.append(["甲", "13900000001", "甲公司"])
    book = read_roster(save(wb))
    assert book.sheet_name == "名册"
    left = dict(book.sheets_left)
    assert "没有成员行" in left["空白表"] and "工商联职务" in left["通讯录"]
