"""The leadership's year-end workbook: a :class:`~reports.tallies.Report` as formal tables.

Written with XlsxWriter through :mod:`fuan_rotation.formal` (title block, ruled cells in 宋体, units
in the headers, AutoFilter, SUBTOTAL totals stored with their values, A4 print setup with
「第 N 页 共 M 页」). The workbook is the office's document: its text is Chinese whatever
language the person downloading it reads the site in, so it is written here in Chinese rather
than through the translation catalogue (labels that come from the models — themes, roles,
groups — are rendered under ``zh-hans``).

Sheets, in the order the leadership asked for: 汇总, 按主题, 按轮值组, 按月份, 活动明细,
活动领导与成果, 成员参与, 领导出席, 履职成果, 成果统计, 说明. Every figure is the report's
own: the workbook counts nothing itself, and each total's stored value is the report's
figure.
"""

from django.utils import timezone, translation

from fuan_rotation.formal import (
    CONTENT_TYPE,
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
]

WORKBOOK_LANGUAGE = "zh-hans"
SHEETS = [
    "汇总",
    "按主题",
    "按轮值组",
    "按月份",
    "活动明细",
    "活动领导与成果",
    "成员参与",
    "领导出席",
    "履职成果",
    "成果统计",
    "说明",
]


def period_title(period):
    """「2018年度轮值活动统计表」, or 「2017年11月1日至2019年7月31日轮值活动统计表」."""
    if period.year:
        return f"{period.year}年度轮值活动统计表"
    return f"{chinese_date(period.start)}至{chinese_date(period.end)}轮值活动统计表"


def _rate(value):
    return "—" if value is None else Percent(value)


def _summary(book, report, scope):
    sheet = book.sheet(
        "汇总",
        [
            Column("项目", cap=24),
            Column("数值", width=8),
            Column("单位", width=5, align="center"),
            Column("说明", cap=28),
        ],
        scope=scope,
        one_page=True,
        orientation="portrait",
    )
    add = sheet.add
    add("活动次数", report.activity_count, "次", "已举办并审核通过的活动")
    add("参与人次", report.person_times, "人次", "执委出席加其他参加人员；领导不计")
    add("　其中：执委出席", report.attendances, "人次", "")
    add("　　　　其他参加人员", report.other_participants, "人次", "")
    add("四套班子领导出席活动次数", report.with_four_bodies, "次", "")
    add("部门、乡镇领导出席活动次数", report.with_department, "次", "")
    add("部门、乡镇领导出席人次", report.department_presences, "人次", "")
    for theme in report.themes:
        add(f"主题：{theme.label}", theme.activities, "次", f"参与{theme.person_times}人次")
    committee = report.committee
    if committee is not None:
        parts = "＋".join(str(n) for _r, _label, n in committee.by_role)
        add("执委会成员", committee.members, "人", f"{committee.members}＝{parts}")
        for _role, label, count in committee.by_role:
            add(f"　其中：{label}", count, "人", "")
        add("人大代表", committee.deputies, "人", "执委会成员中")
        add("政协委员", committee.cppcc, "人", "执委会成员中")
        add("轮值组", committee.groups, "个", "")
    base_note = "期内在轮值组中的成员，或参加过活动者"
    if committee is not None and committee.ungrouped:
        who = "、".join(f"{label}{n}人" for label, n in committee.ungrouped)
        base_note = (
            f"参与率的基数：比执委会成员少{committee.ungrouped_count}人，因{who}未编入轮值组"
        )
    add("应参与成员", len(report.members), "人", base_note)
    add("实际参与成员", report.participants, "人", "期内至少参加一次活动")
    add("成员参与率", _rate(report.participation), "%", "实际参与成员÷应参与成员")
    for row in report.by_role:
        if row.members:
            add(
                f"参与率：{row.label}",
                _rate(row.rate),
                "%",
                f"{row.participants}人参与，共{row.members}人",
            )
    for row in report.by_office:
        add(
            f"参与率：{row.label}",
            _rate(row.rate),
            "%",
            f"{row.participants}人参与，共{row.members}人",
        )
    ob = report.standing_obligation
    add(
        "履行年度义务的常执委人数",
        ob.participants,
        "人",
        f"共{ob.members}名常执委；每个完整年度至少参加一次活动",
    )
    for _kind, label, count, key in report.outcome_kinds:
        add(f"履职成果：{label}", count, "项", f"其中重点{key}项" if key else "")
    add("重点提案", report.key_outcomes, "项", "")
    for channel in report.channels:
        add(
            f"宣传报道：{channel.label}",
            channel.items,
            "篇",
            f"涉及{channel.activities}次活动",
        )


