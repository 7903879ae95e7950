"""Reading rosters the way offices keep them (members.roster: pure, no database)."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from members.models import FederationRole, Gender, PublicOffice
from members.roster import (
    GroupRef,
    LostValueError,
    RosterFileError,
    Warned,
    parse_group,
    parse_mobile,
    parse_offices,
    parse_role,
    parse_term,
    read_roster,
)
from tests.members.roster_workbooks import rezip, save, workbook_bytes

NPC, CPPCC = PublicOffice.Kind.DEPUTY, PublicOffice.Kind.CPPCC
L = PublicOffice.Level


def messy_workbook():
    """Title lines, merged cells, shuffled columns with header variants, numbers as phones,
    full-width spaces, blank rows, an unknown column, a 合计 footer and a note."""
    wb = Workbook()
    ws = wb.active
    ws.title = "执委名单"
    ws["A1"] = "福安市工商联第十四届执委会成员名册"
    ws.merge_cells("A1:N1")
    ws["A2"] = "（截至2019年7月）"
    ws.append(
        [
            "手机",
            "姓 名",
            "组别",
            "企业名称",
            "商会职务",
            "籍贯",
            "行业",
            "区域",
            "性别",
            "职务",
            "是否召集人",
            "人大代表/政协委员",
            "届次",
            "备注",
        ]
    )
    rows = [
        # row 4
        [
            13900000001,
            "王\u3000五",
            "第三组",
            " 福安示例电机有限公司 ",
            "副主席(兼职)",
            "福建福安",
            "电机电器",
            "城阳镇",
            "男",
            "董事长",
            "是",
            "福安市政协委员;宁德市人大代表",
            "第十四届",
            "",
        ],
        # row 5: group comes from the merged cell above (C4:C6)
        [
            "139 0000 0002",
            "李  四",
            None,
            "福安示例商贸有限公司",
            "常务执委",
            "",
            "商贸",
            "赛岐镇",
            "女",
            "总经理",
            "",
            "",
            14,
            "新增",
        ],
        # row 6: full-width spaces around a text phone
        [
            "\u30001390000 0003\u3000",
            "陈六",
            None,
            "福安示例茶业有限公司",
            "常委",
            "",
            "茶业",
            "社口镇",
            "",
            "",
            "",
            "福安市 政协常委",
            "十四",
            "",
        ],
        [],  # row 7: blank
        # row 8
        [
            "13900000004",
            "郑七",
            5,
            "福安示例船舶有限公司",
            "副会长",
            "",
            "船舶",
            "甘棠镇",
            "男",
            "",
            "√",
            "福建省人大代表、福安市政协委员",
            None,
            "",
        ],
        # row 9
        [
            "13900000005",
            "黄八",
            "5组",
            "福安示例电器有限公司",
            "执委",
            "",
            "",
            "",
            "",
            "",
            "",
            "无",
            None,
            "",
        ],
        # row 10
        [
            13900000006.0,
            "吴九",
            "第12组",
            "福安示例机械有限公司",
            "兼职副主席",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            None,
            "",
        ],
        # row 11
        [
            "13900000007",
            "刘十",
            "无",
            "福安示例实业有限公司",
            "主席",
            "",
            "",
            "",
            "",
            "",
            "",
            "全国政协委员",
            None,
            "",
        ],
        [None, None, None],  # row 12: blank
        ["合计", "7人"],  # row 13: footer
        ["制表：会员部"],  # row 14: note
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("C4:C6")
    return save(wb)


def test_messy_workbook_is_read_as_the_office_means_it():
    sheet = read_roster(messy_workbook())

    assert sheet.sheet_name == "执委名单"
    assert sheet.header_row == 3
    assert sheet.errors == []
    assert sheet.ignored_columns == ["籍贯（F）"]
    assert sheet.skipped_rows == [(13, "合计 7人"), (14, "制表：会员部")]
    by_row = {r.row: r.values for r in sheet.records}
    assert sorted(by_row) == [4, 5, 6, 8, 9, 10, 11]

    wang = by_row[4]
    assert wang["name"] == "王五"
    assert wang["mobile"] == "13900000001"
    assert wang["company"] == "福安示例电机有限公司"
    assert wang["role"] == FederationRole.VICE_CHAIR
    assert wang["group"] == GroupRef(3)
    assert wang["convener"] is True
    assert wang["gender"] == Gender.MALE
    assert wang["position"] == "董事长"
    assert wang["term"] == 14
    assert wang["offices"] == {(CPPCC, L.COUNTY), (NPC, L.PREFECTURE)}

    li = by_row[5]
    assert li["name"] == "李四"
    assert li["mobile"] == "13900000002"
    assert li["group"] == GroupRef(3)  # from the merged cell
    assert li["role"] == FederationRole.STANDING
    assert li["convener"] is False
    assert li["notes"] == "新增"
    assert "offices" not in li  # empty cell: leave the stored value alone

    assert by_row[6]["mobile"] == "13900000003"
    assert by_row[6]["group"] == GroupRef(3)
    assert by_row[6]["offices"] == {(CPPCC, L.COUNTY)}
    assert by_row[6]["term"] == 14
    assert "gender" not in by_row[6]
    assert by_row[8]["group"] == GroupRef(5)
    assert by_row[8]["role"] == FederationRole.VICE_PRESIDENT
    assert by_row[8]["offices"] == {(NPC, L.PROVINCIAL), (CPPCC, L.COUNTY)}
    assert by_row[9]["group"] == GroupRef(5)
    assert by_row[9]["role"] == FederationRole.EXECUTIVE
    assert by_row[9]["offices"] == frozenset()  # 无: no offices
    assert by_row[10]["mobile"] == "13900000006"
    assert by_row[10]["group"] == GroupRef(12)
    assert by_row[11]["role"] == FederationRole.CHAIR
    assert by_row[11]["group"] == GroupRef(None)  # 无: no group
    assert by_row[11]["offices"] == {(CPPCC, L.NATIONAL)}


@pytest.mark.parametrize(
    ("spelling", "role"),
    [
        ("兼职副主席", FederationRole.VICE_CHAIR),
        ("副主席(兼职)", FederationRole.VICE_CHAIR),
        ("副主席（兼职）", FederationRole.VICE_CHAIR),
        (" 副主席 ", FederationRole.VICE_CHAIR),
        ("副会长", FederationRole.VICE_PRESIDENT),
        ("常执委", FederationRole.STANDING),
        ("常务执委", FederationRole.STANDING),
        ("常委", FederationRole.STANDING),
        ("执委", FederationRole.EXECUTIVE),
        ("主席", FederationRole.CHAIR),
        ("会长", FederationRole.CHAIR),
    ],
)
def test_role_spellings(spelling, role):
    assert parse_role(spelling) == role


@pytest.mark.parametrize("spelling", ["理事", "会员", "副会长、常执委", "秘书长"])
def test_unknown_roles_are_errors_not_guesses(spelling):
    with pytest.raises(ValueError, match=spelling):
        parse_role(spelling)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (3, GroupRef(3)),
        (3.0, GroupRef(3)),
        ("3", GroupRef(3)),
        ("第3组", GroupRef(3)),
        ("第 3 组", GroupRef(3)),
        ("第三组", GroupRef(3)),
        ("三组", GroupRef(3)),
        ("第十二组", GroupRef(12)),
        ("第１２组", GroupRef(12)),
        ("第3组（电机电器组）", GroupRef(3, "电机电器组")),
        ("第九组 大健康", GroupRef(9, "大健康")),
        ("电机电器组", GroupRef(None, "电机电器组")),
        ("无", GroupRef(None, "")),
    ],
)
def test_group_spellings(written, expected):
    assert parse_group(written) == expected


@pytest.mark.parametrize("written", [0, 13, "第13组", "第十三组", "第零组"])
def test_group_numbers_outside_1_to_12_are_errors(written):
    with pytest.raises(ValueError):
        parse_group(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("福安市政协委员;宁德市人大代表", {(CPPCC, L.COUNTY), (NPC, L.PREFECTURE)}),
        ("福安市政协委员；宁德市人大代表", {(CPPCC, L.COUNTY), (NPC, L.PREFECTURE)}),
        ("全国人大代表", {(NPC, L.NATIONAL)}),
        ("福建省政协委员", {(CPPCC, L.PROVINCIAL)}),
        ("省人大代表,福安市人大代表", {(NPC, L.PROVINCIAL), (NPC, L.COUNTY)}),
        ("城阳镇人大代表", {(NPC, L.TOWNSHIP)}),
        ("福安市政协常委", {(CPPCC, L.COUNTY)}),
        ("无", set()),
    ],
)
def test_office_strings(written, expected):
    assert parse_offices(written) == expected


def test_single_kind_office_column_takes_levels():
    assert parse_offices("福安市、宁德市", NPC) == {(NPC, L.COUNTY), (NPC, L.PREFECTURE)}


@pytest.mark.parametrize("written", ["市政协委员", "政协委员", "福州市人大代表", "工商联执委"])
def test_offices_without_a_clear_level_are_errors(written):
    with pytest.raises(ValueError):
        parse_offices(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (13900000001, "13900000001"),
        (13900000001.0, "13900000001"),
        ("139-0000-0001", "13900000001"),
        ("+86 139 0000 0001", "13900000001"),
        ("１３９００００００01", "13900000001"),
        ("13900000001.0", "13900000001"),
        ("86-13900000001", "13900000001"),
        ("0086 139 0000 0001", "13900000001"),
        ("手机：13900000001", "13900000001"),
        ("Tel: 139 0000 0001", "13900000001"),
        ("  139\u30000000\u30000001 ", "13900000001"),
    ],
)
def test_phones_as_numbers_or_text(written, expected):
    assert parse_mobile(written) == expected


def test_a_mobile_that_lost_digits_is_an_error():
    with pytest.raises(LostValueError):
        parse_mobile("1.39E+10")


@pytest.mark.parametrize(
    ("written", "kept", "said"),
    [
        ("1234", None, "1234"),
        ("0593-6123456", None, "0593-6123456"),
        ("13900000001/13900000002", None, "13900000002"),
        ("13900000001/0593-6123456", "13900000001", "0593-6123456"),
        ("手机:13900000001 电话:0593-6123456", "13900000001", "0593-6123456"),
    ],
)
def test_unusable_phones_are_warnings_that_keep_the_one_mobile(written, kept, said):
    parsed = parse_mobile(written)
    assert isinstance(parsed, Warned)
    assert parsed.value == kept
    assert said in parsed.message


@pytest.mark.parametrize(
    ("written", "term"), [(14, 14), ("14", 14), ("第十四届", 14), ("十四届", 14)]
)
def test_terms(written, term):
    assert parse_term(written) == term


def test_row_errors_name_row_column_and_reason():
    rows = [
        {"姓名": "甲", "工作单位": "甲公司", "工商联职务": "理事"},
        {"姓名": "乙", "工作单位": "乙公司", "工商联职务": "执委", "联系电话": "1234"},
        {"姓名": "丙", "工作单位": "丙公司", "工商联职务": "执委", "轮值组": "第13组"},
        {
            "姓名": "丁",
            "工作单位": "丁公司",
            "工商联职务": "执委",
            "人大代表/政协委员": "市政协委员",
        },
        {"姓名": "", "工作单位": "戊公司", "工商联职务": "执委"},
        {"姓名": "己", "工作单位": "己公司", "工商联职务": ""},
        {"姓名": "庚", "工作单位": "庚公司", "工商联职务": "执委", "召集人": "也许"},
    ]
    headers = [
        "姓名",
        "工作单位",
        "工商联职务",
        "联系电话",
        "轮值组",
        "召集人",
        "人大代表/政协委员",
    ]
    sheet = read_roster(workbook_bytes(rows, headers))
    located = [(e.row, e.column) for e in sheet.errors]
    # Required columns block the import; an unusable optional value is left out with a warning.
    assert located == [(2, "工商联职务"), (6, "姓名"), (7, "工商联职务")]
    assert [(e.row, e.column) for e in sheet.warnings] == [
        (3, "联系电话"),
        (4, "轮值组"),
        (5, "人大代表/政协委员"),
        (8, "召集人"),
    ]
    assert all(e.message for e in sheet.errors + sheet.warnings)
    assert "理事" in sheet.errors[0].message
    assert "第13组" in sheet.warnings[1].message
    by_row = {r.row: r.values for r in sheet.records}
    assert "mobile" not in by_row[3] and "group" not in by_row[4]
    assert by_row[3]["name"] == "乙"


def test_header_variants_with_brackets_stars_and_line_breaks():
    headers = ["*姓名", "工作\n单位", "工商联（总商会）职务", "联系电话(手机)", "轮值组别"]
    rows = [
        {h: v for h, v in zip(headers, ["甲", "甲公司", "执委", "13900000001", 2], strict=True)}
    ]
    sheet = read_roster(workbook_bytes(rows, headers))
    assert set(sheet.columns) == {"name", "company", "role", "mobile", "group"}
    assert sheet.records[0].values["group"] == GroupRef(2)


def test_a_later_sheet_is_used_when_the_first_has_no_roster():
    """The sheet without a header is named as left out."""
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "填表说明：每人一行"
    ws = wb.create_sheet("名册")
    ws.append(["姓名", "工作单位", "工商联职务"])
    ws.append(["甲", "甲公司", "执委"])
    sheet = read_roster(save(wb))
    assert sheet.sheet_name == "名册"
    assert len(sheet.records) == 1
    assert [name for name, _reason in sheet.sheets_left] == ["说明"]


def test_the_declared_sheet_size_is_not_trusted():
    """A file may declare A1:A1 and hold more rows; reset_dimensions reads them all."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "工作单位", "工商联职务"])
    for n in range(30):
        ws.append([f"成员{n}", f"公司{n}", "执委"])
    data = save(wb)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    lying = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:A1"', xml)
    assert lying != xml
    sheet = read_roster(rezip(data, replace={"xl/worksheets/sheet1.xml": lying}))
    assert len(sheet.records) == 30


def test_file_errors_are_not_row_errors():
    with pytest.raises(RosterFileError):
        read_roster(b"")
