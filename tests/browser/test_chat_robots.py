"""The staff page for group-chat robots, in Chromium on a desktop and a phone."""

import os
import re

import pytest
from playwright.sync_api import expect

from activities.models import ChatWebhook
from members.models import Role
from tests.activities.schedule.chat_robot import WECOM_KEY, Robot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def robot(settings):
    settings.CHAT_WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    server = Robot().start()
    yield server
    server.stop()


@pytest.mark.parametrize("width", [1366, 375])
def test_staff_add_a_robot_and_send_a_test_message(browser, live_server, login_as, robot, width):
    staff = UserFactory(username="staff", role=Role.STAFF, first_name="会员部工作人员")
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = login_as(context, staff).new_page()
    page.goto(f"{live_server.url}/")
    if width < 992:
        page.locator(".navbar-toggler").click()
        # The menu slides open; a click on 管理 while it still moves can miss under load.
        page.locator("#site-nav-links.show:not(.collapsing)").wait_for(state="visible")
    page.get_by_role("button", name="管理").click()
    page.get_by_role("link", name="群机器人").click()
    # The click starts a navigation; the title is read once the new page is in.
    expect(page).to_have_title(re.compile("^群机器人"))

    page.get_by_label("平台").select_option(label="企业微信")
    page.get_by_label("机器人名称").fill("福安工商联执委群")
    page.get_by_label("Webhook 地址").fill(robot.url("wecom"))
    page.get_by_role("button", name="保存").click()
    card = page.locator("[data-webhook]")
    assert card.locator("[data-url-masked]").inner_text().endswith("…5aaa")
    assert WECOM_KEY not in page.content()

    card.get_by_role("button", name="发送测试消息").click()
    page.get_by_text("测试消息已发送").wait_for()
    assert len(robot.accepted) == 1
    assert "年" in page.locator("[data-last-delivery]").inner_text()
    # Nothing sticks out of a phone's screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/robots-{width}.png", full_page=True)

    robot.fail_next("refuse")
    page.locator("[data-webhook]").get_by_role("button", name="发送测试消息").click()
    page.get_by_text("测试消息未能发到").wait_for()
    assert "45009" in page.locator("[data-last-error]").inner_text()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/robots-{width}-error.png", full_page=True)
    page.locator("[data-webhook]").get_by_role("link", name="修改").click()
    assert WECOM_KEY not in page.content()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/robot-edit-{width}.png", full_page=True)
    assert ChatWebhook.objects.get().url == robot.url("wecom")
    context.close()
