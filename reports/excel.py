"""The leadership's year-end workbook: a :class:`~reports.tallies.Report` as formal tables.

Written with XlsxWriter through :mod:`fuan_rotation.formal` (title block, ruled cells in 宋体, units
in the headers, AutoFilter, SUBTOTAL totals stored with their values, A4 print setup with
「第 N 页 共 M 页」). The workbook is the office's document: its text is Chinese whatever
language the person downloading it reads the site in: its texts are catalogue strings (English
msgids, context ``workbook``) rendered under ``zh-hans``, as are the labels that come from
the models (themes, roles, groups). tests/reports/test_workbook_text.py holds the text fixed.

Sheets, in the order the leadership asked for: 汇总, 按主题, 按轮值组, 按月份, 活动明细,
活动领导与成果, 成员参与, 领导出席, 履职成果, 成果统计, 说明. Every figure is the report's
own: the workbook counts nothing itself, and each total's stored value is the report's
figure.
"""

from django.utils import timezone, translation
from django.utils.translation import pgettext, pgettext_lazy

from fuan_rotation.formal import (
    CONTENT_TYPE,
    FONT,
    ActivityNumber,
    Column,
    FormalBook,
    Percent,
    Sum,
    chinese_date,
    clean_text,
    display_width,
    federation_name,
)

__all__ = [
    "CONTENT_TYPE",
    "SHEETS",
    "build_workbook",
    "clean_text",
    "display_width",
    "file_name",
    "workbook_bytes",
    "write_workbook",
]

WORKBOOK_LANGUAGE = "zh-hans"
SHEETS = [
    pgettext_lazy("workbook", "Summary"),
    pgettext("workbook", "By theme"),
    pgettext("workbook", "By rotation group"),
    pgettext("workbook", "By month"),
    pgettext("workbook", "Activities"),
    pgettext("workbook", "Leaders and outcomes of activities"),
    pgettext("workbook", "Member participation"),
    pgettext("workbook", "Leaders present"),
    pgettext("workbook", "Outcomes"),
    pgettext("workbook", "Outcome counts"),
    pgettext("workbook", "Notes"),
]


def period_title(period):
    """「2018年度轮值活动统计表」, or 「2017年11月1日至2019年7月31日轮值活动统计表」."""
    with translation.override(WORKBOOK_LANGUAGE):
        if period.year:
            return pgettext("workbook", "Rotation activity statistics %(year)s") % {
                "year": period.year
            }
        return pgettext("workbook", "Rotation activity statistics %(start)s to %(end)s") % {
            "start": chinese_date(period.start),
            "end": chinese_date(period.end),
        }


def _label(cache, key, row, attribute):
    """``row``'s label ``attribute`` as text, rendered once a workbook for each ``key`` (what
    the label depends on) rather than once a row: labels are translated strings, and at a
    province's size the activity and leader sheets have thousands of rows and a few dozen
    different labels."""
    text = cache.get(key)
    if text is None:
        text = cache[key] = str(getattr(row, attribute))
    return text


def _rate(value):
    return "—" if value is None else Percent(value)


