"""The leadership's workbook: a :class:`~reports.tallies.Report` rendered with openpyxl.

The workbook is written in write-only mode (rows stream to the file; memory stays flat for ten
years of data) and always in Simplified Chinese: it is the office's document, whatever language
the person downloading it reads the site in.

Rules for every cell:

* Text from users is never a formula: openpyxl turns a string starting with ``=`` into one
  (and ``#N/A`` and friends into error cells), so such a cell is forced back to text
  (``data_type = "s"``); ``+``, ``-`` and ``@`` are already text in openpyxl and stay so.
* Control characters, which xlsx cannot hold, are removed.
* Figures are written as values, never formulas, so what openpyxl or any reader sees without
  recalculating is the report's number.
"""

import datetime
import io
import math
from copy import copy

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_LANGUAGE = "zh-hans"

HEADER_ROW = 3  # row 1: the sheet's title, row 2: the period and scope
NUMBER_FORMAT_ACTIVITY = '"第"0"次"'
NUMBER_FORMAT_PERCENT = "0.0%"
NUMBER_FORMAT_DATE = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 6, 40
LINE_HEIGHT = 15  # points: one line of 11-point CJK text

_thin = Side(style="thin", color="999999")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_HEADER_BORDER = Border(top=_thin, bottom=_thin, left=_thin, right=_thin)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE_FONT = Font(bold=True, size=14)
_TOTAL_FONT = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def clean_text(value):
    """A string xlsx can hold: control characters removed, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]


def display_width(text):
    """Columns a text needs: a Chinese character is about two Latin ones wide.

    A CJK character is three bytes in UTF-8 and an ASCII one is one, so (bytes + characters) / 2
    counts 2 and 1; it runs at C speed, which matters over a 1,320-row sheet.
    """
    text = str(text)
    return (len(text.encode()) + len(text)) // 2


class Percent(float):
    """A share between 0 and 1, shown as a percentage."""


class ActivityNumber(int):
    """第N次, kept a number so it sorts and filters as one."""


class Total:
    """Marks a row as a totals row (bold)."""

    def __init__(self, values):
        self.values = values


def _style_of(ws, font=None, alignment=None, number_format=None, fill=None, border=None):
    """The cell style for this combination, worked out once per workbook.

    Assigning a font or an alignment makes openpyxl hash the style objects for every cell;
    copying a ready style array is the same result at a fraction of the cost.
    """
    cache = ws.parent.__dict__.setdefault("_report_styles", {})
    key = (id(font), id(alignment), number_format, id(fill), id(border))
    if key not in cache:
        prototype = WriteOnlyCell(ws)
        if number_format:
            prototype.number_format = number_format
        if font:
            prototype.font = font
        if alignment:
            prototype.alignment = alignment
        if fill:
            prototype.fill = fill
        if border:
            prototype.border = border
        cache[key] = prototype._style
    return copy(cache[key])


def _cell_value(ws, value, *, font=None, alignment=None):
    """One cell for a write-only row: a plain value where possible (fast), a styled cell else."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = _("Yes") if value else _("No")
    number_format = None
    if isinstance(value, Percent):
        value, number_format = float(value), NUMBER_FORMAT_PERCENT
    elif isinstance(value, ActivityNumber):
        value, number_format = int(value), NUMBER_FORMAT_ACTIVITY
    elif isinstance(value, datetime.date):
        number_format = NUMBER_FORMAT_DATE
    elif not isinstance(value, int | float):
        value = clean_text(value)
        if not value:
            return None  # an empty cell, not an empty string
    styled = font or alignment or number_format
    if isinstance(value, str):
        if not styled and not (value.startswith("=") or value in ERROR_CODES):
            return value  # openpyxl stores any other string as text
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # never a formula or an error value
    elif not styled:
        return value
    else:
        cell = WriteOnlyCell(ws, value=value)
    if styled:
        cell._style = _style_of(ws, font, alignment, number_format)
    return cell


