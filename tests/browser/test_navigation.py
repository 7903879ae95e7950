"""The menu on a desktop and a phone: one line at 1366 px, its drop-downs open under the CSP."""

import re

import pytest
from playwright.sync_api import expect

from members.models import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 375])
def test_staff_menu_fits_and_its_drop_downs_open(browser, live_server, login_as, width):
    staff = UserFactory(username="staff", role=Role.STAFF, first_name="会员部工作人员")
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
    page = login_as(context, staff).new_page()
    page.goto(f"{live_server.url}/")
    if width < 992:
        page.locator(".navbar-toggler").click()
        # The menu slides open; a click on 管理 while it still moves can miss under load.
        page.locator("#site-nav-links.show:not(.collapsing)").wait_for(state="visible")
    else:
        # Every item of the menu on one line: none wraps or drops below the first.
        tops = page.locator("#site-nav-links .navbar-nav > .nav-item").evaluate_all(
            "items => items.map(i => [i.getBoundingClientRect().top, i.offsetHeight])"
        )
        assert len({top for top, _ in tops}) == 1
        assert max(height for _, height in tops) < 50
    page.get_by_role("button", name=staff.display_name).click()
    page.get_by_role("link", name="修改密码").wait_for(state="visible")
    page.get_by_role("button", name=staff.display_name).click()
    page.get_by_role("button", name="管理").click()
    page.get_by_role("link", name="数据访问记录").click()
    expect(page).to_have_title(re.compile("^数据访问记录"))
    context.close()
