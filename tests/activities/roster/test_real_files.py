"""The roster files offices really keep (tests/fixtures/roster-files), on the command line
and through the web preview; the database is unchanged whenever an import is refused."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.models import GroupMembership
from members.models import FederationRole, Member, PublicOffice
from tests.activities.roster.conftest import table_counts
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parents[2] / "fixtures" / "roster-files"
IMPORT = reverse("roster:roster_import")
PREVIEW = reverse("roster:roster_import_preview")
CPPCC, NPC = PublicOffice.Kind.CPPCC, PublicOffice.Kind.DEPUTY
L = PublicOffice.Level


def _command(name, *args):
    out = io.StringIO()
    call_command("import_roster", str(FILES / name), *args, stdout=out)
    return out.getvalue()


def _web(client, name, **extra):
    """Upload and preview; returns (preview response, confirm function)."""
    upload = io.BytesIO((FILES / name).read_bytes())
    upload.name = name
    response = client.post(IMPORT, {"file": upload, **extra})
    assert response.status_code == 302, response.context["form"].errors
    preview = client.get(PREVIEW)
    assert preview.status_code == 200

    def confirm():
        plan = preview.context["plan"]
        return client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})

    return preview, confirm


@pytest.fixture(params=["command", "web"])
def way(request):
    """Import a case file the way the parameter says; returns the preview text."""
    if request.param == "command":

        def run(name):
            return _command(name)

    else:
        client = request.getfixturevalue("staff_client")

        def run(name):
            preview, confirm = _web(client, name)
            confirm()
            return preview.content.decode()

    run.kind = request.param
    return run


def test_c05_zip_parts_in_another_case_are_read(way):
    text = way("c05_SharedStrings_capital.xlsx")
    assert "损坏" not in text
    assert Member.objects.count() == 6
    assert Member.objects.get(mobile="13805930101").company == "福安市晓峰电机有限公司"


def test_c07_the_hidden_old_sheet_is_never_read_and_the_preview_says_so(way):
    MemberFactory(name="林晓峰", mobile="13805930101", role=FederationRole.STANDING)
    text = way("c07_hidden_first_sheet.xlsx")
    assert "现任名单" in text and "2016届名单(旧)" in text and "隐藏" in text
    lin = Member.objects.get(mobile="13805930101")
    assert lin.role == FederationRole.VICE_PRESIDENT
    assert lin.company == "福安市晓峰电机有限公司"
    assert GroupMembership.objects.current().get(member=lin).is_convener
    assert not Member.objects.filter(name="周旧人").exists()
    assert Member.objects.count() == 6


def test_c07_archive_missing_plans_only_who_is_not_on_the_visible_sheet(staff_client):
    for n in range(1, 7):
        MemberFactory(mobile=f"1380593010{n}")
    gone = MemberFactory(name="离任者", mobile="13500000099")
    preview, _confirm = _web(staff_client, "c07_hidden_first_sheet.xlsx", archive_missing="on")
    assert preview.context["plan"].to_archive == [gone]


def test_c09_column_names_come_from_the_sub_header(way):
    text = way("c09_two_row_merged_header.xlsx")
    assert "办公电话" in text  # listed as not imported
    assert Member.objects.count() == 3
    offices = {m.name: {(o.kind, o.level) for o in m.offices.all()} for m in Member.objects.all()}
    assert offices == {
        "林晓峰": {(CPPCC, L.COUNTY)},
        "陈美华": {(NPC, L.COUNTY)},
        "郑国栋": {(NPC, L.PREFECTURE)},
    }
    assert sorted(Member.objects.values_list("mobile", flat=True)) == [
        "13805930101",
        "13805930102",
        "13805930103",
    ]


def test_c10_headings_and_footers_are_skipped_not_errors(way):
    text = way("c10_sections_footers.xlsx")
    for skipped in ("一、兼职副主席、副会长（2人）", "共 6 人", "备注：", "填报单位"):
        assert skipped in text
    assert Member.objects.count() == 6


def test_c11_phone_spellings_and_the_one_that_lost_digits(way):
    before = table_counts()
    if way.kind == "command":
        with pytest.raises(CommandError, match="1 "):
            way("c11_phone_notations.xlsx")
    else:
        text = way("c11_phone_notations.xlsx")
        assert 'id="roster-confirm"' not in text
        assert "1.38059E+10" in text and "0593-6301116" in text
    assert table_counts() == before


def test_c11_phone_spellings_are_normalised_and_warned_in_the_preview(staff_client):
    preview, _confirm = _web(staff_client, "c11_phone_notations.xlsx")
    plan = preview.context["plan"]
    assert [(e.row, e.column) for e in plan.errors] == [(10, "联系电话")]
    mobiles = {r.name: r.fields.get("mobile") for r in plan.created}
    assert mobiles == {
        "测试甲": "13805930111",
        "测试乙": "13805930112",
        "测试丙": "13805930113",
        "测试丁": "13805930114",
        "测试戊": "13805930115",
        "测试己": None,
        "测试庚": "13805930117",
        "测试辛": None,
        "测试壬": None,
        "测试癸": "13805930120",
    }
    assert [e.row for e in plan.warnings] == [7, 8, 9]


def test_c14_then_c14b_updates_the_same_seven_people(way):
    way("c14_names_spaces_dots_rare.xlsx")
    assert Member.objects.count() == 7
    assert set(Member.objects.values_list("name", flat=True)) == {
        "张三",
        "王𠮷",
        "𡈽田",
        "山﨑",
        "阿依古丽·买买提",
        "帕尔哈提·艾力",
        "欧阳娜娜",
    }
    way("c14b_names_second_file.xlsx")
    assert Member.objects.count() == 7
    assert set(Member.objects.values_list("role", flat=True)) == {FederationRole.STANDING}


def test_c17_stroke_order_puts_single_given_names_first(way):
    way("c17_stroke_single_names.xlsx")
    assert list(Member.objects.by_strokes().values_list("name", flat=True)) == [
        "王勇",
        "王钦敏",
        "田富",
        "田大利",
        "高富",
        "高大富",
    ]
