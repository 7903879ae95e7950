"""The roster workbook for download: the current roster, and the empty template to fill in.

members.roster writes the workbook; this module chooses the rows, which need each member's
rotation group (kept in activities).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import GroupMembership
from activities.roster.printable import write_roster_export
from members.models import FederationRole, Member
from members.roster import GENDER_HEADERS, ROLE_HEADERS, group_label, offices_label, write_roster


def roster_rows():
    """The active members as roster rows, by group, conveners first, then by rank."""
    members = Member.objects.active().with_role_rank().prefetch_related("offices")
    memberships = {
        m.member_id: m for m in GroupMembership.objects.current().select_related("group")
    }

    def order(member):
        membership = memberships.get(member.pk)
        number = membership.group.number if membership else 99
        convener = bool(membership and membership.is_convener)
        return (number, not convener, member.role_rank, member.stroke_key, member.pk)

    for seq, member in enumerate(sorted(members, key=order), start=1):
        membership = memberships.get(member.pk)
        yield {
            "seq": seq,
            "name": member.name,
            "gender": GENDER_HEADERS.get(member.gender, ""),
            "company": member.company,
            "position": member.position,
            "role": ROLE_HEADERS[member.role],
            "industry": member.industry,
            "township": member.township,
            "mobile": member.mobile,
            "email": member.email,
            "group": group_label(membership.group.number, membership.group.name)
            if membership
            else "",
            "convener": "是" if membership and membership.is_convener else "",
            "offices": offices_label((o.kind, o.level) for o in member.offices.all()),
            "term": member.term,
            "notes": member.notes,
        }


def roster_export_workbook():
    """The current roster as a formal table (see activities.roster.printable)."""
    return write_roster_export(roster_rows())


def roster_template_workbook():
    example = {
        "seq": 1,
        "name": "陈某某",
        "gender": "男",
        "company": "福安市示例电机有限公司",
        "position": "总经理",
        "role": ROLE_HEADERS[FederationRole.VICE_PRESIDENT],
        "industry": "电机电器",
        "township": "城阳镇",
        "mobile": "13800000000",
        "email": "",
        "group": "第1组",
        "convener": "是",
        "offices": "福安市政协委员;宁德市人大代表",
        "term": 14,
        "notes": "",
    }
    note = _(
        "Row 4 is an example: replace it with real people. Required: 姓名, 工作单位, 工商联职务. "
        "Roles: 主席, 兼职副主席, 副会长, 常执委, 执委. Groups: 1 to 12 (第3组). Offices: "
        "福安市政协委员;宁德市人大代表. An empty cell leaves the stored value alone."
    )
    return write_roster([example], title=_("Executive committee roster"), note=note)


def export_filename(prefix, day=None):
    day = day or timezone.localdate()
    if isinstance(day, datetime.datetime):
        day = day.date()
    return f"{prefix}-{day:%Y%m%d}.xlsx"
