"""The activity's page in the Django admin: its inlines (attendance, leaders, outcomes,
publicity) cost the same queries whatever the number of rows, each row names its member, and
a changed attendance row saves."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.demo import staff_permission_group
from activities.models import Activity, Attendance
from members.models import Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    UserFactory,
)


class _FormFields(HTMLParser):
    """What a browser would send from the page's change form, as (name, value) pairs:
    inputs (checkboxes only when ticked), each select's chosen options, textareas; not the
    inlines' empty template rows (names with __prefix__)."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self._select = None  # [name, chosen values, first value]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = [name, [], None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            for value in chosen or ([first] if first is not None else []):
                self.fields.append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def _posted(page):
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.fields:
        if "__prefix__" not in name and name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.groups.add(staff_permission_group())
    client.force_login(staff_user)
    return client


def _add_rows(activity, group, n):
    """n more members of the group, each attending `activity` and author of one of its
    outcomes, with a leader and a publicity item each; every other one with a login."""
    for i in range(n):
        member = MemberFactory()
        MembershipFactory(member=member, group=group)
        AttendanceFactory(activity=activity, member=member)
        OutcomeFactory(activity=activity, member=member, year=activity.date.year)
        LeaderFactory(activity=activity)
        PublicityFactory(activity=activity)
        if i % 2:
            UserFactory(role=Role.MEMBER, member=member)


def _selected(page, prefix):
    """{row number: (value, label)} of the chosen option of each `prefix` row's member select."""
    found = re.findall(
        rf'name="{prefix}-(\d+)-member".*?<option value="(\d+)" selected>([^<]*)</option>',
        page.content.decode(),
        flags=re.S,
    )
    return {int(row): (int(value), label) for row, value, label in found}


@pytest.mark.django_db
def test_the_activity_page_costs_the_same_queries_with_ten_times_the_rows(admin_client, group1):
    activity = ActivityFactory(group=group1, off_duty_reason="swap")
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    _add_rows(activity, group1, 2)
    admin_client.get(url)  # the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    _add_rows(activity, group1, 18)
    with CaptureQueriesContext(connection) as large:
        page = admin_client.get(url)
    assert page.status_code == 200
    assert len(large) == len(small)
    # Each row still shows its own member as the chosen one, by name.
    attendances = list(Attendance.objects.filter(activity=activity).order_by("pk"))
    assert len(attendances) == 20
    assert _selected(page, "attendances") == {
        row: (a.member_id, a.member.name) for row, a in enumerate(attendances)
    }
    outcomes = page.context["inline_admin_formsets"][2].formset.queryset
    assert _selected(page, "outcomes") == {
        row: (o.member_id, o.member.name) for row, o in enumerate(outcomes)
    }


@pytest.mark.django_db
def test_a_changed_attendance_row_saves_and_a_refused_form_keeps_the_new_choice(
    admin_client, group1
):
    activity = ActivityFactory(group=group1, off_duty_reason="swap")
    _add_rows(activity, group1, 3)
    first, second, third = Attendance.objects.filter(activity=activity).order_by("pk")
    newcomer = MemberFactory(name="詹金")
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = _posted(admin_client.get(url))
    assert data["attendances-0-member"] == [str(first.member_id)]
    assert data["attendances-0-id"] == [str(first.pk)]
    data["attendances-0-member"] = [str(newcomer.pk)]

    # Sent back for another field: the row shows the member chosen, not the one stored.
    refused = admin_client.post(url, {**data, "title": ""})
    assert refused.status_code == 200
    assert refused.context["errors"]
    assert _selected(refused, "attendances")[0] == (newcomer.pk, "詹金")
    assert _selected(refused, "attendances")[1] == (second.member_id, second.member.name)

    version = Activity.objects.get(pk=activity.pk).version
    saved = admin_client.post(url, data)
    assert saved.status_code == 302
    assert set(activity.attendances.values_list("member_id", flat=True)) == {
        newcomer.pk,
        second.member_id,
        third.member_id,
    }
    assert Attendance.objects.get(pk=first.pk).member == newcomer
    assert Activity.objects.get(pk=activity.pk).version == version + 1  # one save, one version


@pytest.mark.django_db
def test_saving_unchanged_in_the_admin_keeps_the_review_times(admin_client, group1):
    import datetime

    submitted = datetime.datetime(2026, 11, 30, 12, 48, 45, 219234, tzinfo=datetime.UTC)
    reviewed = datetime.datetime(2026, 11, 30, 13, 1, 46, 759251, tzinfo=datetime.UTC)
    activity = ActivityFactory(
        group=group1, off_duty_reason="swap", submitted_at=submitted, reviewed_at=reviewed
    )
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    page = admin_client.get(url)
    assert "submitted_at_0" not in page.content.decode()
    assert admin_client.post(url, _posted(page)).status_code == 302
    activity.refresh_from_db()
    assert (activity.submitted_at, activity.reviewed_at) == (submitted, reviewed)
    latest, earlier = activity.history.order_by("-history_id")[:2]
    assert not [c.field for c in latest.diff_against(earlier).changes if c.field != "version"]
