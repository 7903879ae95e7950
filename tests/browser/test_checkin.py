"""QR check-in on a phone: staff open check-in, a member and a guest follow the link on a
375 px phone, and the staff apply the check-ins to the record in one click."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from members.models import FederationRole, Role
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    MembershipFactory,
    RotationGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WeChat's in-app browser on an Android phone.
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2183A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
)


@pytest.fixture
def event():
    group = RotationGroupFactory(number=9, name="医药卫生组")
    people = {}
    for name, mobile in [("郑康宁", "13959301101"), ("林子涵", "13959301102")]:
        member = MemberFactory(name=name, mobile=mobile, role=FederationRole.STANDING)
        MembershipFactory(member=member, group=group, start_date=datetime.date(2017, 1, 1))
        people[name] = member
    activity = ActivityFactory(
        group=group,
        date=timezone.localdate(),
        start_time=None,
        title="健康产业发展座谈会",
        place="福安市工商联三楼会议室",
        other_participants=1,
    )
    return {"activity": activity, "people": people}


def test_member_and_guest_check_in_on_a_phone_and_staff_apply(
    browser, live_server, login_as, event
):
    activity = event["activity"]
    staff = login_as(
        browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN"),
        UserFactory(username="staff", role=Role.STAFF),
    ).new_page()
    staff.goto(f"{live_server.url}/activities/{activity.pk}/")
    staff.locator("[data-checkin-reconcile]").get_by_role("link", name="开放签到").click()
    staff.get_by_role("button", name="开放签到").click()
    expect(staff.locator("[data-checkin-state]")).to_contain_text("开放中")
    expect(staff.locator("[data-checkin-qr] svg")).to_be_visible()
    link = staff.locator("[data-checkin-link]").get_attribute("href")
    assert link.startswith(live_server.url + "/c/")

    phone_context = browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="zh-CN",
        has_touch=True,
        is_mobile=True,
        user_agent=WECHAT,
    )
    phone = phone_context.new_page()
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("健康产业发展座谈会")
    expect(phone.locator("[data-checkin-activity]")).to_contain_text("福安市工商联三楼会议室")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # A typo in the mobile: asked to see the staff, the number is not shown back.
    phone.get_by_label("姓名").first.fill("郑康宁")
    phone.get_by_label("手机号码").fill("13959301109")
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator("[data-checkin-mismatch]")).to_be_visible()
    expect(phone.get_by_label("手机号码")).to_have_value("")
    assert "13959301109" not in phone.content()

    phone.get_by_label("手机号码").fill("139 5930 1101")
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator("[data-checkin-done]")).to_contain_text("郑康宁")

    # A guest on another phone.
    guest = phone_context.new_page()
    guest.goto(link)
    guest.get_by_text("不是执委会成员？嘉宾请在此签到").click()
    guest_form = guest.locator("[data-guest-form]")
    guest_form.get_by_label("姓名").fill("王来宾")
    guest_form.get_by_label("单位").fill("宁德市商务局")
    guest_form.get_by_label("职务（可不填）").fill("科长")
    guest_form.get_by_role("button", name="嘉宾签到").click()
    expect(guest.locator("[data-checkin-done]")).to_contain_text("王来宾")

    # The staff's list shows both; on the activity's page they apply them in one click.
    staff.reload()
    expect(staff.locator("[data-checkin-members]")).to_contain_text("郑康宁")
    expect(staff.locator("[data-checkin-guests]")).to_contain_text("王来宾")
    staff.get_by_role("link", name="到活动页与出席名单核对").click()
    box = staff.locator("[data-checkin-reconcile]")
    expect(box.locator("[data-checked-not-ticked]")).to_contain_text("郑康宁")
    box.locator("[data-apply-checkins]").click()
    expect(staff.locator("[data-attendees]")).to_contain_text("郑康宁")
    expect(staff.locator("[data-attendee-count]")).to_have_text("1")
    expect(staff.locator("[data-person-times]")).to_have_text("3")  # 1 member + 1 + guest
    expect(staff.locator("[data-checkins-applied]")).to_be_visible()

    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert list(activity.attendees.values_list("name", flat=True)) == ["郑康宁"]
    assert activity.other_participants == 2
    assert activity.person_times == 3
    phone_context.close()


def test_a_member_checked_in_again_as_a_guest_is_flagged_and_counted_only_if_ticked(
    browser, live_server, login_as, event
):
    from activities.checkin.services import (
        checkin_guest_record,
        checkin_member_record,
        checkin_open,
    )

    activity = event["activity"]
    staff_user = UserFactory(username="staff", role=Role.STAFF)
    session = checkin_open(activity=activity, by=staff_user)
    checkin_member_record(session=session, member=event["people"]["林子涵"], address="10.0.0.1")
    checkin_guest_record(session=session, name="林子涵", company="盛通电机", address="10.0.0.1")
    staff = login_as(
        browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN"), staff_user
    ).new_page()
    staff.goto(f"{live_server.url}/activities/{activity.pk}/")
    box = staff.locator("[data-checkin-reconcile]")
    expect(box.locator("[data-checkin-guest-list] [data-same-name]")).to_have_text(
        "与已签到成员同名"
    )
    expect(box.locator("[data-apply-checkins]")).to_contain_text("勾选 1 名成员，计入 0 名嘉宾")
    box.locator("[data-apply-checkins]").click()
    expect(staff.locator("[data-person-times]")).to_have_text("2")  # 林子涵 once + 1 from paper
    expect(staff.get_by_text("1 名与已签到成员同名的嘉宾未计入")).to_be_visible()

    # The staff know it is another person of the same name: ticked, the guest counts.
    box.get_by_label("另计为嘉宾：林子涵 · 盛通电机").check()
    box.locator("[data-apply-checkins]").click()
    expect(staff.locator("[data-person-times]")).to_have_text("3")
    expect(staff.locator("[data-checkins-applied]")).to_be_visible()
