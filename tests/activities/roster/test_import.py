"""Planning and writing an import: matching, same names, diffs, archiving, all-or-nothing."""

import io
from collections import Counter

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import activities.roster.planner as roster_import
from activities.models import GroupMembership, RotationGroup
from activities.roster.export import roster_export_workbook, roster_template_workbook
from activities.roster.planner import RosterPlanError, plan_file, roster_apply
from members.models import FederationRole, Member, PublicOffice
from members.roster import EXPORT_COLUMNS, RosterFileError
from tests.activities.roster.conftest import table_counts
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    PublicOfficeFactory,
    RotationGroupFactory,
)
from tests.members.roster_workbooks import person, save, seed_roster_bytes, workbook_bytes

pytestmark = pytest.mark.django_db


def _import(data, by=None, **kwargs):
    plan = plan_file(data, **kwargs)
    assert plan.errors == []
    return plan, roster_apply(plan=plan, by=by)


def test_the_seed_roster_arrives_with_roles_groups_and_offices(staff_user):
    _plan, result = _import(seed_roster_bytes(), by=staff_user)

    assert result.created == 132
    assert result.groups_created == 12
    roles = Counter(Member.objects.values_list("role", flat=True))
    assert roles == {
        FederationRole.CHAIR: 1,
        FederationRole.VICE_CHAIR: 9,
        FederationRole.VICE_PRESIDENT: 27,
        FederationRole.STANDING: 93,
        FederationRole.EXECUTIVE: 2,
    }
    offices = Counter(PublicOffice.objects.values_list("kind", flat=True))
    assert offices == {PublicOffice.Kind.DEPUTY: 23, PublicOffice.Kind.CPPCC: 57}
    assert PublicOffice.objects.filter(level=PublicOffice.Level.PREFECTURE).count() == 12
    assert RotationGroup.objects.count() == 12
    sizes = Counter(GroupMembership.objects.current().values_list("group__number", flat=True))
    assert set(sizes.values()) == {10, 11}
    assert sum(sizes.values()) == 131  # the chair is in no group
    conveners = Counter(
        GroupMembership.objects.current()
        .filter(is_convener=True)
        .values_list("group__number", flat=True)
    )
    assert set(conveners.values()) == {3}
    # Every change says who made it.
    assert set(Member.history.values_list("history_user", flat=True)) == {staff_user.pk}
    assert set(GroupMembership.history.values_list("history_user", flat=True)) == {staff_user.pk}
    assert set(RotationGroup.history.values_list("history_user", flat=True)) == {staff_user.pk}
    assert set(PublicOffice.history.values_list("history_user", flat=True)) == {staff_user.pk}
    # Created in bulk, yet sorted like any member.
    assert not Member.objects.filter(stroke_key="").exists()
    assert not Member.objects.filter(pinyin_key="").exists()


def test_groups_named_by_the_roster_are_planned_with_their_names(group1):
    rows = [person(1, 轮值组="第1组"), person(2, 轮值组="第3组（电机电器组）"), person(3, 轮值组=4)]
    plan = plan_file(workbook_bytes(rows))
    assert [(g.number, g.name) for g in plan.new_groups] == [(3, "电机电器组"), (4, "第4组")]
    roster_apply(plan=plan, by=None)
    assert RotationGroup.objects.get(number=3).name == "电机电器组"
    assert RotationGroup.objects.get(number=1).name == "电机电器组"  # group1 keeps its name


def test_a_group_written_by_its_name_only(group1):
    plan = plan_file(workbook_bytes([person(1, 轮值组="电机电器组")]))
    assert plan.errors == []
    roster_apply(plan=plan, by=None)
    assert GroupMembership.objects.current().get().group == group1


def test_an_unknown_group_name_is_an_error_not_a_guess(group1):
    plan = plan_file(workbook_bytes([person(1, 轮值组="茶业组")]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "轮值组")]


def test_an_archived_group_is_an_error(group1):
    group1.archived_at = "2020-01-01T00:00:00Z"
    group1.save()
    plan = plan_file(workbook_bytes([person(1, 轮值组=1)]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "轮值组")]


