"""The paths people click: record an activity, on a PC and on a phone, in Chinese or English."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from members.models import FederationRole, Role
from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def roster():
    host = RotationGroupFactory(number=9, name="医药卫生组")
    other = RotationGroupFactory(number=3, name="食品加工组")
    people = {}
    for name, group, role in [
        ("郑康宁", host, FederationRole.VICE_PRESIDENT),
        ("林子涵", host, FederationRole.STANDING),
        ("陈一鸣", host, FederationRole.STANDING),
        ("黄思远", other, FederationRole.STANDING),
    ]:
        member = MemberFactory(name=name, role=role)
        MembershipFactory(member=member, group=group)
        people[name] = member
    return {"host": host, "other": other, "people": people}


def test_staff_records_an_activity_and_finds_it(page, live_server, roster):
    UserFactory(username="staff", role=Role.STAFF, first_name="会员部小王")
    people = roster["people"]
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-user-name]").first).to_have_text("会员部小王")

    page.get_by_role("link", name="登记活动").first.click()
    page.select_option("#id_group", str(roster["host"].pk))
    page.fill("#id_date", day)
    page.fill("#id_title", "健康产业发展座谈会")
    page.select_option("#id_theme", "seminar")
    page.select_option("#id_status", "held")
    page.fill("#id_place", "福安市工商联会议室")

    # The host group's members come first, with a button that ticks them all.
    first_section = page.locator("[data-attendance-list] section").first
    expect(first_section).to_contain_text("医药卫生组")
    expect(first_section.locator("[data-host-badge]")).to_be_visible()
    first_section.get_by_role("button", name="全选本组").click()
    expect(page.locator("[data-checked-count]")).to_have_text("3")
    page.get_by_label("陈一鸣").uncheck()
    page.fill("#id_other_participants", "4")
    expect(page.locator("[data-person-times]")).to_have_text("6")

    # Someone from another group, found with the quick search.
    page.fill("[data-attendee-search]", "黄")
    expect(page.get_by_label("林子涵")).to_be_hidden()
    page.get_by_label("黄思远").check()
    expect(page.locator("[data-person-times]")).to_have_text("7")
    page.fill("[data-attendee-search]", "")

    page.fill("#id_leaders-0-name", "李建国")
    page.fill("#id_leaders-0-title", "市政协副主席")
    page.select_option("#id_leaders-0-level", "four_bodies")
    page.get_by_role("button", name="添加领导").click()
    page.fill("#id_leaders-1-name", "吴晓东")
    page.select_option("#id_leaders-1-level", "department")
    page.select_option("#id_publicity-0-channel", "newspaper")
    page.fill("#id_publicity-0-title", "我市工商联召开健康产业座谈会")
    page.get_by_role("button", name="保存").click()

    activity = Activity.objects.get()
    expect(page).to_have_url(f"{live_server.url}/activities/{activity.pk}/")
    expect(page.locator(".alert-success")).to_contain_text(f"第{activity.number}次活动")
    expect(page.locator("[data-person-times]")).to_have_text("7")
    expect(page.locator("[data-leaders]")).to_contain_text("李建国")
    expect(page.locator("[data-leaders]")).to_contain_text("吴晓东")
    expect(page.locator("[data-publicity]")).to_contain_text("闽东日报")

    page.get_by_role("link", name="活动", exact=True).first.click()
    page.select_option("#id_group", str(roster["host"].pk))
    page.get_by_role("button", name="筛选").click()
    row = page.locator("[data-activity-list] tbody tr", has_text="健康产业发展座谈会")
    expect(row).to_contain_text(f"第{activity.number}次")
    expect(row).to_contain_text("7")

    page.goto(f"{live_server.url}/members/{people['黄思远'].pk}/")
    expect(page.locator("[data-attendance-history]")).to_contain_text("健康产业发展座谈会")
    expect(page.locator("[data-attendance-totals]")).to_contain_text("1次")
    assert set(activity.attendees.values_list("name", flat=True)) == {"郑康宁", "林子涵", "黄思远"}
    assert activity.leaders.count() == 2


def test_activity_form_fits_a_phone(browser, live_server, login_as, roster):
    staff = UserFactory(username="staff", role=Role.STAFF)
    context = login_as(
        browser.new_context(
            viewport={"width": 375, "height": 812}, locale="zh-CN", has_touch=True, is_mobile=True
        ),
        staff,
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/activities/new/")
        expect(page.get_by_role("heading", name="登记活动")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        # The menu folds away behind its button; the form is usable by touch.
        expect(page.locator(".navbar-toggler")).to_be_visible()
        page.select_option("#id_group", str(roster["other"].pk))
        expect(page.locator("[data-attendance-list] section").first).to_contain_text("食品加工组")
        page.get_by_label("黄思远").tap()
        expect(page.locator("[data-person-times]")).to_have_text("1")
        save = page.get_by_role("button", name="保存")
        save.scroll_into_view_if_needed()
        expect(save).to_be_in_viewport()
        box = save.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        # Cancelled shows the reason field; the error comes back next to it, in Chinese.
        expect(page.locator("#id_cancel_reason")).to_be_hidden()
        page.select_option("#id_status", "cancelled")
        expect(page.locator("#id_cancel_reason")).to_be_visible()
        page.fill("#id_title", "台风停办")
        page.fill("#id_date", timezone.localdate().isoformat())
        page.select_option("#id_theme", "charity")
        save.click()
        expect(page.locator("#error_1_id_cancel_reason")).to_have_text("请填写活动取消的原因。")
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    finally:
        context.close()


def test_english_switch(page, live_server, login_as, roster):
    login_as(page.context, UserFactory(username="leader", role=Role.LEADERSHIP))
    page.goto(live_server.url + "/groups/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="轮值组", exact=True)).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(live_server.url + "/groups/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Rotation groups")).to_be_visible()
    expect(page.get_by_role("link", name="Roster")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="轮值组", exact=True)).to_be_visible()