def _by_theme(book, report, scope):
    sheet = book.sheet(
        "按主题",
        [
            Column("主题", cap=12),
            Column("活动次数（次）", width=10),
            Column("参与人次（人次）", width=10),
            Column("占活动次数比例（%）", width=12),
        ],
        scope=scope,
    )
    for theme in report.themes:
        sheet.add(str(theme.label), theme.activities, theme.person_times, _rate(theme.share))
    sheet.total("合计", Sum(report.activity_count), Sum(report.person_times), None)
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
            "name": "活动次数",
            "categories": f"='{name}'!$A${first}:$A${last}",
            "values": f"='{name}'!$B${first}:$B${last}",
            "data_labels": {"value": True, "font": {"name": "宋体", "size": 10}},
            "fill": {"color": "#4472C4"},
        }
    )
    chart.set_title({"name": "各主题活动次数（次）", "name_font": {"name": "宋体", "size": 12}})
    chart.set_x_axis({"num_font": {"name": "宋体", "size": 10}})
    chart.set_y_axis(
        {"num_font": {"name": "宋体", "size": 10}, "major_gridlines": {"visible": False}}
    )
    chart.set_legend({"none": True})
    chart.set_size({"width": 480, "height": 260})
    sheet.worksheet.insert_chart(last + 4, 0, chart, {"x_offset": 10, "y_offset": 10})


