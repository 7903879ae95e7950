"""The check-in window: from two hours before the start until the end of the day (Shanghai);
closing and reopening; the link stops working when closed or expired."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.checkin.public import open_session
from activities.checkin.services import checkin_close, checkin_open, checkin_window
from activities.models import Activity
from tests.factories import ActivityFactory

SHANGHAI = timezone.get_default_timezone()


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


@pytest.mark.django_db
def test_window_opens_two_hours_before_the_start_and_ends_with_the_day(group1):
    day = timezone.localdate() + datetime.timedelta(days=3)
    activity = ActivityFactory(
        group=group1, date=day, start_time=datetime.time(14, 30), status=Activity.Status.PLANNED
    )
    opens, closes = checkin_window(activity)
    assert opens == at(day, 12, 30)
    assert closes == at(day + datetime.timedelta(days=1), 0)


@pytest.mark.django_db
def test_without_a_start_time_the_window_is_the_whole_day(group1):
    day = timezone.localdate() + datetime.timedelta(days=3)
    activity = ActivityFactory(group=group1, date=day, status=Activity.Status.PLANNED)
    assert checkin_window(activity) == (at(day, 0), at(day + datetime.timedelta(days=1), 0))


@pytest.mark.django_db
def test_the_link_works_only_inside_the_window(group1, staff_user):
    day = timezone.localdate() + datetime.timedelta(days=3)
    activity = ActivityFactory(
        group=group1, date=day, start_time=datetime.time(9, 0), status=Activity.Status.PLANNED
    )
    session = checkin_open(activity=activity, by=staff_user)
    assert open_session(session.token, now=at(day, 6, 59)) is None
    assert open_session(session.token, now=at(day, 7, 0)) == session
    assert open_session(session.token, now=at(day, 23, 59)) == session
    assert open_session(session.token, now=at(day + datetime.timedelta(days=1), 0)) is None


@pytest.mark.django_db
def test_closing_stops_the_link_and_reopening_brings_the_same_link_back(event, staff_user, client):
    session = event["session"]
    url = reverse("checkin:checkin_public", args=[session.token])
    assert client.get(url).status_code == 200
    checkin_close(session=session, by=staff_user)
    assert client.get(url).status_code == 404
    reopened = checkin_open(activity=event["activity"], by=staff_user)
    assert reopened.token == session.token
    assert client.get(url).status_code == 200
    # Who closed and reopened it is in the history.
    assert [h.history_user for h in session.history.all()] == [staff_user] * 3


@pytest.mark.django_db
def test_reopening_after_the_day_ended_opens_until_the_end_of_today(group1, staff_user):
    activity = ActivityFactory(group=group1, date=timezone.localdate() - datetime.timedelta(days=1))
    first = checkin_open(
        activity=activity, by=staff_user, now=at(activity.date, 9)
    )  # opened on the day
    assert open_session(first.token) is None  # the day is over
    checkin_open(activity=activity, by=staff_user)
    assert open_session(first.token) is not None
    first.refresh_from_db()
    assert first.closes_at == at(timezone.localdate() + datetime.timedelta(days=1), 0)


@pytest.mark.django_db
def test_closed_expired_and_unknown_links_answer_the_same_page(event, group1, staff_user, client):
    closed = event["session"]
    checkin_close(session=closed, by=staff_user)
    old = ActivityFactory(group=group1, date=timezone.localdate() - datetime.timedelta(days=5))
    expired = checkin_open(activity=old, by=staff_user, now=at(old.date, 8))
    pages = []
    for token in (closed.token, expired.token, "x" * 22):
        for method in (client.get, client.post):
            response = method(reverse("checkin:checkin_public", args=[token]))
            pages.append((response.status_code, response.content))
    assert len(set(pages)) == 1
    status, content = pages[0]
    assert status == 404
    page = content.decode()
    assert "签到未开放" in page
    assert event["activity"].title not in page and old.title not in page


@pytest.mark.django_db
def test_tokens_are_long_and_random(group1, staff_user):
    tokens = {
        checkin_open(activity=ActivityFactory(group=group1), by=staff_user).token for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(token) >= 22 for token in tokens)


@pytest.mark.django_db
def test_a_cancelled_activity_takes_no_check_ins(event, client):
    activity = event["activity"]
    Activity.objects.filter(pk=activity.pk).update(status="cancelled", cancel_reason="台风")
    url = reverse("checkin:checkin_public", args=[event["session"].token])
    assert client.get(url).status_code == 404