def test_update_is_shown_field_by_field_then_written(staff_user, group1, group2):
    member = MemberFactory(
        name="林建国", company="旧公司", mobile="13900000001", role=FederationRole.STANDING
    )
    PublicOfficeFactory(member=member, kind="cppcc", level="county")
    MembershipFactory(member=member, group=group1)
    row = person(
        1,
        姓名="林建国",
        工作单位="新公司",
        联系电话="13900000001",
        工商联职务="副会长",
        轮值组="第2组",
        召集人="是",
        **{"人大代表/政协委员": "福安市政协委员;宁德市人大代表"},
    )
    plan = plan_file(workbook_bytes([row]))

    assert plan.errors == []
    [planned] = plan.updated
    assert planned.matched_by == "mobile"
    changes = {c.field: (c.old, c.new) for c in planned.changes}
    assert changes["company"] == ("旧公司", "新公司")
    assert changes["role"] == (
        str(FederationRole.STANDING.label),
        str(FederationRole.VICE_PRESIDENT.label),
    )
    assert changes["offices"] == ("福安市政协委员", "宁德市人大代表;福安市政协委员")
    assert changes["group"] == ("第1组", "第2组")
    assert changes["convener"][1] != changes["convener"][0]
    assert "name" not in changes and "mobile" not in changes

    roster_apply(plan=plan, by=staff_user)
    member.refresh_from_db()
    assert member.company == "新公司"
    assert member.role == FederationRole.VICE_PRESIDENT
    assert set(member.offices.values_list("kind", "level")) == {
        ("cppcc", "county"),
        ("npc", "prefecture"),
    }
    current = GroupMembership.objects.current().get(member=member)
    assert (current.group, current.is_convener) == (group2, True)
    assert GroupMembership.objects.filter(member=member, end_date__isnull=False).count() == 1
    assert member.history.first().history_user == staff_user
    # Preview and commit agree: the same file now plans no change at all.
    again = plan_file(workbook_bytes([row]))
    assert [r.action for r in again.rows] == ["unchanged"]


def test_an_empty_cell_keeps_the_stored_value_and_无_clears(group1):
    member = MemberFactory(name="林建国", mobile="13900000001", position="董事长", email="a@b.cn")
    PublicOfficeFactory(member=member)
    MembershipFactory(member=member, group=group1)
    headers = ["姓名", "工作单位", "工商联职务", "联系电话", "单位职务", "电子邮箱", "轮值组"]
    headers += ["人大代表/政协委员"]
    row = {"姓名": "林建国", "工作单位": member.company, "工商联职务": "常执委"}
    row["联系电话"] = "13900000001"
    plan = plan_file(workbook_bytes([row], headers))
    assert [r.action for r in plan.rows] == ["unchanged"]

    row.update({"轮值组": "无", "人大代表/政协委员": "无"})
    plan = plan_file(workbook_bytes([row], headers))
    roster_apply(plan=plan, by=None)
    member.refresh_from_db()
    assert member.position == "董事长" and member.email == "a@b.cn"
    assert not member.offices.exists()
    assert not GroupMembership.objects.current().filter(member=member).exists()


def test_matching_by_mobile_wins_over_the_name():
    member = MemberFactory(name="林建国", mobile="13900000001")
    plan = plan_file(workbook_bytes([person(1, 姓名="林建华", 联系电话="13900000001")]))
    [planned] = plan.updated
    assert planned.member == member
    assert {c.field: (c.old, c.new) for c in planned.changes}["name"] == ("林建国", "林建华")


def test_without_a_mobile_match_name_and_company_match_and_the_mobile_is_filled():
    member = MemberFactory(name="林建国", company="示例公司", mobile="")
    plan = plan_file(
        workbook_bytes([person(1, 姓名="林 建国", 工作单位="示例公司", 联系电话="13900000009")])
    )
    [planned] = plan.updated
    assert (planned.member, planned.matched_by) == (member, "name_company")
    roster_apply(plan=plan, by=None)
    member.refresh_from_db()
    assert member.mobile == "13900000009"
    assert Member.objects.count() == 1


def test_same_name_at_another_company_stays_two_people():
    existing = MemberFactory(name="林建国", company="甲公司", mobile="13900000001")
    plan = plan_file(
        workbook_bytes([person(1, 姓名="林建国", 工作单位="乙公司", 联系电话="13900000002")])
    )
    assert [r.action for r in plan.rows] == ["create"]
    roster_apply(plan=plan, by=None)
    assert Member.objects.filter(name="林建国").count() == 2
    existing.refresh_from_db()
    assert existing.company == "甲公司"