def _summary(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "Summary"),
        [
            Column(pgettext("workbook", "Item"), cap=24),
            Column(pgettext("workbook", "Value"), width=8),
            Column(pgettext("workbook", "Unit"), width=5, align="center"),
            Column(pgettext("workbook", "Notes"), cap=28),
        ],
        scope=scope,
        one_page=True,
        orientation="portrait",
    )
    add = sheet.add
    add(
        pgettext("workbook", "Number of activities"),
        report.activity_count,
        pgettext("workbook unit", "activities"),
        pgettext("workbook", "Activities held and approved"),
    )
    add(
        pgettext("workbook", "Person-times"),
        report.person_times,
        pgettext("workbook unit", "person-times"),
        pgettext("workbook", "Members present plus other participants; leaders not counted"),
    )
    add(
        pgettext("workbook", "　of which members present"),
        report.attendances,
        pgettext("workbook unit", "person-times"),
        "",
    )
    add(
        pgettext("workbook", "　　　　other participants"),
        report.other_participants,
        pgettext("workbook unit", "person-times"),
        "",
    )
    add(
        pgettext("workbook", "Activities with four-leading-bodies leaders"),
        report.with_four_bodies,
        pgettext("workbook unit", "activities"),
        "",
    )
    add(
        pgettext("workbook", "Activities with department or township leaders"),
        report.with_department,
        pgettext("workbook unit", "activities"),
        "",
    )
    add(
        pgettext("workbook", "Department or township leaders present (person-times)"),
        report.department_presences,
        pgettext("workbook unit", "person-times"),
        "",
    )
    for theme in report.themes:
        add(
            pgettext("workbook", "Theme: %(theme)s") % {"theme": theme.label},
            theme.activities,
            pgettext("workbook unit", "activities"),
            pgettext("workbook", "%(count)s person-times") % {"count": theme.person_times},
        )
    committee = report.committee
    if committee is not None:
        parts = "＋".join(str(n) for _r, _label, n in committee.by_role)
        add(
            pgettext("workbook", "Executive committee members"),
            committee.members,
            pgettext("workbook unit", "people"),
            f"{committee.members}＝{parts}",
        )
        for _role, label, count in committee.by_role:
            add(
                pgettext("workbook", "　of which %(role)s") % {"role": label},
                count,
                pgettext("workbook unit", "people"),
                "",
            )
        add(
            pgettext("workbook", "People's congress deputies"),
            committee.deputies,
            pgettext("workbook unit", "people"),
            pgettext("workbook", "Among the committee members"),
        )
        add(
            pgettext("workbook", "CPPCC members"),
            committee.cppcc,
            pgettext("workbook unit", "people"),
            pgettext("workbook", "Among the committee members"),
        )
        add(
            pgettext("workbook", "Rotation groups"),
            committee.groups,
            pgettext("workbook unit", "groups"),
            "",
        )
    base_note = pgettext(
        "workbook", "Members in a rotation group during the period, or who took part"
    )
    if report.is_scoped:
        base_note = pgettext(
            "workbook",
            "Members of these groups during the period; members from outside them who took "
            "part are counted apart",
        )
    elif committee is not None and committee.ungrouped:
        who = "、".join(
            pgettext("workbook", "%(role)s %(count)s") % {"role": label, "count": n}
            for label, n in committee.ungrouped
        )
        base_note = pgettext(
            "workbook",
            "The participation base: %(count)s fewer than the committee, as %(who)s are "
            "in no rotation group",
        ) % {"count": committee.ungrouped_count, "who": who}
    add(
        pgettext("workbook", "Members expected"),
        report.member_count,
        pgettext("workbook unit", "people"),
        base_note,
    )
    add(
        pgettext("workbook", "Members who took part"),
        report.participants,
        pgettext("workbook unit", "people"),
        pgettext("workbook", "At least one activity in the period"),
    )
    add(
        pgettext("workbook", "Member participation rate"),
        _rate(report.participation),
        "%",
        pgettext("workbook", "Members who took part ÷ members expected"),
    )
    if report.is_scoped:
        add(
            pgettext("workbook", "Members from outside the groups who took part"),
            report.visitors,
            pgettext("workbook unit", "people"),
            pgettext(
                "workbook",
                "%(count)s person-times; not among the members expected nor in the rate",
            )
            % {"count": report.visits},
        )
    for row in report.by_role:
        if row.members:
            add(
                pgettext("workbook", "Participation rate: %(label)s") % {"label": row.label},
                _rate(row.rate),
                "%",
                pgettext("workbook", "%(part)s of %(whole)s took part")
                % {"part": row.participants, "whole": row.members},
            )
    for row in report.by_office:
        add(
            pgettext("workbook", "Participation rate: %(label)s") % {"label": row.label},
            _rate(row.rate),
            "%",
            pgettext("workbook", "%(part)s of %(whole)s took part")
            % {"part": row.participants, "whole": row.members},
        )
    ob = report.standing_obligation
    add(
        pgettext("workbook", "Standing executives who met the yearly obligation"),
        ob.participants,
        pgettext("workbook unit", "people"),
        pgettext(
            "workbook", "%(count)s standing executives; at least one activity in each whole year"
        )
        % {"count": ob.members},
    )
    for _kind, label, count, key in report.outcome_kinds:
        add(
            pgettext("workbook", "Outcomes: %(kind)s") % {"kind": label},
            count,
            pgettext("workbook unit", "items"),
            pgettext("workbook", "of which %(count)s key") % {"count": key} if key else "",
        )
    add(
        pgettext("workbook", "Key proposals"),
        report.key_outcomes,
        pgettext("workbook unit", "items"),
        "",
    )
    for channel in report.channels:
        add(
            pgettext("workbook", "Publicity: %(channel)s") % {"channel": channel.label},
            channel.items,
            pgettext("workbook unit", "reports"),
            pgettext("workbook", "on %(count)s activities") % {"count": channel.activities},
        )


