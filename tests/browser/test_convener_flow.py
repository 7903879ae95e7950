"""On a phone: the convener sees their month, records the activity; the staff approve it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from activities.schedule.services import schedule_set_month
from members.models import FederationRole, Role
from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def test_convener_records_on_a_phone_and_staff_approve(browser, live_server, login_as):
    today = timezone.localdate()
    group = RotationGroupFactory(number=1, name="电机电器组")
    convener = MemberFactory(name="郑康宁", role=FederationRole.VICE_PRESIDENT)
    MembershipFactory(member=convener, group=group, is_convener=True)
    attendee = MemberFactory(name="林子涵", role=FederationRole.STANDING)
    MembershipFactory(member=attendee, group=group)
    schedule_set_month(year=today.year, month=today.month, group=group, by=None)
    convener_user = UserFactory(username="convener", role=Role.CONVENER, member=convener)
    staff_user = UserFactory(username="staff", role=Role.STAFF, first_name="会员部小王")

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = login_as(phone, convener_user).new_page()
    page.goto(live_server.url + "/")
    on_duty = page.locator("[data-on-duty] .card").first
    expect(on_duty).to_contain_text("电机电器组")
    expect(on_duty).to_contain_text("郑康宁")

    page.goto(live_server.url + "/my-group/")
    expect(page.locator("main")).to_contain_text("林子涵")
    page.get_by_role("link", name="登记活动").click()
    page.fill("#id_date", today.isoformat())
    page.fill("#id_title", "本月轮值座谈会")
    page.select_option("#id_theme", "seminar")
    page.select_option("#id_status", "held")
    page.get_by_label("林子涵").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-review-status]")).to_contain_text("待审核")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    activity = Activity.objects.get(title="本月轮值座谈会")
    assert activity.review_status == Activity.Review.PENDING
    phone.close()

    office = browser.new_context(locale="zh-CN")
    page = login_as(office, staff_user).new_page()
    page.goto(live_server.url + "/review/")
    expect(page.locator("main")).to_contain_text("本月轮值座谈会")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success")).to_contain_text("已审核通过")
    page.goto(live_server.url + f"/schedule/{today.year}/")
    row = page.locator("tbody tr").nth(today.month - 1)
    expect(row).to_contain_text("本月轮值座谈会")
    expect(row).to_contain_text("已举办")
    office.close()
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED
