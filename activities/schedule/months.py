"""Reads of the rotation schedule: what each month of a year looks like, in a fixed number of
queries whatever the number of activities."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, GroupMembership, RotationGroup, ScheduleEntry


class MonthStatus:
    UPCOMING = "upcoming"
    PLANNED = "planned"
    HELD = "held"
    PENDING = "pending"
    OVERDUE = "overdue"
    NO_ACTIVITY = "no_activity"
    UNSCHEDULED = "unscheduled"

    LABELS = {
        UPCOMING: _("Upcoming"),
        PLANNED: _("Planned"),
        HELD: _("Held"),
        PENDING: _("Awaiting approval"),
        OVERDUE: _("Overdue"),
        NO_ACTIVITY: _("No activity"),
        UNSCHEDULED: _("Not scheduled"),
    }
    BADGES = {
        UPCOMING: "secondary",
        PLANNED: "info",
        HELD: "success",
        PENDING: "warning",
        OVERDUE: "danger",
        NO_ACTIVITY: "light",
        UNSCHEDULED: "light",
    }


@dataclass
class MonthRow:
    year: int
    month: int
    entry: ScheduleEntry | None
    group: RotationGroup | None
    conveners: list
    planned: list = field(default_factory=list)  # the on-duty group's planned activities
    held: list = field(default_factory=list)  # counted (held, approved) of the on-duty group
    pending: list = field(default_factory=list)  # held, awaiting approval: not counted yet
    others: list = field(default_factory=list)  # any other activity dated in the month
    status: str = MonthStatus.UNSCHEDULED

    @property
    def first_day(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self):
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def status_label(self):
        return MonthStatus.LABELS[self.status]

    @property
    def status_badge(self):
        return MonthStatus.BADGES[self.status]

    @property
    def plan(self):
        return self.planned[0] if self.planned else None


def month_status(*, entry, held, planned, last_day, today, pending=()):
    """The month's badge. Only a counted record makes a month held; one awaiting approval
    shows as such, never as held."""
    if entry is None:
        return MonthStatus.UNSCHEDULED
    if held:
        return MonthStatus.HELD
    if pending:
        return MonthStatus.PENDING
    if entry.no_activity:
        return MonthStatus.NO_ACTIVITY
    if entry.group_id is None:
        return MonthStatus.UNSCHEDULED
    if last_day < today:
        return MonthStatus.OVERDUE
    if planned:
        return MonthStatus.PLANNED
    return MonthStatus.UPCOMING


def _convener_prefetch():
    return Prefetch(
        "memberships",
        queryset=GroupMembership.objects.current()
        .filter(is_convener=True)
        .select_related("member")
        .order_by("member__stroke_key"),
        to_attr="current_convener_memberships",
    )


def year_schedule(year, *, today=None, groups=None):
    """Twelve MonthRows for a year. `groups` limits the rows' activities to some groups."""
    today = today or timezone.localdate()
    entries = {
        e.month: e
        for e in ScheduleEntry.objects.in_year(year).prefetch_related(
            Prefetch(
                "group",
                queryset=RotationGroup.objects.prefetch_related(_convener_prefetch()),
            )
        )
    }
    activities = (
        Activity.objects.filter(date__year=year, archived_at__isnull=True)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("group")
        .order_by("date", "number")
    )
    if groups is not None:
        activities = activities.filter(group__in=groups)
    by_month = {}
    for activity in activities:
        by_month.setdefault(activity.date.month, []).append(activity)

    rows = []
    for month in range(1, 13):
        entry = entries.get(month)
        group = entry.group if entry else None
        in_month = by_month.get(month, [])
        mine = [a for a in in_month if group and a.group_id == group.pk]
        held = [a for a in mine if a.is_counted]
        pending = [a for a in mine if a.status == Activity.Status.HELD and not a.is_counted]
        planned = [a for a in mine if a.status == Activity.Status.PLANNED]
        others = [a for a in in_month if a not in mine]
        last_day = datetime.date(year, month, calendar.monthrange(year, month)[1])
        rows.append(
            MonthRow(
                year=year,
                month=month,
                entry=entry,
                group=group,
                conveners=[m.member for m in group.current_convener_memberships] if group else [],
                planned=planned,
                held=held,
                pending=pending,
                others=others,
                status=month_status(
                    entry=entry,
                    held=held,
                    pending=pending,
                    planned=planned,
                    last_day=last_day,
                    today=today,
                ),
            )
        )
    return rows


def on_duty(day):
    """The schedule entry of the month containing `day`, with its group, or None."""
    return (
        ScheduleEntry.objects.filter(year=day.year, month=day.month).select_related("group").first()
    )


def next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def group_months(group, year):
    return list(
        ScheduleEntry.objects.filter(year=year, group=group, no_activity=False).order_by("month")
    )


def on_duty_rows(today):
    """This month's and next month's rows of the schedule, for the home page."""
    following = next_month(today)
    this_year = year_schedule(today.year, today=today)
    rows = [this_year[today.month - 1]]
    if following.year == today.year:
        rows.append(this_year[following.month - 1])
    else:
        rows.append(year_schedule(following.year, today=today)[0])
    return rows