class SheetWriter:
    """A write-only sheet: title, period line, one bold frozen header row, then rows.

    Column widths must be known before the first row in write-only mode, so rows are
    collected first and written in :meth:`close`. A column fits its longest text up to its cap
    (``caps``, default ``MAX_WIDTH``); longer text wraps inside the cell. Headers wrap too, so
    a narrow column of numbers may carry a long header.
    """

    def __init__(
        self,
        workbook,
        name,
        report,
        headers,
        *,
        widths=None,
        caps=None,
        freeze_col=1,
        raw_from=None,
    ):
        self.ws = workbook.create_sheet(name)
        self.report = report
        self.name = name
        self.headers = headers
        self.fixed_widths = widths or {}
        self.caps = caps or {}
        self.freeze_col = freeze_col
        self.pages_wide = 1
        # Columns from raw_from on hold only counts or None (the attendance matrix): they go
        # to openpyxl as they are, which keeps a 1,320 x 120 matrix cheap.
        self.raw_from = raw_from
        self.rows = []

    def add(self, *values):
        self.rows.append(list(values))

    def add_total(self, *values):
        self.rows.append(Total(list(values)))

    def blank(self):
        self.rows.append([])

    def _natural_widths(self):
        widths = [min(display_width(h), 10) for h in self.headers]
        measured = [i for i in range(len(self.headers)) if i not in self.fixed_widths]
        for row in self.rows:
            values = row.values if isinstance(row, Total) else row
            for i in measured:
                if i >= len(values) or values[i] is None:
                    continue
                value = values[i]
                if isinstance(value, bool):
                    width = 4
                elif isinstance(value, Percent | ActivityNumber):
                    width = 7
                elif isinstance(value, int | float):
                    width = len(str(value))
                elif isinstance(value, datetime.date):
                    width = 10
                else:
                    width = display_width(value)
                if width > widths[i]:
                    widths[i] = width
        return widths

    def _setup_page(self):
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = self.pages_wide
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"1:{HEADER_ROW}"
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = _("Page &P of &N")
        ws.freeze_panes = f"{get_column_letter(self.freeze_col)}{HEADER_ROW + 1}"

    def close(self):
        ws = self.ws
        wrap = set()
        widths = {}
        for i, natural in enumerate(self._natural_widths()):
            if i in self.fixed_widths:
                width = self.fixed_widths[i]
            else:
                cap = self.caps.get(i, MAX_WIDTH)
                if natural > cap:
                    wrap.add(i)
                width = min(max(natural + 2, MIN_WIDTH), cap + 2)
            widths[i] = width
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        self._setup_page()

        def lines(values, columns):
            # Spreadsheet programs do not grow a row for wrapped text on opening: set it here.
            return max(
                (
                    math.ceil(display_width(values[i]) / max(widths[i] - 2, 1))
                    for i in columns
                    if i < len(values) and isinstance(values[i], str) and values[i]
                ),
                default=1,
            )

        title = WriteOnlyCell(
            ws, value=clean_text(f"{_('Rotation activity tallies')} · {self.name}")
        )
        title.font = _TITLE_FONT
        title.data_type = "s"
        ws.append([title])
        ws.append([_cell_value(ws, period_line(self.report))])
        header = []
        for text in self.headers:
            cell = WriteOnlyCell(ws, value=clean_text(text))
            cell.data_type = "s"
            cell._style = _style_of(
                ws,
                font=_HEADER_FONT,
                alignment=_HEADER_ALIGNMENT,
                fill=_HEADER_FILL,
                border=_HEADER_BORDER,
            )
            header.append(cell)
        ws.row_dimensions[1].height = 24
        ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * lines(self.headers, widths) + 4
        ws.append(header)
        for index, row in enumerate(self.rows, HEADER_ROW + 1):
            if isinstance(row, Total):
                ws.append([_cell_value(ws, v, font=_TOTAL_FONT) for v in row.values])
            else:
                # Most cells of the big sheets are empty or counts: skip the call for them.
                if self.raw_from is None:
                    head, tail = row, []
                else:
                    head, tail = row[: self.raw_from], row[self.raw_from :]
                if wrap and (needed := lines(head, wrap)) > 1:
                    ws.row_dimensions[index].height = LINE_HEIGHT * needed + 2
                    cells = [
                        _cell_value(ws, v, alignment=_WRAP if i in wrap else _TOP)
                        for i, v in enumerate(head)
                    ]
                else:
                    cells = [v if v is None or type(v) is int else _cell_value(ws, v) for v in head]
                ws.append(cells + tail)


def period_line(report):
    line = _("Period: %(period)s    Scope: %(scope)s") % {
        "period": report.period.label,
        "scope": report.scope_label,
    }
    if report.generated_at:
        line += "    " + _("Made %(when)s") % {
            "when": timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
        }
    return line


def _rate_or_dash(value):
    return "—" if value is None else Percent(value)


