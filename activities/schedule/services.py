"""Writes to the rotation schedule, the calendar feeds and the group-chat robots. Each records
who made the change."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, CalendarFeed, ChatWebhook, RotationGroup, ScheduleEntry
from activities.schedule.webhooks import (
    SIGNING_PLATFORMS,
    mask_secret,
    mask_url,
    validate_secret,
    validate_webhook_url,
)
from members.history import authored_by

NOT_GIVEN = object()
# The change reason of a past month filled in by hand (schedule_set_month, backfill).
BACKFILL = "backfill"


def is_past_month(year, month, *, today=None):
    today = today or timezone.localdate()
    return (year, month) < (today.year, today.month)


def entry_is_filled(entry):
    """Whether a schedule row says something: a group on duty or "no activity". A row left
    empty by an undone back-fill is as good as no row."""
    return entry is not None and (entry.group_id is not None or entry.no_activity)


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
    if year < timezone.localdate().year:
        # A generated round-robin would claim who was on duty in months that have passed.
        raise ValidationError(
            _(
                "%(year)s has passed, so its schedule is not generated. Fill in each month "
                "from the office's records, saying where it comes from."
            )
            % {"year": year},
            code="month_locked",
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


def month_locked_reason(year, month, *, today=None):
    """Why a schedule month can no longer change, as a sentence for the page, or None.

    A month is history once it has passed, or once an activity dated in it was recorded as
    held (approved or awaiting approval) or is awaiting approval: swapping or moving it would
    show another group as on duty beside what was held (issue 12). Archived and cancelled
    records do not lock a month.
    """
    today = today or timezone.localdate()
    label = _month_label(year, month)
    if (year, month) < (today.year, today.month):
        return _("%(month)s has passed; past months are kept as they were.") % {"month": label}
    recorded = Activity.objects.filter(
        date__year=year, date__month=month, archived_at__isnull=True
    ).filter(Q(status=Activity.Status.HELD) | Q(review_status=Activity.Review.PENDING))
    if recorded.exists():
        return _(
            "%(month)s has a held activity or one awaiting approval; its schedule is kept as "
            "it was."
        ) % {"month": label}
    return None


def locked_months(year, *, today=None):
    """{month: reason} for the months of `year` that cannot change, in two queries."""
    today = today or timezone.localdate()
    reasons = {}
    for month in range(1, 13):
        if (year, month) < (today.year, today.month):
            reasons[month] = month_locked_reason(year, month, today=today)
    busy = (
        Activity.objects.filter(date__year=year, archived_at__isnull=True)
        .filter(Q(status=Activity.Status.HELD) | Q(review_status=Activity.Review.PENDING))
        .dates("date", "month")
    )
    for day in busy:
        reasons.setdefault(day.month, month_locked_reason(year, day.month, today=today))
    return reasons


def _month_label(year, month):
    return _("%(year)s, month %(month)s") % {"year": year, "month": month}


def _refuse_if_locked(year, *months):
    for month in months:
        reason = month_locked_reason(year, month)
        if reason:
            raise ValidationError(reason, code="month_locked")


def _save_entry(entry, by, reason):
    entry.full_clean()
    entry._change_reason = reason
    authored_by(entry, by).save()


@transaction.atomic
def schedule_swap(*, year, month_a, month_b, by, expected=None):
    """Exchange what two months of a year hold (group, no-activity mark; notes stay).

    Refused (ValidationError) when either month is locked (month_locked_reason) or is not in
    the schedule. `expected` is {month: group pk or None} as the confirmation page showed
    it: if either month changed since, nothing is swapped. Both entries' history rows share
    one change reason, so the swap is undone as one (schedule_change_undo).
    """
    entries = {
        e.month: e
        for e in ScheduleEntry.objects.select_for_update().filter(
            year=year, month__in=[month_a, month_b]
        )
    }
    if len(entries) != 2 or month_a == month_b:
        raise ValidationError(_("Both months must be in the schedule before they can be swapped."))
    _refuse_if_locked(year, month_a, month_b)
    if expected is not None and any(
        entries[m].group_id != expected.get(m) for m in (month_a, month_b)
    ):
        raise ValidationError(
            _("The schedule changed after you opened the confirmation; check it again.")
        )
    a, b = entries[month_a], entries[month_b]
    a.group, b.group = b.group, a.group
    a.no_activity, b.no_activity = b.no_activity, a.no_activity
    reason = f"swap:{secrets.token_hex(8)}"
    _save_entry(a, by, reason)
    _save_entry(b, by, reason)
    return a, b


@transaction.atomic
def schedule_set_month(
    *, year, month, by, group=None, no_activity=False, note="", expected=NOT_GIVEN
):
    """Put a group on duty in a month (or mark the month as having no activity).

    Refused (ValidationError) when the month is in the schedule and locked
    (month_locked_reason), or when `expected` (the group pk or None the confirmation showed)
    is no longer what it holds.

    A past month with nothing in the schedule is history being written down, not a move: it
    is accepted only as a back-fill (补录) whose note says where it comes from (e.g.
    「据2017年度轮值安排表补录」). It is recorded as such, locked like any past month, and can be
    undone from the month's page (schedule_change_undo) while it is the month's latest change.
    """
    entry = ScheduleEntry.objects.select_for_update().filter(year=year, month=month).first()
    backfill = False
    if not entry_is_filled(entry):
        backfill = is_past_month(year, month)
        if backfill and not note.strip():
            raise ValidationError(
                _(
                    "%(month)s has passed. To fill it in, say in the note where this comes "
                    "from (for example the year's rotation plan)."
                )
                % {"month": _month_label(year, month)},
                code="backfill_reason",
            )
        entry = entry or ScheduleEntry(year=year, month=month)
    else:
        _refuse_if_locked(year, month)
    if expected is not NOT_GIVEN and entry.group_id != expected:
        raise ValidationError(
            _("The schedule changed after you opened the confirmation; check it again.")
        )
    entry.group = None if no_activity else group
    entry.no_activity = no_activity
    entry.note = note.strip() if backfill else note
    _save_entry(entry, by, BACKFILL if backfill else "set")
    return entry


def schedule_change_undoable(change_row):
    """Whether a historical schedule row (a change) can be undone now: a sentence why not,
    or None. Only the latest change of each month it touched can be undone, and only while
    those months are not locked; a back-fill of a past month can be taken back although the
    month has passed (it only empties what was written by hand)."""
    rows = _change_group(change_row)
    backfill = change_row.history_change_reason == BACKFILL
    if not backfill and any(row.history_type != "~" for row in rows):
        return _("Only a change can be undone, not the month's creation.")
    for row in rows:
        latest = (
            ScheduleEntry.history.filter(id=row.id).order_by("-history_date", "-history_id")
        ).first()
        if latest.history_id != row.history_id:
            return _("A later change was made to %(month)s; undo that one first.") % {
                "month": _month_label(row.year, row.month)
            }
        if backfill:
            continue
        reason = month_locked_reason(row.year, row.month)
        if reason:
            return reason
    return None


def _change_group(change_row):
    """The historical rows of one change: both months of a swap, or the one row."""
    reason = change_row.history_change_reason or ""
    if reason.startswith(("swap:", "undo:")):  # both months of a swap, or its undo
        return list(ScheduleEntry.history.filter(history_change_reason=reason))
    return [change_row]


@transaction.atomic
def schedule_change_undo(*, history_id, by):
    """Put the months a change touched back as they were just before it; recorded in history.

    `history_id` names a historical schedule row. A swap is undone as a whole. Raises
    ValidationError when the change cannot be undone (schedule_change_undoable says why).
    """
    change_row = ScheduleEntry.history.filter(history_id=history_id).first()
    if change_row is None:
        raise ValidationError(_("That change is not in the schedule's history."))
    rows = _change_group(change_row)
    ScheduleEntry.objects.select_for_update().filter(pk__in=[r.id for r in rows]).exists()
    refusal = schedule_change_undoable(change_row)
    if refusal:
        raise ValidationError(refusal, code="not_undoable")
    restored = []
    reason = f"undo:{secrets.token_hex(8)}"
    for row in rows:
        before = row.prev_record
        entry = ScheduleEntry.objects.get(pk=row.id)
        if change_row.history_change_reason == BACKFILL:
            # Back to "not scheduled": the row stays, with the back-fill in its history.
            entry.group_id, entry.no_activity, entry.note = None, False, ""
        else:
            entry.group_id = before.group_id
            entry.no_activity = before.no_activity
            entry.note = before.note
        _save_entry(entry, by, reason if len(rows) > 1 else "undo")
        restored.append(entry)
    return restored


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


def _chat_webhook_check(webhook):
    """Validate a robot before saving; errors name the form field they belong to."""
    webhook.url = webhook.url.strip()
    webhook.secret = webhook.secret.strip()
    webhook.name = webhook.name.strip()
    errors = {}
    for field, check in (
        ("url", lambda: validate_webhook_url(webhook.platform, webhook.url)),
        ("secret", lambda: validate_secret(webhook.platform, webhook.secret)),
    ):
        try:
            check()
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    webhook.url_masked = mask_url(webhook.url)
    webhook.secret_masked = mask_secret(webhook.secret)
    webhook.full_clean()


@transaction.atomic
def chat_webhook_create(*, by, platform, name, url, secret="", is_active=True):
    webhook = ChatWebhook(
        platform=platform,
        name=name,
        url=url,
        secret=secret,
        is_active=is_active,
        created_by=by,
    )
    _chat_webhook_check(webhook)
    authored_by(webhook, by).save()
    return webhook


@transaction.atomic
def chat_webhook_update(
    *, webhook, by, platform, name, is_active, url="", secret="", remove_secret=False
):
    """Change a robot. An empty `url` or `secret` keeps the saved one (the page never shows it
    in clear, so it cannot send it back); `remove_secret` clears the secret."""
    webhook = ChatWebhook.objects.select_for_update().get(pk=webhook.pk)
    webhook.platform = platform
    webhook.name = name
    webhook.is_active = is_active
    if url.strip():
        webhook.url = url
    if remove_secret or (platform not in SIGNING_PLATFORMS and not secret.strip()):
        webhook.secret = ""
    elif secret.strip():
        webhook.secret = secret
    _chat_webhook_check(webhook)
    authored_by(webhook, by).save()
    return webhook
