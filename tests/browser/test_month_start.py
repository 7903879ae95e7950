"""Starting from the month, in Chromium: the homes of staff and conveners at 1366 and 375 px
name what is still to be recorded, the button opens a filled form, and the review queue shows
each record's content. With SCREENSHOT_DIR set, each page is saved there as a PNG."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from activities.models import Activity, Outcome
from activities.schedule.services import schedule_set_month
from activities.services import activity_submit
from members.models import FederationRole, Role
from tests.activities.helpers import Today
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    RotationGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}
DAY = datetime.date(2026, 11, 27)  # four days before the month ends


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def office(monkeypatch):
    Today(monkeypatch, DAY)
    g1 = RotationGroupFactory(number=1, name="电机电器组")
    g2 = RotationGroupFactory(number=2, name="商贸物流组")
    convener = MemberFactory(name="郑康宁", role=FederationRole.VICE_PRESIDENT)
    MembershipFactory(member=convener, group=g1, is_convener=True)
    for name in ("林子涵", "陈一鸣", "黄思远"):
        MembershipFactory(member=MemberFactory(name=name), group=g1)
    schedule_set_month(year=2026, month=10, group=g2, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=11, group=g1, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=12, group=g2, by=None, note="据年度安排补录")
    ActivityFactory(
        group=g1,
        date=datetime.date(2026, 11, 20),
        status=Activity.Status.PLANNED,
        title="乡村振兴座谈会",
        theme="seminar",
        place="福安市工商联会议室",
        start_time=datetime.time(14, 30),
    )
    convener_user = UserFactory(username="convener", role=Role.CONVENER, member=convener)
    staff_user = UserFactory(username="staff", role=Role.STAFF, first_name="会员部小王")
    pending = ActivityFactory(
        group=g2,
        date=datetime.date(2026, 9, 18),
        title="银企对接座谈会",
        place="福安市会议中心",
        other_participants=3,
    )
    for _ in range(11):
        AttendanceFactory(activity=pending)
    LeaderFactory(activity=pending, name="陈立新", title="市政协副主席")
    OutcomeFactory(
        activity=pending, title="关于银企合作的调研报告", kind=Outcome.Kind.RESEARCH_REPORT
    )
    activity_submit(activity=pending, by=convener_user)
    return {"convener": convener_user, "staff": staff_user, "g1": g1, "g2": g2}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "375"])
def test_homes_name_the_month_and_open_a_filled_form(
    browser, live_server, login_as, office, viewport
):
    width = viewport["width"]
    for role in ("staff", "convener"):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = login_as(context, office[role]).new_page()
        page.goto(live_server.url + "/")
        notice = page.locator("[data-on-duty] [data-notice]")
        expect(notice.first).to_contain_text("计划日期2026年11月20日已过，活动尚未登记。")
        expect(notice.nth(1)).to_contain_text("本月还剩4天，本月活动尚未登记。")
        if role == "staff":
            expect(page.locator("[data-overdue]")).to_contain_text("2026年10月已过")
        else:
            expect(page.locator("[data-overdue]")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"home-{role}-{width}")
        page.locator("[data-on-duty] [data-record-month]").click()
        expect(page).to_have_url(live_server.url + "/activities/new/?month=2026-11")
        # The URL changes when the page starts to arrive; the form's script runs at its end.
        page.wait_for_load_state()
        expect(page.locator("#id_title")).to_have_value("乡村振兴座谈会")
        expect(page.locator("#id_date")).to_have_value("2026-11-20")
        expect(page.locator("#id_start_time")).to_have_value("14:30")
        expect(page.locator("#id_status")).to_have_value("held")
        expect(page.locator("#id_group")).to_have_value(str(office["g1"].pk))
        # A publicity report takes the activity's date when its channel is chosen.
        page.select_option("#id_publicity-0-channel", "website")
        expect(page.locator("#id_publicity-0-date")).to_have_value("2026-11-20")
        _shot(page, f"form-{role}-{width}")
        if role == "staff":
            page.goto(live_server.url + "/review/")
            card = page.locator("[data-review-item]").first
            expect(card).to_contain_text("成员11人 + 其他3人 = 14人次")
            expect(card).to_contain_text("陈立新（市政协副主席）")
            expect(card.locator("textarea")).to_be_hidden()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            _shot(page, f"review-{width}")
            card.get_by_role("button", name="审核通过").click()
            expect(page.locator(".alert-success")).to_contain_text("已审核通过")
        context.close()


def test_a_record_outside_the_duty_month_asks_why_and_is_filed_under_its_group(
    browser, live_server, login_as, office
):
    """第2组's activity in 第1组's month (November): refused until a reason is chosen, then
    shown in December, 第2组's month, on the schedule."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = login_as(context, office["staff"]).new_page()
    page.goto(live_server.url + "/activities/new/")
    page.select_option("#id_group", str(office["g2"].pk))
    page.fill("#id_date", "2026-11-25")
    page.fill("#id_title", "提前举办的物流座谈会")
    page.select_option("#id_theme", "seminar")
    page.select_option("#id_status", "held")
    page.get_by_role("button", name="保存").click()
    # Nobody of 第2组 is on the roster here: say so to the status question first.
    keep_held = page.locator("button[name=status_decision][value=keep_held_empty]")
    keep_held.click()
    question = page.locator("[data-off-duty]")
    expect(question).to_contain_text("2026年11月是第1组 · 电机电器组的轮值月")
    _shot(page, "off-duty-question-1366")
    page.select_option("#id_off_duty_reason", "early")
    page.fill("#id_off_duty_note", "12月外出考察")
    # The answer to the status question was kept with the form: not asked a second time.
    expect(page.locator("[data-status-answer]")).to_have_value(
        "held_without_attendees:keep_held_empty"
    )
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-off-duty-reason]")).to_contain_text("提前")
    page.goto(live_server.url + "/schedule/2026/")
    november = page.locator("tbody tr").nth(10)
    december = page.locator("tbody tr").nth(11)
    expect(november).not_to_contain_text("提前举办的物流座谈会")
    expect(december).to_contain_text("提前举办的物流座谈会")
    expect(december).to_contain_text("2026年11月25日举办：12月外出考察")
    _shot(page, "schedule-year-1366")
    context.close()