def _by_theme(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "By theme"),
        [
            Column(pgettext("workbook", "Theme"), cap=12),
            Column(pgettext("workbook", "Number of activities (activities)"), width=10),
            Column(pgettext("workbook", "Person-times (person-times)"), width=10),
            Column(pgettext("workbook", "Share of activities (%)"), width=12),
        ],
        scope=scope,
    )
    for theme in report.themes:
        sheet.add(str(theme.label), theme.activities, theme.person_times, _rate(theme.share))
    sheet.total(
        pgettext("workbook", "Total"), Sum(report.activity_count), Sum(report.person_times), None
    )
    return sheet


def _theme_chart(book, sheet, report):
    """A native column chart of activities by theme, with its numbers as data labels."""
    first = 4 + 1  # the header is row 4
    last = first + len(report.themes) - 1
    if last < first:
        return
    chart = book.workbook.add_chart({"type": "column"})
    name = sheet.worksheet.get_name()
    chart.add_series(
        {
            "name": pgettext("workbook", "Number of activities"),
            "categories": f"='{name}'!$A${first}:$A${last}",
            "values": f"='{name}'!$B${first}:$B${last}",
            "data_labels": {"value": True, "font": {"name": FONT, "size": 10}},
            "fill": {"color": "#4472C4"},
        }
    )
    chart.set_title(
        {
            "name": pgettext("workbook", "Activities by theme (activities)"),
            "name_font": {"name": FONT, "size": 12},
        }
    )
    chart.set_x_axis({"num_font": {"name": FONT, "size": 10}})
    chart.set_y_axis(
        {"num_font": {"name": FONT, "size": 10}, "major_gridlines": {"visible": False}}
    )
    chart.set_legend({"none": True})
    chart.set_size({"width": 480, "height": 260})
    sheet.worksheet.insert_chart(last + 4, 0, chart, {"x_offset": 10, "y_offset": 10})


def _by_group(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "By rotation group"),
        [
            Column(pgettext("workbook", "Rotation groups"), cap=24),
            Column(pgettext("workbook", "Number of activities (activities)"), width=9),
            Column(pgettext("workbook", "Person-times (person-times)"), width=9),
            Column(pgettext("workbook", "Group members (people)"), width=9),
            Column(pgettext("workbook", "Members who took part (people)"), width=9),
            Column(pgettext("workbook", "Participation rate (%)"), width=9),
        ],
        scope=scope,
        orientation="portrait",  # six columns: a little under 100 %, upright
    )
    for g in report.groups:
        sheet.add(
            str(g.label),
            g.activities,
            g.person_times,
            g.members,
            g.participants,
            _rate(g.participation),
        )
    # Members and participants are people counted once: a member who moved groups is in two
    # rows above, so their total is the report's figure, not a column sum.
    sheet.total(
        pgettext("workbook", "Total"),
        Sum(report.activity_count),
        Sum(report.person_times),
        report.member_count,
        report.participants,
        _rate(report.participation),
    )
    sheet.note(
        pgettext(
            "workbook",
            "Note: the totals count each member once (a member who moved groups in the period "
            "counts in both groups), so they are not the sum of the groups.",
        )
    )


