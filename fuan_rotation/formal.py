"""Formal tables as a Chinese office prints them, written with XlsxWriter.

It lives in fuan_rotation/ because every app writes workbooks through it (reports, the
roster, the schedule), and the apps depend one way only (reports → activities → members).

Every workbook the product hands out (the year-end report, the roster, the schedule) goes
through :class:`FormalBook`, so they all look the same on paper:

* rows 1–3 are the title block: the title (federation name and what the table is), centred;
  the sheet's own subtitle; a line with 制表单位 on the left and 制表日期 (Chinese date) on the
  right;
* row 4 (``HEADER_ROW``) is the header, directly above the data, with an AutoFilter over
  header and data and the panes frozen below it; units go in the header (``活动次数（次）``),
  never in number cells;
* totals are ``SUBTOTAL(109, …)`` formulas stored *with* their value (readers that cannot
  calculate still see the number), one blank row below the data, so sorting and filtering
  the data leave them alone and selecting a column does not count them twice;
* every cell is ruled with thin borders and set in 宋体 (``FONT``), bold in the same face;
  dates are written 2018年8月15日;
* A4, portrait when the table fits across a portrait page at 100 %, else landscape; printed at
  no less than ``MIN_SCALE``: a table too wide even for that is spread over several pages
  across (with its first column repeated) rather than shrunk; the header row repeats on every
  page, the page header names the sheet, the footer says 「第 N 页 共 M 页」.

Text from users is written as text (``write_string``, or a row at once with
``_Worksheet.write_cells``, which writes the same): it is never a formula, a number or a link.
XlsxWriter's ``constant_memory`` mode streams rows to a temporary file, so memory stays flat
for ten years of data; rows therefore go out in order, which is why a sheet collects its rows
and writes them in :meth:`FormalSheet.close`, once the column widths are known (past
``SPOOL_ROWS`` it keeps them, measured, in a temporary file of its own). A download is written
to :func:`spooled_output` and streamed from there (``FormalBook(output=…)``).
"""

import datetime
import io
import math
import pickle
import re
import tempfile

import xlsxwriter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

# Every workbook is the office's document: Chinese whatever language the site is read in.
# Its texts are catalogue strings (English msgids) rendered in this language.
LANGUAGE = "zh-hans"

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT = "宋体"
BODY_SIZE = 10.5  # 五号, the size of an office's tables
TITLE_SIZE = 16  # 三号
SUBTITLE_SIZE = 12  # 小四
HEADER_ROW = 3  # zero-based: row 4 on paper; rows 1-3 are the title block
LINE_HEIGHT = 14  # points per line of 10.5-point text
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
# Printable width of A4 with 0.5-inch side margins (184.6 mm portrait, 271.6 mm landscape) in
# column-width units, as LibreOffice measures them: it sizes a unit by the default font, and
# without Calibri installed it takes a wider face, so a unit is about 2.7 mm there (Excel with
# Calibri: 1.9 mm, where the same table simply prints larger). Measured here: a 100-unit table
# fits landscape at 100 % and portrait at 69 %.
PORTRAIT_CHARS = 68
LANDSCAPE_CHARS = 100
MIN_SCALE = 0.82  # above the 80 % the issue allows: page breaks fall between columns
MIN_WIDTH, MAX_WIDTH = 5, 40
SPOOL_ROWS = 2000  # rows a sheet holds in memory before it spills them to a temporary file

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spooled_output():
    """A temporary file to write a workbook into, for a response to stream from
    (``FileResponse``), so a download never sits in memory whole; it goes when closed."""
    return tempfile.TemporaryFile()


def federation_name():
    """The issuing body, e.g. 福安市工商联（总商会）: ``settings.FEDERATION_NAME``."""
    return getattr(settings, "FEDERATION_NAME", "") or "福安市工商联（总商会）"


