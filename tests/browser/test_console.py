"""No page the office uses logs an error in the browser's console (Lighthouse's best-practices
audit counts them): not a missing favicon, not a script or style the CSP refuses. The pages of
bench/lighthouse.sh: login, home, roster, an activity, a report and the recording form."""

import datetime

import pytest

from activities.models import Activity
from members.models import Role
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_log_no_console_error(browser, live_server, login_as, group1):
    staff = UserFactory(username="staff", role=Role.STAFF, first_name="会员部工作人员")
    activity = ActivityFactory(
        group=group1, date=datetime.date(2018, 8, 15), status=Activity.Status.HELD
    )
    AttendanceFactory(activity=activity, member=MemberFactory(name="林控制台"))
    errors = []

    def watch(page):
        page.on("console", lambda m: errors.append((page.url, m.text)) if m.type == "error" else 0)
        page.on("pageerror", lambda e: errors.append((page.url, str(e))))
        return page

    anonymous = browser.new_context(locale="zh-CN")
    page = watch(anonymous.new_page())
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_load_state("networkidle")
    anonymous.close()

    context = browser.new_context(locale="zh-CN")
    page = watch(login_as(context, staff).new_page())
    pages = ["/", "/members/", f"/activities/{activity.pk}/", "/reports/2018/", "/activities/new/"]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("main").count() == 1
    context.close()
    assert errors == []
