import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from activities.models import Activity
from activities.schedule.services import (
    calendar_feed_create,
    calendar_feed_revoke,
    schedule_set_month,
)
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _events(response):
    cal = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}, cal


def test_feed_parses_and_has_stable_uids(client, group1, group2, staff_user):
    year = timezone.localdate().year
    schedule_set_month(year=year, month=12, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=year, month=11, group=group2, by=None, note="据年度安排补录")
    planned = ActivityFactory(
        group=group1,
        date=datetime.date(year, 12, 12),
        start_time=datetime.time(14, 30),
        status=Activity.Status.PLANNED,
        place="市工商联会议室",
    )
    feed = calendar_feed_create(by=staff_user)
    url = reverse("schedule:calendar_feed", args=[feed.token])
    response = client.get(url)  # no login: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events, cal = _events(response)
    assert f"schedule-{year}-12@fuan-rotation" in events
    assert f"schedule-{year}-11@fuan-rotation" in events
    event = events[f"activity-{planned.pk}@fuan-rotation"]
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Asia/Shanghai"
    assert (start.hour, start.minute) == (14, 30)
    assert str(event["LOCATION"]) == "市工商联会议室"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]

    planned.title = "改期后的座谈会"
    planned.save()
    events_again, _cal = _events(client.get(url))
    assert set(events_again) == set(events)  # same UIDs: calendars update, not duplicate
    assert "改期后的座谈会" in str(events_again[f"activity-{planned.pk}@fuan-rotation"]["SUMMARY"])


def test_group_feed_has_only_that_group(client, group1, group2, staff_user):
    year = timezone.localdate().year
    schedule_set_month(year=year, month=12, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=year, month=11, group=group2, by=None, note="据年度安排补录")
    feed = calendar_feed_create(by=staff_user, group=group2)
    events, _cal = _events(client.get(reverse("schedule:calendar_feed", args=[feed.token])))
    assert list(events) == [f"schedule-{year}-11@fuan-rotation"]


def test_revoked_and_unknown_tokens_are_not_found(client, staff_user):
    feed = calendar_feed_create(by=staff_user)
    url = reverse("schedule:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    calendar_feed_revoke(feed=feed, by=staff_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("schedule:calendar_feed", args=["nope"])).status_code == 404
