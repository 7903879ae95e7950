"""Values that are there but empty: a missing 工作单位, formulas without a saved result, and a
mobile that matches someone else."""

import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from activities.roster.planner import plan_file, roster_apply
from members.models import Member
from members.roster import read_roster
from tests.activities.roster.conftest import table_counts
from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory
from tests.members.roster_workbooks import person, rezip, save, workbook_bytes

IMPORT = reverse("roster:roster_import")
PREVIEW = reverse("roster:roster_import_preview")
HEADERS = ["姓名", "工作单位", "工商联职务", "联系电话", "轮值组"]


def _upload(client, data):
    upload = io.BytesIO(data)
    upload.name = "名册.xlsx"
    return client.post(IMPORT, {"file": upload})


def _issues(issues):
    return [(i.row, i.column, i.message) for i in issues]


# 1. 工作单位 is required for a new member; an existing member keeps the stored one -----------


@pytest.mark.django_db
def test_a_new_member_with_an_empty_company_is_an_error_on_the_row():
    data = workbook_bytes([person(1), person(2, 工作单位="")], HEADERS)
    plan = plan_file(data)
    assert _issues(plan.errors) == [(3, "工作单位", "新成员必须填写工作单位。")]
    assert not plan.ok


def test_the_page_refuses_to_write_a_new_member_without_a_company(staff_client):
    before = table_counts()
    _upload(staff_client, workbook_bytes([person(1, 工作单位="  ")], HEADERS))
    response = staff_client.get(PREVIEW)
    plan = response.context["plan"]
    page = response.content.decode()
    assert [(e.row, e.column) for e in plan.errors] == [(2, "工作单位")]
    assert "新成员必须填写工作单位" in page
    assert 'id="roster-confirm"' not in page
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert table_counts() == before


@pytest.mark.django_db
def test_an_empty_company_keeps_the_stored_one_with_a_warning(staff_user):
    member = MemberFactory(name="成员0001", company="福安市旧电机厂", mobile="13900000001")
    data = workbook_bytes([person(1, 工作单位="", 轮值组="")], HEADERS)
    plan = plan_file(data)
    assert plan.errors == []
    assert _issues(plan.warnings) == [(2, "工作单位", "工作单位为空：保留已存的“福安市旧电机厂”。")]
    roster_apply(plan=plan, by=staff_user)
    member.refresh_from_db()
    assert member.company == "福安市旧电机厂"


@pytest.mark.django_db
def test_an_empty_company_for_a_member_without_one_asks_for_it():
    MemberFactory(name="成员0001", company="", mobile="13900000001")
    plan = plan_file(workbook_bytes([person(1, 工作单位="", 轮值组="")], HEADERS))
    assert plan.errors == []
    assert _issues(plan.warnings) == [
        (2, "工作单位", "工作单位为空，成员0001 也还没有已存的工作单位，请补上。")
    ]


@pytest.mark.django_db
def test_the_command_prints_the_missing_company_with_row_and_column(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(workbook_bytes([person(1, 工作单位="")], HEADERS))
    out = io.StringIO()
    with pytest.raises(CommandError, match="名册中有 1 处错误"):
        call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "第 2 行“工作单位”列有误：新成员必须填写工作单位。" in out.getvalue()


def test_the_import_page_says_when_the_company_is_required(staff_client):
    page = staff_client.get(IMPORT).content.decode()
    assert "新成员还须填写工作单位" in page


# 2. Formula cells without a saved result --------------------------------------------------


def _formula_book(rows, headers=HEADERS):
    """A workbook as a script writes it: formulas with no cached value."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return save(workbook)


def test_a_formula_without_a_saved_result_is_named_not_dropped():
    data = _formula_book(
        [
            ["王一", "=1+1", "执委", "13900000001", ""],
            ['=HYPERLINK("http://example.com","张三")', "甲公司", "执委", "13900000002", ""],
        ]
    )
    book = read_roster(data)
    assert _issues(book.errors) == [
        (
            2,
            "工作单位",
            "第2行「工作单位」是公式，没有保存的计算结果：请在 Excel 中打开并保存后再导入，"
            "或改为文字。",
        ),
        (
            3,
            "姓名",
            "第3行「姓名」是公式，没有保存的计算结果：请在 Excel 中打开并保存后再导入，"
            "或改为文字。",
        ),
    ]


def test_a_formula_in_an_optional_column_is_a_warning():
    data = _formula_book([["王一", "甲公司", "执委", "13900000001", "", "=A2"]], [*HEADERS, "备注"])
    book = read_roster(data)
    assert book.errors == []
    assert [(w.row, w.column) for w in book.warnings] == [(2, "备注")]
    assert "是公式，没有保存的计算结果" in book.warnings[0].message
    assert "notes" not in book.records[0].values


def test_a_formula_with_a_saved_result_is_read_by_its_result():
    """Excel and LibreOffice save the result next to the formula: that is the value."""
    data = _formula_book([["王一", "=1+1", "执委", "13900000001", ""]])
    part = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    saved, count = re.subn(rb"<f>1\+1</f><v ?/>|<f>1\+1</f><v></v>", b"<f>1+1</f><v>2</v>", xml)
    assert count == 1
    data = rezip(data, replace={part: saved})
    book = read_roster(data)
    assert book.errors == []
    assert book.records[0].values["company"] == "2"


# 3. A mobile match that renames someone else ----------------------------------------------


@pytest.mark.django_db
def test_a_mobile_match_with_another_name_and_company_is_a_warning(staff_user):
    group = RotationGroupFactory(number=2)
    member = MemberFactory(name="王辉", company="福安市辉煌电机有限公司", mobile="13959300006")
    MembershipFactory(member=member, group=group)
    data = workbook_bytes(
        [
            {
                "姓名": "测甲",
                "工作单位": "A公司",
                "工商联职务": "执委",
                "联系电话": "13959300006",
                "轮值组": "第1组",
            }
        ],
        HEADERS,
    )
    plan = plan_file(data)
    assert plan.errors == []
    assert [r.member for r in plan.updated] == [member]
    assert _issues(plan.warnings) == [
        (
            2,
            "联系电话",
            "手机号与王辉相同，但姓名和工作单位都不同：请确认不是手机号填错。",
        )
    ]
    roster_apply(plan=plan, by=staff_user)  # a warning, not a wall
    assert Member.objects.get(pk=member.pk).name == "测甲"


@pytest.mark.django_db
def test_a_mobile_match_changing_only_the_company_has_no_warning():
    MemberFactory(name="王辉", company="旧公司", mobile="13959300006")
    data = workbook_bytes(
        [{"姓名": "王辉", "工作单位": "A公司", "工商联职务": "执委", "联系电话": "13959300006"}],
        HEADERS,
    )
    assert plan_file(data).warnings == []


def test_formula_cells_without_references_are_found_too():
    """ECMA-376 lets a writer leave out r="B2" on cells; the rows are then told apart by
    reading the sheet's formulas with openpyxl."""
    data = _formula_book([["王一", "=1+1", "执委", "13900000001", ""]])
    part = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    bare, count = re.subn(rb'(<c) r="[A-Z]+\d+"', rb"\1", xml)
    assert count == 10
    book = read_roster(rezip(data, replace={part: bare}))
    assert [(e.row, e.column) for e in book.errors] == [(2, "工作单位")]
    assert "第2行「工作单位」是公式" in book.errors[0].message