def _by_month(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "By month"),
        [
            Column(pgettext("workbook", "Month"), width=12),
            Column(pgettext("workbook", "Number of activities (activities)"), width=10),
            Column(pgettext("workbook", "Person-times (person-times)"), width=10),
        ],
        scope=scope,
    )
    for m in report.months:
        sheet.add(str(m.label), m.activities, m.person_times)
    sheet.total(pgettext("workbook", "Total"), Sum(report.activity_count), Sum(report.person_times))


def _names(leaders):
    return "、".join(str(x) for x in leaders)


def _activities(book, report, scope):
    """活动明细 in two tables, each one landscape page wide: the activity and its figures,
    then who came and what came of it (活动领导与成果). Columns empty for the whole period
    are left out."""
    sheet = book.sheet(
        pgettext("workbook", "Activities"),
        [
            Column(pgettext("workbook", "No."), width=7),
            Column(pgettext("workbook", "Date"), width=14),
            Column(pgettext("workbook", "Rotation groups"), cap=14),
            Column(pgettext("workbook", "Theme"), width=9),
            Column(pgettext("workbook", "Activity title"), cap=20),
            Column(pgettext("workbook", "Place"), cap=12),
            Column(pgettext("workbook", "Host enterprise"), cap=14),
            Column(pgettext("workbook", "Members present (people)"), width=7),
            Column(pgettext("workbook", "Other participants (people)"), width=7),
            Column(pgettext("workbook", "Person-times (person-times)"), width=7),
        ],
        scope=scope,
        freeze_col=2,
    )
    groups, themes = {}, {}
    for a in report.activities:
        sheet.add(
            ActivityNumber(a.number),
            a.date,
            _label(groups, (a.group_number, a.group_name), a, "group_label"),
            _label(themes, a.theme, a, "theme_label"),
            a.title,
            a.place,
            a.host_enterprise,
            a.attendees,
            a.other_participants,
            a.person_times,
        )
    sheet.total(
        pgettext("workbook", "Total"),
        None,
        None,
        None,
        None,
        None,
        None,
        Sum(report.attendances),
        Sum(report.other_participants),
        Sum(report.person_times),
    )
    sheet.note(
        pgettext(
            "workbook",
            "Note: %(count)s activities in all. Leaders present, outcomes and publicity are in "
            "「Leaders and outcomes of activities」.",
        )
        % {"count": report.activity_count}
    )

    sheet = book.sheet(
        pgettext("workbook", "Leaders and outcomes of activities"),
        [
            Column(pgettext("workbook", "No."), width=7),
            Column(pgettext("workbook", "Date"), width=14),
            Column(pgettext("workbook", "Activity title"), cap=18),
            Column(pgettext("workbook", "Four-leading-bodies leaders"), cap=16, drop_if_empty=True),
            Column(
                pgettext("workbook", "Department or township leaders"), cap=16, drop_if_empty=True
            ),
            Column(pgettext("workbook", "Other leaders"), cap=12, drop_if_empty=True),
            Column(pgettext("workbook", "Outcomes"), cap=16, drop_if_empty=True),
            Column(pgettext("workbook", "Publicity"), cap=12, drop_if_empty=True),
        ],
        scope=scope,
        freeze_col=2,
    )
    channels = {}  # the channels of an activity (their codes) -> their labels
    for a in report.activities:
        publicity = channels.get(a.channels)
        if publicity is None:
            publicity = channels[a.channels] = "、".join(str(c) for c in a.channel_labels)
        sheet.add(
            ActivityNumber(a.number),
            a.date,
            a.title,
            _names(a.four_bodies_leaders),
            _names(a.department_leaders),
            _names(a.other_leaders),
            "；".join(a.outcomes),
            publicity,
        )
    sheet.note(
        pgettext(
            "workbook",
            "Note: four-leading-bodies leaders attended %(four)s activities, department or "
            "township leaders %(department)s. Columns empty for the whole period are left out.",
        )
        % {"four": report.with_four_bodies, "department": report.with_department}
    )


