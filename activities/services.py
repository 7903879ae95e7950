"""Writes to groups, memberships and activities. Each records who made the change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from activities.models import (
    Activity,
    ActivityCounter,
    Attendance,
    CheckInSession,
    GroupMembership,
    RotationGroup,
)
from members.history import authored_by
from members.locking import NOT_CHECKED, version_bump, version_claim
from members.models import Member


def activity_number_next():
    """Take the next 第N次 number. Call inside a transaction.

    The UPDATE takes the counter row's lock first (on SQLite, the write lock), so two
    concurrent saves queue here instead of reading the same number; the unique constraint on
    Activity.number is the backstop. The counter also jumps past any number already used,
    e.g. one typed into the admin for a historical activity.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("activity_number_next() must run inside transaction.atomic()")
    # The row normally exists (a data migration makes it); recreate it if it was lost,
    # without racing a concurrent save that does the same.
    ActivityCounter.objects.bulk_create([ActivityCounter(pk=1)], ignore_conflicts=True)
    ActivityCounter.objects.filter(pk=1).update(last_number=F("last_number") + 1)
    counter = ActivityCounter.objects.select_for_update().get(pk=1)
    highest = Activity.objects.aggregate(highest=Max("number"))["highest"] or 0
    if counter.last_number <= highest:
        counter.last_number = highest + 1
        counter.save(update_fields=["last_number"])
    return counter.last_number


def _number_if_counted(activity):
    """Give a held, approved activity its 第N次 number, once (numbers are never reused)."""
    if (
        activity.status == Activity.Status.HELD
        and activity.review_status == Activity.Review.APPROVED
        and activity.number is None
    ):
        activity.number = activity_number_next()


@transaction.atomic
def activity_save(*, activity, by):
    """Validate and save an activity (its version rises when it was already stored).

    It takes its number when it first counts: recorded as held and approved. A convener's
    record (review_status pending) gets none until the staff approve it (activity_approve).
    """
    if activity.pk is None and activity.created_by_id is None and by is not None:
        activity.created_by = by
    activity.full_clean(exclude=["number", "submission_token"])
    _number_if_counted(activity)
    authored_by(activity, by).save()
    return activity


@transaction.atomic
def attendance_set(*, activity, members, by, version_raised=False):
    """Make the attendance list exactly `members`, touching only the rows that change.

    Returns the number of rows added plus removed (0: nothing changed). Every row this call
    writes carries one history date, so the history shows the save as one change
    ("出席 +3 −1", activities.history.attendance_changes), not a line per person.

    The attendance is part of the record: a change takes the activity's next version
    (members.locking), in this transaction and under the activity's row lock, so an edit or
    review form opened before it is refused instead of undoing it. `version_raised`: the
    caller has already raised the version for this same change in this transaction (the
    activity form's save, activity_record), so it is not raised twice for one save; the
    caller then holds the row lock. Otherwise the row is locked before the list is read.
    """
    if not version_raised:
        Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk").first()
    wanted = {m.pk for m in members}
    current = dict(activity.attendances.values_list("member_id", "pk"))
    removed = set(current) - wanted
    added = wanted - set(current)
    when = timezone.now()
    for member_id in removed:
        row = Attendance.objects.get(pk=current[member_id])
        row._history_date = when
        authored_by(row, by).delete()
    for member_id in added:
        row = Attendance(activity=activity, member_id=member_id)
        row._history_date = when
        authored_by(row, by).save()
    if (removed or added) and not version_raised:
        version_bump(activity)
    return len(removed) + len(added)


@transaction.atomic
def activity_archive(*, activity, by):
    if activity.archived_at is None:
        activity.archived_at = timezone.now()
        authored_by(activity, by).save(update_fields=["archived_at", "updated_at"])
    return activity


@transaction.atomic
def membership_end(*, member, by, on=None):
    """End a member's current group membership (if any) on the given day."""
    on = on or timezone.localdate()
    current = (
        GroupMembership.objects.select_for_update().filter(member=member, end_date__isnull=True)
    ).first()
    if current is None:
        return None
    current.end_date = max(on, current.start_date)
    authored_by(current, by).save(update_fields=["end_date"])
    return current


_UNCHECKED = object()


