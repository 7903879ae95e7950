"""Writes to the rotation schedule and the calendar feeds. Each records who made the change."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, CalendarFeed, RotationGroup, ScheduleEntry
from members.history import authored_by


def _schedule_continuation(year):
    """The group on duty last before `year`: from the schedule, else from the activities."""
    last_entry = (
        ScheduleEntry.objects.filter(year__lt=year, group__isnull=False)
        .select_related("group")
        .order_by("-year", "-month")
        .first()
    )
    if last_entry is not None:
        return last_entry.group
    last_activity = (
        Activity.objects.held()
        .filter(date__year__lt=year)
        .select_related("group")
        .order_by("-date", "-number")
        .first()
    )
    return last_activity.group if last_activity else None


@transaction.atomic
def schedule_generate(*, year, by, no_activity_months=()):
    """Plan a year round-robin over the active groups, continuing after last year's last group.

    Months listed in `no_activity_months` (e.g. the Spring Festival month) get no group, and
    the rotation carries on in the next month, so every group keeps its turn in order.
    """
    if ScheduleEntry.objects.filter(year=year).exists():
        raise ValidationError(
            _("The schedule for %(year)s already exists; change single months instead.")
            % {"year": year}
        )
    groups = list(RotationGroup.objects.active().order_by("number"))
    if not groups:
        raise ValidationError(_("There are no active rotation groups to schedule."))
    previous = _schedule_continuation(year)
    position = 0
    if previous is not None:
        later = [i for i, g in enumerate(groups) if g.number > previous.number]
        position = later[0] if later else 0
    entries = []
    for month in range(1, 13):
        if month in no_activity_months:
            entry = ScheduleEntry(year=year, month=month, group=None, no_activity=True)
        else:
            entry = ScheduleEntry(year=year, month=month, group=groups[position % len(groups)])
            position += 1
        entry.full_clean()
        authored_by(entry, by).save()
        entries.append(entry)
    return entries


@transaction.atomic
def schedule_swap(*, year, month_a, month_b, by):
    """Exchange what two months of a year hold (group, no-activity mark; notes stay)."""
    a = ScheduleEntry.objects.select_for_update().get(year=year, month=month_a)
    b = ScheduleEntry.objects.select_for_update().get(year=year, month=month_b)
    a.group, b.group = b.group, a.group
    a.no_activity, b.no_activity = b.no_activity, a.no_activity
    authored_by(a, by).save()
    authored_by(b, by).save()
    return a, b


@transaction.atomic
def schedule_set_month(*, year, month, by, group=None, no_activity=False, note=""):
    """Put a group on duty in a month (or mark the month as having no activity)."""
    entry = ScheduleEntry.objects.select_for_update().filter(
        year=year, month=month
    ).first() or ScheduleEntry(year=year, month=month)
    entry.group = None if no_activity else group
    entry.no_activity = no_activity
    entry.note = note
    entry.full_clean()
    authored_by(entry, by).save()
    return entry


@transaction.atomic
def calendar_feed_create(*, by, group=None, label=""):
    feed = CalendarFeed(
        token=secrets.token_urlsafe(32), group=group, label=label.strip(), created_by=by
    )
    feed.full_clean()
    authored_by(feed, by).save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, feed, by):
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        authored_by(feed, by).save(update_fields=["revoked_at"])
    return feed