def chinese_date(day):
    """2018年8月15日, as an office writes a date."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def clean_text(value):
    """A string xlsx can hold: control characters removed, at most 32,767 characters."""
    value = str(value)
    if not value.isprintable():  # C-speed check; the regex only for the rare exception
        value = _ILLEGAL.sub("", value)
    return value[:32767]


def title_lines(title, room):
    """The title as it fits ``room`` column units (Excel's column widths), and its line count.

    A title wider than the table (a long period, a narrow portrait table) would be cut at both
    sides when printed; it breaks after the federation's name instead, the way a two-line
    official table title is set, or else wraps. The title is set at TITLE_SIZE against the
    body's 10.5 pt, with a margin for LibreOffice's wider measure of the same text.
    """

    def needed(text):
        return display_width(text) * TITLE_SIZE / 10.5 * 1.15

    if needed(title) <= room:
        return title, 1
    name = federation_name()
    if title.startswith(name) and len(title) > len(name):
        title = f"{name}\n{title[len(name) :]}"
    room = max(room, 1)
    return title, sum(max(1, math.ceil(needed(part) / room)) for part in title.split("\n"))


def display_width(text):
    """Columns a text needs: a Chinese character is about two Latin ones wide.

    A CJK character is three bytes in UTF-8 and an ASCII one is one, so (bytes + characters) / 2
    counts 2 and 1; it runs at C speed, which matters over a 1,320-row sheet.
    """
    text = str(text)
    return (len(text.encode()) + len(text)) // 2


class Percent(float):
    """A share between 0 and 1, written as a percentage number (75.0) under a ``（%）`` header."""


class ActivityNumber(int):
    """第N次, kept a number so it sorts and filters as one."""


class Sum:
    """A totals cell: ``SUBTOTAL(109, column)`` over the data, stored with ``value``."""

    def __init__(self, value):
        self.value = value


class Column:
    """One column: its header (with the unit), a width cap, and whether long text wraps.

    ``width`` fixes the width; otherwise the column fits its longest value up to ``cap``
    (default ``MAX_WIDTH``) and wraps beyond it. ``drop_if_empty`` leaves the column out when
    no data row has a value in it (e.g. 其他领导 in a year without any).
    """

    def __init__(self, header, *, width=None, cap=None, drop_if_empty=False, align=None):
        self.header = header
        self.width = width
        self.cap = cap or MAX_WIDTH
        self.drop_if_empty = drop_if_empty
        self.align = align


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet with a faster way to write finished rows in ``constant_memory`` mode.

    * :meth:`write_cells` takes a whole row's text and number cells in one call, where
      ``write_string``/``write_number`` cost a call, an argument check, a dimension check and a
      named tuple per cell; and
    * the row writer (``_write_single_row``) visits a row's cells, where the library's visits
      every column from the sheet's first to its last for each row (``range(dim_colmin,
      dim_colmax + 1)``: 847 activity columns for 2018 at a province's size, a few cells a row),
      and writes the plain text and number cells of :meth:`write_cells` as one string.

    The XML is byte for byte the library's own (tests/test_formal.py compares the two, so an
    XlsxWriter upgrade that changes how a cell is written fails there), with one deliberate
    difference: the library writes a text that starts with ``<r>`` and ends with ``</r>`` as
    rich-string XML, unescaped, where this writes it as the text it is. A very long text, and
    values of other kinds, go through the library's own writer.
    """

    def __init__(self):
        super().__init__()
        self._styles = {}  # format -> its ' s="N"' attribute

    def write_cells(self, row, cells):
        """Write one row's cells: ``cells`` is a list of ``(column, value, format or None)`` in
        column order, ``value`` a ``str`` (cleaned: see :func:`clean_text`) or an ``int`` or
        ``float``, or a ``datetime`` with its date format (anything else is passed to
        XlsxWriter's ``write``). Each cell is what ``write_string``, ``write_number`` or
        ``write_datetime`` would have written. Returns -1 (and writes nothing) when the row is
        outside the sheet or already written, as XlsxWriter does; raises what ``write`` raises
        for a value it cannot write."""
        if not cells:
            return 0
        if self._check_dimensions(row, cells[0][0]) or self._check_dimensions(row, cells[-1][0]):
            return -1
        if row > self.previous_row:  # constant_memory: the previous row is finished
            self._write_single_row(row)
        table_row = self.table[row]
        # A plain tuple (value, format) is rendered by _write_single_row; a value in any other
        # form is stored by the library's own write_*() as its cell tuple.
        for col, value, fmt in cells:
            kind = type(value)
            if kind is str:
                if len(value) <= _LONG_TEXT:
                    table_row[col] = (value, fmt)
                else:
                    self._write_string(row, col, value, fmt)
            elif kind is int or (kind is float and math.isfinite(value)):
                table_row[col] = (value, fmt)
            elif kind is datetime.datetime and fmt is not None:
                # A date is its serial number, in the date format given (write_datetime).
                table_row[col] = (self._convert_date_time(value), fmt)
            else:
                self._write(row, col, value, fmt)
        return 0

    def _write_single_row(self, current_row_num=0):
        row_num = self.previous_row
        self.previous_row = current_row_num
        cells = self.table.get(row_num)
        row_info = self.row_info.get(row_num)
        if cells:
            # No span data in constant_memory mode, as in the library.
            self._write_row(row_num, None, row_info)
            fh = self.fh
            parts = []
            number = str(row_num + 1)
            row_format = row_info.row_format if row_info else None
            # A cell without a format of its own takes its row's, else its column's.
            row_style = f' s="{row_format._get_xf_index()}"' if row_format else None
            styles, col_info = self._styles, self.col_info
            for col_num in sorted(cells):
                cell = cells[col_num]
                if type(cell) is not tuple:  # written with the library's own write_*()
                    if parts:
                        fh.write("".join(parts))
                        parts = []
                    self._write_cell(row_num, col_num, cell)
                    continue
                value, fmt = cell
                if fmt is not None:
                    style = styles.get(fmt)
                    if style is None:
                        # A format's index is given on its first use and kept.
                        style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
                elif row_style is not None:
                    style = row_style
                else:
                    column = col_info.get(col_num)
                    if column is None or column.column_format is None:
                        style = ""
                    else:
                        style = f' s="{column.column_format._get_xf_index()}"'
                ref = _COLUMN_NAMES.get(col_num) or _column_name(col_num)
                if type(value) is str:
                    if not value.isprintable() or "_x" in value:
                        # Control and non-characters become _xHHHH_, and text that looks like
                        # such an escape is escaped itself, as the library does.
                        value = self._escape_control_characters(value)
                    # Unlike the library, text of the form of a rich string (<r>…</r>) is
                    # escaped too: written as it is, a member's name could add XML to the
                    # sheet (another cell, a formula).
                    if "&" in value or "<" in value or ">" in value:
                        value = value.replace("&", "&amp;").replace("<", "&lt;")
                        value = value.replace(">", "&gt;")
                    if value[:1].isspace() or value[-1:].isspace():
                        parts.append(
                            f'<c r="{ref}{number}"{style} t="inlineStr"><is>'
                            f'<t xml:space="preserve">{value}</t></is></c>'
                        )
                    else:
                        parts.append(
                            f'<c r="{ref}{number}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
                        )
                else:
                    parts.append(f'<c r="{ref}{number}"{style}><v>{value:.16G}</v></c>')
            if parts:
                fh.write("".join(parts))
            self._xml_end_tag("row")
        elif row_info is not None or row_num in self.comments:
            self._write_empty_row(row_num, None, row_info)
        self.table.clear()


_LONG_TEXT = 16383  # longer texts may pass Excel's 32,767 UTF-16 units: the library cuts them
_COLUMN_NAMES = {}  # column index -> letters


def _column_name(col):
    name = _COLUMN_NAMES[col] = xlsxwriter.utility.xl_col_to_name(col)
    return name


class _Workbook(xlsxwriter.Workbook):
    worksheet_class = _Worksheet


class FormalBook:
    """A workbook of formal tables. ``title`` heads every sheet (e.g. 福安市工商联（总商会）
    2018年度轮值活动统计表); ``made_on`` is the 制表日期 (a date; today if None)."""

    def __init__(self, *, title, made_on=None, unit=None, output=None):
        # ``output``: a binary file to write the workbook to (see :func:`spooled_output`);
        # by default an in-memory buffer whose bytes close() returns.
        self.output = output
        self.buffer = io.BytesIO() if output is None else output
        self.workbook = _Workbook(
            self.buffer,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                # The Normal style too: a cell without its own format is 宋体 as well.
                "default_format_properties": {
                    "font_name": FONT,
                    "font_size": BODY_SIZE,
                    "valign": "vcenter",
                },
            },
        )
        self.workbook.set_properties({"title": title, "author": unit or federation_name()})
        self.title = title
        self.unit = unit or federation_name()
        self.made_on = made_on or datetime.date.today()
        self._formats = {}
        self.sheets = []
        self.border_format = self.workbook.add_format({"border": 1})

    def format(self, **props):
        """A cell format with the house font; formats are made once per combination."""
        key = tuple(sorted(props.items()))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self.workbook.add_format({"font_name": FONT, "font_size": BODY_SIZE, **props})
            self._formats[key] = fmt
        return fmt

    def sheet(self, name, columns, **options):
        sheet = FormalSheet(self, name, columns, **options)
        self.sheets.append(sheet)
        return sheet

    def close(self):
        """Write every sheet; return the .xlsx bytes, or, when the book was made with an
        ``output`` file, that file positioned at its start."""
        for sheet in self.sheets:
            sheet.close()
        self.workbook.close()
        if self.output is not None:
            self.output.seek(0)
            return self.output
        return self.buffer.getvalue()


