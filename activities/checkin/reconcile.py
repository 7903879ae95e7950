"""Check-ins beside the ticked attendance, for the reconcile box on the activity's page.

A guest who gives a checked-in or ticked member's name is flagged (most likely the member
checking in twice) and is not counted by the apply unless the staff tick it as another
person (activities.checkin.services.checkin_apply)."""

from dataclasses import dataclass, field

from activities.checkin.services import same_name_guest_ids
from activities.models import CheckIn, CheckInSession


@dataclass
class Reconciliation:
    """Who checked in against who is ticked. Lists hold CheckIn rows or Members, in 姓氏笔画
    order for members and arrival order for guests."""

    session: CheckInSession | None
    both: list = field(default_factory=list)  # CheckIn: checked in and ticked
    checked_not_ticked: list = field(default_factory=list)  # CheckIn
    ticked_not_checked: list = field(default_factory=list)  # Member
    guests: list = field(default_factory=list)  # CheckIn, each with .same_name (bool)
    guests_pending: int = 0  # guests not yet counted, less those with a member's name
    same_name_pending: list = field(default_factory=list)  # CheckIn: counted only if confirmed

    @property
    def has_checkins(self):
        return bool(self.both or self.checked_not_ticked or self.guests)

    @property
    def to_apply(self):
        return bool(self.checked_not_ticked or self.same_name_pending) or self.guests_pending > 0

    @property
    def shown_ids(self):
        """The ids the apply button applies (checkin_apply's `shown`): exactly what the box
        lists as waiting when the page is drawn."""
        waiting = self.checked_not_ticked + [c for c in self.guests if c.applied_at is None]
        return [c.pk for c in waiting]


def reconcile(activity):
    """A Reconciliation of `activity` (three queries); `session` is None if check-in was
    never opened."""
    session = CheckInSession.objects.filter(activity=activity).first()
    if session is None:
        return Reconciliation(session=None)
    checkins = list(
        CheckIn.objects.filter(activity=activity)
        .select_related("member")
        .order_by("member__stroke_key", "checked_in_at", "pk")
    )
    ticked = {
        attendance.member_id: attendance.member
        for attendance in activity.attendances.select_related("member").order_by(
            "member__stroke_key"
        )
    }
    members = [c for c in checkins if c.kind == CheckIn.Kind.MEMBER]
    checked_ids = {c.member_id for c in members}
    guests = sorted((c for c in checkins if c.kind == CheckIn.Kind.GUEST), key=lambda c: c.pk)
    member_names = [c.member.name for c in members] + [m.name for m in ticked.values()]
    same_name = same_name_guest_ids(guests, member_names)
    for guest in guests:
        guest.same_name = guest.pk in same_name
    return Reconciliation(
        session=session,
        both=[c for c in members if c.member_id in ticked],
        checked_not_ticked=[c for c in members if c.member_id not in ticked],
        ticked_not_checked=[m for pk, m in ticked.items() if pk not in checked_ids],
        guests=guests,
        guests_pending=sum(1 for c in guests if c.applied_at is None and not c.same_name),
        same_name_pending=[c for c in guests if c.applied_at is None and c.same_name],
    )