def _members(book, report, scope):
    columns = [
        Column(pgettext("workbook", "Name"), cap=8),
        Column(pgettext("workbook", "Federation role"), cap=10),
        Column(pgettext("workbook", "Rotation groups"), cap=24),
        Column(pgettext("workbook", "Deputy / CPPCC member"), cap=8),
        Column(pgettext("workbook", "Status"), width=6),
        Column(pgettext("workbook", "Activities attended (activities)"), width=7),
        Column(pgettext("workbook", "Met the yearly obligation"), width=7),
    ]
    columns += [
        Column(
            pgettext("workbook", "No. %(number)s\n%(year)s\n%(month)s/%(day)s")
            % {"number": a.number, "year": a.date.year, "month": a.date.month, "day": a.date.day},
            width=8,
        )
        for a in report.activities
    ]
    sheet = book.sheet(
        pgettext("workbook", "Member participation"), columns, scope=scope, freeze_col=1
    )
    first = 7  # the first activity column
    column_of = {a.pk: first + i for i, a in enumerate(report.activities)}
    # Labels translated once, not once a member (13,200 rows at a province's size).
    archived = pgettext("workbook", "Archived")
    met = {None: "", True: pgettext("workbook", "Yes"), False: pgettext("workbook", "No")}
    roles, offices = {}, {}
    add = sheet.add

    def write(m, groups):
        role = roles.get(m.role)
        if role is None:
            role = roles[m.role] = str(m.role_label)
        office = offices.get((m.is_deputy, m.is_cppcc))
        if office is None:
            office = offices[m.is_deputy, m.is_cppcc] = m.offices_label
        add(
            m.name,
            role,
            groups,
            office,
            archived if m.is_archived else "",
            m.attended,
            met[m.obligation_met],
            sparse={column_of[pk]: 1 for pk in m.activity_ids if pk in column_of},
        )

    for m in report.members:
        write(m, m.groups_label)
    # A group scope's visitors come last, marked, so that each activity's column still adds up
    # to its members present; their own groups by number only, to keep to one line.
    outside = pgettext("workbook", "From outside the groups")
    for m in report.visitor_rows:
        numbers = "、".join(
            pgettext("workbook", "Group %(number)s") % {"number": n} for n in m.group_numbers
        )
        write(m, f"{outside}（{numbers}）" if numbers else outside)
    sheet.total(
        pgettext("workbook", "Total"),
        None,
        None,
        None,
        None,
        Sum(report.attendances),
        None,
        *[Sum(a.attendees) for a in report.activities],
    )
    ob = report.standing_obligation
    sheet.note(
        pgettext(
            "workbook",
            "Note: 1 means present. %(count)s standing executives, %(met)s met the yearly "
            "obligation (at least one activity in each whole year).",
        )
        % {"count": ob.members, "met": ob.participants}
    )
    if report.is_scoped:
        sheet.note(
            pgettext(
                "workbook",
                "%(members)s members of these groups; below them, %(visitors)s members from "
                "outside the groups who took part (%(visits)s person-times), not in the "
                "participation rate.",
            )
            % {"members": report.member_count, "visitors": report.visitors, "visits": report.visits}
        )


