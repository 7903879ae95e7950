"""The paths people click: record an activity, on a PC and on a phone, in Chinese or English."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from members.models import FederationRole, Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
    RotationGroupFactory,
    UserFactory,
)

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
    # Recording is for what happened: the status starts as held.
    expect(page.locator("#id_status")).to_have_value("held")
    page.select_option("#id_group", str(roster["host"].pk))
    page.fill("#id_date", day)
    page.fill("#id_title", "健康产业发展座谈会")
    page.select_option("#id_theme", "seminar")
    page.fill("#id_place", "福安市工商联会议室")

    # The host group's members, in the order of the sign-in sheet; tick all, untick the absent.
    host = page.locator("[data-host-list]")
    expect(page.locator("[data-host-label]")).to_contain_text("医药卫生组")
    expect(host.locator("label")).to_have_count(3)
    order = [m.name for m in roster["host"].members_on(timezone.localdate())]
    assert [t.split()[0] for t in host.locator("label").all_inner_texts()] == order
    expect(host).not_to_contain_text("黄思远")  # other groups are searched, not listed
    page.get_by_role("button", name="全选本组").click()
    expect(page.locator("[data-checked-count]")).to_have_text("3")
    page.get_by_role("checkbox", name="陈一鸣").uncheck()
    page.fill("#id_other_participants", "4")
    expect(page.locator("[data-person-times]")).to_have_text("6")

    # Someone from another group, found by the initials of the name.
    page.fill("[data-attendee-search]", "hsy")
    page.locator("[data-search-results] button", has_text="黄思远").click()
    expect(page.locator("[data-person-times]")).to_have_text("7")
    expect(page.locator("[data-attendee-search]")).to_have_value("")
    ticked = page.locator("[data-ticked-list] [data-ticked-group]")
    expect(ticked).to_have_count(2)
    expect(ticked.nth(0)).to_contain_text("医药卫生组（2）")
    expect(ticked.nth(1)).to_contain_text("食品加工组（1）")
    expect(ticked.nth(1)).to_contain_text("黄思远")
    # Each ticked name can be removed from the list, and put back.
    page.get_by_role("button", name="移除郑康宁").click()
    expect(page.get_by_role("checkbox", name="郑康宁")).not_to_be_checked()
    expect(page.locator("[data-person-times]")).to_have_text("6")
    page.get_by_role("checkbox", name="郑康宁").check()

    page.fill("#id_leaders-0-name", "李建国")
    page.fill("#id_leaders-0-title", "市政协副主席")
    page.select_option("#id_leaders-0-level", "four_bodies")
    page.get_by_role("button", name="添加领导").click()
    page.fill("#id_leaders-1-name", "吴晓东")
    page.select_option("#id_leaders-1-level", "department")
    page.select_option("#id_publicity-0-channel", "newspaper")
    page.fill("#id_publicity-0-title", "我市工商联召开健康产业座谈会")
    page.get_by_role("button", name="保存", exact=True).click()

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
    assert activity.status == Activity.Status.HELD


@pytest.mark.parametrize("typed", ["zheng xing", "zhengxing", "zx", "郑兴"])
def test_other_members_are_found_by_pinyin_and_initials(page, live_server, login_as, typed):
    group = RotationGroupFactory(number=2, name="商贸物流组")
    other = RotationGroupFactory(number=5, name="电机电器组")
    MembershipFactory(member=MemberFactory(name="王五"), group=group)
    MembershipFactory(member=MemberFactory(name="郑兴", company="福安兴达电机"), group=other)
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/new/?group=2")
    page.fill("[data-attendee-search]", typed)
    result = page.locator("[data-search-results] button", has_text="郑兴")
    expect(result).to_contain_text("第5组 · 电机电器组 · 福安兴达电机")
    result.click()
    expect(page.locator("[data-ticked-list]")).to_contain_text("郑兴")
    expect(page.locator("[data-checked-count]")).to_have_text("1")


def test_ticks_made_while_the_host_list_reloads_are_kept(page, live_server, login_as, roster):
    """A new date reloads the host group's list (who belonged on that day). On a slow phone the
    answer takes a while: the list stays on screen meanwhile, and what is ticked or unticked in
    it then is what the new list shows."""
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/new/")
    page.select_option("#id_group", str(roster["host"].pk))
    host = page.locator("[data-host-list]")
    expect(host.locator("label")).to_have_count(3)

    held = []

    def hold(route):
        held.append(route)

    attendees = re.compile(r"/activities/attendees/\?")
    page.route(attendees, hold)
    page.fill("#id_date", (timezone.localdate() - datetime.timedelta(days=3)).isoformat())
    page.locator("#id_date").dispatch_event("change")
    expect(host).to_have_attribute("aria-busy", "true")
    page.get_by_role("button", name="全选本组").click()
    page.get_by_role("checkbox", name="林子涵").uncheck()
    expect(page.locator("[data-checked-count]")).to_have_text("2")
    assert held, "the new date asked for the host group's list"
    for route in held:
        route.continue_()
    expect(host).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("[data-checked-count]")).to_have_text("2")
    expect(page.get_by_role("checkbox", name="郑康宁")).to_be_checked()
    expect(page.get_by_role("checkbox", name="陈一鸣")).to_be_checked()
    expect(page.get_by_role("checkbox", name="林子涵")).not_to_be_checked()


def test_a_past_plan_with_attendees_is_asked_about_before_saving(page, live_server, login_as):
    group = RotationGroupFactory(number=2, name="商贸物流组")
    members = [MemberFactory(name=name) for name in ("王五", "丁一")]
    for member in members:
        MembershipFactory(member=member, group=group)
    plan = ActivityFactory(
        group=group,
        status=Activity.Status.PLANNED,
        date=timezone.localdate() - datetime.timedelta(days=1),
        title="上月计划的座谈会",
    )
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/{plan.pk}/edit/")
    expect(page.locator("#id_status")).to_have_value("planned")
    # The user chose "planned" on purpose, then ticks: the browser asks before posting.
    page.select_option("#id_status", "planned")
    page.get_by_role("button", name="全选本组").click()
    page.get_by_role("button", name="保存", exact=True).click()
    question = page.locator("[data-status-question]")
    expect(question).to_be_visible()
    expect(question).to_contain_text("状态为“计划中”，但已勾选出席成员")
    plan.refresh_from_db()
    assert plan.status == Activity.Status.PLANNED and plan.attendances.count() == 0
    page.get_by_role("button", name="改为“已举办”并保存").click()
    expect(page).to_have_url(f"{live_server.url}/activities/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == Activity.Status.HELD and plan.number
    assert plan.attendances.count() == 2


def test_without_being_told_the_status_follows_the_date_and_the_ticks(page, live_server, login_as):
    group = RotationGroupFactory(number=2, name="商贸物流组")
    MembershipFactory(member=MemberFactory(name="王五"), group=group)
    plan = ActivityFactory(
        group=group,
        status=Activity.Status.PLANNED,
        date=timezone.localdate() - datetime.timedelta(days=1),
    )
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/{plan.pk}/edit/")
    page.get_by_role("checkbox", name="王五").check()
    expect(page.locator("#id_status")).to_have_value("held")
    page.get_by_role("checkbox", name="王五").uncheck()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("[data-status-question]")).to_contain_text("没有勾选任何出席成员")
    page.get_by_role("button", name="确认无执委出席，仍保存").click()
    expect(page).to_have_url(f"{live_server.url}/activities/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == Activity.Status.HELD


def test_the_still_a_plan_answer_survives_another_error(page, live_server, login_as, roster):
    # The answer "still a plan" is given, then the form comes back for an empty title: the page
    # shows the server's "planned" (not "held" from the script) and saving again keeps the plan.
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/new/")
    page.select_option("#id_group", str(roster["host"].pk))
    day = timezone.localdate() - datetime.timedelta(days=3)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_title", "   ")
    page.select_option("#id_theme", "seminar")
    page.fill("#id_place", "福安市工商联会议室")
    page.select_option("#id_status", "planned")
    page.get_by_role("checkbox", name="林子涵").check()
    expect(page.locator("#id_status")).to_have_value("planned")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("button", name="仍是计划：按“计划中”保存").click()
    expect(page.locator("#id_title")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("input[name=status_answer]")).to_have_value(
        "planned_with_attendees:keep_planned"
    )
    expect(page.locator("#id_status")).to_have_value("planned")
    page.fill("#id_title", "健康产业发展座谈会")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get(title="健康产业发展座谈会")
    assert activity.status == Activity.Status.PLANNED and activity.number is None
    assert activity.attendances.count() == 1


def test_a_saved_past_plan_with_attendees_opens_as_a_plan(page, live_server, login_as, roster):
    # Opening a plan dated in the past that has attendees shows its saved status; saving another
    # change asks about the status instead of turning it into a held record on its own.
    plan = ActivityFactory(
        group=roster["host"],
        status=Activity.Status.PLANNED,
        date=timezone.localdate() - datetime.timedelta(days=2),
        title="上月计划的座谈会",
    )
    AttendanceFactory(activity=plan, member=roster["people"]["林子涵"])
    login_as(page.context, UserFactory(username="staff", role=Role.STAFF))
    page.goto(f"{live_server.url}/activities/{plan.pk}/edit/")
    expect(page.get_by_role("checkbox", name="林子涵")).to_be_checked()
    expect(page.locator("#id_status")).to_have_value("planned")
    page.fill("#id_place", "福安市会议中心")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("[data-status-question]")).to_contain_text(
        "状态为“计划中”，但已勾选出席成员"
    )
    page.get_by_role("button", name="仍是计划：按“计划中”保存").click()
    expect(page).to_have_url(f"{live_server.url}/activities/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == Activity.Status.PLANNED and plan.place == "福安市会议中心"


SCREEN = {"width": 375, "height": 667}


def test_a_conveners_phone_reaches_the_leaders_within_three_screens(browser, live_server, login_as):
    """A full roster (12 groups of 11): the form lists the host group and what is ticked, so
    出席领导 starts within 3 x 667 px, before and after ticking 10 + 4 members."""
    today = timezone.localdate()
    groups = [RotationGroupFactory(number=n, name=f"第{n}轮值组") for n in range(1, 13)]
    names = iter(f"{s}{g}" for s in "王李张刘陈杨黄赵吴周徐孙" for g in "一二三四五六七八九十百")
    convener = None
    for group in groups:
        for index in range(11):
            member = MemberFactory(name=next(names), role=FederationRole.STANDING)
            MembershipFactory(member=member, group=group, is_convener=index == 0)
            if group.number == 1 and index == 0:
                convener = member
    user = UserFactory(username="convener", role=Role.CONVENER, member=convener)
    context = login_as(
        browser.new_context(viewport=SCREEN, is_mobile=True, has_touch=True, locale="zh-CN"),
        user,
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/activities/new/")
        leaders = page.locator("legend", has_text="出席领导")

        def leaders_top():
            return page.evaluate(
                "e => e.getBoundingClientRect().top + window.scrollY", leaders.element_handle()
            )

        expect(page.locator("[data-host-list] label")).to_have_count(11)
        assert page.locator("[data-activity-form] input[name=attendees]").count() == 11
        opened = leaders_top()
        page.fill("#id_date", (today - datetime.timedelta(days=1)).isoformat())
        page.get_by_role("button", name="全选本组").tap()
        page.get_by_role("checkbox", name="王二").uncheck()
        for typed, name in [("zy", "张一"), ("lw", "刘五"), ("cj", "陈九"), ("hb", "黄百")]:
            page.fill("[data-attendee-search]", typed)
            page.locator("[data-search-results] button", has_text=name).tap()
        expect(page.locator("[data-checked-count]")).to_have_text("14")
        page.fill("#id_other_participants", "3")
        filled = leaders_top()
        assert max(opened, filled) <= 3 * SCREEN["height"], (opened, filled)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    finally:
        context.close()


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
        expect(page.locator("[data-host-label]")).to_contain_text("食品加工组")
        page.get_by_role("checkbox", name="黄思远").tap()
        expect(page.locator("[data-person-times]")).to_have_text("1")
        save = page.get_by_role("button", name="保存", exact=True)
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
