"""Smaller things found recording a real sign-in sheet (issue 14, item 9): the leaders' post,
the publicity date, the review queue's content, and the plan's start time and month."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Outcome, Publicity
from activities.services import activity_record, activity_submit
from tests.activities.helpers import activity_data
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db

NEW = reverse("activities:activity_create")
TODAY = timezone.localdate()


def test_the_leaders_second_column_is_the_post(staff_client):
    page = staff_client.get(NEW).content.decode()
    assert 'for="id_leaders-0-title"' in page
    label = page[page.index('for="id_leaders-0-title"') :][:200]
    assert "职务" in label and "说明" not in label


def test_an_undated_publicity_report_takes_the_activity_date(staff_client, group1):
    day = TODAY - datetime.timedelta(days=4)
    data = activity_data(
        group1,
        date=day.isoformat(),
        publicity=[
            {"channel": "website", "date": "", "title": "", "link": ""},
            {"channel": "newspaper", "date": (day + datetime.timedelta(days=2)).isoformat()},
        ],
    )
    assert staff_client.post(NEW, data).status_code == 302
    dates = dict(Publicity.objects.values_list("channel", "date"))
    assert dates == {"website": day, "newspaper": day + datetime.timedelta(days=2)}


def test_the_service_dates_publicity_too(group1, staff_user):
    activity = Activity(
        group=group1, date=TODAY - datetime.timedelta(days=1), title="座谈", theme="seminar"
    )
    activity_record(
        activity=activity,
        attendees=[],
        publicity=[Publicity(channel=Publicity.Channel.WECHAT_GROUP)],
        by=staff_user,
    )
    assert activity.publicity.get().date == activity.date


def test_the_form_fills_the_publicity_date_on_the_page(staff_client):
    page = staff_client.get(NEW).content.decode()
    assert "js/publicity_date" in page


def _pending(group, convener_user, title, attendees=3):
    activity = ActivityFactory(group=group, title=title, place="福安市会议中心")
    for _ in range(attendees):
        AttendanceFactory(activity=activity)
    LeaderFactory(activity=activity, name=f"{title}领导", title="市政协副主席")
    OutcomeFactory(activity=activity, title=f"{title}调研报告", kind=Outcome.Kind.RESEARCH_REPORT)
    activity_submit(activity=activity, by=convener_user)
    return activity


def test_the_review_queue_shows_each_records_content(staff_client, group1, convener_user):
    activity = _pending(group1, convener_user, "银企座谈会", attendees=4)
    Activity.objects.filter(pk=activity.pk).update(other_participants=2)
    page = staff_client.get(reverse("schedule:review_list")).content.decode()
    assert "第1组 · 电机电器组" in page
    assert activity.date.strftime("%Y年%-m月%-d日") in page
    assert "座谈讲座" in page
    assert "成员4人 + 其他2人 = 6人次" in page
    assert "银企座谈会领导（市政协副主席）" in page
    assert "调研报告：银企座谈会调研报告" in page
    assert "福安市会议中心" in page
    assert "审核通过无需填写意见" in page


def test_approving_from_the_queue_needs_no_comment_and_returning_does(
    staff_client, group1, convener_user
):
    activity = _pending(group1, convener_user, "座谈会")
    page = staff_client.get(reverse("schedule:review_list")).content.decode()
    approve = page[page.index(reverse("schedule:activity_approve", args=[activity.pk])) :]
    approve_form = approve[: approve.index("</form>")]
    assert "textarea" not in approve_form and "required" not in approve_form
    returned = staff_client.post(
        reverse("schedule:activity_return", args=[activity.pk]), {"version": activity.version}
    )
    assert returned.status_code == 400
    assert "退回需要填写意见" in returned.content.decode()
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING
    staff_client.post(
        reverse("schedule:activity_approve", args=[activity.pk]), {"version": activity.version}
    )
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED and activity.number


def test_the_review_queue_queries_do_not_grow(
    staff_client, group1, convener_user, django_assert_num_queries
):
    _pending(group1, convener_user, "第一条")
    url = reverse("schedule:review_list")
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    for n in range(5):
        _pending(group1, convener_user, f"更多{n}", attendees=2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["activities"]) == 6


def _plan_data(day, **fields):
    return {
        "date": day.isoformat(),
        "start_time": "14:30",
        "theme": "visit",
        "title": "参观学习",
        "place": "福鼎",
        "host_enterprise": "",
        "summary": "",
        "submission_token": uuid.uuid4().hex,
        **fields,
    }


def test_the_plan_keeps_its_start_time_through_the_record_form(
    staff_client, convener_client, group1
):
    day = TODAY + datetime.timedelta(days=10)
    convener_client.post(reverse("schedule:plan_create") + "?group=1", _plan_data(day))
    plan = Activity.objects.get()
    assert plan.start_time == datetime.time(14, 30)
    detail = staff_client.get(reverse("activities:activity_detail", args=[plan.pk]))
    assert "14:30" in detail.content.decode()
    # The record form (Edit on the plan's page) shows the time and saving keeps it.
    edit = staff_client.get(reverse("activities:activity_edit", args=[plan.pk])).content.decode()
    assert 'name="start_time" value="14:30"' in edit
    data = activity_data(
        group1, date=day.isoformat(), status="planned", start_time="14:30", version=plan.version
    )
    data.pop("submission_token")
    assert (
        staff_client.post(reverse("activities:activity_edit", args=[plan.pk]), data).status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.start_time == datetime.time(14, 30)


def test_a_second_plan_in_the_same_month_is_warned_about(convener_client, group1):
    first_day = TODAY + datetime.timedelta(days=40)
    first_day = first_day.replace(day=3)
    convener_client.post(reverse("schedule:plan_create") + "?group=1", _plan_data(first_day))
    response = convener_client.post(
        reverse("schedule:plan_create") + "?group=1",
        _plan_data(first_day.replace(day=20), title="第二个计划"),
        follow=True,
    )
    page = response.content.decode()
    assert "已有计划" in page and "参观学习" in page
    second = Activity.objects.get(title="第二个计划")
    edit = convener_client.get(reverse("schedule:plan_edit", args=[second.pk])).content.decode()
    assert "data-other-plans" in edit and "本组同月还有另一项计划" in edit
    # A plan in another month is not warned about.
    response = convener_client.post(
        reverse("schedule:plan_create") + "?group=1",
        _plan_data(first_day + datetime.timedelta(days=40), title="下月计划"),
        follow=True,
    )
    assert "已有计划" not in response.content.decode()
