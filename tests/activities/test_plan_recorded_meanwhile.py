"""A record started from the month's plan (?month=) whose plan changed before it was saved:
recorded as held by the staff meanwhile, replaced by another record, or not a plan of the
user's group (an altered page). The save is refused with a message that says so and links the
record already made; the form comes back with the entries and without the plan, so the next
save is a record of its own. No refusal is left without a message on the page."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import Activity, LeaderPresence, Theme
from activities.schedule.services import schedule_set_month
from activities.services import activity_record
from tests.activities.helpers import Today, activity_data
from tests.factories import ActivityFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NEW = reverse("activities:activity_create")
GENERIC = "请修改标出的栏目"


@pytest.fixture
def month(monkeypatch, group1):
    Today(monkeypatch, datetime.date(2026, 11, 20))
    schedule_set_month(year=2026, month=11, group=group1, by=None, note="据年度安排补录")


def _plan(group, day=datetime.date(2026, 11, 12), title="企业座谈会"):
    return ActivityFactory(
        group=group, date=day, status=Activity.Status.PLANNED, title=title, theme=Theme.SEMINAR
    )


def _opened(client, group, attendee, **fields):
    """The form opened from the month, filled in as the convener would: (data, plan id)."""
    form = client.get(NEW, {"month": "2026-11"}).context["form"]
    data = activity_data(group, date="2026-11-12", attendees=[attendee], title="企业座谈会")
    data["plan"] = str(form["plan"].value() or "")
    data["submission_token"] = form["submission_token"].value()
    data.update(fields)
    return data


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _refused(response):
    assert response.status_code == 200
    form = response.context["form"]
    assert form["plan"].value() == ""
    assert 'name="plan" value=""' in response.content.decode() or 'name="plan" id' in (
        response.content.decode()
    )
    assert not any(GENERIC in m for m in _messages(response))
    return " ".join(form.non_field_errors())


@pytest.fixture
def attendee(group1):
    member = MemberFactory(name="林子涵")
    MembershipFactory(member=member, group=group1, start_date=datetime.date(2017, 1, 1))
    return member


def test_a_plan_recorded_meanwhile_is_said_with_who_and_a_link(
    month, convener_client, staff_user, group1, attendee
):
    staff_user.first_name = "会员部小王"
    staff_user.save()
    plan = _plan(group1)
    data = _opened(convener_client, group1, attendee, title="企业座谈会（改）")
    assert data["plan"] == str(plan.pk)
    # Meanwhile the staff record the plan as held, on its own edit page.
    plan.status = Activity.Status.HELD
    activity_record(activity=plan, attendees=[attendee], by=staff_user)

    response = convener_client.post(f"{NEW}?month=2026-11", data)
    said = _refused(response)
    assert "会员部小王" in said and "企业座谈会" in said
    page = response.content.decode()
    assert f'href="{reverse("activities:activity_detail", args=[plan.pk])}"' in page
    assert 'value="企业座谈会（改）"' in page  # the entries are kept
    assert Activity.objects.count() == 1

    # Saved again from the page as it came back: a record of its own, the plan untouched.
    again = dict(data, plan=response.context["form"]["plan"].value())
    assert convener_client.post(f"{NEW}?month=2026-11", again).status_code == 302
    plan.refresh_from_db()
    assert plan.archived_at is None and plan.status == Activity.Status.HELD
    assert Activity.objects.count() == 2


def test_a_plan_replaced_by_another_record_links_that_record(
    month, convener_client, staff_client, group1, attendee
):
    plan = _plan(group1)
    data = _opened(convener_client, group1, attendee)
    staff_data = _opened(staff_client, group1, attendee, title="员工登记的座谈会")
    assert staff_client.post(f"{NEW}?month=2026-11", staff_data).status_code == 302
    record = Activity.objects.get(title="员工登记的座谈会")
    plan.refresh_from_db()
    assert plan.archived_at is not None

    response = convener_client.post(f"{NEW}?month=2026-11", data)
    said = _refused(response)
    assert "staff" in said or "员工" in said
    assert f'href="{reverse("activities:activity_detail", args=[record.pk])}"' in said


@pytest.mark.parametrize("value", ["other-group", "missing", "abc", "9" * 30, "1\x00"])
def test_a_plan_that_is_not_the_users_is_refused_with_a_message(
    month, convener_client, group1, group2, attendee, value
):
    _plan(group1)
    other = _plan(group2, title="外组计划")
    plan_id = {"other-group": str(other.pk), "missing": str(other.pk + 100)}.get(value, value)
    data = _opened(convener_client, group1, attendee, plan=plan_id)
    response = convener_client.post(f"{NEW}?month=2026-11", data)
    said = _refused(response)
    assert "不是本组的计划" in said
    assert "外组计划" not in response.content.decode()
    other.refresh_from_db()
    assert other.archived_at is None


def test_a_row_removed_meanwhile_is_said_on_the_row(staff_client, group1, attendee):
    activity = ActivityFactory(group=group1, date=datetime.date(2026, 11, 12))
    leader = LeaderPresence.objects.create(activity=activity, name="张领导", level="other")
    data = activity_data(
        group1,
        date="2026-11-12",
        attendees=[attendee],
        version=str(activity.version),
        leaders=[{"id": str(leader.pk), "name": "张领导", "title": "", "level": "other"}],
    )
    data["leaders-INITIAL_FORMS"] = "1"
    leader.delete()
    response = staff_client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 200
    assert not any(GENERIC in m for m in _messages(response))
    row = response.context["leader_formset"].forms[0]
    assert "已被他人修改或删除" in " ".join(row.non_field_errors())
    assert "已被他人修改或删除" in response.content.decode()