def test_same_name_in_one_file_with_different_mobiles_is_two_people():
    rows = [
        person(1, 姓名="林建国", 工作单位="甲公司", 联系电话="13900000001"),
        person(2, 姓名="林建国", 工作单位="甲公司", 联系电话="13900000002"),
    ]
    plan = plan_file(workbook_bytes(rows))
    assert plan.errors == []
    assert len(plan.created) == 2


def test_two_rows_with_the_same_mobile_are_an_error():
    rows = [person(1, 联系电话="13900000001"), person(2, 联系电话="139 0000 0001")]
    plan = plan_file(workbook_bytes(rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "联系电话")]
    assert "2" in plan.errors[0].message


def test_two_rows_for_the_same_person_without_mobile_are_an_error():
    rows = [
        person(1, 姓名="林建国", 工作单位="甲公司", 联系电话=""),
        person(2, 姓名="林建国", 工作单位="甲公司", 联系电话="13900000002"),
    ]
    plan = plan_file(workbook_bytes(rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "姓名")]


def test_two_members_with_the_same_name_and_company_need_a_mobile():
    MemberFactory(name="林建国", company="甲公司", mobile="13900000001")
    MemberFactory(name="林建国", company="甲公司", mobile="13900000002")
    plan = plan_file(workbook_bytes([person(1, 姓名="林建国", 工作单位="甲公司", 联系电话="")]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "姓名")]


def test_a_convener_must_be_a_vice_chair_or_vice_president(group1):
    plan = plan_file(workbook_bytes([person(1, 工商联职务="常执委", 轮值组=1, 召集人="是")]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "召集人")]
    plan = plan_file(workbook_bytes([person(1, 工商联职务="副会长", 轮值组="", 召集人="是")]))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "召集人")]


def test_archiving_the_missing_happens_only_when_asked(staff_user, group1):
    stays = MemberFactory(mobile="13900000001")
    leaves = MemberFactory(mobile="13900000077")
    MembershipFactory(member=leaves, group=group1)
    data = workbook_bytes([person(1, 联系电话=stays.mobile, 姓名=stays.name)])

    assert plan_file(data).to_archive == []
    plan = plan_file(data, archive_missing=True)
    assert plan.to_archive == [leaves]
    roster_apply(plan=plan, by=staff_user)
    leaves.refresh_from_db()
    assert leaves.is_archived
    assert not GroupMembership.objects.current().filter(member=leaves).exists()
    assert leaves.memberships.count() == 1  # history kept, not deleted


def test_an_archived_member_in_the_roster_is_restored():
    member = MemberFactory(mobile="13900000001", archived_at="2020-01-01T00:00:00Z")
    plan = plan_file(workbook_bytes([person(1, 姓名=member.name, 工作单位=member.company)]))
    [planned] = plan.updated
    assert next(c.field for c in planned.changes) == "status"
    roster_apply(plan=plan, by=None)
    member.refresh_from_db()
    assert not member.is_archived


def test_planning_writes_nothing(staff_user):
    MemberFactory(mobile="13900000001")
    before = table_counts()
    plan = plan_file(seed_roster_bytes(), archive_missing=True)
    assert plan.created and plan.to_archive
    assert table_counts() == before


def test_a_plan_with_errors_is_never_written():
    plan = plan_file(workbook_bytes([person(1, 工商联职务="理事")]))
    with pytest.raises(RosterPlanError):
        roster_apply(plan=plan, by=None)
    assert Member.objects.count() == 0


