import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import Activity, ScheduleEntry
from activities.obligation import obligation_rows
from activities.schedule.months import MonthStatus, year_schedule
from activities.schedule.services import schedule_generate, schedule_set_month, schedule_swap
from activities.services import activity_approve, activity_return, activity_submit, group_archive
from members.models import FederationRole
from tests.activities.helpers import Today
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
    RotationGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """These tests plan 2026 by generation, which is refused once 2026 has passed (in
    Asia/Shanghai): they run on the day they were written for, whatever the clock says."""
    return Today(monkeypatch, datetime.date(2026, 11, 30))


@pytest.fixture
def twelve_groups():
    return [RotationGroupFactory(number=n, name=f"第{n}组") for n in range(1, 13)]


def _plan(year):
    return [
        e.group.number if e.group else None
        for e in ScheduleEntry.objects.filter(year=year).order_by("month")
    ]


def test_generation_gives_every_group_one_month(twelve_groups):
    schedule_generate(year=2026, by=None)
    assert _plan(2026) == list(range(1, 13))


def test_generation_continues_across_years(twelve_groups):
    schedule_generate(year=2026, by=None, no_activity_months=[2])
    # Eleven groups had a month in 2026; group 12's turn opens 2027.
    assert _plan(2026) == [1, None, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    schedule_generate(year=2027, by=None)
    assert _plan(2027) == [12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    schedule_generate(year=2028, by=None)
    assert _plan(2028)[0] == 12


def test_every_active_group_once_in_any_twelve_scheduled_months(twelve_groups):
    for year, skips in ((2026, [2]), (2027, [1, 2]), (2028, [])):
        schedule_generate(year=year, by=None, no_activity_months=skips)
    sequence = [
        e.group.number
        for e in ScheduleEntry.objects.filter(group__isnull=False).order_by("year", "month")
    ]
    for start in range(len(sequence) - 11):
        assert sorted(sequence[start : start + 12]) == list(range(1, 13))


def test_generation_skips_archived_groups(twelve_groups):
    group_archive(group=twelve_groups[4], by=None)  # group 5
    schedule_generate(year=2026, by=None)
    assert _plan(2026) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 1]


def test_generation_continues_from_held_activities_without_a_schedule(twelve_groups):
    ActivityFactory(group=twelve_groups[6], date=datetime.date(2025, 12, 6))  # group 7
    schedule_generate(year=2026, by=None)
    assert _plan(2026)[0] == 8


def test_generating_twice_is_refused(twelve_groups):
    schedule_generate(year=2026, by=None)
    with pytest.raises(ValidationError):
        schedule_generate(year=2026, by=None)
    assert ScheduleEntry.objects.count() == 12


def test_generation_needs_active_groups():
    with pytest.raises(ValidationError):
        schedule_generate(year=2026, by=None)
    assert not ScheduleEntry.objects.exists()


def test_swap_and_move(twelve_groups, staff_user):
    year = timezone.localdate().year + 1  # months ahead: past ones cannot change
    schedule_generate(year=year, by=None)
    schedule_swap(year=year, month_a=1, month_b=2, by=staff_user)
    assert _plan(year)[:2] == [2, 1]
    schedule_set_month(year=year, month=3, group=twelve_groups[11], by=staff_user, note="调整")
    entry = ScheduleEntry.objects.get(year=year, month=3)
    assert entry.group.number == 12 and entry.note == "调整"
    assert entry.history.first().history_user == staff_user
    schedule_set_month(year=year, month=2, no_activity=True, by=staff_user, note="春节")
    entry = ScheduleEntry.objects.get(year=year, month=2)
    assert entry.group is None and entry.no_activity


def test_month_statuses(twelve_groups):
    g1, _g2, g3, _g4, g5 = twelve_groups[:5]
    schedule_generate(year=2026, by=None, no_activity_months=[5])
    today = datetime.date(2026, 3, 15)
    ActivityFactory(group=g1, date=datetime.date(2026, 1, 10))  # January: held
    ActivityFactory(group=g3, date=datetime.date(2026, 3, 20), status=Activity.Status.PLANNED)
    # Another group's, in January: held early for its own month, and filed there.
    ActivityFactory(group=g5, date=datetime.date(2026, 1, 20), off_duty_reason="early")
    rows = year_schedule(2026, today=today)
    statuses = [row.status for row in rows]
    assert statuses[0] == MonthStatus.HELD
    assert statuses[1] == MonthStatus.OVERDUE  # February passed with nothing held
    assert statuses[2] == MonthStatus.PLANNED  # March has a plan
    assert statuses[3] == MonthStatus.UPCOMING
    assert statuses[4] == MonthStatus.NO_ACTIVITY
    assert rows[0].others == []
    g5_row = next(row for row in rows if row.group == g5)
    assert [a.group for a in g5_row.held] == [g5] and g5_row.status == MonthStatus.HELD
    assert rows[2].plan.group == g3


def test_year_schedule_queries_do_not_grow(twelve_groups, django_assert_num_queries):
    schedule_generate(year=2026, by=None)
    with django_assert_num_queries(5):
        year_schedule(2026)
    for group in twelve_groups:
        reason = "" if group.number == 1 else "swap"
        ActivityFactory.create_batch(
            3, group=group, date=datetime.date(2026, 1, 5), off_duty_reason=reason
        )
        MembershipFactory.create_batch(
            2, group=group, is_convener=True, member__role=FederationRole.VICE_PRESIDENT
        )
    with django_assert_num_queries(5):
        rows = year_schedule(2026)
    assert len(rows[0].held) == 3
    assert len(rows[0].conveners) == 2


def test_obligation_counts_only_approved_held_activities(group1):
    met, pending_only, never = (
        MembershipFactory(group=group1, member__role=FederationRole.STANDING).member
        for _ in range(3)
    )
    AttendanceFactory(member=met, activity=ActivityFactory(group=group1))
    AttendanceFactory(
        member=pending_only,
        activity=ActivityFactory(group=group1, review_status=Activity.Review.PENDING),
    )
    vice = MemberFactory(role=FederationRole.VICE_PRESIDENT)
    rows = {m.name: m.attended for m in obligation_rows(timezone.localdate().year)}
    assert rows == {met.name: 1, pending_only.name: 0, never.name: 0}
    assert vice.name not in rows


def test_approval_flow(group1, convener_user, staff_user):
    activity = ActivityFactory(group=group1)
    activity_submit(activity=activity, by=convener_user)
    assert activity.review_status == Activity.Review.PENDING
    assert not Activity.objects.counted().exists()
    with pytest.raises(ValidationError):
        activity_return(activity=activity, by=staff_user, comment="  ")
    returned = activity_return(activity=activity, by=staff_user, comment="请补充出席领导")
    assert returned.review_status == Activity.Review.RETURNED
    assert returned.review_comment == "请补充出席领导"
    with pytest.raises(ValidationError):
        activity_approve(activity=returned, by=staff_user)
    activity_submit(activity=returned, by=convener_user)
    approved = activity_approve(activity=returned, by=staff_user)
    assert approved.review_status == Activity.Review.APPROVED
    assert approved.reviewed_by == staff_user
    assert list(Activity.objects.counted()) == [approved]
