"""History that cannot be bent: held, pending and past months keep their schedule; swaps and
moves are confirmed first; every schedule change can be undone from the month's page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ScheduleEntry
from activities.schedule.services import (
    locked_months,
    schedule_generate,
    schedule_set_month,
    schedule_swap,
)
from tests.factories import ActivityFactory, RotationGroupFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEXT = TODAY.year + 1


@pytest.fixture
def groups(group1, group2):
    return [group1, group2] + [
        RotationGroupFactory(number=n, name=f"第{n}组") for n in range(3, 13)
    ]


@pytest.fixture
def this_year(groups):
    return {e.month: e for e in schedule_generate(year=TODAY.year, by=None)}


@pytest.fixture
def next_year(this_year):
    return {e.month: e for e in schedule_generate(year=NEXT, by=None)}


def _groups(year):
    return {e.month: e.group_id for e in ScheduleEntry.objects.filter(year=year)}


def test_a_past_month_cannot_be_swapped_or_moved(this_year, staff_user, group1):
    past = TODAY.month - 1 if TODAY.month > 1 else None
    if past is None:
        pytest.skip("January has no past month in its year")
    before = _groups(TODAY.year)
    with pytest.raises(ValidationError, match="已经过去"):
        schedule_swap(year=TODAY.year, month_a=past, month_b=TODAY.month, by=staff_user)
    with pytest.raises(ValidationError, match="已经过去"):
        schedule_set_month(year=TODAY.year, month=past, group=group1, by=staff_user)
    assert _groups(TODAY.year) == before


@pytest.mark.parametrize(
    "record",
    [
        {"status": Activity.Status.HELD},
        {"status": Activity.Status.HELD, "review_status": Activity.Review.PENDING},
        {"status": Activity.Status.PLANNED, "review_status": Activity.Review.PENDING},
    ],
    ids=["held", "held-pending", "planned-pending"],
)
def test_a_month_with_a_held_or_pending_activity_keeps_its_group(
    next_year, staff_user, staff_client, record
):
    # A held record is dated in the past: move the clock's idea of "ahead" by using this
    # month (not past) for held records, March of next year for the planned one.
    if record["status"] == Activity.Status.HELD:
        year, month = TODAY.year, TODAY.month
        schedule_set_month(year=year, month=month, group=next_year[1].group, by=None)
        day = TODAY
    else:
        year, month, day = NEXT, 3, datetime.date(NEXT, 3, 10)
    entry = ScheduleEntry.objects.get(year=year, month=month)
    ActivityFactory(group=entry.group, date=day, **record)
    other = 12 if month != 12 else 11
    if year == TODAY.year and other < TODAY.month:
        other = month  # no other open month this year: the swap below is refused anyway
    before = _groups(year)
    with pytest.raises(ValidationError, match="已有已举办或待审核的活动"):
        schedule_set_month(year=year, month=month, group=next_year[5].group, by=staff_user)
    assert month in locked_months(year)
    swap = staff_client.post(
        reverse("schedule:schedule_swap", args=[year]), {"month_a": month, "month_b": other}
    )
    assert swap.status_code == 302  # refused with a message, no confirmation offered
    assert _groups(year) == before
    page = staff_client.get(reverse("schedule:schedule_year", args=[year])).content.decode()
    edit_url = reverse("schedule:schedule_month_edit", args=[year, month])
    assert f'href="{edit_url}" title=' in page  # only the history link, no "修改" button
    if "data-swap-form" in page:
        assert f'<option value="{month}"' not in page[page.index("data-swap-form") :]
    else:  # late in the year no two open months may be left
        assert "data-no-swap" in page
    month_page = staff_client.get(edit_url)
    assert "data-month-locked" in month_page.content.decode()
    refused = staff_client.post(
        edit_url, {"group": next_year[5].group_id, "expected": entry.group_id, "confirm": "1"}
    )
    assert refused.status_code == 302 and _groups(year) == before


def test_the_swap_form_starts_empty_and_asks_before_it_writes(next_year, staff_client):
    page = staff_client.get(reverse("schedule:schedule_year", args=[NEXT]))
    form = page.context["swap_form"]
    assert form["month_a"].value() is None and form["month_b"].value() is None
    html = page.content.decode()
    assert html.count('<option value="" selected>—</option>') == 2
    url = reverse("schedule:schedule_swap", args=[NEXT])
    before = _groups(NEXT)
    asked = staff_client.post(url, {"month_a": 4, "month_b": 9})
    assert asked.status_code == 200 and "data-swap-preview" in asked.content.decode()
    assert next_year[4].group.name in asked.content.decode()
    assert next_year[9].group.name in asked.content.decode()
    assert _groups(NEXT) == before
    # The month changed after the confirmation was shown: nothing is swapped.
    schedule_set_month(year=NEXT, month=4, group=next_year[1].group, by=None)
    stale = staff_client.post(
        url,
        {
            "month_a": 4,
            "month_b": 9,
            "expected_a": next_year[4].group_id,
            "expected_b": next_year[9].group_id,
            "confirm": "1",
        },
        follow=True,
    )
    assert "打开确认页之后轮值安排已被他人修改" in stale.content.decode()
    assert ScheduleEntry.objects.get(year=NEXT, month=9).group_id == next_year[9].group_id


def test_a_swap_is_undone_from_the_months_page(next_year, staff_client, staff_user):
    before = _groups(NEXT)
    schedule_swap(year=NEXT, month_a=4, month_b=9, by=staff_user)
    assert _groups(NEXT)[4] == before[9]
    url = reverse("schedule:schedule_month_edit", args=[NEXT, 9])
    page = staff_client.get(url)
    latest = page.context["changes"][0]
    assert latest.can_undo and "data-undo" in page.content.decode()
    undo = reverse("schedule:schedule_change_undo", args=[NEXT, 9, latest.history_id])
    response = staff_client.post(undo, follow=True)
    assert "已撤销该修改" in response.content.decode()
    assert _groups(NEXT) == before  # both months back
    for month in (4, 9):
        rows = ScheduleEntry.history.filter(year=NEXT, month=month).order_by("-history_date")
        assert rows.count() == 3  # created, swapped, undone: nothing erased
        assert rows.first().history_user == staff_user
    # The undo is itself a change the page can undo.
    assert staff_client.get(url).context["changes"][0].can_undo


def test_only_the_latest_change_is_undone(next_year, staff_client, staff_user, group1, group2):
    schedule_set_month(year=NEXT, month=6, group=group1, by=staff_user)
    first = ScheduleEntry.history.filter(year=NEXT, month=6).order_by("-history_date").first()
    schedule_set_month(year=NEXT, month=6, group=group2, by=staff_user)
    undo = reverse("schedule:schedule_change_undo", args=[NEXT, 6, first.history_id])
    response = staff_client.post(undo, follow=True)
    assert "之后还有更新的修改" in response.content.decode()
    assert ScheduleEntry.objects.get(year=NEXT, month=6).group == group2
    # Another month's change is not found from this month's address.
    assert (
        staff_client.post(
            reverse("schedule:schedule_change_undo", args=[NEXT, 7, first.history_id])
        ).status_code
        == 404
    )
