"""The activity's page in the Django admin, as staff use it in a browser: each attendance row
shows its member, another member is found by the row's autocomplete, and the change saves."""

import re

import pytest

from activities.demo import staff_permission_group
from activities.models import Attendance
from members.models import Role
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_change_an_attendance_row_in_the_admin(browser, live_server, login_as, group1):
    staff = UserFactory(username="staff", role=Role.STAFF, is_staff=True)
    staff.groups.add(staff_permission_group())
    activity = ActivityFactory(group=group1, off_duty_reason="swap")
    for name in ("郑兴", "刘振德"):
        AttendanceFactory(activity=activity, member=MemberFactory(name=name))
    newcomer = MemberFactory(name="詹金")
    errors = []
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = login_as(context, staff).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.goto(f"{live_server.url}/admin/activities/activity/{activity.pk}/change/")

    rows = page.locator("#attendances-group tr.has_original")
    assert rows.count() == 2
    first = page.locator("#attendances-0")
    assert first.locator(".select2-selection__rendered").inner_text() == "郑兴"
    first.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("詹金")
    page.locator(".select2-results__option", has_text=re.compile("^詹金$")).click()
    page.locator("input[name=_continue]").click()

    page.locator(".messagelist .success").wait_for()
    assert page.locator("#attendances-0 .select2-selection__rendered").inner_text() == "詹金"
    members = Attendance.objects.filter(activity=activity).values_list("member__name", flat=True)
    assert sorted(members) == sorted(["詹金", "刘振德"])
    assert Attendance.objects.filter(activity=activity, member=newcomer).exists()
    context.close()
    assert errors == []
