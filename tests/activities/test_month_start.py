"""Recording starts from the month (issue 14, item 1): the home page names this month's and
the overdue months' activities with one button each, and the form opens filled from the
schedule and the month's plan. Today is set by the `today` fixture."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Theme
from activities.schedule.services import schedule_set_month
from tests.activities.helpers import Today, activity_data
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

NEW = reverse("activities:activity_create")


@pytest.fixture
def today(monkeypatch):
    return Today(monkeypatch, datetime.date(2026, 11, 30))


def _plan(group, day, **fields):
    return ActivityFactory(
        group=group,
        date=day,
        status=Activity.Status.PLANNED,
        title=fields.pop("title", "企业座谈会"),
        theme=fields.pop("theme", Theme.SEMINAR),
        place=fields.pop("place", "福安市工商联会议室"),
        **fields,
    )


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_month_link_fills_group_plan_and_held_status(staff_client, group1, group2, today):
    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group2, by=None, note="据年度安排补录")
    _plan(group2, datetime.date(2026, 11, 12), title="银企对接会", theme=Theme.INDUSTRY)
    response = staff_client.get(NEW, {"month": "2026-11"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["group"].value() == group2.pk
    assert form["status"].value() == Activity.Status.HELD
    assert form["title"].value() == "银企对接会"
    assert form["theme"].value() == Theme.INDUSTRY
    assert form["place"].value() == "福安市工商联会议室"
    assert form["date"].value() == datetime.date(2026, 11, 12)
    page = response.content.decode()
    assert 'value="银企对接会"' in page
    assert 'value="2026-11-12"' in page


def test_month_without_a_plan_gives_today_in_the_current_month(staff_client, group1, today):
    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    form = staff_client.get(NEW, {"month": "2026-11"}).context["form"]
    assert form["group"].value() == group1.pk
    assert form["date"].value() == datetime.date(2026, 11, 20)
    assert form["title"].value() in (None, "")
    # An earlier month without a plan leaves the date to the user.
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    form = staff_client.get(NEW, {"month": "2026-10"}).context["form"]
    assert form["group"].value() == group1.pk and form["date"].value() in (None, "")


@pytest.mark.parametrize(
    "value",
    ["2026-13", "2026-00", "2026-1", "abc", "", "１９９９-01", "2026-11-01", "9999-01", "2026–11"],
)
def test_a_bad_month_is_ignored(staff_client, group1, today, value):
    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    response = staff_client.get(NEW, {"month": value})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["group"].value() in (None, "") and form["date"].value() in (None, "")


def test_a_month_given_twice_or_unscheduled_is_ignored(staff_client, group1, today):
    today.set(datetime.date(2026, 11, 20))
    response = staff_client.get(NEW + "?month=2026-11&month=2026-10")
    assert response.status_code == 200
    response = staff_client.get(NEW, {"month": "2026-11"})  # no schedule entry
    assert response.status_code == 200
    assert response.context["form"]["group"].value() in (None, "")


def test_convener_prefills_only_their_own_groups_month(
    convener_client, group1, group2, convener_user, today
):
    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group2, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    _plan(group2, datetime.date(2026, 11, 25), title="外组计划")
    response = convener_client.get(NEW, {"month": "2026-11"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["group"].value() == group1.pk  # their own group, as without ?month
    assert "外组计划" not in response.content.decode()
    form = convener_client.get(NEW, {"month": "2026-10"}).context["form"]
    assert form["group"].value() == group1.pk
    assert form["status"].value() == Activity.Status.HELD


def test_home_offers_the_month_button_and_says_when_the_plan_date_passed(
    staff_client, convener_client, member_client, group1, today
):
    today.set(datetime.date(2026, 11, 10))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    _plan(group1, datetime.date(2026, 11, 5), title="乡村振兴座谈")
    for client in (staff_client, convener_client):
        page = _home(client).content.decode()
        assert "登记本月活动" in page
        assert 'href="/activities/new/?month=2026-11"' in page
        assert "计划日期2026年11月5日已过，活动尚未登记。" in page
        assert "本月还剩" not in page
    page = _home(member_client).content.decode()
    assert "登记本月活动" not in page and "尚未登记" not in page


def test_home_says_when_the_month_is_ending_without_a_record(
    staff_client, convener_client, group1, today
):
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    today.set(datetime.date(2026, 11, 23))
    assert "尚未登记" not in _home(staff_client).content.decode()
    today.set(datetime.date(2026, 11, 24))
    for client in (staff_client, convener_client):
        assert "本月还剩7天，本月活动尚未登记。" in _home(client).content.decode()
    today.set(datetime.date(2026, 11, 30))
    for client in (staff_client, convener_client):
        assert "今天是本月最后一天，本月活动尚未登记。" in _home(client).content.decode()


def test_a_recorded_month_has_no_button_and_no_warning(staff_client, group1, today):
    today.set(datetime.date(2026, 11, 30))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    ActivityFactory(group=group1, date=datetime.date(2026, 11, 20))
    page = _home(staff_client).content.decode()
    assert "登记本月活动" not in page and "尚未登记" not in page


def test_overdue_earlier_months_are_listed_with_their_own_buttons(
    staff_client, convener_client, group1, group2, today
):
    today.set(datetime.date(2026, 11, 10))
    schedule_set_month(year=2026, month=8, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=9, group=group2, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=11, group=group2, by=None, note="据年度安排补录")
    ActivityFactory(group=group1, date=datetime.date(2026, 8, 20))  # August is done
    page = _home(staff_client).content.decode()
    assert "2026年9月已过，第2组 · 商贸物流组的活动尚未登记。" in page
    assert "2026年10月已过，第1组 · 电机电器组的活动尚未登记。" in page
    assert "2026年8月已过" not in page
    assert 'href="/activities/new/?month=2026-10"' in page
    assert 'href="/activities/new/?month=2026-09"' in page
    # The convener of group 1 sees their own overdue month, and not group 2's, nor a button
    # for this month (group 2's).
    page = _home(convener_client).content.decode()
    assert "2026年10月已过" in page and "2026年9月已过" not in page
    assert "登记本月活动" not in page


def test_december_overdue_is_seen_in_january(staff_client, group1, group2, today):
    today.set(datetime.date(2027, 1, 5))
    schedule_set_month(year=2026, month=12, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=2027, month=1, group=group2, by=None, note="据年度安排补录")
    page = _home(staff_client).content.decode()
    assert "2026年12月已过" in page and 'href="/activities/new/?month=2026-12"' in page


def test_convener_menu_has_record_an_activity(convener_client, member_client, leader_client):
    assert "data-nav-record" in convener_client.get("/").content.decode()
    assert "data-nav-record" not in member_client.get("/").content.decode()
    assert "data-nav-record" not in leader_client.get("/").content.decode()


def _post_from_month(client, month, group, **fields):
    form = client.get(NEW, {"month": month}).context["form"]
    data = activity_data(group, **fields)
    data["plan"] = form["plan"].value() or ""
    data["submission_token"] = form["submission_token"].value()
    return client.post(f"{NEW}?month={month}", data), data


def test_the_record_replaces_the_plan_it_started_from(staff_client, group1, staff_user, today):
    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    plan = _plan(group1, datetime.date(2026, 11, 12))
    response, data = _post_from_month(staff_client, "2026-11", group1, date="2026-11-12")
    assert data["plan"] == plan.pk
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.archived_at is not None
    assert plan.history.first().history_user == staff_user
    record = Activity.objects.get(status=Activity.Status.HELD)
    assert record.number == 1
    page = _home(staff_client).content.decode()
    assert "活动计划：" not in page and "登记本月活动" not in page


def test_a_plan_with_a_check_in_or_of_another_group_is_kept(
    staff_client, group1, group2, staff_user, today
):
    from activities.checkin.services import checkin_open

    today.set(datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    plan = _plan(group1, datetime.date(2026, 11, 12))
    # Opened on the plan's day: a day that has passed takes no new check-in.
    checkin_open(
        activity=plan,
        by=staff_user,
        now=datetime.datetime.combine(plan.date, datetime.time(9), timezone.get_default_timezone()),
    )
    response, _data = _post_from_month(staff_client, "2026-11", group1, date="2026-11-12")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.archived_at is None
    other = _plan(group2, datetime.date(2026, 11, 15), title="外组计划")
    data = activity_data(group1, date="2026-11-13", plan=str(other.pk))
    assert staff_client.post(NEW, data).status_code == 302
    other.refresh_from_db()
    assert other.archived_at is None
