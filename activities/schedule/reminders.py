"""Reminders, sent by `manage.py send_reminders` from cron: e-mails, and posts to the group-chat
robots staff configured (activities/schedule/webhooks.py). Each goes out once only.

A group-chat post is a ChatDelivery row per robot and reminder, created once (a unique
constraint) and then attempted: a failure (no connection, a timeout, an HTTP error, a non-zero
errcode) is stored with its reason and tried again on the next run, up to
CHAT_WEBHOOK_MAX_ATTEMPTS; a delivered one is never sent again. Each attempt first claims its
row with a conditional UPDATE, so two runs at the same moment cannot both send it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import Activity, ChatDelivery, ChatWebhook, ReminderLog, ScheduleEntry
from activities.schedule.months import MonthStatus, next_month, year_schedule
from activities.schedule.webhooks import ChatMessage, DeliveryFailed, post_message
from members.models import Role, User

OVERDUE_LOOKBACK_DAYS = 45
# A claim older than this was left by a run that died mid-send (longer than any timeout).
CHAT_CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# A post still waiting after this long (its robot was switched off meanwhile) is stale news:
# given up rather than posted when the robot is switched on again.
CHAT_DELIVERY_MAX_AGE = datetime.timedelta(days=14)


@dataclass
class ReminderReport:
    sent: list = field(default_factory=list)  # (kind, key, recipients)
    without_email: list = field(default_factory=list)  # members who could not be reached
    # (kind, key, subject) of reminders nobody could receive: no address to send them to
    undelivered: list = field(default_factory=list)
    already_sent: int = 0
    chat_sent: list = field(default_factory=list)  # (robot, kind, key)
    # (robot, kind, key, reason, attempts, given_up) of group-chat posts that failed this run
    chat_failed: list = field(default_factory=list)
    chat_already_sent: int = 0


def _staff_emails():
    return sorted(
        User.objects.filter(role=Role.STAFF, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _queue_chat(report, *, kind, key, message):
    """One delivery row per active robot for this reminder; existing rows stay as they are."""
    webhooks = list(ChatWebhook.objects.filter(is_active=True).values_list("pk", flat=True))
    if not webhooks:
        return
    ChatDelivery.objects.bulk_create(
        [
            ChatDelivery(
                webhook_id=pk,
                kind=kind,
                key=key,
                title=message.title[:200],
                text=message.text,
                link=message.link[:300],
            )
            for pk in webhooks
        ],
        ignore_conflicts=True,
    )
    report.chat_already_sent += ChatDelivery.objects.filter(
        webhook_id__in=webhooks, kind=kind, key=key, status=ChatDelivery.Status.DELIVERED
    ).count()


def _record_outcome(delivery, *, error=None):
    now = timezone.now()
    if error is None:
        ChatDelivery.objects.filter(pk=delivery.pk).update(
            status=ChatDelivery.Status.DELIVERED, delivered_at=now, last_error=""
        )
        ChatWebhook.objects.filter(pk=delivery.webhook_id).update(last_delivered_at=now)
        return
    # Counted in the database: another run may have attempted it since this one read it.
    attempts = ChatDelivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    given_up = attempts >= settings.CHAT_WEBHOOK_MAX_ATTEMPTS
    ChatDelivery.objects.filter(pk=delivery.pk).update(
        status=ChatDelivery.Status.GAVE_UP if given_up else ChatDelivery.Status.PENDING,
        last_error=error,
    )
    ChatWebhook.objects.filter(pk=delivery.webhook_id).update(last_error=error, last_error_at=now)
    return attempts, given_up


def _send_chat_deliveries(report):
    """Attempt every delivery that is waiting, new ones and failed ones of earlier runs."""
    now = timezone.now()
    ChatDelivery.objects.filter(
        status=ChatDelivery.Status.SENDING, last_attempt_at__lt=now - CHAT_CLAIM_TIMEOUT
    ).update(status=ChatDelivery.Status.PENDING)
    ChatDelivery.objects.filter(
        status=ChatDelivery.Status.PENDING, created_at__lt=now - CHAT_DELIVERY_MAX_AGE
    ).update(
        status=ChatDelivery.Status.GAVE_UP,
        last_error=_("not sent within %(days)s days: too late to be useful")
        % {"days": CHAT_DELIVERY_MAX_AGE.days},
    )
    waiting = (
        ChatDelivery.objects.filter(status=ChatDelivery.Status.PENDING, webhook__is_active=True)
        .select_related("webhook")
        .order_by("created_at", "pk")
    )
    for delivery in waiting:
        claimed = ChatDelivery.objects.filter(
            pk=delivery.pk, status=ChatDelivery.Status.PENDING
        ).update(
            status=ChatDelivery.Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=timezone.now(),
        )
        if not claimed:  # another run took it
            continue
        webhook = delivery.webhook
        try:
            post_message(
                platform=webhook.platform,
                url=webhook.url,
                secret=webhook.secret,
                message=ChatMessage(delivery.title, delivery.text, delivery.link),
            )
        except DeliveryFailed as failure:
            attempts, given_up = _record_outcome(delivery, error=failure.reason)
            report.chat_failed.append(
                (webhook.name, delivery.kind, delivery.key, failure.reason, attempts, given_up)
            )
        else:
            _record_outcome(delivery)
            report.chat_sent.append((webhook.name, delivery.kind, delivery.key))


def chat_webhook_test(*, webhook):
    """Post a test message now; return None when the robot took it, else the reason."""
    with translation.override(settings.LANGUAGE_CODE):
        message = ChatMessage(
            title=_("Test message from the rotation activities site"),
            text=_(
                "This group will receive the rotation reminders and the notices of months "
                "without a held activity."
            ),
            link=_site_url(reverse("activities:home")),
        )
        try:
            post_message(
                platform=webhook.platform,
                url=webhook.url,
                secret=webhook.secret,
                message=message,
            )
        except DeliveryFailed as failure:
            now = timezone.now()
            ChatWebhook.objects.filter(pk=webhook.pk).update(
                last_error=failure.reason, last_error_at=now
            )
            return failure.reason
    ChatWebhook.objects.filter(pk=webhook.pk).update(last_delivered_at=timezone.now())
    return None


def _send_once(report, *, kind, key, subject, body, recipients, chat=None):
    """Record the reminder and send it in one transaction: a failed send is retried next run.

    `chat`, a ChatMessage, also queues the reminder for every active group-chat robot."""
    if chat is not None:
        _queue_chat(report, kind=kind, key=key, message=chat)
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
        chat=ChatMessage(
            title=_("Rotation reminder: %(group)s is on duty in %(month)s")
            % {"group": group, "month": month_label},
            text=_(
                "%(group)s is on duty in %(month)s (conveners: %(names)s). Please choose the "
                "theme, plan the activity and record it after it is held."
            )
            % {
                "group": group,
                "month": month_label,
                "names": "、".join(c.name for c in conveners) or "—",
            },
            link=_site_url(reverse("schedule:my_group")),
        ),
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
    # The schedule's own month status: a record held early, as a make-up or by a swap is filed
    # under its group's duty month (months.year_schedule), so that month is not overdue.
    rows = [
        row
        for year in range(since.year, today.year + 1)
        for row in year_schedule(year, today=today)
        if row.status == MonthStatus.OVERDUE and since <= row.last_day < today
    ]
    for row in rows:
        entry = row.entry
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
            chat=ChatMessage(
                title=_("No activity held in %(month)s") % {"month": month_label},
                text=_(
                    "%(month)s has passed and %(group)s, on duty that month, has no held "
                    "activity recorded."
                )
                % {"month": month_label, "group": entry.group},
                link=_site_url(reverse("schedule:schedule_year", args=[entry.year])),
            ),
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
    """Send every reminder that is due and not yet sent, by e-mail and to the group chats."""
    today = today or timezone.localdate()
    days_before = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    report = ReminderReport()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _upcoming_duty(report, today, days_before)
            _overdue_months(report, today)
            _awaiting_approval(report)
        finally:
            # A mail server that is down does not hold back the group chats (nor the reverse).
            _send_chat_deliveries(report)
    return report
