"""The check-in window: from two hours before the start until the end of the day (Shanghai);
closing and reopening; the link stops working when closed or expired."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.checkin.public import open_session
from activities.checkin.services import checkin_close, checkin_open, checkin_window
from activities.models import Activity, CheckInSession
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
        checkin_open(
            activity=ActivityFactory(group=group1, date=timezone.localdate()), by=staff_user
        ).token
        for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(token) >= 22 for token in tokens)


@pytest.mark.django_db
def test_a_cancelled_activity_takes_no_check_ins(event, client):
    activity = event["activity"]
    Activity.objects.filter(pk=activity.pk).update(status="cancelled", cancel_reason="台风")
    url = reverse("checkin:checkin_public", args=[event["session"].token])
    assert client.get(url).status_code == 404


PASSED_ZH = "的活动日期已过，扫码签到只在活动当天结束前开放；迟到的出席请在活动记录中勾选。"


def _manage(client, activity):
    return reverse("checkin:checkin_manage", args=[activity.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff_client", "convener_client"])
def test_an_activity_from_years_ago_takes_no_new_check_in(request, group1, who):
    client = request.getfixturevalue(who)
    old = ActivityFactory(group=group1, date=datetime.date(2019, 3, 1))
    page = client.get(_manage(client, old)).content.decode()
    assert "2019年3月1日" + PASSED_ZH in page and 'value="open"' not in page
    response = client.post(_manage(client, old), {"action": "open"}, follow=True)
    assert response.status_code == 200
    assert "2019年3月1日" + PASSED_ZH in response.content.decode()
    assert not CheckInSession.objects.filter(activity=old).exists()
    yesterday = ActivityFactory(
        group=group1, date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.post(_manage(client, yesterday), {"action": "open"})
    assert not CheckInSession.objects.filter(activity=yesterday).exists()


@pytest.mark.django_db
def test_a_convener_opens_closes_and_reopens_on_the_day(convener_client, group1, client):
    activity = ActivityFactory(group=group1, date=timezone.localdate())
    url = _manage(convener_client, activity)
    convener_client.post(url, {"action": "open"})
    session = CheckInSession.objects.get(activity=activity)
    convener_client.post(url, {"action": "close"})
    response = convener_client.post(url, {"action": "open"}, follow=True)
    assert "签到已开放" in response.content.decode()
    session.refresh_from_db()
    assert session.closed_at is None
    assert client.get(reverse("checkin:checkin_public", args=[session.token])).status_code == 200


@pytest.mark.django_db
def test_after_the_day_only_staff_reopen_a_check_in_opened_on_the_day(
    convener_client, staff_client, staff_user, group1
):
    activity = ActivityFactory(group=group1, date=timezone.localdate() - datetime.timedelta(days=1))
    session = checkin_open(activity=activity, by=staff_user, now=at(activity.date, 9))
    checkin_close(session=session, by=staff_user, now=at(activity.date, 12))
    url = _manage(convener_client, activity)
    page = convener_client.get(url).content.decode()
    assert PASSED_ZH in page and 'value="open"' not in page
    convener_client.post(url, {"action": "open"})
    session.refresh_from_db()
    assert session.closed_at is not None
    # Staff may: a late list collected the same evening (checkin_window).
    assert 'value="open"' in staff_client.get(url).content.decode()
    staff_client.post(url, {"action": "open"})
    session.refresh_from_db()
    assert session.closed_at is None and open_session(session.token) == session


@pytest.mark.django_db
def test_the_service_refuses_a_past_day_whoever_calls_it(group1, staff_user):
    from django.core.exceptions import ValidationError

    old = ActivityFactory(group=group1, date=datetime.date(2019, 3, 1))
    with pytest.raises(ValidationError) as refused:
        checkin_open(activity=old, by=staff_user)
    assert refused.value.code == "checkin_day_passed"
    assert not CheckInSession.objects.exists()
    # On its day it opens.
    assert checkin_open(activity=old, by=staff_user, now=at(old.date, 8)).token
