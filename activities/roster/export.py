"""The roster workbook for download: the current roster, and the empty template to fill in.

members.roster writes the workbook; this module chooses the rows, which need each member's
rotation group (kept in activities).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import GroupMembership
from activities.roster.printable import write_roster_export
from members.models import FederationRole, Member, PublicOffice
from members.roster import (
    GENDER_HEADERS,
    ROLE_HEADERS,
    group_label,
    offices_label,
    write_roster_template,
)


class _Contact:
    """What ContactVisibility reads of a member (pk, mobile, email), without a model instance."""

    __slots__ = ("email", "mobile", "pk")

    def __init__(self, pk, mobile, email):
        self.pk, self.mobile, self.email = pk, mobile, email


_MEMBER_FIELDS = (
    "pk",
    "name",
    "gender",
    "company",
    "position",
    "role",
    "industry",
    "township",
    "mobile",
    "email",
    "term",
    "notes",
    "stroke_key",
)


def roster_rows(members=None, *, visibility=None):
    """The active members (or ``members``, a filtered roster) as roster rows, by group,
    conveners first, then by rank (the order of ``FederationRole``) and strokes.

    Yields dicts keyed by ``members.roster.EXPORT_COLUMNS`` keys (``seq`` from 1). With
    ``visibility`` (a ContactVisibility), mobiles and e-mails are masked as the roster page
    masks them. Three queries whatever the size (members, current memberships, offices), read
    as plain values: at 13,200 members, building a model instance and a prefetch queryset per
    member cost more than writing the workbook.
    """
    chosen = (
        Member.objects.active()
        if members is None
        else Member.objects.filter(pk__in=members.values("pk"))
    )
    memberships = {
        member_id: (group_id, number, name, is_convener)
        for member_id, group_id, number, name, is_convener in GroupMembership.objects.current()
        .filter(member__in=chosen.values("pk"))
        .values_list("member_id", "group_id", "group__number", "group__name", "is_convener")
    }
    offices = {}
    for member_id, kind, level in PublicOffice.objects.filter(
        member__in=chosen.values("pk")
    ).values_list("member_id", "kind", "level"):
        offices.setdefault(member_id, []).append((kind, level))
    rank = {value: i for i, value in enumerate(FederationRole.values)}
    unranked = len(rank)
    no_group = (None, 99, "", False)

    def order(row):
        _pk, number, _name, convener = memberships.get(row[0], no_group)
        return (number, not convener, rank.get(row[5], unranked), row[12], row[0])

    group_labels = {}
    office_labels = {}
    rows = sorted(chosen.order_by().values_list(*_MEMBER_FIELDS), key=order)
    for seq, row in enumerate(rows, start=1):
        pk, name, gender, company, position, role, industry, township, mobile, email = row[:10]
        group_id, number, group_name, convener = memberships.get(pk, no_group)
        if visibility:
            contact = _Contact(pk, mobile, email)
            mobile = visibility.display(contact, group_id)
            email = visibility.display_email(contact, group_id)
        if group_id is None:
            group = ""
        else:
            group = group_labels.get(group_id)
            if group is None:
                group = group_labels[group_id] = group_label(number, group_name)
        held = offices.get(pk)
        if held:
            key = tuple(held)
            office = office_labels.get(key)
            if office is None:
                office = office_labels[key] = offices_label(held)
        else:
            office = ""
        yield {
            "seq": seq,
            "name": name,
            "gender": GENDER_HEADERS.get(gender, ""),
            "company": company,
            "position": position,
            "role": ROLE_HEADERS[role],
            "industry": industry,
            "township": township,
            "mobile": mobile,
            "email": email,
            "group": group,
            "convener": "是" if convener else "",
            "offices": office,
            "term": row[10],
            "notes": row[11],
        }


def roster_export_workbook(members=None, *, scope="", visibility=None, output=None):
    """The current roster (or ``members``, filtered; ``scope`` says how) as a formal table (see
    activities.roster.printable): .xlsx bytes, or ``output`` (a binary file) holding them."""
    return write_roster_export(
        roster_rows(members, visibility=visibility), scope=scope, output=output
    )


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
