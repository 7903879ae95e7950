"""Issue 12: a convener's change to an approved record leaves the figures until it is approved
(it "goes back to review before it counts"); the report page says so, so the figures never
drop without a word."""

import pytest
from django.urls import reverse

from activities.services import activity_approve
from tests.activities.test_record_integrity import _edit
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _report(client, year):
    return client.get(reverse("reports:report_year", args=[year]))


def test_a_changed_approved_record_is_named_on_the_report_until_approved(
    convener_client, staff_client, leader_client, staff_user, group1, group2
):
    activity = ActivityFactory(group=group1, title="法治教育讲座")
    ActivityFactory(group=group2, date=activity.date, title="另一组的活动")
    year = activity.date.year
    before = _report(staff_client, year)
    assert before.context["report"].activity_count == 2
    assert "data-awaiting-review" not in before.content.decode()

    assert _edit(convener_client, activity, title="改过的标题").status_code == 302
    for client in (staff_client, leader_client, convener_client):
        page = _report(client, year)
        html = page.content.decode()
        assert "data-awaiting-review" in html, client
        assert "1 条记录正在等待审核" in html and "批准后修改" in html
        assert f"第{activity.number}次" not in html  # a pending record shows no number
    assert _report(staff_client, year).context["report"].activity_count == 1
    assert "审核这些记录" in _report(staff_client, year).content.decode()

    activity_approve(activity=activity, by=staff_user)
    after = _report(staff_client, year)
    assert after.context["report"].activity_count == 2
    assert "data-awaiting-review" not in after.content.decode()


def test_a_convener_sees_only_their_groups_waiting_records(
    convener_client, other_convener_user, group1, group2
):
    from django.test import Client

    other = ActivityFactory(group=group2, title="第二组的活动")
    other_client = Client()
    other_client.force_login(other_convener_user)
    assert _edit(other_client, other, title="第二组改过").status_code == 302
    assert "data-awaiting-review" not in _report(convener_client, other.date.year).content.decode()
    assert "第二组改过" in _report(other_client, other.date.year).content.decode()