def test_a_failure_at_the_last_step_writes_nothing(monkeypatch, group1):
    """Archiving comes after every create and update; when it fails, all of it is undone."""
    MemberFactory(mobile="13500000000")  # updated by row 1 of the seed roster
    MemberFactory(mobile="13500000099")  # missing from the file: archived last
    before = table_counts()
    plan = plan_file(seed_roster_bytes(), archive_missing=True)
    assert len(plan.created) == 131 and len(plan.updated) == 1 and len(plan.to_archive) == 1

    def failing(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(roster_import, "member_archive", failing)
    with pytest.raises(RuntimeError):
        roster_apply(plan=plan, by=None)
    assert table_counts() == before


def test_export_then_import_reports_no_changes(staff_user):
    _import(seed_roster_bytes(), by=staff_user)
    exported = roster_export_workbook()

    plan = plan_file(exported, archive_missing=True)
    assert plan.errors == []
    assert plan.sheet.ignored_columns == []
    assert len(plan.unchanged) == 132
    assert not plan.has_changes


def test_export_layout_and_text_cells(group1):
    member = MemberFactory(name="=HYPERLINK(1)", company="+公司", mobile="13900000001")
    MembershipFactory(member=member, group=group1, is_convener=False)
    sheet = load_workbook(io.BytesIO(roster_export_workbook())).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = [c.header for c in EXPORT_COLUMNS]
    # A formal table: title block, header on row 4 (columns empty for everyone left out).
    header = [h for h in rows[3] if h]
    assert header == [h for h in headers if h in header]
    assert rows[0][0] == "福安市工商联（总商会）执委会成员名册"
    values = dict(zip(rows[3], rows[4], strict=False))
    assert values["姓名"] == "=HYPERLINK(1)"
    assert sheet.cell(row=5, column=2).data_type == "s"  # text, never a formula
    assert values["联系电话"] == "13900000001"
    assert values["轮值组"] == "第1组（电机电器组）"


def test_the_template_is_empty_with_its_example_on_a_guide_sheet():
    data = roster_template_workbook()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["执委会成员名册", "说明"]
    assert workbook.active.title == "执委会成员名册"
    sheet = workbook["执委会成员名册"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["序号", "姓名", "性别", "工作单位", "单位职务", "工商联职务"]
    assert sheet.max_row == 1 or all(c.value is None for c in sheet[2])
    guide_text = " ".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row)
    assert "陈某某" in guide_text
    # An empty template is refused for having no member rows, never imported.
    with pytest.raises(RosterFileError, match="没有成员行"):
        plan_file(data)


def test_the_template_offers_drop_downs_and_input_messages():
    sheet = load_workbook(io.BytesIO(roster_template_workbook()))["执委会成员名册"]
    headers = {c.value: c.column_letter for c in sheet[1]}
    lists = {}
    prompts = {}
    for validation in sheet.data_validations.dataValidation:
        for letter in {get_column_letter(r.min_col) for r in validation.sqref.ranges}:
            prompts[letter] = validation.prompt
            if validation.type == "list":
                lists[letter] = validation.formula1.strip('"').split(",")
    assert lists[headers["工商联职务"]] == ["主席", "兼职副主席", "副会长", "常执委", "执委"]
    assert lists[headers["轮值组"]][0] == "第1组" and len(lists[headers["轮值组"]]) == 12
    assert lists[headers["召集人"]] == ["是", "否"]
    assert lists[headers["性别"]] == ["男", "女"]
    assert "福安市" in lists[headers["人大代表"]] and "宁德市" in lists[headers["政协委员"]]
    assert all(prompts.get(headers[h]) for h in ("姓名", "工作单位", "联系电话", "轮值组"))


def test_a_filled_in_template_imports_and_the_old_example_row_is_skipped():
    workbook = load_workbook(io.BytesIO(roster_template_workbook()))
    sheet = workbook["执委会成员名册"]
    headers = [c.value for c in sheet[1]]
    old_example = {"姓名": "陈某某", "工作单位": "福安市示例电机有限公司", "工商联职务": "副会长"}
    real = {"姓名": "林晓峰", "工作单位": "福安市晓峰电机有限公司", "工商联职务": "副会长"}
    real |= {"轮值组": "第1组", "召集人": "是", "政协委员": "福安市"}
    for row in (old_example | {"召集人": "是", "轮值组": "第1组"}, real):
        sheet.append([row.get(h) for h in headers])
    plan = plan_file(save(workbook))
    assert plan.errors == []
    assert [r.name for r in plan.created] == ["林晓峰"]
    assert plan.sheet.skipped_rows[0][0] == 2
    assert "陈某某" in plan.sheet.skipped_rows[0][1]
    assert plan.created[0].offices == {(PublicOffice.Kind.CPPCC, PublicOffice.Level.COUNTY)}


@pytest.mark.parametrize("size", [20, 80])
def test_planning_queries_do_not_grow_with_the_roster(size, django_assert_num_queries):
    group = RotationGroupFactory(number=1)
    for _n in range(size):
        member = MemberFactory()
        PublicOfficeFactory(member=member)
        MembershipFactory(member=member, group=group)
    data = workbook_bytes([person(n) for n in range(1, size + 1)])
    with django_assert_num_queries(4):
        plan_file(data, archive_missing=True)
