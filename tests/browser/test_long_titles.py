"""A title with no break points (a pasted address) wraps on a 375 px phone: no page scrolls
sideways because of it."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.schedule.services import schedule_set_month
from members.models import Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
# 120 characters without a space or a hyphen: the tester's case.
URL_TITLE = ("https://www.fuangsl.gov.cn/xwzx/gzdt/2026/11/" + "a1b2c3d4e5" * 8)[:120]
LONG_WORD = "福安市工商业联合会总商会" * 6 + "X" * 40


def _scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def _wider_than_the_phone(page):
    """The elements reaching past the right edge (for the failure message)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376)
            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 376))
            .slice(0, 12)
            .map(e => e.parentElement.tagName + '.' + e.parentElement.className + ' > '
                 + e.tagName + '.' + e.className)"""
    )


@pytest.fixture
def long_records(group1):
    today = timezone.localdate()
    assert len(URL_TITLE) == 120
    schedule_set_month(year=today.year, month=today.month, group=group1, by=None, note="补录")
    member = MemberFactory(name="林测试", company=LONG_WORD)
    MembershipFactory(member=member, group=group1, start_date=datetime.date(2017, 1, 1))
    held = ActivityFactory(
        group=group1,
        date=today,
        title=URL_TITLE,
        place=LONG_WORD,
        host_enterprise=LONG_WORD,
        summary=URL_TITLE,
        status=Activity.Status.HELD,
    )
    AttendanceFactory(activity=held, member=member)
    LeaderFactory(activity=held, name="领导", title=LONG_WORD)
    OutcomeFactory(activity=held, title=URL_TITLE, year=today.year)
    PublicityFactory(activity=held, title=URL_TITLE, link=URL_TITLE, date=today)
    ActivityFactory(
        group=group1,
        date=today,
        title=URL_TITLE,
        place=LONG_WORD,
        summary=URL_TITLE,
        review_status=Activity.Review.PENDING,
    )
    return held


def _paths(activity, role):
    paths = [
        "/",
        f"/activities/{activity.pk}/",
        "/activities/",
        f"/groups/{activity.group.number}/",
    ]
    return paths + (["/review/"] if role == Role.STAFF else [])


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADERSHIP])
def test_pages_with_a_120_character_address_as_title_fit_a_phone(
    browser, live_server, login_as, long_records, role
):
    user = UserFactory(username=f"u-{role}", role=role, is_staff=role == Role.STAFF)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = login_as(context, user).new_page()
    wide = {}
    for path in _paths(long_records, role):
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_text(URL_TITLE[:40], exact=False).first.is_visible()
        if _scroll_width(page) > PHONE["width"]:
            wide[path] = (_scroll_width(page), _wider_than_the_phone(page))
    assert not wide
    context.close()
