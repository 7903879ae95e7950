"""Writes of the QR check-in: open and close an activity's check-in, record who checked in,
and apply the check-ins to the activity's record. Each write is atomic and says who made it."""

import datetime
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import Activity, CheckIn, CheckInLog, CheckInSession
from activities.services import attendance_set
from members.history import authored_by
from members.models import Member

CHECKIN_LEAD = datetime.timedelta(hours=2)
TOKEN_BYTES = 16  # 128 random bits: 22 URL-safe characters


def checkin_window(activity, *, now=None):
    """The default window as (opens_at, closes_at), aware datetimes.

    Rule (issue 17): from two hours before the start until the end of the activity's day, in
    the site's time zone (settings.TIME_ZONE, Asia/Shanghai). Without a start time it opens at
    the start of the day. An activity whose day has passed opens from `now` to the end of
    today, so staff can still collect a late list.
    """
    zone = timezone.get_default_timezone()
    day = activity.date
    if activity.start_time is not None:
        opens = datetime.datetime.combine(day, activity.start_time, zone) - CHECKIN_LEAD
    else:
        opens = datetime.datetime.combine(day, datetime.time.min, zone)
    closes = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone)
    now = now or timezone.now()
    if closes <= now:
        today = timezone.localdate(now)
        opens = now
        closes = datetime.datetime.combine(
            today + datetime.timedelta(days=1), datetime.time.min, zone
        )
    return opens, closes


def checkin_open_refusal(activity, *, by, session, now=None):
    """Why `by` may not open or reopen `activity`'s check-in now, as a message; None when they
    may. `session` is the activity's CheckInSession, or None before the first opening.

    Check-in records presence on the day (Asia/Shanghai), so an activity dated before today
    takes no new check-in from anyone: a list collected months later would tick people who
    merely opened a link. On or before the day, staff and conveners open and reopen it. After
    the day, staff alone may reopen a check-in that was opened (to collect a late list the same
    evening, checkin_window); attendance found later is ticked on the record itself.
    """
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    if activity.date >= today:
        return None
    if session is not None and by is not None and by.is_office_staff:
        return None
    return _(
        "The activity was on %(date)s, a day that has passed: check-in opens only up to the "
        "end of the activity's day. Tick late attendance on the record instead."
    ) % {"date": date_format(activity.date, "DATE_FORMAT")}


@transaction.atomic
def checkin_open(*, activity, by, now=None):
    """Open the activity's check-in (first time: a new secret token and the default window),
    or reopen it: the same token works again, the window stretched to today if it had ended.
    Returns the CheckInSession. An activity whose day has passed: checkin_open_refusal
    (ValidationError with its message, nothing changed)."""
    session = CheckInSession.objects.select_for_update().filter(activity=activity).first()
    refusal = checkin_open_refusal(activity, by=by, session=session, now=now)
    if refusal is not None:
        raise ValidationError(refusal, code="checkin_day_passed")
    now = now or timezone.now()
    if session is None:
        opens, closes = checkin_window(activity, now=now)
        session = CheckInSession(
            activity=activity,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            opens_at=opens,
            closes_at=closes,
            created_by=by,
        )
        authored_by(session, by).save()
        return session
    session.closed_at = None
    if session.closes_at <= now:
        opens, closes = checkin_window(activity, now=now)
        session.opens_at = min(session.opens_at, opens)
        session.closes_at = max(closes, now + datetime.timedelta(minutes=1))
    authored_by(session, by).save()
    return session


@transaction.atomic
def checkin_close(*, session, by, now=None):
    """Close check-in now: the link answers like an unknown one until it is reopened."""
    if session.closed_at is None:
        session.closed_at = now or timezone.now()
        authored_by(session, by).save(update_fields=["closed_at"])
    return session


def _log(*, session, address, outcome, kind="", checkin=None):
    return CheckInLog.objects.create(
        address=address,
        activity_id=session.activity_id if session else None,
        kind=kind,
        outcome=outcome,
        checkin=checkin,
    )


def checkin_log_only(*, session, address, outcome, kind=""):
    """Log a request that checked nobody in (no match, an incomplete form, a closed link)."""
    return _log(session=session, address=address, outcome=outcome, kind=kind)


@transaction.atomic
def checkin_member_record(*, session, member, address):
    """Record that `member` checked in (once; a repeat returns the first row).

    Returns (CheckIn, created). The caller has matched the member (public.member_matching).
    """
    checkin, created = CheckIn.objects.get_or_create(
        activity_id=session.activity_id,
        member=member,
        defaults={"kind": CheckIn.Kind.MEMBER, "name": member.name, "address": address},
    )
    outcome = CheckInLog.Outcome.CHECKED_IN if created else CheckInLog.Outcome.REPEATED
    _log(
        session=session, address=address, outcome=outcome, kind=CheckIn.Kind.MEMBER, checkin=checkin
    )
    return checkin, created


