"""The attendance checklist of the activity form, laid out like the paper sign-in sheet (签到表).

The host group's members come first, in the sheet's order (``RotationGroup.members_on(day)``,
姓氏笔画); members of other groups are found one by one through a search (name, pinyin with or
without spaces, initials) instead of being listed; the ticked names are listed by group in the
same order as the sheet: host group first, then the other groups by number. The page is built
from a fixed number of queries whatever the size of the roster.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from activities.models import GroupMembership, RotationGroup
from members.models import Member

SEARCH_RESULTS = 20  # a search shows at most this many members
SEARCH_TEXT_LIMIT = 50


def with_group_on(queryset, day):
    """Annotate each member with the group they belonged to on ``day`` (None: no group)."""
    on = GroupMembership.objects.on(day).filter(member=OuterRef("pk")).order_by("-start_date")
    return queryset.annotate(
        day_group_id=Subquery(on.values("group_id")[:1]),
        day_group_number=Subquery(on.values("group__number")[:1]),
        day_group_name=Subquery(on.values("group__name")[:1]),
    )


def group_label(number, name):
    if number is None:
        return _("Not in a group")
    return str(RotationGroup(number=number, name=name))


def member_search(text, *, day):
    """Active members matching ``text``: name or company, full pinyin typed with or without
    spaces (``zheng xing``, ``zhengxing``), or initials (``zx`` → 郑兴). Best matches first,
    then 姓氏笔画; at most SEARCH_RESULTS, each annotated with their group on ``day``."""
    text = " ".join((text or "").split())[:SEARCH_TEXT_LIMIT]
    if not text:
        return []
    compact = text.replace(" ", "").lower()
    matches = Q(name__icontains=text) | Q(company__icontains=text)
    exact = Q(name=text)
    if compact.isascii() and compact.isalpha():
        matches |= Q(pinyin_compact__contains=compact) | Q(pinyin_initials__startswith=compact)
        exact |= Q(pinyin_compact=compact) | Q(pinyin_initials=compact)
    members = (
        Member.objects.active()
        .filter(matches)
        .annotate(
            rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "stroke_key", "pk")
    )
    found = list(with_group_on(members, day)[:SEARCH_RESULTS])
    for member in found:
        member.group_label = group_label(member.day_group_number, member.day_group_name)
    return found


def member_json(member, *, group=None):
    """What the search answers about a member: never a mobile or anything personal."""
    number = group.number if group else member.day_group_number
    name = group.name if group else member.day_group_name
    return {
        "id": member.pk,
        "name": member.name,
        "company": member.company,
        "group_id": group.pk if group else member.day_group_id,
        "group_number": number,
        "group": group_label(number, name),
        "sort": member.stroke_key,
        "archived": member.archived_at is not None,
    }


@dataclass
class TickedGroup:
    """One group's ticked names in the list under the checklist."""

    number: int | None
    label: str
    is_host: bool = False
    members: list = field(default_factory=list)


@dataclass
class AttendanceBoard:
    host: RotationGroup | None
    day: datetime.date
    host_members: list
    ticked_groups: list  # of TickedGroup: host group first, then by number, no group last
    search_text: str = ""
    search_results: list = field(default_factory=list)

    @property
    def checked_count(self):
        return sum(len(group.members) for group in self.ticked_groups)

    @property
    def others(self):
        """Ticked members who are not in the host block (their checkbox is in the list)."""
        return [m for group in self.ticked_groups if not group.is_host for m in group.members]


def attendance_board(*, host, day, checked_ids, search_text=""):
    """The checklist for ``host`` (a RotationGroup or None) on ``day`` with ``checked_ids``
    ticked: three queries, four with a search."""
    host_members = list(host.members_on(day)) if host else []
    host_ids = {m.pk for m in host_members}
    for member in host_members:
        member.checked = member.pk in checked_ids
    others = []
    if checked_ids - host_ids:
        others = list(
            with_group_on(Member.objects.filter(pk__in=checked_ids - host_ids), day).order_by(
                "stroke_key", "pk"
            )
        )
    groups = {}
    if host and any(m.checked for m in host_members):
        groups[host.number] = TickedGroup(
            number=host.number,
            label=str(host),
            is_host=True,
            members=[m for m in host_members if m.checked],
        )
    for member in others:
        # Not in the host group on the day (members_on and with_group_on agree on that).
        member.checked = True
        number = member.day_group_number
        if number not in groups:
            groups[number] = TickedGroup(
                number=number, label=group_label(number, member.day_group_name)
            )
        groups[number].members.append(member)
    ticked = sorted(
        groups.values(),
        key=lambda g: (not g.is_host, g.number is None, g.number or 0),
    )
    results = []
    if search_text:
        results = [
            m
            for m in member_search(search_text, day=day)
            if m.pk not in host_ids and m.pk not in checked_ids
        ]
    return AttendanceBoard(
        host=host,
        day=day,
        host_members=host_members,
        ticked_groups=ticked,
        search_text=search_text,
        search_results=results,
    )


def script_text():
    """The words activity_form.js shows, translated here (given to it with json_script)."""
    return {
        "remove": _("Remove %s"),
        "archived": _("archived"),
        "noneTicked": _("No member ticked yet."),
        "hostGroup": _("Host group"),
        "chooseGroup": _(
            "Choose the group above: its members appear here in the order of the sign-in sheet."
        ),
        "sheetOrder": _("In the order of the sign-in sheet: tick all, then untick the absent."),
        "emptyGroup": _("This group had no members on that day."),
        "noMatch": _("No member matches."),
        "failed": _("The search did not answer; try again."),
        "ticked": _("ticked"),
        "added": _("%s added."),
    }
