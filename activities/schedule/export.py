"""The year's schedule as a printable workbook and as an iCalendar (RFC 5545) feed."""

import datetime
import unicodedata
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneStandard

from activities.models import Activity, ScheduleEntry
from activities.schedule.months import next_month
from fuan_rotation.formal import Column, FormalBook, federation_name

UID_DOMAIN = "fuan-rotation"


def schedule_title(year):
    """「2019年轮值安排表」: the schedule's title and file name, Chinese whatever the UI."""
    return f"{year}年轮值安排表"


def schedule_file_name(year):
    return f"{schedule_title(year)}.xlsx"


def schedule_workbook(year, rows):
    """The year's rotation schedule as a formal table (see fuan_rotation.formal): twelve months,
    A4 landscape, title block, ruled cells, AutoFilter, 「第 N 页 共 M 页」. ``rows`` are
    ``activities.schedule.months.MonthRow``; returns the .xlsx bytes."""
    with translation.override("zh-hans"):
        book = FormalBook(title=f"{federation_name()}{schedule_title(year)}")
        sheet = book.sheet(
            "轮值安排",
            [
                Column("月份", width=10),
                Column("值月轮值组", cap=16),
                Column("召集人", cap=14),
                Column("计划主题", width=10),
                Column("计划日期", width=15),
                Column("已举办活动", cap=20),
                Column("状态", cap=8),
                Column("备注", cap=12),
            ],
            subtitle=f"{year}年度",
            one_page=True,
        )
        for row in rows:
            plan = row.plan
            sheet.add(
                f"{year}年{row.month}月",
                str(row.group) if row.group else "",
                "、".join(m.name for m in row.conveners),
                plan.get_theme_display() if plan else "",
                plan.date if plan else None,
                "；".join(str(a) for a in row.held),
                str(row.status_label),
                row.entry.note if row.entry else "",
            )
        return book.close()


# Control characters (VT, ESC, DEL, NEL U+0085), line and paragraph separators (U+2028/2029),
# bidi and other format characters, surrogates and private-use characters: calendar programs
# break lines on some and show boxes for others. Newlines and tabs stay.
_STRIPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}
_KEPT = {"\n", "\t", "\u200d"}  # ZWJ joins emoji


def feed_text(value):
    """``value`` as text fit for a calendar feed: unsafe characters removed (see above)."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in _KEPT or unicodedata.category(ch) not in _STRIPPED_CATEGORIES
    )


def shanghai_vtimezone():
    """Asia/Shanghai as the rule in force since 1991: UTC+8 all year, no daylight saving.

    icalendar's add_missing_timezones() writes the zone's whole history, including the
    1986–1991 daylight-saving RDATEs, which Outlook is reported to apply as a one-hour shift.
    """
    zone = Timezone()
    zone.add("tzid", settings.TIME_ZONE)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", datetime.timedelta(hours=8))
    standard.add("tzoffsetto", datetime.timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def _stamp(moment):
    return (moment or timezone.now()).astimezone(datetime.UTC)


def feed_calendar(*, group=None, years=None, name=None):
    """Months on duty and activities, for one group or all; UIDs are stable across fetches."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    years = years or [today.year - 1, today.year, today.year + 1]
    cal = Calendar()
    cal.add("prodid", "-//Fu'an FIC//rotation activities//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", feed_text(name or _("Rotation activities")))
    cal.add("x-wr-timezone", settings.TIME_ZONE)

    entries = ScheduleEntry.objects.filter(year__in=years, group__isnull=False).select_related(
        "group"
    )
    activities = (
        Activity.objects.filter(date__year__in=years, archived_at__isnull=True)
        .select_related("group")
        .order_by("date")
    )
    if group is not None:
        entries = entries.filter(group=group)
        activities = activities.filter(group=group)

    for entry in entries:
        first = datetime.date(entry.year, entry.month, 1)
        event = Event()
        event.add("uid", f"schedule-{entry.year}-{entry.month:02d}@{UID_DOMAIN}")
        event.add("dtstamp", _stamp(entry.updated_at))
        event.add("last-modified", _stamp(entry.updated_at))
        event.add("summary", feed_text(_("On duty: %(group)s") % {"group": entry.group}))
        event.add("dtstart", first)
        event.add("dtend", next_month(first))
        event.add("transp", "TRANSPARENT")
        if entry.note:
            event.add("description", feed_text(entry.note))
        cal.add_component(event)

    timed = False
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{UID_DOMAIN}")
        event.add("dtstamp", _stamp(activity.updated_at))
        event.add("last-modified", _stamp(activity.updated_at))
        event.add("summary", feed_text(f"{activity.group.name}：{activity.title}"))
        if activity.start_time:
            start = datetime.datetime.combine(activity.date, activity.start_time, tzinfo=tz)
            timed = True
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(hours=2))
        else:
            event.add("dtstart", activity.date)
            event.add("dtend", activity.date + datetime.timedelta(days=1))
        if activity.place:
            event.add("location", feed_text(activity.place))
        description = [activity.get_theme_display()]
        if activity.summary:
            description.append(activity.summary)
        event.add("description", feed_text("\n".join(description)))
        event.add(
            "status",
            {
                Activity.Status.PLANNED: "TENTATIVE",
                Activity.Status.HELD: "CONFIRMED",
                Activity.Status.CANCELLED: "CANCELLED",
            }[activity.status],
        )
        cal.add_component(event)
    if timed:
        cal.subcomponents.insert(0, shanghai_vtimezone())
    return cal.to_ical()
