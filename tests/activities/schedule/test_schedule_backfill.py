"""A past month that was never scheduled is history being written down: it is filled in only
as a back-fill that says where it comes from, after a confirmation, and it can be undone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import ScheduleEntry
from activities.schedule.services import (
    BACKFILL,
    schedule_generate,
    schedule_set_month,
    schedule_swap,
)

pytestmark = pytest.mark.django_db
PAST = 2017


def _entry(month):
    return ScheduleEntry.objects.filter(year=PAST, month=month).first()


def test_a_past_empty_month_needs_its_source(staff_user, group1):
    with pytest.raises(ValidationError, match="已经过去") as refused:
        schedule_set_month(year=PAST, month=3, group=group1, by=staff_user)
    assert refused.value.code == "backfill_reason"
    with pytest.raises(ValidationError):
        schedule_set_month(year=PAST, month=3, group=group1, by=staff_user, note="   ")
    assert not ScheduleEntry.objects.filter(year=PAST).exists()
    assert not ScheduleEntry.history.filter(year=PAST).exists()


def test_a_backfill_is_recorded_as_one_and_then_locked(staff_user, group1, group2):
    schedule_set_month(
        year=PAST, month=3, group=group1, by=staff_user, note="据2017年度轮值安排表补录"
    )
    row = ScheduleEntry.history.get(year=PAST, month=3)
    assert row.history_change_reason == BACKFILL and row.history_user == staff_user
    assert _entry(3).note == "据2017年度轮值安排表补录"
    # Written down, it is history like every past month: no move, no swap.
    with pytest.raises(ValidationError, match="已经过去"):
        schedule_set_month(year=PAST, month=3, group=group2, by=staff_user, note="改")
    schedule_set_month(year=PAST, month=4, group=group2, by=staff_user, note="同上")
    with pytest.raises(ValidationError, match="已经过去"):
        schedule_swap(year=PAST, month_a=3, month_b=4, by=staff_user)
    assert _entry(3).group == group1 and _entry(4).group == group2


def test_a_past_year_is_not_generated(staff_user, group1, group2):
    with pytest.raises(ValidationError, match="2017年已经过去"):
        schedule_generate(year=PAST, by=staff_user)
    assert not ScheduleEntry.objects.filter(year=PAST).exists()


def test_the_month_page_asks_for_the_source_confirms_and_undoes(staff_client, group1):
    url = reverse("schedule:schedule_month_edit", args=[PAST, 5])
    page = staff_client.get(url).content.decode()
    assert "data-backfill" in page and "data-month-locked" not in page
    # No source: the form says so and nothing is written.
    missing = staff_client.post(url, {"group": group1.pk, "note": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["note"]
    assert _entry(5) is None
    # With a source: a confirmation naming the month comes first.
    asked = staff_client.post(url, {"group": group1.pk, "note": "据会议纪要补录"})
    html = asked.content.decode()
    assert "data-backfill" in html and "data-month-confirm" in html and _entry(5) is None
    done = staff_client.post(
        url, {"group": group1.pk, "note": "据会议纪要补录", "expected": "", "confirm": "1"}
    )
    assert done.status_code == 302 and _entry(5).group == group1
    # The back-fill is the month's latest change: its page offers the undo, although the
    # month has passed.
    page = staff_client.get(url)
    latest = page.context["changes"][0]
    assert latest.can_undo and "data-undo" in page.content.decode()
    undo = reverse("schedule:schedule_change_undo", args=[PAST, 5, latest.history_id])
    assert "已撤销该修改" in staff_client.post(undo, follow=True).content.decode()
    entry = _entry(5)
    assert entry.group is None and not entry.no_activity and entry.note == ""
    assert ScheduleEntry.history.filter(year=PAST, month=5).count() == 2  # nothing erased
    year_page = staff_client.get(reverse("schedule:schedule_year", args=[PAST]))
    assert year_page.context["rows"][4].status == "unscheduled"
    # Emptied again, the month can be back-filled again (with its source).
    assert "data-backfill" in staff_client.get(url).content.decode()
    schedule_set_month(
        year=PAST, month=5, group=group1, by=None, note="据会议纪要补录", expected=None
    )
    assert _entry(5).group == group1
