"""The list exports download what the filtered list shows: 下载当前名册 (the roster) and the
activity list, each a formal table, masked as the page is, and in the access log."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity
from members.models import PersonalDataAccess
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _table(response):
    """The data rows under the header (row 4), up to the first empty row."""
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [h.replace("\n", "") if h else h for h in rows[3]]  # long headers wrap
    data = []
    for row in rows[4:]:
        if not any(v not in (None, "") for v in row):
            break
        data.append(dict(zip(header, row, strict=False)))
    return rows, data


@pytest.fixture
def two_groups(group1, group2):
    for i in range(3):
        MembershipFactory(member=MemberFactory(name=f"林{i}组一"), group=group1)
    for i in range(2):
        MembershipFactory(member=MemberFactory(name=f"陈{i}组二"), group=group2)
    return group1, group2


def test_the_roster_export_holds_the_filtered_members_only(staff_client, two_groups):
    _group1, group2 = two_groups
    page = staff_client.get(reverse("members:member_list"), {"group": group2.pk})
    assert f'href="{reverse("roster:roster_export")}?group={group2.pk}"' in page.content.decode()
    listed = sorted(m.name for m in page.context["members"])

    response = staff_client.get(reverse("roster:roster_export"), {"group": group2.pk})
    rows, data = _table(response)
    assert sorted(r["姓名"] for r in data) == listed == ["陈0组二", "陈1组二"]
    assert str(group2) in " ".join(str(v) for v in rows[1] if v)  # the filter in the subtitle
    entry = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.ROSTER_EXPORT)
    assert entry.rows == 2 and f"group={group2.pk}" in entry.what
    assert response["Cache-Control"] == "private, no-store"

    # Unfiltered, it is the whole active roster, as before.
    _rows, data = _table(staff_client.get(reverse("roster:roster_export")))
    assert len(data) == 5  # the five members above
    assert PersonalDataAccess.objects.filter(rows=5).exists()


def test_the_activity_export_holds_the_filtered_list(member_client, group1, group2):
    for day in (D(2018, 1, 10), D(2018, 5, 10), D(2019, 3, 10)):
        activity = ActivityFactory(group=group1, date=day, other_participants=3)
        AttendanceFactory(activity=activity)
    ActivityFactory(group=group2, date=D(2018, 6, 10), other_participants=7)
    ActivityFactory(group=group1, date=D(2018, 7, 10), status=Activity.Status.PLANNED)
    query = {"from": "2018-01-01", "to": "2018-12-31", "group": group1.pk, "status": "held"}

    page = member_client.get(reverse("activities:activity_list"), query)
    assert page.context["paginator"].count == 2
    assert page.context["person_times"] == 8
    assert "activities/export.xlsx?from=2018-01-01" in page.content.decode()

    response = member_client.get(reverse("activities:activity_export"), query)
    rows, data = _table(response)
    assert rows[0][0] == "福安市工商联（总商会）轮值活动清单"
    assert [r["日期"].date() for r in data] == [D(2018, 5, 10), D(2018, 1, 10)]
    assert sum(r["参与人次（人次）"] for r in data) == 8
    scope_line = " ".join(str(v) for v in rows[1] if v)
    assert "2018年1月1日至2018年12月31日" in scope_line and str(group1) in scope_line
    entry = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.ACTIVITY_EXPORT)
    assert entry.rows == 2 and "group=" in entry.what and "from=2018-01-01" in entry.what
    assert response["Cache-Control"] == "private, no-store"
    assert (
        "轮值活动清单_" in response["Content-Disposition"]
        or "filename*" in response["Content-Disposition"]
    )


def test_the_roster_export_masks_as_the_page_does(staff_user, two_groups):
    """The export is for staff, who see every number; the rule is the page's all the same."""
    from activities.roster.export import roster_rows
    from activities.roster.mobiles import ContactVisibility
    from members.models import Member
    from tests.factories import UserFactory

    member = Member.objects.get(name="陈0组二")
    outsider = UserFactory(username="outsider", role="member", member=MemberFactory())
    masked = {r["name"]: r["mobile"] for r in roster_rows(visibility=ContactVisibility(outsider))}
    shown = {r["name"]: r["mobile"] for r in roster_rows(visibility=ContactVisibility(staff_user))}
    assert shown[member.name] == member.mobile
    assert masked[member.name] != member.mobile and "****" in masked[member.name]


def test_a_group_that_does_not_exist_is_ignored_not_a_500(staff_client, two_groups):
    response = staff_client.get(reverse("roster:roster_export"), {"group": "999999"})
    assert response.status_code == 200
    response = staff_client.get(reverse("activities:activity_export"), {"from": "2018-13-45"})
    assert response.status_code == 200


def _grow(group, n):
    for i in range(n):
        activity = ActivityFactory(group=group, date=D(2018, 1 + i % 12, 10))
        for _ in range(3):
            AttendanceFactory(
                activity=activity,
                member=MembershipFactory(group=group, start_date=D(2017, 1, 1)).member,
            )


@pytest.mark.parametrize("size", [1, 8])
def test_filtered_lists_and_exports_do_not_grow_in_queries(
    staff_client, group1, size, django_assert_num_queries
):
    _grow(group1, size)
    staff_client.get(reverse("activities:home"))  # warm the session
    period = {"from": "2018-01-01", "to": "2018-12-31"}
    activities = {**period, "status": "held", "review": "approved", "leaders": "four_bodies"}
    members = {**period, "status": "all", "took_part": "yes", "obligation": "bound"}
    # session, user, the year choices, the count, the rows, the person-times total (two)
    with django_assert_num_queries(7):
        staff_client.get(reverse("activities:activity_list"), activities)
    # session, user, the year choices, the rows, the access-log entry
    with django_assert_num_queries(5):
        staff_client.get(reverse("activities:activity_export"), activities)
    # the same whatever the size: the obligation is judged in two reads, not one per member
    with django_assert_num_queries(10):
        staff_client.get(reverse("members:member_list"), members)
    with django_assert_num_queries(12):
        staff_client.get(reverse("roster:roster_export"), members)


def test_a_roster_period_the_report_would_refuse_is_ignored(staff_client, two_groups):
    from activities.roster import filters
    from reports import tallies

    assert (filters.FIRST_YEAR, filters.LAST_YEAR) == (tallies.FIRST_YEAR, tallies.LAST_YEAR)
    wide = {"from": "0001-01-01", "to": "9999-12-31", "obligation": "missing"}
    response = staff_client.get(reverse("members:member_list"), wide)
    assert response.status_code == 200
    assert response.context["paginator"].count == 5  # the whole active roster, unfiltered
    assert response.context["period_description"] is None
