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
from members.roster import (
    GENDER_HEADERS,
    ROLE_HEADERS,
    group_label,
    offices_label,
    write_roster_template,
)


def roster_rows(members=None, *, visibility=None):
    """The active members (or ``members``, a filtered roster) as roster rows, by group,
    conveners first, then by rank. With ``visibility`` (a ContactVisibility), mobiles and
    e-mails are masked as the roster page masks them."""
    chosen = (
        Member.objects.active()
        if members is None
        else Member.objects.filter(pk__in=members.values("pk"))
    )
    members = chosen.with_role_rank().prefetch_related("offices")
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
            "mobile": visibility.display(member, membership and membership.group_id)
            if visibility
            else member.mobile,
            "email": visibility.display_email(member, membership and membership.group_id)
            if visibility
            else member.email,
            "group": group_label(membership.group.number, membership.group.name)
            if membership
            else "",
            "convener": "是" if membership and membership.is_convener else "",
            "offices": offices_label((o.kind, o.level) for o in member.offices.all()),
            "term": member.term,
            "notes": member.notes,
        }


def roster_export_workbook(members=None, *, scope="", visibility=None):
    """The current roster (or ``members``, filtered; ``scope`` says how) as a formal table (see
    activities.roster.printable)."""
    return write_roster_export(roster_rows(members, visibility=visibility), scope=scope)


def roster_template_workbook():
    """The template: an empty data sheet with drop-downs, the example on its 说明 sheet."""
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
        "group": "第1组",
        "convener": "是",
        "offices_npc": "宁德市",
        "offices_cppcc": "福安市",
        "term": 14,
    }
    notes = [
        _("How to fill in the executive committee roster"),
        _(
            "Fill in the sheet 执委会成员名册, one person per row from row 2. Required: 姓名, "
            "工作单位, 工商联职务."
        ),
        _(
            "The lists (工商联职务, 轮值组, 召集人, 性别, 人大代表, 政协委员) offer the accepted "
            "values; "
            "an empty cell leaves the stored value alone."
        ),
        _("This sheet is never imported. The example below shows one filled-in row."),
    ]
    return write_roster_template(example=example, notes=notes)


def export_filename(prefix, day=None):
    day = day or timezone.localdate()
    if isinstance(day, datetime.datetime):
        day = day.date()
    return f"{prefix}-{day:%Y%m%d}.xlsx"
