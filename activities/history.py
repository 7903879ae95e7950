"""An item's change history for its page: the record itself and the rows recorded with it."""

from activities.models import (
    Attendance,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
)
from activities.roster.mobiles import mask_email, mask_mobile
from members.history import changes_of, merged
from members.models import Member, PublicOffice


def _labelled(model, describe):
    label = str(model._meta.verbose_name)
    return lambda row, related: f"{label}：{describe(row, related)}"


def _member_name(row, related):
    return str(related.get((Member, row.member_id), ""))


def _group_name(row, related):
    return str(related.get((RotationGroup, row.group_id), ""))


def activity_changes(activity):
    return merged(
        changes_of(activity.history.all()),
        changes_of(
            Attendance.history.filter(activity_id=activity.pk),
            parent="activity",
            subject=_labelled(Attendance, _member_name),
        ),
        changes_of(
            LeaderPresence.history.filter(activity_id=activity.pk),
            parent="activity",
            subject=_labelled(LeaderPresence, lambda row, related: row.name),
        ),
        changes_of(
            Outcome.history.filter(activity_id=activity.pk),
            parent="activity",
            subject=_labelled(Outcome, lambda row, related: row.title),
        ),
        changes_of(
            Publicity.history.filter(activity_id=activity.pk),
            parent="activity",
            subject=_labelled(Publicity, lambda row, related: row.get_channel_display()),
        ),
    )


def member_changes(member, *, shows_contact=True):
    """The member's changes; without ``shows_contact`` old and new mobiles and e-mails are
    masked as the reader sees them elsewhere (activities/roster/mobiles.py)."""
    masks = None if shows_contact else {"mobile": mask_mobile, "email": mask_email}
    return merged(
        changes_of(member.history.all(), masks=masks),
        changes_of(
            PublicOffice.history.filter(member_id=member.pk),
            parent="member",
            subject=_labelled(
                PublicOffice,
                lambda row, related: f"{row.get_level_display()}{row.get_kind_display()}",
            ),
        ),
        changes_of(
            GroupMembership.history.filter(member_id=member.pk),
            parent="member",
            subject=_labelled(GroupMembership, _group_name),
        ),
    )


def group_changes(group):
    return merged(
        changes_of(group.history.all()),
        changes_of(
            GroupMembership.history.filter(group_id=group.pk),
            parent="group",
            subject=_labelled(GroupMembership, _member_name),
        ),
    )
