"""Reads of the rotation schedule: what each month of a year looks like, in a fixed number of
queries whatever the number of activities."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, GroupMembership, RotationGroup, ScheduleEntry


class MonthStatus:
    UPCOMING = "upcoming"
    PLANNED = "planned"
    HELD = "held"
    PENDING = "pending"
    RETURNED = "returned"
    OVERDUE = "overdue"
    NO_ACTIVITY = "no_activity"
    UNSCHEDULED = "unscheduled"

    LABELS = {
        UPCOMING: _("Upcoming"),
        PLANNED: _("Planned"),
        HELD: _("Held"),
        PENDING: _("Awaiting approval"),
        RETURNED: _("Returned for changes"),
        OVERDUE: _("Overdue"),
        NO_ACTIVITY: _("No activity"),
        UNSCHEDULED: _("Not scheduled"),
    }
    BADGES = {
        UPCOMING: "secondary",
        PLANNED: "info",
        HELD: "success",
        PENDING: "warning",
        RETURNED: "danger",
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
    # Held, not counted yet: awaiting approval, or returned to the convener for changes.
    pending: list = field(default_factory=list)
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
    shows as such, never as held, and one the staff returned (all of `pending` returned)
    as returned: it waits on the convener, not on the staff."""
    if entry is None:
        return MonthStatus.UNSCHEDULED
    if held:
        return MonthStatus.HELD
    if pending:
        if all(a.review_status == Activity.Review.RETURNED for a in pending):
            return MonthStatus.RETURNED
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


def _month_index(year, month):
    return year * 12 + month - 1


# How far from its own duty month a record held early, late or by swap may be filed there.
OFF_DUTY_REACH = 12


def _filed_month(activity, duty_months):
    """The (year, month) of its group's duty month that an off-duty record stands for.

    Held early: the group's next duty month; make-up: the last one; a swap: the nearest.
    Each falls back to the nearest duty month within a year, else None (filed where held).
    """
    held_at = _month_index(activity.date.year, activity.date.month)
    months = [m for m in duty_months if abs(m - held_at) <= OFF_DUTY_REACH]
    if not months:
        return None
    reason = activity.off_duty_reason
    after = [m for m in months if m >= held_at]
    before = [m for m in months if m <= held_at]
    if reason == Activity.OffDutyReason.EARLY and after:
        chosen = min(after)
    elif reason == Activity.OffDutyReason.MAKEUP and before:
        chosen = max(before)
    else:
        chosen = min(months, key=lambda m: (abs(m - held_at), -m))
    return divmod(chosen, 12)[0], chosen % 12 + 1


def year_schedule(year, *, today=None, groups=None):
    """Twelve MonthRows for a year. `groups` limits the rows' activities to some groups.

    A record held outside its group's duty month with a reason (early, make-up, swap) is
    filed under its group's duty month, where it counts for that group; the month it was
    held in is another group's and does not count it.
    """
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
    duty_months = {}
    for entry_year, entry_month, group_id in ScheduleEntry.objects.filter(
        year__gte=year - 1,
        year__lte=year + 1,
        group__isnull=False,
        no_activity=False,
    ).values_list("year", "month", "group_id"):
        duty_months.setdefault(group_id, []).append(_month_index(entry_year, entry_month))
    activities = (
        Activity.objects.filter(archived_at__isnull=True)
        .filter(
            Q(date__year=year)
            | Q(date__year__gte=year - 1, date__year__lte=year + 1, off_duty_reason__gt="")
        )
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("group")
        .order_by("date", "number")
    )
    if groups is not None:
        activities = activities.filter(group__in=groups)
    by_month = {}
    for activity in activities:
        slot = (activity.date.year, activity.date.month)
        activity.filed_away = False
        if activity.off_duty_reason:
            slot = _filed_month(activity, duty_months.get(activity.group_id, ())) or slot
            activity.filed_away = slot != (activity.date.year, activity.date.month)
        if slot[0] == year:
            by_month.setdefault(slot[1], []).append(activity)

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


def on_duty_rows(today, this_year=None):
    """This month's and next month's rows of the schedule, for the home page."""
    following = next_month(today)
    this_year = this_year or year_schedule(today.year, today=today)
    rows = [this_year[today.month - 1]]
    if following.year == today.year:
        rows.append(this_year[following.month - 1])
    else:
        rows.append(year_schedule(following.year, today=today)[0])
    return rows


# The last days of a month in which an unrecorded activity is called out on the home page.
MONTH_ENDING_DAYS = 7


@dataclass
class MonthToRecord:
    """A month whose activity is still to be recorded, with what the home page says of it."""

    row: MonthRow
    is_current: bool
    notices: list = field(default_factory=list)

    @property
    def param(self):
        """The ``?month=YYYY-MM`` of the record form that starts from this month."""
        return f"{self.row.year:04d}-{self.row.month:02d}"

    @property
    def recorded(self):
        return bool(self.row.held or self.row.pending)


def _long_date(day):
    return date_format(day, "DATE_FORMAT")


def months_to_record(today, *, groups=None, this_year=None, reach=12):
    """This month (when a group is on duty) and the overdue months of the last `reach`
    months, oldest first, each with plain notices: the plan date has passed, the month is
    ending, or the month is over without a record. `groups` limits them (a convener's own).
    """
    this_year = this_year or year_schedule(today.year, today=today)
    rows = list(this_year[: today.month])
    if today.month <= reach:
        rows = year_schedule(today.year - 1, today=today)[today.month - 1 :] + rows
    group_ids = None if groups is None else {g.pk for g in groups}
    result = []
    for row in rows:
        if row.group is None or (group_ids is not None and row.group.pk not in group_ids):
            continue
        is_current = (row.year, row.month) == (today.year, today.month)
        if not is_current and row.status != MonthStatus.OVERDUE:
            continue
        item = MonthToRecord(row=row, is_current=is_current)
        if not is_current:
            item.notices.append(
                _("%(month)s is over and %(group)s's activity is not recorded.")
                % {"month": date_format(row.first_day, "YEAR_MONTH_FORMAT"), "group": row.group}
            )
        elif not item.recorded:
            plan = row.plan
            if plan and plan.date < today:
                item.notices.append(
                    _("The planned date, %(date)s, has passed and the activity is not recorded.")
                    % {"date": _long_date(plan.date)}
                )
            days_left = (row.last_day - today).days + 1
            if days_left <= MONTH_ENDING_DAYS:
                if days_left == 1:
                    notice = _("The month ends today and its activity is not recorded.")
                else:
                    notice = _(
                        "%(days)s days left in the month and its activity is not recorded."
                    ) % {"days": days_left}
                item.notices.append(notice)
        result.append(item)
    return result
