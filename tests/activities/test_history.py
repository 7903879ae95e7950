"""Staff see who changed what and when on an item's page; others do not."""

import pytest
from django.urls import reverse

from activities.services import activity_record, attendance_set, membership_assign
from members.models import FederationRole, PublicOffice
from members.services import member_edit
from tests.factories import ActivityFactory, MemberFactory, RotationGroupFactory

pytestmark = pytest.mark.django_db


def test_activity_page_shows_changes_to_the_activity_and_its_rows(
    staff_client, member_client, staff_user, group1
):
    staff_user.first_name = "会员部小王"
    staff_user.save()
    activity = ActivityFactory(group=group1, title="原标题")
    attendee = MemberFactory(name="林子涵")
    activity.title = "新标题"
    activity_record(activity=activity, attendees=[attendee], by=staff_user)
    attendance_set(activity=activity, members=[], by=staff_user)

    url = reverse("activities:activity_detail", args=[activity.pk])
    page = staff_client.get(url).content.decode()
    assert "修改记录" in page
    assert "原标题 → 新标题" in page
    assert "会员部小王" in page
    assert page.count("林子涵") >= 2  # added, then removed
    changes = staff_client.get(url).context["changes"]
    attendance = [c for c in changes if c.subject.startswith("出席")]
    assert [(c.subject, c.details) for c in attendance] == [
        ("出席 −1", ["移除：林子涵"]),
        ("出席 +1", ["新增：林子涵"]),
    ]
    assert "修改记录" not in member_client.get(url).content.decode()


def test_member_page_shows_role_offices_and_group_changes(staff_client, staff_user, group1):
    member = MemberFactory(name="缪建国", role=FederationRole.STANDING)
    member_edit(
        member=member,
        offices=[(PublicOffice.Kind.CPPCC, PublicOffice.Level.COUNTY)],
        by=staff_user,
        role=FederationRole.VICE_PRESIDENT,
    )
    membership_assign(member=member, group=group1, by=staff_user)
    page = staff_client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "常执委 → 副会长" in page
    assert "福安市政协委员" in page
    assert group1.name in page


def test_group_page_shows_membership_changes(staff_client, staff_user, group1):
    other = RotationGroupFactory(number=2, name="商贸物流组")
    member = MemberFactory(name="黄思远")
    membership_assign(member=member, group=group1, by=staff_user)
    membership_assign(member=member, group=other, by=staff_user)
    changes = staff_client.get(reverse("activities:group_detail", args=[1])).context["changes"]
    assert {c.subject for c in changes} == {"轮值组", "轮值组成员关系：黄思远"}
    assert any(label == "截止日期" for c in changes for label, _old, _new in c.fields)


def test_one_save_is_one_attendance_entry_with_names_in_stroke_order(
    staff_client, staff_user, group1
):
    """A save that ticks 21 people writes one history entry, not 21 lines (issue 14)."""
    activity = ActivityFactory(group=group1, title="座谈会")
    people = [MemberFactory(name=name) for name in ("王五", "丁一", "李四", "张三")]
    many = [MemberFactory() for _ in range(17)]
    activity_record(activity=activity, attendees=people + many, by=staff_user)
    activity_record(
        activity=activity, attendees=[*people[1:], MemberFactory(name="卫东")], by=staff_user
    )
    url = reverse("activities:activity_detail", args=[activity.pk])
    changes = staff_client.get(url).context["changes"]
    attendance = [c for c in changes if c.subject.startswith("出席")]
    assert [c.subject for c in attendance] == ["出席 +1 −18", "出席 +21"]
    latest = attendance[0]
    assert latest.details[0] == "新增：卫东"
    assert latest.details[1].startswith("移除：王五")
    first = attendance[1].details[0]
    # 姓氏笔画: 丁 (2) 王 (4) 李 (7) 张 (7)
    assert first.startswith("新增：丁一、王五、")
    page = staff_client.get(url).content.decode()
    assert page.count("出席 +21") == 1
    assert "参加记录：" not in page  # the old line per attendee


def test_activity_history_shows_dates_and_times_as_the_office_writes_them(
    staff_client, staff_user, group1
):
    import datetime

    from activities.services import activity_save

    activity = ActivityFactory(group=group1, date=datetime.date(2026, 11, 12))
    activity.submitted_at = datetime.datetime(2026, 11, 30, 12, 48, 45, 219234, tzinfo=datetime.UTC)
    activity.date = datetime.date(2026, 11, 30)
    activity_save(activity=activity, by=staff_user)
    # Seconds cut off (as a form's minute-precise input does) change nothing a reader sees.
    activity.submitted_at = activity.submitted_at.replace(second=0, microsecond=0)
    activity.title = "改过的标题"
    activity_save(activity=activity, by=staff_user)

    url = reverse("activities:activity_detail", args=[activity.pk])
    page = staff_client.get(url).content.decode()
    assert "— → 2026年11月30日 20:48" in page
    assert "2026年11月12日 → 2026年11月30日" in page
    assert "+00:00" not in page and "2026-11-30" not in page
    changes = staff_client.get(url).context["changes"]
    labels = [[label for label, _old, _new in c.fields] for c in changes if c.fields]
    assert labels.count(["标题"]) == 1  # the later save: the title only, no 提交时间