def _by_group(book, report, scope):
    sheet = book.sheet(
        "按轮值组",
        [
            Column("轮值组", cap=24),
            Column("活动次数（次）", width=9),
            Column("参与人次（人次）", width=9),
            Column("组内成员（人）", width=9),
            Column("参与成员（人）", width=9),
            Column("参与率（%）", width=9),
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
        "合计",
        Sum(report.activity_count),
        Sum(report.person_times),
        len(report.members),
        report.participants,
        _rate(report.participation),
    )
    sheet.note(
        "注：合计行的成员数每人只计一次（期内调组的成员在两个组中各计一次），故不等于各组之和。"
    )


def _by_month(book, report, scope):
    sheet = book.sheet(
        "按月份",
        [
            Column("月份", width=12),
            Column("活动次数（次）", width=10),
            Column("参与人次（人次）", width=10),
        ],
        scope=scope,
    )
    for m in report.months:
        sheet.add(str(m.label), m.activities, m.person_times)
    sheet.total("合计", Sum(report.activity_count), Sum(report.person_times))


def _names(leaders):
    return "、".join(str(x) for x in leaders)


def _activities(book, report, scope):
    """活动明细 in two tables, each one landscape page wide: the activity and its figures,
    then who came and what came of it (活动领导与成果). Columns empty for the whole period
    are left out."""
    sheet = book.sheet(
        "活动明细",
        [
            Column("序次", width=7),
            Column("日期", width=14),
            Column("轮值组", cap=14),
            Column("主题", width=9),
            Column("活动名称", cap=20),
            Column("地点", cap=12),
            Column("承办企业", cap=14),
            Column("执委出席（人）", width=7),
            Column("其他参加（人）", width=7),
            Column("参与人次（人次）", width=7),
        ],
        scope=scope,
        freeze_col=2,
    )
    for a in report.activities:
        sheet.add(
            ActivityNumber(a.number),
            a.date,
            str(a.group_label),
            str(a.theme_label),
            a.title,
            a.place,
            a.host_enterprise,
            a.attendees,
            a.other_participants,
            a.person_times,
        )
    sheet.total(
        "合计",
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
        f"注：共{report.activity_count}次活动。出席领导、履职成果和宣传报道见「活动领导与成果」。"
    )

    sheet = book.sheet(
        "活动领导与成果",
        [
            Column("序次", width=7),
            Column("日期", width=14),
            Column("活动名称", cap=18),
            Column("四套班子领导", cap=16, drop_if_empty=True),
            Column("部门、乡镇领导", cap=16, drop_if_empty=True),
            Column("其他领导", cap=12, drop_if_empty=True),
            Column("履职成果", cap=16, drop_if_empty=True),
            Column("宣传报道", cap=12, drop_if_empty=True),
        ],
        scope=scope,
        freeze_col=2,
    )
    for a in report.activities:
        sheet.add(
            ActivityNumber(a.number),
            a.date,
            a.title,
            _names(a.four_bodies_leaders),
            _names(a.department_leaders),
            _names(a.other_leaders),
            "；".join(a.outcomes),
            "、".join(str(c) for c in a.channel_labels),
        )
    sheet.note(
        f"注：四套班子领导出席{report.with_four_bodies}次活动，"
        f"部门、乡镇领导出席{report.with_department}次活动。全期为空的栏目不列出。"
    )


def _members(book, report, scope):
    columns = [
        Column("姓名", cap=8),
        Column("工商联职务", cap=10),
        Column("轮值组", cap=24),
        Column("人大代表/政协委员", cap=8),
        Column("状态", width=6),
        Column("参加次数（次）", width=7),
        Column("履行年度义务", width=7),
    ]
    columns += [
        Column(f"第{a.number}次\n{a.date.year}年\n{a.date.month}月{a.date.day}日", width=8)
        for a in report.activities
    ]
    sheet = book.sheet("成员参与", columns, scope=scope, freeze_col=1)
    first = 7  # the first activity column
    column_of = {a.pk: first + i for i, a in enumerate(report.activities)}
    for m in report.members:
        sheet.add(
            m.name,
            str(m.role_label),
            m.groups_label,
            m.offices_label,
            "已归档" if m.is_archived else "",
            m.attended,
            "" if m.obligation_met is None else ("是" if m.obligation_met else "否"),
            sparse={column_of[pk]: 1 for pk in m.activity_ids if pk in column_of},
        )
    sheet.total(
        "合计",
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
        f"注：1表示出席。常执委{ob.members}人，履行年度义务{ob.participants}人"
        "（每个完整年度至少参加一次活动）。"
    )


def _leaders(book, report, scope):
    sheet = book.sheet(
        "领导出席",
        [
            Column("序次", width=7),
            Column("日期", width=14),
            Column("轮值组", cap=14),
            Column("活动名称", cap=22),
            Column("领导", cap=10),
            Column("职务", cap=22),
            Column("层级", cap=12),
        ],
        scope=scope,
        freeze_col=2,
    )
    by_pk = {a.pk: a for a in report.activities}
    for leader in report.leaders:
        a = by_pk[leader.activity_id]
        sheet.add(
            ActivityNumber(a.number),
            a.date,
            str(a.group_label),
            a.title,
            leader.name,
            leader.title,
            str(leader.level_label),
        )
    sheet.note(f"注：领导出席共{len(report.leaders)}人次。")


def _outcomes(book, report, scope):
    sheet = book.sheet(
        "履职成果",
        [
            Column("年度", width=7),
            Column("类别", cap=10),
            Column("报送单位", cap=10),
            Column("重点提案", width=7),
            Column("标题", cap=30),
            Column("来源活动", width=8),
            Column("提交人", cap=10),
        ],
        scope=scope,
    )
    for o in report.outcomes:
        sheet.add(
            o.year,
            str(o.kind_label),
            str(o.submitted_to_label),
            "重点" if o.is_key else "",
            o.title,
            ActivityNumber(o.activity_number) if o.activity_number else "",
            o.author,
        )
    sheet.note(f"注：履职成果共{len(report.outcomes)}项；按年度统计见「成果统计」。")


def _outcome_summary(book, report, scope):
    sheet = book.sheet(
        "成果统计",
        [
            Column("年度", width=7),
            Column("类别", cap=10),
            Column("报送单位", cap=10),
            Column("数量（项）", width=9),
            Column("其中重点（项）", width=9),
        ],
        scope=scope,
    )
    for row in report.outcome_summary:
        sheet.add(
            row.year, str(row.kind_label), str(row.submitted_to_label), row.count, row.key_count
        )
    sheet.total("合计", None, None, Sum(len(report.outcomes)), Sum(report.key_outcomes))


def _explanations(book, report, scope):
    sheet = book.sheet("说明", [Column("项目", width=16), Column("说明", cap=48)], scope=scope)
    for item, text in (
        ("统计期间", str(report.period.label)),
        ("统计范围", scope),
        ("活动次数", "期内已举办、审核通过且未归档的轮值活动次数。"),
        (
            "参与人次",
            "每次活动的执委出席人数加其他参加人员，逐次相加；出席的领导是嘉宾，单列不计。",
        ),
        ("领导出席", "四套班子领导、部门和乡镇领导、其他领导按出席活动的次数和人次统计。"),
        (
            "执委会成员",
            "期内在册的执委会成员（期初前已归档者除外），按工商联职务分列；"
            "人大代表、政协委员按所任职务统计，一人兼任两者时各计一次。",
        ),
        (
            "应参与成员",
            "期内在轮值组中的成员，加上参加过活动的其他成员；未编入轮值组的成员"
            "（如主席、执委）不计入参与率的基数，故少于执委会成员数。",
        ),
        ("成员参与率", "实际参与成员（期内至少参加一次活动）÷应参与成员，以百分数表示。"),
        (
            "年度义务",
            "常执委在期内每个完整年度至少参加一次活动（任何轮值组的活动均可）；"
            "期内没有完整年度时，以整个期间计。",
        ),
        ("履职成果", "按报送年度统计：与期间有重叠的年度的成果均计入。"),
        (
            "合计行",
            "合计为SUBTOTAL公式，筛选后只合计显示的行；与数据之间空一行，排序、筛选不受影响。",
        ),
        ("制表", f"{federation_name()}，{chinese_date(_made_on(report))}。"),
    ):
        sheet.add(item, text)


def _made_on(report):
    if report.generated_at:
        return timezone.localtime(report.generated_at).date()
    return timezone.localdate()


def build_workbook(report):
    """The workbook for a report as a :class:`~fuan_rotation.formal.FormalBook` ready to close.

    ``report`` is a :class:`~reports.tallies.Report`; the 制表日期 is its ``generated_at``
    (today when unset).
    """
    with translation.override(WORKBOOK_LANGUAGE):
        book = FormalBook(
            title=f"{federation_name()}{period_title(report.period)}",
            made_on=_made_on(report),
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


def file_name(report):
    """e.g. 2018年度轮值活动统计表.xlsx; the groups are added for a convener's report."""
    name = period_title(report.period)
    if not report.period.year:
        name = f"轮值活动统计表_{report.period.slug}"
    if report.scope:
        name += "_" + "_".join(f"第{n}组" for n, _n in report.scope)
    return f"{name}.xlsx"
