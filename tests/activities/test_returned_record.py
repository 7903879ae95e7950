"""A record the staff returned for changes is shown as returned (已退回修改), not as awaiting
approval: on the home page's month card, in the activity list's number column, on its page;
with the staff's comment and the word that it now waits on the convener."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity
from activities.schedule.services import schedule_set_month
from activities.services import activity_record, activity_return
from tests.activities.helpers import Today
from tests.factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.django_db

WAITS = "现等待本组召集人处理"


@pytest.fixture
def returned(monkeypatch, group1, convener_user, staff_user):
    Today(monkeypatch, datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")
    activity = ActivityFactory.build(
        group=group1, date=datetime.date(2026, 11, 12), title="企业座谈会", number=None
    )
    activity_record(
        activity=activity, attendees=[MemberFactory()], by=convener_user, for_review=True
    )
    activity_return(activity=activity, by=staff_user, comment="请补充活动小结中的企业名单。")
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.RETURNED
    return activity


def test_the_home_card_says_returned_with_the_comment(convener_client, staff_client, returned):
    for client in (convener_client, staff_client):
        page = client.get("/").content.decode()
        start = page.index("data-on-duty")
        card = page[start : page.index("下月", start)]  # this month's card
        assert "已退回修改：" in card and "待审核" not in card
        assert 'text-bg-danger">已退回修改</span>' in card  # the month's badge
        assert "请补充活动小结中的企业名单。" in card
        assert WAITS in card
        assert reverse("activities:activity_detail", args=[returned.pk]) in card


def test_the_list_and_the_page_say_returned(convener_client, returned):
    page = convener_client.get(reverse("activities:activity_list")).content.decode()
    row = page[page.index("企业座谈会") - 2000 : page.index("企业座谈会")]
    assert "已退回修改" in row and "待审核" not in row
    page = convener_client.get(reverse("activities:activity_detail", args=[returned.pk]))
    text = page.content.decode()
    assert "已退回修改" in text and WAITS in text
    assert "请补充活动小结中的企业名单。" in text