class FormalSheet:
    """One formal table. Add rows with :meth:`add`, totals with :meth:`total`, notes below the
    table with :meth:`note`; nothing is written until :meth:`close`.

    ``subtitle`` is row 2 (default: the sheet name); ``scope`` goes on the 制表单位 line;
    ``freeze_col`` is how many leading columns stay put when scrolling (and repeat on every
    page when the table is spread across pages); ``one_page`` shrinks the table to one page,
    never below ``MIN_SCALE`` (a summary the office reads at a glance); ``print_notes`` prints
    the notes below the table too (a list's count line), where by default they are for the
    screen only.
    """

    def __init__(
        self,
        book,
        name,
        columns,
        *,
        subtitle=None,
        scope="",
        freeze_col=1,
        one_page=False,
        orientation=None,
        print_notes=False,
    ):
        self.book = book
        self.name = name
        self.columns = list(columns)
        self.subtitle = subtitle if subtitle is not None else name
        self.scope = scope
        self.freeze_col = freeze_col
        self.one_page = one_page
        self.orientation = orientation
        self.print_notes = print_notes
        self.rows = []  # the rows not yet spilled: (values, sparse or None)
        self.row_count = 0
        self._spool = None  # a temporary file of pickled batches of rows, once there are many
        self._natural = {}  # column index -> widest value so far (display width)
        self._filled = set()  # indexes of drop_if_empty columns that have a value
        self.totals = []
        self.notes = []
        self.worksheet = book.workbook.add_worksheet(name[:31])

    # Collecting ------------------------------------------------------------------------------

    def add(self, *values, sparse=None):
        """One data row. ``sparse`` ({column index: number}) fills the columns after
        ``values`` that are mostly empty (an attendance matrix) without a cell per gap.

        Rows are kept until :meth:`close` (the column widths and the title block above them
        depend on every row); beyond ``SPOOL_ROWS`` they go, measured, to a temporary file in
        batches, so a sheet of any length holds at most one batch in memory."""
        self.rows.append((values, sparse))
        self.row_count += 1
        if len(self.rows) >= SPOOL_ROWS:
            self._spill()

    def _spill(self):
        self._measure(self.rows)
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()
        pickle.dump(self.rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows = []

    def _measure(self, rows):
        """Widest value of each fitted column and which optional columns have a value."""
        natural, filled = self._natural, self._filled
        for i, column in enumerate(self.columns):
            if column.width and not column.drop_if_empty:
                continue
            values = [r[i] for r, _sparse in rows if i < len(r)]
            if column.drop_if_empty and i not in filled:
                if any(v is not None and v != "" for v in values):
                    filled.add(i)
            if not column.width:
                widest = natural.get(i, 0)
                for v in values:
                    if type(v) is str and "\n" not in v:
                        width = (len(v.encode()) + len(v)) // 2  # display_width, inlined
                    elif v is None:
                        continue
                    else:
                        width = _value_width(v)
                    if width > widest:
                        widest = width
                natural[i] = widest

    def _all_rows(self):
        """Every row in order, (values, sparse): the spilled batches, then the rest."""
        if self._spool is not None:
            self._spool.seek(0)
            while True:
                try:
                    batch = pickle.load(self._spool)
                except EOFError:
                    break
                yield from batch
            self._spool.close()
            self._spool = None
        yield from self.rows
        self.rows = []

    def total(self, *values):
        """A totals row below the data: a :class:`Sum` becomes a SUBTOTAL formula."""
        self.totals.append(values)

    def note(self, text):
        self.notes.append(text)

    # Writing ---------------------------------------------------------------------------------

    def _kept_columns(self):
        return [
            i
            for i, column in enumerate(self.columns)
            if not column.drop_if_empty or i in self._filled
        ]

    def _widths(self, kept):
        widths, wrap = [], set()
        for position, i in enumerate(kept):
            column = self.columns[i]
            header_lines = str(column.header).split("\n")
            natural = max(min(display_width(line), 12) for line in header_lines)
            if column.width:
                widths.append(column.width)
                wrap.add(position)
                continue
            natural = max(natural, self._natural.get(i, 0))
            if natural > column.cap:
                wrap.add(position)
            widths.append(min(max(natural + 2, MIN_WIDTH), column.cap + 2))
            # Headers wrap in their cell whatever the column.
        return widths, wrap

    def _layout(self, total_width):
        """(landscape?, pages across): portrait when it fits at 100 %, never below MIN_SCALE."""
        if self.orientation:
            landscape = self.orientation == "landscape"
        else:
            landscape = total_width > PORTRAIT_CHARS
        capacity = LANDSCAPE_CHARS if landscape else PORTRAIT_CHARS
        pages = max(1, math.ceil(total_width * MIN_SCALE / capacity))
        return landscape, pages

    def _first_page_last_column(self, widths):
        """The last column printed on the first page when the table spreads across pages."""
        total = sum(widths)
        landscape, pages = self._layout(total)
        if pages == 1:
            return len(widths) - 1
        capacity = LANDSCAPE_CHARS if landscape else PORTRAIT_CHARS
        room = capacity / min(1, pages * capacity / total)
        used = 0
        for position, width in enumerate(widths):
            used += width
            if used > room:
                return max(position - 1, 0)
        return len(widths) - 1

    def close(self):
        book, ws = self.book, self.worksheet
        self._measure(self.rows)
        kept = self._kept_columns()
        widths, wrap = self._widths(kept)
        ncols = len(kept)
        last_col = ncols - 1
        for position, width in enumerate(widths):
            ws.set_column(position, position, width)

        border = {"border": 1, "valign": "vcenter"}
        title_fmt = book.format(bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter")
        subtitle_fmt = book.format(bold=True, font_size=SUBTITLE_SIZE, align="center")
        line_left = book.format(align="left", valign="vcenter")
        line_right = book.format(align="right", valign="vcenter")
        header_fmt = book.format(
            bold=True, align="center", text_wrap=True, bg_color="#F2F2F2", **border
        )
        total_label = book.format(bold=True, align="center", **border)

        # Title block, centred over what prints on the first page.
        title_col = self._first_page_last_column(widths)
        title, lines = title_lines(book.title, sum(widths[: title_col + 1]))
        if lines > 1:
            title_fmt = book.format(
                bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter", text_wrap=True
            )
        ws.set_row(0, 30 if lines == 1 else 26 * lines)
        _merge(ws, 0, 0, title_col, clean_text(title), title_fmt)
        subtitle = f"{self.subtitle}（{self.scope}）" if self.scope else self.subtitle
        # A subtitle wider than the table (a long scope) wraps rather than being cut at both
        # sides, measured as the title is.
        room = max(sum(widths[: title_col + 1]), 1)
        sub_lines = math.ceil(display_width(subtitle) * SUBTITLE_SIZE / 10.5 * 1.15 / room)
        if sub_lines > 1:
            subtitle_fmt = book.format(
                bold=True, font_size=SUBTITLE_SIZE, align="center", valign="vcenter", text_wrap=True
            )
        ws.set_row(1, 20 if sub_lines <= 1 else 18 * sub_lines)
        _merge(ws, 1, 0, title_col, clean_text(subtitle), subtitle_fmt)
        with translation.override(LANGUAGE):
            left = _("Prepared by: %(unit)s") % {"unit": book.unit}
            right = _("Date: %(date)s") % {"date": chinese_date(book.made_on)}
        # 制表日期 takes as many columns from the right as it needs; 制表单位 the rest.
        split, room = title_col + 1, 0
        while split > 1 and room < display_width(right) + 2:
            split -= 1
            room += widths[split]
        if ncols > 1:
            _merge(ws, 2, 0, split - 1, clean_text(left), line_left)
            _merge(ws, 2, split, title_col, clean_text(right), line_right)
        else:
            ws.write_string(2, 0, clean_text(f"{left}　{right}"), line_left)
        left_chars = display_width(left) + display_width(right)
        if left_chars > sum(widths) - 2:
            ws.set_row(2, LINE_HEIGHT * 2 + 4)

        # Header.
        header_lines = max(
            sum(
                max(1, math.ceil(display_width(part) / max(widths[p] - 1, 1)))
                for part in _header_text(self.columns[i].header, widths[p]).split("\n")
            )
            for p, i in enumerate(kept)
        )
        ws.set_row(HEADER_ROW, LINE_HEIGHT * header_lines + 6)
        for position, i in enumerate(kept):
            ws.write_string(
                HEADER_ROW,
                position,
                _header_text(self.columns[i].header, widths[position]),
                header_fmt,
            )

        # Data.
        first = HEADER_ROW + 1
        formats = [
            self._cell_formats(self.columns[i], position in wrap) for position, i in enumerate(kept)
        ]
        row_index = first
        position_of = {i: p for p, i in enumerate(kept)}
        # One plan entry per kept column, in column order: (index, position, a count needs no
        # format, text needs no format, the formats, the room of a wrapping text column).
        plan = []
        for position, i in enumerate(kept):
            plain = not self.columns[i].align
            room = max(widths[position] - 1, 1) if position in wrap else None
            plan.append((i, position, plain, plain and room is None, formats[position], room))
        with translation.override(LANGUAGE):
            yes_no = {True: _("Yes"), False: _("No")}
        # A row's cells go to the worksheet at once, as (position, value, format) in column
        # order: a call per row, not per cell (13,200 rows of the participation sheet at a
        # province's size).
        write_cells, set_row = ws.write_cells, ws.set_row
        for row, sparse in self._all_rows():
            lines = 1
            length = len(row)
            cells = []
            append = cells.append
            for i, position, plain, plain_text, fmt, room in plan:
                if i >= length:
                    break
                value = row[i]
                kind = type(value)
                if kind is int:
                    # A count needs nothing but the Normal style (宋体, centred vertically,
                    # right-aligned) and the table's ruling: no format of its own, which is
                    # most of what a styled workbook costs over a bare one.
                    append((position, value, None if plain else fmt["number"]))
                    continue
                if value is None or value == "":
                    continue  # ruled by the conditional format below: no cell to write
                if kind is str:
                    if room is not None:
                        # A row is as high as its longest wrapping text.
                        if "\n" in value:
                            needed = sum(
                                max(1, -(-display_width(part) // room))
                                for part in value.split("\n")
                            )
                        else:
                            needed = -(-((len(value.encode()) + len(value)) // 2) // room)
                        if needed > lines:
                            lines = needed
                    append((position, clean_text(value), None if plain_text else fmt["text"]))
                    continue
                append(_cell(position, value, fmt, yes_no))
            if sparse:
                for i in sorted(sparse):
                    position = position_of.get(i)
                    if position is not None:
                        # The Normal style (宋体, right-aligned number) and the table's ruling
                        # (conditional format) are all these cells need: no format of their own.
                        append((position, sparse[i], None))
            write_cells(row_index, cells)
            if lines > 1:
                # After its cells: in constant_memory mode a row goes out when the next begins.
                set_row(row_index, LINE_HEIGHT * lines + 4)
            row_index += 1
        last_data = max(row_index - 1, first)
        if row_index == first:  # no data: one empty ruled row keeps the table whole
            for position in range(ncols):
                ws.write_blank(first, position, None, formats[position]["text"])
            row_index += 1

        # Totals: a blank row, then SUBTOTAL formulas with their values.
        if self.totals:
            row_index += 1
            for values in self.totals:
                for position, i in enumerate(kept):
                    value = values[i] if i < len(values) else None
                    fmt = formats[position]
                    if isinstance(value, Sum):
                        letter = xlsxwriter.utility.xl_col_to_name(position)
                        formula = f"=SUBTOTAL(109,{letter}{first + 1}:{letter}{last_data + 1})"
                        ws.write_formula(row_index, position, formula, fmt["total"], value.value)
                    elif position == 0 and isinstance(value, str):
                        ws.write_string(row_index, position, clean_text(value), total_label)
                    else:
                        _write(ws, row_index, position, value, fmt, total=True)
                row_index += 1
        # Notes are for the screen: the print area ends with the table, so a note never lands
        # alone on a page under a repeated header (what they say is in the 说明 sheet too);
        # unless ``print_notes`` (a list's count line), when it ends with the last note.
        table_end = max(row_index - 1, first)
        if self.print_notes and self.notes:
            table_end = row_index + len(self.notes)
        ws.print_area(0, 0, table_end, last_col)
        for text in self.notes:
            row_index += 1
            lines = math.ceil(display_width(text) / max(sum(widths) - 2, 1))
            ws.set_row(row_index, LINE_HEIGHT * max(lines, 1) + 4)
            _merge(
                ws,
                row_index,
                0,
                last_col,
                clean_text(text),
                book.format(text_wrap=True, valign="top"),
            )

        # Empty data cells are ruled by one conditional format over the table rather than
        # written one by one: the attendance matrix is mostly empty, and writing 150,000 blank
        # styled cells would cost five times the table itself (LibreOffice and Excel both
        # draw it, within the printed area that the header and totals rows span).
        ws.conditional_format(
            first, 0, last_data, last_col, {"type": "no_errors", "format": book.border_format}
        )
        ws.autofilter(HEADER_ROW, 0, last_data, last_col)
        ws.freeze_panes(HEADER_ROW + 1, min(self.freeze_col, last_col))
        self._print_setup(sum(widths))

    def _cell_formats(self, column, wrap):
        key = (column.align, wrap)
        cache = self.book.__dict__.setdefault("_cell_format_sets", {})
        if key not in cache:
            cache[key] = self._make_cell_formats(column, wrap)
        return cache[key]

    def _make_cell_formats(self, column, wrap):
        book = self.book
        base = {"border": 1, "valign": "vcenter"}
        if wrap:
            base["text_wrap"] = True
        if column.align:
            base["align"] = column.align
        made = {}
        for kind, extra in (
            ("text", {}),
            ("number", {"align": column.align or "right"}),
            ("percent", {"num_format": "0.0", "align": "right"}),
            ("activity", {"num_format": '"第"0"次"', "align": "center"}),
            ("date", {"num_format": DATE_FORMAT, "align": "center"}),
        ):
            made[kind] = book.format(**{**base, **extra})
            made[f"{kind}_total"] = book.format(**{**base, **extra, "bold": True})
        made["total"] = book.format(**{**base, "align": "right", "bold": True})
        return made

    def _print_setup(self, total_width):
        ws = self.worksheet
        landscape, pages = self._layout(total_width)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
        ws.center_horizontally()
        ws.repeat_rows(HEADER_ROW)
        if pages > 1 and self.freeze_col:
            ws.repeat_columns(0, self.freeze_col - 1)
        if self.one_page:
            ws.fit_to_pages(1, 1)
        else:
            ws.fit_to_pages(pages, 0)
        font = f'&"{FONT},Regular"&10'
        title = self.book.title.replace("&", "&&")
        ws.set_header(f"&L{font}{title}&R{font}&A", {"margin": 0.3})
        with translation.override(LANGUAGE):
            # &P and &N are the page number and the number of pages.
            footer = _("Page &P of &N")
        ws.set_footer(f"&C{font}{footer}", {"margin": 0.3})


def _header_text(header, width):
    """The unit on its own line when the header does not fit: 活动次数\n（次）, never 活动次数（
    次）."""
    header = clean_text(header)
    if "\n" not in header and "（" in header and display_width(header) > width - 1:
        header = header.replace("（", "\n（", 1)
    return header


def _merge(ws, row, first_col, last_col, text, fmt):
    if last_col > first_col:
        ws.merge_range(row, first_col, row, last_col, text, fmt)
    else:
        ws.write_string(row, first_col, text, fmt)


def _value_width(value):
    if type(value) is str:
        if "\n" not in value:
            return display_width(value)
        return max(display_width(part) for part in value.split("\n"))
    if isinstance(value, bool):
        return 4
    if isinstance(value, Percent):
        return 6
    if isinstance(value, ActivityNumber):
        return 7
    if isinstance(value, int | float):
        return len(str(value))
    if isinstance(value, datetime.date):
        return 14
    return max((display_width(part) for part in str(value).split("\n")), default=0)


def _cell(position, value, formats, yes_no):
    """A data cell for :meth:`_Worksheet.write_cells`, as :func:`_write` would write it: a
    value that is neither a count nor text (Percent, ActivityNumber, yes/no, a date …)."""
    if isinstance(value, bool):
        return position, yes_no[value], formats["text"]
    if isinstance(value, Percent):
        return position, float(value) * 100, formats["percent"]
    if isinstance(value, ActivityNumber):
        return position, int(value), formats["activity"]
    if isinstance(value, int | float):
        return position, value, formats["number"]
    if isinstance(value, datetime.date):
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime(value.year, value.month, value.day)
        return position, value, formats["date"]
    return position, clean_text(value), formats["text"]


def _write(ws, row, col, value, formats, *, total=False):
    suffix = "_total" if total else ""
    if type(value) is str and value:
        ws.write_string(row, col, clean_text(value), formats["text" + suffix])
    elif value is None or value == "":
        ws.write_blank(row, col, None, formats["text" + suffix])
    elif isinstance(value, bool):
        with translation.override(LANGUAGE):
            text = _("Yes") if value else _("No")
        ws.write_string(row, col, text, formats["text" + suffix])
    elif isinstance(value, Percent):
        ws.write_number(row, col, float(value) * 100, formats["percent" + suffix])
    elif isinstance(value, ActivityNumber):
        ws.write_number(row, col, int(value), formats["activity" + suffix])
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, formats["number" + suffix])
    elif isinstance(value, datetime.date):
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, value, formats["date" + suffix])
    else:
        ws.write_string(row, col, clean_text(value), formats["text" + suffix])