def _leaders(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "Leaders present"),
        [
            Column(pgettext("workbook", "No."), width=7),
            Column(pgettext("workbook", "Date"), width=14),
            Column(pgettext("workbook", "Rotation groups"), cap=14),
            Column(pgettext("workbook", "Activity title"), cap=22),
            Column(pgettext("workbook", "Leader"), cap=10),
            Column(pgettext("workbook", "Leader's title"), cap=22),
            Column(pgettext("workbook", "Level"), cap=12),
        ],
        scope=scope,
        freeze_col=2,
    )
    # What a leader's row says of the activity, worked out once an activity.
    groups = {}
    activity_of = {
        a.pk: (
            ActivityNumber(a.number),
            a.date,
            _label(groups, (a.group_number, a.group_name), a, "group_label"),
            a.title,
        )
        for a in report.activities
    }
    levels = {}
    for leader in report.leaders:
        sheet.add(
            *activity_of[leader.activity_id],
            leader.name,
            leader.title,
            _label(levels, leader.level, leader, "level_label"),
        )
    sheet.note(
        pgettext("workbook", "Note: leaders present %(count)s person-times in all.")
        % {"count": len(report.leaders)}
    )


def _outcomes(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "Outcomes"),
        [
            Column(pgettext("workbook", "Year"), width=7),
            Column(pgettext("workbook", "Kind"), cap=10),
            Column(pgettext("workbook", "Submitted to"), cap=10),
            Column(pgettext("workbook", "Key proposals"), width=7),
            Column(pgettext("workbook", "Title"), cap=30),
            Column(pgettext("workbook", "From activity"), width=8),
            Column(pgettext("workbook", "Submitted by"), cap=10),
        ],
        scope=scope,
    )
    for o in report.outcomes:
        sheet.add(
            o.year,
            str(o.kind_label),
            str(o.submitted_to_label),
            pgettext("workbook", "Key") if o.is_key else "",
            o.title,
            ActivityNumber(o.activity_number) if o.activity_number else "",
            o.author,
        )
    sheet.note(
        pgettext(
            "workbook", "Note: %(count)s outcomes in all; counted by year in 「Outcome counts」."
        )
        % {"count": len(report.outcomes)}
    )


def _outcome_summary(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "Outcome counts"),
        [
            Column(pgettext("workbook", "Year"), width=7),
            Column(pgettext("workbook", "Kind"), cap=10),
            Column(pgettext("workbook", "Submitted to"), cap=10),
            Column(pgettext("workbook", "Count (items)"), width=9),
            Column(pgettext("workbook", "Of which key (items)"), width=9),
        ],
        scope=scope,
    )
    for row in report.outcome_summary:
        sheet.add(
            row.year, str(row.kind_label), str(row.submitted_to_label), row.count, row.key_count
        )
    sheet.total(
        pgettext("workbook", "Total"),
        None,
        None,
        Sum(len(report.outcomes)),
        Sum(report.key_outcomes),
    )