def _summary(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "Summary"),
        report,
        [_("Item"), _("Figure"), _("Notes")],
        caps={2: 50},
    )
    sheet.add(_("Period"), str(report.period.label), "")
    sheet.add(_("Scope"), str(report.scope_label), "")
    sheet.add(_("Number of activities"), report.activity_count, _("Held and approved"))
    sheet.add(
        _("Person-times"),
        report.person_times,
        _("Committee members present plus other participants; leaders not counted"),
    )
    sheet.add(_("  of which committee members present"), report.attendances, "")
    sheet.add(_("  of which other participants"), report.other_participants, "")
    sheet.add(_("Activities with four-leading-bodies leaders"), report.with_four_bodies, "")
    sheet.add(_("Activities with department or township leaders"), report.with_department, "")
    sheet.add(
        _("Department or township leaders present (person-times)"), report.department_presences, ""
    )
    for theme in report.themes:
        sheet.add(_("Theme: %(theme)s") % {"theme": theme.label}, theme.activities, "")
    sheet.add(
        _("Members expected"), len(report.members), _("In a group during the period, or attended")
    )
    sheet.add(_("Members who took part"), report.participants, "")
    sheet.add(_("Member participation rate"), _rate_or_dash(report.participation), "")
    for row in report.by_role:
        if not row.members:
            continue  # e.g. the chair, in no group: no rate to give
        sheet.add(
            _("Participation: %(role)s") % {"role": row.label},
            _rate_or_dash(row.rate),
            f"{row.participants} / {row.members}",
        )
    for row in report.by_office:
        sheet.add(
            _("Participation: %(office)s") % {"office": row.label},
            _rate_or_dash(row.rate),
            f"{row.participants} / {row.members}",
        )
    ob = report.standing_obligation
    sheet.add(
        _("Standing executives who met the yearly obligation"),
        ob.participants,
        _("of %(count)s standing executives (at least one activity in each whole year)")
        % {"count": ob.members},
    )
    for _kind, label, count, key in report.outcome_kinds:
        note = _("of which key: %(count)s") % {"count": key} if key else ""
        sheet.add(_("Outcomes: %(kind)s") % {"kind": label}, count, note)
    sheet.add(_("Key proposals"), report.key_outcomes, "")
    for channel in report.channels:
        sheet.add(
            _("Publicity: %(channel)s") % {"channel": channel.label},
            channel.items,
            _("%(count)s activities") % {"count": channel.activities},
        )
    sheet.close()


def _by_theme(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "By theme"),
        report,
        [_("Theme"), _("Number of activities"), _("Person-times"), _("Share of activities")],
    )
    for theme in report.themes:
        sheet.add(
            str(theme.label), theme.activities, theme.person_times, _rate_or_dash(theme.share)
        )
    sheet.add_total(_("Total"), report.activity_count, report.person_times, "")
    sheet.close()

    chart = BarChart()
    chart.type = "col"
    chart.title = _("Activities by theme")
    chart.y_axis.title = _("Number of activities")
    chart.y_axis.majorGridlines = None
    chart.legend = None
    chart.height, chart.width = 8, 16
    first, last = HEADER_ROW + 1, HEADER_ROW + len(report.themes)
    chart.add_data(
        Reference(sheet.ws, min_col=2, min_row=HEADER_ROW, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    sheet.ws.add_chart(chart, "F3")


def _by_group(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "By group"),
        report,
        [
            _("Rotation group"),
            _("Number of activities"),
            _("Person-times"),
            _("Group members"),
            _("Members who took part"),
            _("Participation rate"),
        ],
    )
    for g in report.groups:
        sheet.add(
            str(g.label),
            g.activities,
            g.person_times,
            g.members,
            g.participants,
            _rate_or_dash(g.participation),
        )
    sheet.add_total(
        _("Total (each member once)"),
        report.activity_count,
        report.person_times,
        len(report.members),
        report.participants,
        _rate_or_dash(report.participation),
    )
    sheet.close()


def _by_month(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "By month"),
        report,
        [_("Month"), _("Number of activities"), _("Person-times")],
    )
    for m in report.months:
        sheet.add(m.label, m.activities, m.person_times)
    sheet.add_total(_("Total"), report.activity_count, report.person_times)
    sheet.close()


def _names(leaders):
    return "、".join(str(x) for x in leaders)


def _activities(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "Activities"),
        report,
        [
            _("No."),
            _("Date"),
            _("Rotation group"),
            _("Theme"),
            _("Title"),
            _("Place"),
            _("Host enterprise"),
            _("Members present"),
            _("Other participants"),
            _("Person-times"),
            _("Four-leading-bodies leaders"),
            _("Department or township leaders"),
            _("Other leaders"),
            _("Outcomes"),
            _("Publicity"),
        ],
        widths={0: 8, 1: 12, 3: 10, 7: 8, 8: 8, 9: 8},
        caps={2: 20, 4: 28, 5: 16, 6: 18, 10: 18, 11: 18, 12: 14, 13: 24, 14: 18},
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
            _names(a.four_bodies_leaders),
            _names(a.department_leaders),
            _names(a.other_leaders),
            "；".join(a.outcomes),
            "、".join(str(c) for c in a.channel_labels),
        )
    sheet.add_total(
        _("Total"),
        _("%(count)s activities") % {"count": report.activity_count},
        "",
        "",
        "",
        "",
        "",
        report.attendances,
        report.other_participants,
        report.person_times,
        _("%(count)s activities") % {"count": report.with_four_bodies},
        _("%(count)s activities") % {"count": report.with_department},
    )
    sheet.close()


