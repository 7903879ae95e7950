"""The report page on a desktop and a phone: chart labels and data labels stay page text at a
readable size, months carry their year, and the activity table never wraps a group's name one
character per line."""

import datetime

import pytest

from members.models import Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MembershipFactory,
    RotationGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 375])
def test_charts_and_table_read_on_a_phone(browser, live_server, login_as, width):
    group = RotationGroupFactory(number=12, name="上白石晓阳片区组")
    for month in (3, 8):
        activity = ActivityFactory(group=group, date=datetime.date(2018, month, 10))
        AttendanceFactory(
            activity=activity,
            member=MembershipFactory(group=group, start_date=datetime.date(2017, 1, 1)).member,
        )
    leader = UserFactory(username="leader", role=Role.LEADERSHIP)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
    page = login_as(context, leader).new_page()
    page.goto(f"{live_server.url}/reports/2018/")

    sizes = page.locator(".chart-label, .chart-value").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 11
    labels = page.locator(".chart-label").all_inner_texts()
    assert "2018年8月" in labels and "2018年1月" in labels
    assert "1人次" in page.locator(".chart-value").all_inner_texts()
    # Every data label is visible inside the window (nothing to scroll sideways to find).
    right = page.locator(".chart-value").evaluate_all(
        "els => Math.max(...els.map(e => e.getBoundingClientRect().right))"
    )
    assert right <= width

    # A group's name in the activity table stays on one line.
    cell = page.locator("#table-activities tbody tr td:nth-child(3)").first
    box = cell.evaluate("c => [c.scrollHeight, parseFloat(getComputedStyle(c).lineHeight)]")
    assert box[0] < 2 * box[1]
    context.close()
