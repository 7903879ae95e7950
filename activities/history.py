"""An item's change history for its page: the record itself and the rows recorded with it."""

from django.utils.translation import gettext as _

from activities.models import (
    Attendance,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
)
from activities.roster.mobiles import mask_email, mask_mobile
from members.history import Change, changes_of, merged
from members.models import Member, PublicOffice


def _labelled(model, describe):
    label = str(model._meta.verbose_name)
    return lambda row, related: f"{label}：{describe(row, related)}"


def _member_name(row, related):
    return str(related.get((Member, row.member_id), ""))


def _group_name(row, related):
    return str(related.get((RotationGroup, row.group_id), ""))


def attendance_changes(activity):
    """One change per save of the attendance, e.g. "出席 +3 −1", naming who was added and
    who removed (姓氏笔画 order), instead of a line per attendee.

    One save writes all its rows with one history date (activities.services.attendance_set),
    so rows sharing a date and an author are one save.
    """
    rows = list(
        Attendance.history.filter(activity_id=activity.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not rows:
        return []
    members = {m.pk: m for m in Member._base_manager.filter(pk__in={row.member_id for row in rows})}
    saves = []
    for row in rows:
        last = saves[-1][-1] if saves else None
        if (
            last is not None
            and last.history_user_id == row.history_user_id
            and last.history_date == row.history_date
        ):
            saves[-1].append(row)
        else:
            saves.append([row])
    changes = []
    for save in saves:
        added, removed = set(), set()
        for row in save:
            # Removed and added back within one save is no change, and the reverse too.
            if row.history_type == "+":
                if row.member_id in removed:
                    removed.discard(row.member_id)
                else:
                    added.add(row.member_id)
            elif row.history_type == "-":
                if row.member_id in added:
                    added.discard(row.member_id)
                else:
                    removed.add(row.member_id)
        if not (added or removed):
            continue
        changes.append(
            Change(
                when=save[-1].history_date,
                who=save[-1].history_user,
                action="~",
                subject=_attendance_summary(len(added), len(removed)),
                details=_named(_("Added"), added, members) + _named(_("Removed"), removed, members),
                history_id=save[-1].history_id,
            )
        )
    return changes


def _attendance_summary(added, removed):
    parts = [f"+{added}"] if added else []
    if removed:
        parts.append(f"−{removed}")
    return _("Attendance %(counts)s") % {"counts": " ".join(parts)}


def _named(label, member_ids, members):
    if not member_ids:
        return []
    ordered = sorted(
        (members[pk] for pk in member_ids if pk in members),
        key=lambda m: (m.stroke_key, m.pk),
    )
    return [f"{label}：{'、'.join(m.name for m in ordered)}"]


def activity_changes(activity):
    return merged(
        changes_of(activity.history.all()),
        attendance_changes(activity),
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