@transaction.atomic
def membership_assign(
    *, member, group, by, is_convener=False, start=None, expected_group_id=_UNCHECKED
):
    """Put a member in a group from `start` (today by default), ending their current one.

    Moving within the same group only changes the convener flag. `expected_group_id` is the
    member's current group (a pk, or None for no group) as the person moving them saw it: if
    someone else moved the member meanwhile (two staff adding the same member to two groups at
    once), ValidationError says so and nothing is written. The member's row is locked first,
    so two moves of one member run one after the other.
    """
    start = start or timezone.localdate()
    Member.objects.select_for_update().filter(pk=member.pk).first()
    current = (
        GroupMembership.objects.select_for_update()
        .filter(member=member, end_date__isnull=True)
        .select_related("group")
        .first()
    )
    current_group_id = current.group_id if current else None
    if expected_group_id is not _UNCHECKED and current_group_id != expected_group_id:
        raise ValidationError(
            _(
                "%(name)s was moved by someone else a moment ago and is now in %(group)s. "
                "Nothing was changed; look at the groups again before moving them."
            ),
            code="membership_changed",
            params={
                "name": member.name,
                "group": current.group if current else _("no group"),
            },
        )
    if current is not None and current.group_id == group.pk:
        if current.is_convener != is_convener:
            current.is_convener = is_convener
            authored_by(current, by).full_clean()
            current.save(update_fields=["is_convener"])
        return current
    if current is not None:
        membership_end(member=member, by=by, on=start)
    membership = GroupMembership(
        member=member, group=group, is_convener=is_convener, start_date=start
    )
    membership.full_clean()
    authored_by(membership, by).save()
    return membership


@transaction.atomic
def membership_bulk_create(*, memberships, by):
    """Put many new members (with no current group) in their groups at once, with history."""
    return bulk_create_with_history(memberships, GroupMembership, batch_size=500, default_user=by)


@transaction.atomic
def member_archive(*, member, by, when=None):
    """Archive a member who leaves: their history stays, their current group ends."""
    if member.archived_at is None:
        member.archived_at = when or timezone.now()
        authored_by(member, by).save(update_fields=["archived_at", "updated_at"])
        membership_end(member=member, by=by, on=timezone.localdate(member.archived_at))
    return member


@transaction.atomic
def group_create(*, number, name, by, basis=""):
    group = RotationGroup(number=number, name=name, basis=basis)
    group.full_clean()
    authored_by(group, by).save()
    return group


@transaction.atomic
def group_archive(*, group, by, when=None):
    """Archive a group that is dissolved; its members' memberships end that day."""
    if group.archived_at is None:
        group.archived_at = when or timezone.now()
        authored_by(group, by).save(update_fields=["archived_at", "updated_at"])
        day = timezone.localdate(group.archived_at)
        for membership in group.memberships.current().select_related("member"):
            membership_end(member=membership.member, by=by, on=day)
    return group


def convened_groups(user):
    """The groups a convener login may edit: where their member convenes today."""
    if not user.is_authenticated or not user.member_id:
        return RotationGroup.objects.none()
    return RotationGroup.objects.filter(
        memberships__member_id=user.member_id,
        memberships__end_date__isnull=True,
        memberships__is_convener=True,
    )


def member_group(member, on=None):
    """The group a member belongs to on a day (today by default), or None."""
    if isinstance(member, Member):
        member = member.pk
    on = on or timezone.localdate()
    membership = (
        GroupMembership.objects.on(on).filter(member_id=member).select_related("group").first()
    )
    return membership.group if membership else None


def _rows_set(*, activity, related, rows, by):
    """Make an activity's related rows (leaders, outcomes, publicity) exactly `rows`."""
    kept = []
    for row in rows:
        if row.pk is not None and row.activity_id not in (None, activity.pk):
            raise ValueError(f"{row!r} belongs to another activity")
        row.activity = activity
        row.full_clean()
        authored_by(row, by).save()
        kept.append(row.pk)
    for old in related.exclude(pk__in=kept):
        authored_by(old, by).delete()