def _explanations(book, report, scope):
    sheet = book.sheet(
        pgettext("workbook", "Notes"),
        [
            Column(pgettext("workbook", "Item"), width=16),
            Column(pgettext("workbook", "Notes"), cap=48),
        ],
        scope=scope,
    )
    for item, text in (
        (pgettext("workbook", "Period"), str(report.period.label)),
        (pgettext("workbook", "Scope"), scope),
        (
            pgettext("workbook", "Number of activities"),
            pgettext(
                "workbook", "Rotation activities held, approved and not archived in the period."
            ),
        ),
        (
            pgettext("workbook", "Person-times"),
            pgettext(
                "workbook",
                "For each activity, members present plus other participants, added up; leaders "
                "present are guests, listed apart and not counted.",
            ),
        ),
        (
            pgettext("workbook", "Leaders present"),
            pgettext(
                "workbook",
                "Four-leading-bodies, department and township and other leaders, counted by the "
                "activities they attended and in person-times.",
            ),
        ),
        (
            pgettext("workbook", "Executive committee members"),
            pgettext(
                "workbook",
                "Executive committee members on the roster in the period (except those archived "
                "before it began), by federation role; "
                "deputies and CPPCC members by the office held; one person holding both counts "
                "once in each.",
            ),
        ),
        (
            pgettext("workbook", "Members expected"),
            pgettext(
                "workbook",
                "Members in a rotation group in the period, plus other members who took part; "
                "members in no group "
                "(such as the chair and executives) are not in the participation base, which is "
                "therefore smaller than the committee.",
            ),
        ),
        (
            pgettext("workbook", "Member participation rate"),
            pgettext(
                "workbook",
                "Members who took part (at least one activity in the period) ÷ members expected, "
                "as a percentage.",
            ),
        ),
        *(
            [
                (
                    pgettext("workbook", "Members from outside the groups who took part"),
                    pgettext(
                        "workbook",
                        "In a report on some groups, the members expected are those of these "
                        "groups during the period; members of other groups (or of none) who "
                        "attended their activities are counted apart, in people and "
                        "person-times, and are in neither the members expected nor the rate.",
                    ),
                )
            ]
            if report.is_scoped
            else []
        ),
        (
            pgettext("workbook", "Yearly obligation"),
            pgettext(
                "workbook",
                "Standing executives take part in at least one activity (of any group) in each "
                "whole year of the period; "
                "a period without a whole year is judged as one span.",
            ),
        ),
        (
            pgettext("workbook", "Outcomes"),
            pgettext(
                "workbook",
                "By the year submitted: outcomes of every year overlapping the period count.",
            ),
        ),
        (
            pgettext("workbook", "Totals rows"),
            pgettext(
                "workbook",
                "Totals are SUBTOTAL formulas, which add only the rows shown after filtering; a "
                "blank row separates them from the data, so sorting and filtering leave them "
                "alone.",
            ),
        ),
        (
            pgettext("workbook", "Prepared"),
            pgettext("workbook", "%(unit)s, %(date)s.")
            % {"unit": federation_name(), "date": chinese_date(_made_on(report))},
        ),
    ):
        sheet.add(item, text)


def _made_on(report):
    if report.generated_at:
        return timezone.localtime(report.generated_at).date()
    return timezone.localdate()


def build_workbook(report, *, output=None):
    """The workbook for a report as a :class:`~fuan_rotation.formal.FormalBook` ready to close.

    ``report`` is a :class:`~reports.tallies.Report`; the 制表日期 is its ``generated_at``
    (today when unset); ``output`` is a binary file to write to (default: in memory).
    """
    with translation.override(WORKBOOK_LANGUAGE):
        book = FormalBook(
            title=f"{federation_name()}{period_title(report.period)}",
            made_on=_made_on(report),
            output=output,
        )
        scope = str(report.scope_label)
        _summary(book, report, scope)
        theme_sheet = _by_theme(book, report, scope)
        _theme_chart(book, theme_sheet, report)
        _by_group(book, report, scope)
        _by_month(book, report, scope)
        _activities(book, report, scope)
        _members(book, report, scope)
        _leaders(book, report, scope)
        _outcomes(book, report, scope)
        _outcome_summary(book, report, scope)
        _explanations(book, report, scope)
    return book


def workbook_bytes(report):
    """The .xlsx bytes of the report's workbook (see :func:`build_workbook`)."""
    with translation.override(WORKBOOK_LANGUAGE):
        return build_workbook(report).close()


def write_workbook(report, output):
    """The report's workbook written to ``output`` (a binary file, e.g.
    ``fuan_rotation.formal.spooled_output()``); returns it rewound, for a response to stream."""
    with translation.override(WORKBOOK_LANGUAGE):
        return build_workbook(report, output=output).close()


def file_name(report):
    """e.g. 2018年度轮值活动统计表.xlsx; the groups are added for a convener's report."""
    name = period_title(report.period)
    if not report.period.year:
        with translation.override(WORKBOOK_LANGUAGE):
            name = pgettext("workbook", "Rotation activity statistics_%(slug)s") % {
                "slug": report.period.slug
            }
    if report.scope:
        with translation.override(WORKBOOK_LANGUAGE):
            groups = [
                pgettext("workbook", "Group %(number)s") % {"number": n} for n, _ in report.scope
            ]
        name += "_" + "_".join(groups)
    return f"{name}.xlsx"
