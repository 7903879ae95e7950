"""The contents of the sign-in sheet (签到表) and the filing copy (活动登记表), as plain data.

The templates and the .xlsx writer only lay these out. Neither printout carries a mobile
number or an e-mail address: a sheet passed round a meeting room shows names and companies,
as the group page does to every login.
"""

from dataclasses import dataclass, field

from activities.models import GroupMembership, LeaderPresence, RotationGroup
from fuan_rotation.formal import Column, FormalBook, chinese_date, federation_name

SIGN_IN_TITLE = "轮值活动签到表"
FILING_TITLE = "轮值活动登记表"

# How many table rows (members' and blank lines, 8.5 mm each) an A4 page holds, as
# static/css/printout.css lays the sheet out: 266 mm inside the margins, less the title block
# (35 mm), the table header (8 mm), the 其他组成员、来宾 row (7 mm, on the first page) and the
# 出席领导 lines (26 mm, on the last page). Measured in Chromium; tests/browser/test_printouts.py
# counts the pages of the PDF at the edges.
ONE_PAGE_ROWS = 22  # one page: title block, table and the leaders' lines
FIRST_PAGE_ROWS = 25  # the first of several pages: the title block
MIDDLE_PAGE_ROWS = 30  # a page between: the repeated header only
LAST_PAGE_ROWS = 27  # the last of several pages: the repeated header and the leaders' lines
# Lines for other groups' members and guests, at least: the sheet 第2组 signed in issue 14 had
# four members of other groups and three guests.
MIN_BLANK_ROWS = 8

# The .xlsx: 25 pt a row (about 8 mm on paper, room to sign), four columns 80 units wide that
# LibreOffice fits across a portrait A4. A page holds the title block, 22 rows and the
# 出席领导 row: 14 members and 8 blank lines (tests/activities/test_printouts.py prints it).
XLSX_ROWS = 22
XLSX_ROW_HEIGHT = 25


def rows_on(pages):
    """How many rows ``pages`` printed pages hold."""
    if pages == 1:
        return ONE_PAGE_ROWS
    return FIRST_PAGE_ROWS + (pages - 2) * MIDDLE_PAGE_ROWS + LAST_PAGE_ROWS


def blank_rows(member_count):
    """Blank lines under the host group's members: at least ``MIN_BLANK_ROWS``, and as many
    more as fill the sheet's last page, so the paper has room for whoever else comes and the
    leaders' lines never stand alone on a page."""
    pages = 1
    while rows_on(pages) < member_count + MIN_BLANK_ROWS:
        pages += 1
    return rows_on(pages) - member_count


@dataclass
class SignInSheet:
    activity: object
    members: list
    blank_rows: int
    title: str = field(init=False)
    date_text: str = field(init=False)
    time_text: str = field(init=False)

    def __post_init__(self):
        self.title = f"{federation_name()}{SIGN_IN_TITLE}"
        self.date_text = chinese_date(self.activity.date)
        start = self.activity.start_time
        self.time_text = f"{start.hour}:{start.minute:02d}" if start else ""

    @property
    def blank_numbers(self):
        """序号 of the blank lines: they go on from the members'."""
        first = len(self.members) + 1
        return range(first, first + self.blank_rows)

    @property
    def heading(self):
        """第12次 健康产业座谈会, or the title alone before a number is given."""
        number = self.activity.shown_number
        return f"第{number}次 {self.activity.title}" if number else self.activity.title


def sign_in_sheet(activity):
    """The sheet for ``activity``: its group's members on its date, in the checklist's order
    (``RotationGroup.members_on``: 姓氏笔画)."""
    members = list(activity.group.members_on(activity.date).only("pk", "name", "company"))
    return SignInSheet(activity=activity, members=members, blank_rows=blank_rows(len(members)))


def sign_in_file_name(activity):
    """签到表_第2组_2018年8月15日.xlsx"""
    return f"签到表_第{activity.group.number}组_{chinese_date(activity.date)}.xlsx"


def write_sign_in_sheet(sheet, *, made_on=None):
    """The sign-in sheet as a formal workbook (A4 portrait, the header repeated on every page,
    第 N 页 共 M 页): the same rows as the printed page, with 出席领导 as the last row."""
    activity = sheet.activity
    book = FormalBook(title=sheet.title, made_on=made_on)
    when = "　".join(
        part
        for part in (
            f"第{activity.group.number}组 {activity.group.name}",
            sheet.date_text + (f" {sheet.time_text}" if sheet.time_text else ""),
            activity.place,
        )
        if part
    )
    # 签名 is wide enough for 制表日期 above it; 单位 for most company names on one line.
    columns = [
        Column("序号", width=5),
        Column("姓名", width=10),
        Column("单位", width=39),
        Column("签名", width=26),
    ]
    ws = book.sheet(
        "签到表",
        columns,
        subtitle=sheet.heading,
        scope=when,
        freeze_col=0,
        orientation="portrait",
    )
    ws.worksheet.set_default_row(XLSX_ROW_HEIGHT)
    for number, member in enumerate(sheet.members, start=1):
        ws.add(number, member.name, member.company, "")
    blank = max(MIN_BLANK_ROWS, XLSX_ROWS - len(sheet.members))
    first_blank = len(sheet.members) + 1
    for offset in range(blank):
        ws.add(first_blank + offset, "", "（其他组成员、来宾）" if offset == 0 else "", "")
    ws.total("", "出席领导", "", "")
    return book.close()


# The filing copy ------------------------------------------------------------------------


@dataclass
class AttendeeGroup:
    label: str
    names: list


def attendees_by_group(activity):
    """Who attended, by the group each was in on the day: the host group first, then the
    others by number, then anyone in no group; within a group in 姓氏笔画 order, the order of
    the sign-in sheet and the checklist."""
    members = list(activity.attendees.by_strokes().only("pk", "name"))
    if not members:
        return []
    placed = dict(
        GroupMembership.objects.on(activity.date)
        .filter(member__in=[m.pk for m in members])
        .values_list("member_id", "group_id")
    )
    groups = {g.pk: g for g in RotationGroup.objects.filter(pk__in=set(placed.values()))}
    sections = {}
    for member in members:
        sections.setdefault(placed.get(member.pk), []).append(member.name)

    def order(group_id):
        if group_id == activity.group_id:
            return (0, 0)
        if group_id is None:
            return (2, 0)
        return (1, groups[group_id].number)

    return [
        AttendeeGroup(label=str(groups[key]) if key is not None else "", names=sections[key])
        for key in sorted(sections, key=order)
    ]


def leaders_by_level(activity):
    """(level label, [leaders]) for each level with anyone present, 四套班子 first."""
    leaders = list(activity.leaders.order_by("pk"))
    return [
        (label, [leader for leader in leaders if leader.level == value])
        for value, label in LeaderPresence.Level.choices
        if any(leader.level == value for leader in leaders)
    ]
