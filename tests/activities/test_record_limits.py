"""A record's day lies in the years the reports cover (2000–2100), on every path that sets
it; the summary has a length a page can carry."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from activities.forms import SUMMARY_MAX_LENGTH
from activities.models import FIRST_YEAR, LAST_YEAR, Activity, Publicity
from members.models import Role
from reports import tallies
from tests.activities.helpers import activity_data
from tests.factories import ActivityFactory, PublicityFactory, UserFactory

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "请输入2000年1月1日至2100年12月31日之间的日期。"
SUMMARY_MESSAGE = "活动简介最多5000字（现有5001字）"
PLAN_MESSAGE = "活动计划最多5000字（现有5001字）"


def test_the_reports_and_the_records_share_one_range():
    assert (tallies.FIRST_YEAR, tallies.LAST_YEAR) == (FIRST_YEAR, LAST_YEAR) == (2000, 2100)


@pytest.mark.parametrize(
    "day, status",
    [("0001-01-01", "held"), ("1999-12-31", "held"), ("2101-01-01", "planned")],
)
def test_the_activity_form_refuses_a_day_no_report_covers(staff_client, group1, day, status):
    response = staff_client.post(
        reverse("activities:activity_create"), activity_data(group1, date=day, status=status)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["date"] == [RANGE_MESSAGE]
    assert RANGE_MESSAGE in response.content.decode()
    assert not Activity.objects.exists()


def test_the_first_and_last_days_are_accepted(staff_client, group1):
    first = staff_client.post(
        reverse("activities:activity_create"), activity_data(group1, date="2000-01-01")
    )
    assert first.status_code == 302
    form = staff_client.get(reverse("activities:activity_create")).context["form"]
    assert form.fields["date"].widget.attrs["min"] == "2000-01-01"
    assert form.fields["date"].widget.attrs["max"] == "2100-12-31"


def test_an_edit_cannot_move_a_record_out_of_range(staff_client, group1):
    activity = ActivityFactory(group=group1, date=datetime.date(2019, 3, 1))
    url = reverse("activities:activity_edit", args=[activity.pk])
    data = activity_data(group1, date="0001-01-01", version=str(activity.version))
    response = staff_client.post(url, data)
    assert response.context["form"].errors["date"] == [RANGE_MESSAGE]
    activity.refresh_from_db()
    assert activity.date == datetime.date(2019, 3, 1)


def test_a_publicity_item_dated_9999_is_refused(staff_client, group1):
    publicity = [{"channel": "website", "date": "9999-12-31", "title": "报道", "link": ""}]
    response = staff_client.post(
        reverse("activities:activity_create"), activity_data(group1, publicity=publicity)
    )
    assert response.status_code == 200
    formset = response.context["publicity_formset"]
    assert formset.forms[0].errors["date"] == [RANGE_MESSAGE]
    assert not Activity.objects.exists() and not Publicity.objects.exists()


def test_a_plan_dated_9999_is_refused(convener_client, group1):
    response = convener_client.post(
        reverse("schedule:plan_create") + f"?group={group1.number}",
        {
            "date": "9999-12-31",
            "theme": "seminar",
            "title": "远期计划",
            "submission_token": "0" * 32,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [RANGE_MESSAGE]
    assert not Activity.objects.exists()


def _admin_client():
    client = Client()
    client.force_login(
        UserFactory(username="admin", role=Role.STAFF, is_staff=True, is_superuser=True)
    )
    return client


def _admin_data(page):
    """The admin change page's fields and its inlines, as the browser would post them."""

    def value(field):
        value = field.value()
        if value is None:
            return ""
        if isinstance(value, datetime.date | datetime.time):
            return value.isoformat()
        return value

    form = page.context["adminform"].form
    data = {f.html_name: value(f) for f in form}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f.html_name: value(f) for f in formset.management_form})
        for row in formset.forms:
            data.update({f.html_name: value(f) for f in row})
    return {k: v for k, v in data.items() if v is not False}


def test_the_admin_refuses_an_activity_or_publicity_day_out_of_range(group1):
    activity = ActivityFactory(group=group1, date=datetime.date(2019, 3, 1))
    publicity = PublicityFactory(activity=activity, date=datetime.date(2019, 3, 2))
    client = _admin_client()
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = _admin_data(client.get(url))
    response = client.post(url, {**data, "date": "0001-01-01"})
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    activity.refresh_from_db()
    assert activity.date == datetime.date(2019, 3, 1)

    url = reverse("admin:activities_publicity_change", args=[publicity.pk])
    data = _admin_data(client.get(url))
    response = client.post(url, {**data, "date": "9999-12-31"})
    assert response.status_code == 200
    assert RANGE_MESSAGE in response.content.decode()
    publicity.refresh_from_db()
    assert publicity.date == datetime.date(2019, 3, 2)


def test_a_summary_longer_than_the_limit_is_refused_with_its_length(staff_client, group1):
    url = reverse("activities:activity_create")
    response = staff_client.post(url, activity_data(group1, summary="字" * 5001))
    assert response.status_code == 200
    errors = response.context["form"].errors["summary"]
    assert len(errors) == 1 and errors[0].startswith(SUMMARY_MESSAGE)
    assert not Activity.objects.exists()
    saved = staff_client.post(url, activity_data(group1, summary="字" * SUMMARY_MAX_LENGTH))
    assert saved.status_code == 302
    assert len(Activity.objects.get().summary) == SUMMARY_MAX_LENGTH


def test_a_plan_longer_than_the_limit_is_refused(convener_client, group1):
    response = convener_client.post(
        reverse("schedule:plan_create") + f"?group={group1.number}",
        {
            "date": (datetime.date.today() + datetime.timedelta(days=40)).isoformat(),
            "theme": "seminar",
            "title": "下月计划",
            "summary": "字" * 5001,
            "submission_token": "1" * 32,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["summary"][0].startswith(PLAN_MESSAGE)
    assert not Activity.objects.exists()