@transaction.atomic
def activity_record(
    *,
    activity,
    attendees,
    leaders=(),
    outcomes=(),
    publicity=(),
    by,
    expected_version=NOT_CHECKED,
    for_review=False,
    replaces_plan=None,
):
    """Save an activity with everything recorded about it, all of it or none of it.

    `attendees` are members; `leaders`, `outcomes` and `publicity` are the rows the activity
    should have afterwards (saved ones are updated, new ones added, any others removed).
    A held, approved activity takes its 第N次 number here (see activity_save). With
    `expected_version` (the version the form was opened at) a save over someone else's is
    refused (StaleEditError; None: MissingVersionError). With `for_review` (a convener's
    record) the activity waits for the staff's approval before it counts or gets a number.
    `replaces_plan`: the month's plan a new held record was started from; it is archived so
    the month shows one activity, unless it has a check-in (then it is the event's record).
    """
    version_claim(activity, expected_version)
    if for_review:
        activity.review_status = Activity.Review.PENDING
        activity.submitted_at = timezone.now()
    activity_save(activity=activity, by=by)
    # activity_save raised the version (a stored record): the attendance is part of that save.
    attendance_set(activity=activity, members=attendees, by=by, version_raised=True)
    _rows_set(activity=activity, related=activity.leaders.all(), rows=leaders, by=by)
    _rows_set(activity=activity, related=activity.outcomes.all(), rows=outcomes, by=by)
    for row in publicity:
        # A report left undated is taken as of the activity's day (the office's usual case).
        if row.date is None:
            row.date = activity.date
    _rows_set(activity=activity, related=activity.publicity.all(), rows=publicity, by=by)
    if replaces_plan is not None and activity.status == Activity.Status.HELD:
        plan = (
            Activity.objects.select_for_update()
            .filter(
                pk=replaces_plan.pk,
                group_id=activity.group_id,
                status=Activity.Status.PLANNED,
                archived_at__isnull=True,
            )
            .exclude(pk=activity.pk)
            .exclude(pk__in=CheckInSession.objects.values("activity_id"))
            .first()
        )
        if plan is not None:
            activity_archive(activity=plan, by=by)
    return activity


@transaction.atomic
def group_conveners_set(*, group, conveners, by):
    """Make exactly `conveners` (current members of the group) its conveners."""
    wanted = {m.pk for m in conveners}
    for membership in group.memberships.current().select_related("member"):
        is_convener = membership.member_id in wanted
        if membership.is_convener != is_convener:
            # If someone moved the member out meanwhile, say so rather than move them back.
            membership_assign(
                member=membership.member,
                group=group,
                by=by,
                is_convener=is_convener,
                expected_group_id=group.pk,
            )
    return group


# --- Records conveners submit and staff approve ---------------------------------------------


@transaction.atomic
def activity_submit(*, activity, by):
    """A convener's record now waits for the staff's approval."""
    activity.review_status = Activity.Review.PENDING
    activity.submitted_at = timezone.now()
    authored_by(activity, by).save(update_fields=["review_status", "submitted_at", "updated_at"])
    return activity


def _review_claim(activity, expected_version):
    """Lock `activity` for a review decision and check it is still the version the staff
    looked at (members.locking.version_claim: StaleEditError, or MissingVersionError when
    `expected_version` is None). Returns the record as stored."""
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    if current.review_status == Activity.Review.PENDING:
        version_claim(current, expected_version)
    return current


@transaction.atomic
def activity_approve(*, activity, by, expected_version=NOT_CHECKED):
    """Approve a convener's pending record: it counts from now on and takes its number.

    `expected_version` is the version the approving page showed (an int): a record changed
    since is not approved (StaleEditError; None: MissingVersionError), so nobody approves
    content they never saw. Not pending: ValidationError.
    """
    activity = _review_claim(activity, expected_version)
    if activity.review_status != Activity.Review.PENDING:
        raise ValidationError(_("Only a record awaiting approval can be approved."))
    activity.review_status = Activity.Review.APPROVED
    activity.review_comment = ""
    activity.reviewed_by = by
    activity.reviewed_at = timezone.now()
    # It counts from now on, so this is when it takes its 第N次 number.
    _number_if_counted(activity)
    authored_by(activity, by).save()
    return activity


@transaction.atomic
def activity_return(*, activity, by, comment, expected_version=NOT_CHECKED):
    """Send a record back to its convener with a comment saying what to change.

    `expected_version` as for activity_approve: a comment on a version the staff did not see
    is not sent (StaleEditError or MissingVersionError).
    """
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the convener should change.")})
    activity = _review_claim(activity, expected_version)
    if activity.review_status != Activity.Review.PENDING:
        raise ValidationError(_("Only a record awaiting approval can be returned."))
    activity.review_status = Activity.Review.RETURNED
    activity.review_comment = comment
    activity.reviewed_by = by
    activity.reviewed_at = timezone.now()
    authored_by(activity, by).save()
    return activity
