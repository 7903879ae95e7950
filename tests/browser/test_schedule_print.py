"""The year's schedule prints on one A4 page, without the staff's tools."""

import re

import pytest

from activities.schedule.services import schedule_generate
from members.models import Role
from tests.factories import MembershipFactory, RotationGroupFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_prints_on_one_a4_page(browser, live_server, login_as):
    for number in range(1, 13):
        group = RotationGroupFactory(number=number, name=f"第{number}片区综合服务组")
        for _ in range(3):
            MembershipFactory(group=group, is_convener=True, member__role="vice_president")
    schedule_generate(year=2027, by=None, no_activity_months=[2])
    staff = UserFactory(username="staff", role=Role.STAFF)
    context = browser.new_context(locale="zh-CN")
    page = login_as(context, staff).new_page()
    page.goto(f"{live_server.url}/schedule/2027/")
    assert page.get_by_role("button", name="对调").is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="对调").is_visible()
    assert page.get_by_text("2027年轮值安排").is_visible()
    context.close()
