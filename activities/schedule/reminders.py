"""Reminder emails, sent by `manage.py send_reminders` from cron. Each goes out once only."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import Activity, ReminderLog, ScheduleEntry
from activities.schedule.months import next_month
from members.models import Role, User

OVERDUE_LOOKBACK_DAYS = 45


@dataclass
class ReminderReport:
    sent: list = field(default_factory=list)  # (kind, key, recipients)
    without_email: list = field(default_factory=list)  # members who could not be reached
    # (kind, key, subject) of reminders nobody could receive: no address to send them to
    undelivered: list = field(default_factory=list)
    already_sent: int = 0


def _staff_emails():
    return sorted(
        User.objects.filter(role=Role.STAFF, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _send_once(report, *, kind, key, subject, body, recipients):
    """Record the reminder and send it in one transaction: a failed send is retried next run."""
    if not recipients:
        # Not logged as sent: it goes out on the first run after someone has an address.
        report.undelivered.append((kind, key, subject))
        return False
    try:
        with transaction.atomic():
            _log, created = ReminderLog.objects.get_or_create(
                kind=kind, key=key, defaults={"recipients": ", ".join(recipients)}
            )
            if not created:
                report.already_sent += 1
                return False
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except IntegrityError:  # another run took it at the same moment
        report.already_sent += 1
        return False
    report.sent.append((kind, key, recipients))
    return True


def _month_label(day):
    return date_format(day, "YEAR_MONTH_FORMAT")


def _site_url(path):
    return settings.SITE_URL.rstrip("/") + path


def _upcoming_duty(report, today, days_before):
    month_start = next_month(today)
    if (month_start - today).days > days_before:
        return
    entry = (
        ScheduleEntry.objects.filter(year=month_start.year, month=month_start.month)
        .select_related("group")
        .first()
    )
    if entry is None or entry.no_activity or entry.group is None:
        return
    group = entry.group
    conveners = list(group.conveners().order_by("stroke_key"))
    key = f"{month_start:%Y-%m}:group{group.number}"
    month_label = _month_label(month_start)
    _send_once(
        report,
        kind="duty_upcoming",
        key=key,
        subject=_("Rotation reminder: %(group)s is on duty in %(month)s")
        % {"group": group, "month": month_label},
        body=_(
            "Dear convener,\n\n%(group)s is on duty in %(month)s. Please choose the theme, "
            "plan the activity and record it after it is held:\n%(url)s\n\n"
            "Fu'an Federation of Industry and Commerce"
        )
        % {
            "group": group,
            "month": month_label,
            "url": _site_url(reverse("schedule:my_group")),
        },
        recipients=[c.email for c in conveners if c.email],
    )
    unreachable = [c for c in conveners if not c.email]
    if unreachable:
        report.without_email.extend(unreachable)
        names = "、".join(f"{c.name}（{c.mobile or _('no mobile')}）" for c in unreachable)
        _send_once(
            report,
            kind="duty_no_email",
            key=key,
            subject=_("Conveners without an email address: %(group)s, %(month)s")
            % {"group": group, "month": month_label},
            body=_(
                "These conveners of %(group)s, on duty in %(month)s, have no email address "
                "and were not reminded. Please tell them by phone:\n%(names)s"
            )
            % {"group": group, "month": month_label, "names": names},
            recipients=_staff_emails(),
        )


def _overdue_months(report, today):
    since = today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)
    candidates = ScheduleEntry.objects.filter(
        group__isnull=False, no_activity=False, year__gte=since.year
    ).select_related("group")
    for entry in candidates:
        month_end = next_month(datetime.date(entry.year, entry.month, 1)) - datetime.timedelta(
            days=1
        )
        if not (since <= month_end < today):
            continue
        held = Activity.objects.held().filter(
            group=entry.group, date__year=entry.year, date__month=entry.month
        )
        if held.exists():
            continue
        month_label = _month_label(datetime.date(entry.year, entry.month, 1))
        _send_once(
            report,
            kind="month_overdue",
            key=f"{entry.year}-{entry.month:02d}",
            subject=_("No activity held in %(month)s") % {"month": month_label},
            body=_(
                "%(month)s has passed and %(group)s, on duty that month, has no held activity "
                "recorded.\n%(url)s"
            )
            % {
                "month": month_label,
                "group": entry.group,
                "url": _site_url(reverse("schedule:schedule_year", args=[entry.year])),
            },
            recipients=_staff_emails(),
        )


def _awaiting_approval(report):
    pending = Activity.objects.filter(review_status=Activity.Review.PENDING).select_related("group")
    for activity in pending:
        submitted = activity.submitted_at or activity.updated_at
        _send_once(
            report,
            kind="awaiting_approval",
            key=f"activity{activity.pk}:{submitted:%Y%m%d%H%M%S}",
            subject=_("A record awaits your approval: %(title)s") % {"title": activity.title},
            body=_("%(group)s submitted “%(title)s” (%(date)s). Please review it:\n%(url)s")
            % {
                "group": activity.group,
                "title": activity.title,
                "date": activity.date.isoformat(),
                "url": _site_url(reverse("activities:activity_detail", args=[activity.pk])),
            },
            recipients=_staff_emails(),
        )


def reminders_send(*, today=None, days_before=None):
    """Send every reminder that is due and not yet sent."""
    today = today or timezone.localdate()
    days_before = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    report = ReminderReport()
    with translation.override(settings.LANGUAGE_CODE):
        _upcoming_duty(report, today, days_before)
        _overdue_months(report, today)
        _awaiting_approval(report)
    return report
