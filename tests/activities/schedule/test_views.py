import datetime
import uuid

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, CalendarFeed, ScheduleEntry
from activities.schedule.services import schedule_generate, schedule_set_month
from activities.services import activity_submit
from members.models import FederationRole
from tests.factories import ActivityFactory, MembershipFactory, RotationGroupFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


NEXT = YEAR + 1  # a year whose months can still change (past months cannot)


@pytest.fixture
def schedule(group1, group2):
    for n in range(3, 13):
        RotationGroupFactory(number=n, name=f"第{n}组")
    return schedule_generate(year=YEAR, by=None)


@pytest.fixture
def next_schedule(schedule):
    return schedule_generate(year=NEXT, by=None)


def test_everyone_logged_in_reads_the_schedule(
    schedule, staff_client, leader_client, convener_client, member_client
):
    url = reverse("schedule:schedule_year", args=[YEAR])
    for client in (staff_client, leader_client, convener_client, member_client):
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) == 12
    assert "生成" not in member_client.get(url).content.decode()


def test_schedule_redirects_to_this_year(member_client):
    response = member_client.get(reverse("schedule:schedule_index"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/schedule/{YEAR}/")


def test_absurd_years_are_not_found(member_client):
    assert member_client.get("/schedule/1900/").status_code == 404


def test_staff_generate_and_others_are_refused(
    staff_client, leader_client, convener_client, group1
):
    url = reverse("schedule:schedule_generate", args=[YEAR + 1])
    for client in (leader_client, convener_client):
        assert client.post(url).status_code == 403
    assert not ScheduleEntry.objects.exists()
    response = staff_client.post(url, {"no_activity_months": ["2"]}, follow=True)
    assert response.status_code == 200
    assert ScheduleEntry.objects.filter(year=YEAR + 1).count() == 12
    assert ScheduleEntry.objects.get(year=YEAR + 1, month=2).no_activity
    again = staff_client.post(url, follow=True)
    assert "已存在" in again.content.decode()


def test_staff_swap_months_after_a_confirmation(staff_client, next_schedule):
    url = reverse("schedule:schedule_swap", args=[NEXT])
    first = {e.month: e.group for e in ScheduleEntry.objects.filter(year=NEXT)}
    asked = staff_client.post(url, {"month_a": 1, "month_b": 3})
    assert asked.status_code == 200  # a confirmation naming both months and groups
    page = asked.content.decode()
    assert "1月" in page and "3月" in page and first[1].name in page and first[3].name in page
    assert ScheduleEntry.objects.get(year=NEXT, month=1).group == first[1]  # nothing yet
    staff_client.post(
        url,
        {
            "month_a": 1,
            "month_b": 3,
            "expected_a": first[1].pk,
            "expected_b": first[3].pk,
            "confirm": "1",
        },
    )
    assert ScheduleEntry.objects.get(year=NEXT, month=1).group == first[3]
    assert ScheduleEntry.objects.get(year=NEXT, month=3).group == first[1]
    response = staff_client.post(url, {"month_a": 2, "month_b": 2}, follow=True)
    assert "请选择两个不同的月份" in response.content.decode()


def _confirmed(data, expected):
    return {**data, "expected": "" if expected is None else expected.pk, "confirm": "1"}


def test_staff_move_a_group_and_are_warned_of_a_double_month(staff_client, next_schedule, group1):
    url = reverse("schedule:schedule_month_edit", args=[NEXT, 5])
    before = ScheduleEntry.objects.get(year=NEXT, month=5).group
    asked = staff_client.post(url, {"group": group1.pk, "note": "调整"})
    assert asked.status_code == 200 and "data-month-confirm" in asked.content.decode()
    assert ScheduleEntry.objects.get(year=NEXT, month=5).group == before
    response = staff_client.post(
        url, _confirmed({"group": group1.pk, "note": "调整"}, before), follow=True
    )
    assert ScheduleEntry.objects.get(year=NEXT, month=5).group == group1
    assert "也在" in response.content.decode()
    response = staff_client.post(url, {"note": ""})
    assert response.status_code == 200
    assert "请选择轮值组" in response.content.decode()


def test_month_edit_is_staff_only(convener_client, schedule):
    url = reverse("schedule:schedule_month_edit", args=[YEAR, 5])
    assert convener_client.get(url).status_code == 403
    assert convener_client.post(url, {"no_activity": "on"}).status_code == 403
    assert not ScheduleEntry.objects.get(year=YEAR, month=5).no_activity


def test_workbook_download(member_client, schedule):
    response = member_client.get(reverse("schedule:schedule_xlsx", args=[YEAR]))
    assert response.status_code == 200
    import io
    from urllib.parse import unquote

    # Chinese title and file name whatever the UI language.
    response = member_client.get(
        reverse("schedule:schedule_xlsx", args=[YEAR]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"{YEAR}年轮值安排表.xlsx" in unquote(response["Content-Disposition"])
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value == f"福安市工商联（总商会）{YEAR}年轮值安排表"
    assert ws["A4"].value == "月份"  # the header directly above the data
    assert [ws.cell(row=5 + i, column=1).value for i in (0, 11)] == [
        f"{YEAR}年1月",
        f"{YEAR}年12月",
    ]
    assert ws.auto_filter.ref == "A4:H16"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text


def test_my_group_for_a_convener(convener_client, convener_user, group1, schedule, member_user):
    response = convener_client.get(reverse("schedule:my_group"))
    assert response.status_code == 200
    content = response.content.decode()
    assert group1.name in content
    assert member_user.member.mobile in content
    assert response.context["is_convener"]
    assert member_user.member in [m for m in response.context["not_yet"]]


def test_my_group_for_staff_without_a_member(staff_client):
    response = staff_client.get(reverse("schedule:my_group"))
    assert response.status_code == 200
    assert "您不在任何轮值组中" in response.content.decode()


def test_obligation_scope(
    staff_client, leader_client, convener_client, member_client, group1, group2, member_user
):
    MembershipFactory(group=group2, member__role=FederationRole.STANDING, member__name="乙组成员")
    url = reverse("schedule:obligation", args=[YEAR])
    names = {m.name for m in staff_client.get(url, {"show": "all"}).context["rows"]}
    assert names == {"常执委丙", "乙组成员"}
    assert {m.name for m in leader_client.get(url, {"show": "all"}).context["rows"]} == names
    assert {m.name for m in convener_client.get(url, {"show": "all"}).context["rows"]} == {
        "常执委丙"
    }
    assert convener_client.get(url).context["bound_count"] == 1
    assert member_client.get(url).status_code == 403


def test_convener_plans_only_their_own_group(convener_client, group1, group2):
    plan_day = TODAY + datetime.timedelta(days=10)
    data = {
        "date": plan_day.isoformat(),
        "theme": "visit",
        "title": "参观学习",
        "place": "福鼎",
        "host_enterprise": "",
        "summary": "计划",
        "start_time": "",
        "submission_token": uuid.uuid4().hex,
    }
    response = convener_client.post(reverse("schedule:plan_create") + "?group=1", data)
    assert response.status_code == 302
    plan = Activity.objects.get()
    assert plan.group == group1 and plan.status == Activity.Status.PLANNED and plan.number is None
    data["submission_token"] = uuid.uuid4().hex
    other = convener_client.post(reverse("schedule:plan_create") + "?group=2", data)
    assert other.status_code == 404
    foreign = ActivityFactory(group=group2, status=Activity.Status.PLANNED)
    assert convener_client.get(reverse("schedule:plan_edit", args=[foreign.pk])).status_code == 404
    before = Activity.objects.get(pk=foreign.pk).title
    convener_client.post(reverse("schedule:plan_edit", args=[foreign.pk]), data)
    assert Activity.objects.get(pk=foreign.pk).title == before


def test_members_cannot_plan(member_client, group1):
    assert member_client.get(reverse("schedule:plan_create")).status_code == 403


def test_staff_approve_and_return(staff_client, convener_client, convener_user, group1):
    activity = ActivityFactory(group=group1)
    activity_submit(activity=activity, by=convener_user)
    response = staff_client.get(reverse("schedule:review_list"))
    assert list(response.context["activities"]) == [activity]
    assert convener_client.get(reverse("schedule:review_list")).status_code == 403
    assert (
        convener_client.post(reverse("schedule:activity_approve", args=[activity.pk])).status_code
        == 403
    )
    staff_client.post(
        reverse("schedule:activity_return", args=[activity.pk]),
        {"comment": "请补充照片", "version": activity.version},
    )
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.RETURNED
    page = convener_client.get(reverse("schedule:my_group")).content.decode()
    assert "请补充照片" in page
    activity_submit(activity=activity, by=convener_user)
    staff_client.post(
        reverse("schedule:activity_approve", args=[activity.pk]), {"version": activity.version}
    )
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED


def test_staff_manage_feeds(staff_client, convener_client, group1):
    url = reverse("schedule:feed_list")
    assert convener_client.get(url).status_code == 403
    staff_client.post(url, {"group": group1.pk, "label": "第1组召集人"})
    feed = CalendarFeed.objects.get()
    assert feed.group == group1 and feed.created_by.username == "staff"
    staff_client.post(reverse("schedule:feed_revoke", args=[feed.pk]))
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_schedule_page_queries_do_not_grow(staff_client, schedule, django_assert_max_num_queries):
    url = reverse("schedule:schedule_year", args=[YEAR])
    with django_assert_max_num_queries(12) as small:
        staff_client.get(url)
    for month in range(1, 13):
        entry = ScheduleEntry.objects.get(year=YEAR, month=month)
        ActivityFactory.create_batch(
            3,
            group=entry.group,
            date=datetime.date(YEAR, month, 1),
            status=Activity.Status.PLANNED,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(url)


def test_home_shows_this_and_next_months_groups(member_client, group1, group2, convener_user):
    schedule_set_month(year=TODAY.year, month=TODAY.month, group=group1, by=None)
    nxt = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    schedule_set_month(year=nxt.year, month=nxt.month, group=group2, by=None)
    content = member_client.get("/").content.decode()
    assert group1.name in content and group2.name in content
    assert convener_user.member.name in content


def test_month_page_shows_who_changed_the_month(staff_client, next_schedule, group1, staff_user):
    url = reverse("schedule:schedule_month_edit", args=[NEXT, 5])
    before = ScheduleEntry.objects.get(year=NEXT, month=5).group
    staff_client.post(url, _confirmed({"group": group1.pk, "note": "与6月对调"}, before))
    changes = staff_client.get(url).context["changes"]
    assert changes[0].who == staff_user
    assert ("备注", "—", "与6月对调") in changes[0].fields