def _members(wb, report):
    fixed = [
        _("Name"),
        _("Federation role"),
        _("Rotation group"),
        _("Deputy / CPPCC member"),
        _("Status"),
        _("Activities attended"),
        _("Met the yearly obligation"),
    ]
    columns = [f"第{a.number}次\n{a.date.month}月{a.date.day}日" for a in report.activities]
    widths = {len(fixed) + i: 6 for i in range(len(columns))}
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "Members"),
        report,
        fixed + columns,
        widths={**widths, 5: 8, 6: 8},
        caps={2: 40},
        freeze_col=2,
        raw_from=len(fixed),
    )
    # A long period's matrix spreads over pages of about 30 activities. (Repeating the name
    # column too would need a two-part print-titles name whose order Excel is particular about.)
    sheet.pages_wide = max(1, math.ceil(len(columns) / 30))
    activity_ids = [a.pk for a in report.activities]
    archived, current = _("Archived"), ""
    yes, no = _("Yes"), _("No")
    for m in report.members:
        attended = m.activity_ids
        sheet.add(
            m.name,
            str(m.role_label),
            m.groups_label,
            m.offices_label,
            archived if m.is_archived else current,
            m.attended,
            "" if m.obligation_met is None else (yes if m.obligation_met else no),
            *[1 if pk in attended else None for pk in activity_ids],
        )
    sheet.add_total(
        _("Total"),
        "",
        "",
        "",
        "",
        report.attendances,
        _("%(met)s of %(count)s")
        % {
            "met": report.standing_obligation.participants,
            "count": report.standing_obligation.members,
        },
        *[a.attendees for a in report.activities],
    )
    sheet.close()


def _leaders(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "Leaders"),
        report,
        [
            _("No."),
            _("Date"),
            _("Rotation group"),
            _("Title"),
            _("Leader"),
            _("Post"),
            _("Level"),
        ],
        widths={0: 8, 1: 12},
        caps={2: 20, 3: 28, 5: 24},
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
    sheet.add_total(_("Total"), _("%(count)s leaders present") % {"count": len(report.leaders)})
    sheet.close()


def _outcomes(wb, report):
    sheet = SheetWriter(
        wb,
        pgettext("workbook sheet", "Outcomes"),
        report,
        [
            _("Year"),
            _("Kind"),
            _("Submitted to"),
            _("Key proposal"),
            _("Outcome title"),
            _("From activity"),
            _("Author"),
        ],
        widths={0: 8, 3: 8, 5: 10},
    )
    for o in report.outcomes:
        sheet.add(
            o.year,
            str(o.kind_label),
            str(o.submitted_to_label),
            _("Key") if o.is_key else "",
            o.title,
            ActivityNumber(o.activity_number) if o.activity_number else "",
            o.author,
        )
    sheet.add_total(_("Total"), _("%(count)s outcomes") % {"count": len(report.outcomes)})
    sheet.blank()
    sheet.add_total(_("Year"), _("Kind"), _("Submitted to"), _("Count"), _("of which key"))
    for row in report.outcome_summary:
        sheet.add(
            row.year, str(row.kind_label), str(row.submitted_to_label), row.count, row.key_count
        )
    sheet.close()


def build_workbook(report):
    """The workbook for a report, in the sheet order the leadership asked for."""
    with translation.override(WORKBOOK_LANGUAGE):
        wb = Workbook(write_only=True)
        wb.properties.title = f"{_('Rotation activity tallies')} {report.period.label}"
        wb.properties.creator = _("Fu'an FIC")
        _summary(wb, report)
        _by_theme(wb, report)
        _by_group(wb, report)
        _by_month(wb, report)
        _activities(wb, report)
        _members(wb, report)
        _leaders(wb, report)
        _outcomes(wb, report)
    return wb


def workbook_bytes(report):
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    return buffer.getvalue()


def file_name(report):
    """e.g. 轮值活动统计_2018.xlsx; the scope is added for a convener's report."""
    with translation.override(WORKBOOK_LANGUAGE):
        name = f"{_('Rotation activity tallies')}_{report.period.slug}"
        if report.scope:
            name += "_" + "_".join(_("group %(number)s") % {"number": n} for n, _n in report.scope)
    return f"{name}.xlsx"