def guest_key(name, company):
    """Name and company without spaces or case: the same guest typed twice is one row."""

    def squeeze(text):
        return "".join((text or "").split()).casefold()

    return f"{squeeze(name)}\x1f{squeeze(company)}"


@transaction.atomic
def checkin_guest_record(*, session, name, company, title="", address):
    """Record a guest (not a committee member); counts as another participant once applied.

    Returns (CheckIn, created); a repeat of the same name and company returns the first row.
    """
    checkin, created = CheckIn.objects.get_or_create(
        activity_id=session.activity_id,
        kind=CheckIn.Kind.GUEST,
        guest_key=guest_key(name, company),
        defaults={"name": name, "company": company, "title": title, "address": address},
    )
    outcome = CheckInLog.Outcome.CHECKED_IN if created else CheckInLog.Outcome.REPEATED
    _log(
        session=session, address=address, outcome=outcome, kind=CheckIn.Kind.GUEST, checkin=checkin
    )
    return checkin, created


def person_key(name):
    """A name as one person writes it whatever the keyboard: NFKC (full-width letters become
    ordinary ones), no spaces of any kind, case folded. Two check-ins with the same key are
    probably one person."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def same_name_guest_ids(guests, member_names):
    """The ids of `guests` (CheckIn rows) whose name is a member's in `member_names` (the
    members who checked in or are ticked): most likely a member who also checked in as a
    guest, so such a guest is not counted unless the staff confirm (checkin_apply)."""
    keys = {person_key(name) for name in member_names}
    return {guest.pk for guest in guests if person_key(guest.name) in keys}


@dataclass(frozen=True)
class Applied:
    """What one apply did: members ticked and guests counted; `arrived_later`: check-ins not
    on the page the staff applied from (left for the next apply); `same_name_left`: guests
    with a member's name left out because nobody confirmed them."""

    members_added: int
    guests_added: int
    arrived_later: int = 0
    same_name_left: int = 0


@transaction.atomic
def checkin_apply(*, activity, by, shown=None, confirmed=(), now=None):
    """Apply the check-ins to the record: checked-in members are ticked (nobody is unticked),
    guests not yet applied are added to other participants. Applying again adds nothing.

    `shown`: ids of the CheckIn rows the staff's page listed as waiting (None: every one
    waiting, for a command or the shell). Only those are applied, so the button does what it
    said; check-ins that arrived since stay waiting for the next apply. A guest whose name is
    a checked-in or ticked member's (same_name_guest_ids) is left out, still waiting, unless
    its id is in `confirmed` (the staff know it is another person).

    Changes the attendance and other participants in one save, under the activity's row
    lock: the record takes its next version once (members/locking.py), so an edit or review
    form opened before this is refused instead of undoing it. Returns Applied.
    """
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    checkins = list(
        activity.checkins.only("pk", "kind", "member_id", "name", "applied_at").order_by("pk")
    )
    ticked = set(activity.attendances.values_list("member_id", flat=True))
    checked = {c.member_id for c in checkins if c.kind == CheckIn.Kind.MEMBER}
    # As the reconcile box lists them: members checked in but not ticked, guests not counted.
    waiting = [
        c
        for c in checkins
        if (c.kind == CheckIn.Kind.MEMBER and c.member_id not in ticked)
        or (c.kind == CheckIn.Kind.GUEST and c.applied_at is None)
    ]
    if shown is not None:
        shown = set(shown)
    chosen = waiting if shown is None else [c for c in waiting if c.pk in shown]
    arrived_later = len(waiting) - len(chosen)
    member_names = Member.objects.filter(pk__in=ticked | checked).values_list("name", flat=True)
    guests = [c for c in chosen if c.kind == CheckIn.Kind.GUEST]
    same_name = same_name_guest_ids(guests, member_names) - set(confirmed)
    guests = [c for c in guests if c.pk not in same_name]
    new_members = {
        c.member_id for c in chosen if c.kind == CheckIn.Kind.MEMBER and c.member_id not in ticked
    }
    if guests:
        activity.other_participants += len(guests)
        authored_by(activity, by).save(update_fields=["other_participants", "updated_at"])
    if new_members:
        # One apply is one change: the save above, if any, has raised the version for it.
        attendance_set(
            activity=activity,
            members=Member.objects.filter(pk__in=ticked | new_members),
            by=by,
            version_raised=bool(guests),
        )
    done = [c.pk for c in chosen if c.pk not in same_name and c.applied_at is None]
    if done:
        CheckIn.objects.filter(pk__in=done).update(applied_at=now)
    return Applied(
        members_added=len(new_members),
        guests_added=len(guests),
        arrived_later=arrived_later,
        same_name_left=len(same_name),
    )
