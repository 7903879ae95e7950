"""The outcome and publicity lists as the office downloads them (导出当前列表): what the
filtered list shows, every page of it, as a formal table (fuan_rotation/formal.py). Chinese
whatever the UI language: the texts are catalogue strings rendered in zh-Hans."""

import itertools

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fuan_rotation.formal import ActivityNumber, Column, FormalBook, chinese_date, federation_name


def outcome_list_title():
    with translation.override("zh-hans"):
        return _("Outcome list")


def publicity_list_title():
    with translation.override("zh-hans"):
        return _("Publicity list")


def list_file_name(title, day=None):
    """履职成果一览_2026年11月30日.xlsx"""
    return f"{title}_{chinese_date(day or timezone.localdate())}.xlsx"


def _sheet_columns(columns, rows):
    """(columns, rows) for a list's sheet: an empty list prints like a full one, with every
    column (none dropped as empty), each at the width a long text would give it (its cap),
    the optional ones (``drop_if_empty``) as wide as their header, so the title fits on one
    line, 制表单位 is not cut, and the table spans one landscape page as a full one does.
    ``rows``: any iterable, returned as one that still yields every row."""
    rows = iter(rows)
    first = next(rows, None)
    if first is not None:
        return columns, itertools.chain([first], rows)
    return [
        Column(c.header, width=None if c.drop_if_empty else (c.width or c.cap + 2), align=c.align)
        for c in columns
    ], ()


def _activity_cells(activity):
    """(第N次, its title, its group) of an item's activity, or blanks for a standalone one."""
    if activity is None:
        return "", _("(standalone)"), ""
    number = ActivityNumber(activity.number) if activity.number else ""
    return number, activity.title, str(activity.group)


def outcome_list_workbook(outcomes, *, scope="", made_on=None, output=None):
    """``outcomes``: the list's rows (Outcome with ``activity__group`` and ``member``
    selected). ``scope`` (whose rows and which filters, in words) goes in the subtitle, in
    brackets. An empty list prints like a full one, its count line included. Returns the
    .xlsx bytes, or ``output`` (a binary file, see formal.spooled_output) rewound."""
    with translation.override("zh-hans"):
        title = outcome_list_title()
        book = FormalBook(title=f"{federation_name()}{title}", made_on=made_on, output=output)
        # Sized to fit across one landscape A4 page (formal.LANDSCAPE_CHARS): long texts wrap.
        columns = [
            Column(_("Year"), width=6),
            Column(_("Kind"), cap=8),
            Column(_("Key proposal"), width=6),
            Column(pgettext("outcome", "Title"), cap=30),
            Column(_("Submitted to"), cap=8, drop_if_empty=True),
            Column(_("Author"), cap=7, drop_if_empty=True),
            Column(_("No."), width=7),
            Column(_("Activity"), cap=16),
            Column(_("Rotation group"), cap=12),
        ]
        columns, outcomes = _sheet_columns(columns, outcomes)
        sheet = book.sheet(title, columns, scope=scope, freeze_col=1, print_notes=True)
        count = key = 0
        for outcome in outcomes:
            count += 1
            key += outcome.is_key
            sheet.add(
                outcome.year,
                outcome.get_kind_display(),
                outcome.is_key,
                outcome.title,
                outcome.get_submitted_to_display() if outcome.submitted_to else "",
                outcome.member.name if outcome.member else "",
                *_activity_cells(outcome.activity),
            )
        sheet.note(
            _("%(count)s outcomes in all, %(key)s of them key proposals.")
            % {"count": count, "key": key}
        )
        return book.close()


def publicity_list_workbook(items, *, scope="", made_on=None, output=None):
    """``items``: the list's rows (Publicity with ``activity__group`` selected). Returns the
    .xlsx bytes, or ``output`` (a binary file, see formal.spooled_output) rewound."""
    with translation.override("zh-hans"):
        title = publicity_list_title()
        book = FormalBook(title=f"{federation_name()}{title}", made_on=made_on, output=output)
        # Sized to fit across one landscape A4 page (formal.LANDSCAPE_CHARS) unless links are
        # given: long texts wrap.
        columns = [
            Column(_("Channel"), cap=10),
            Column(_("Date"), width=14, drop_if_empty=True),
            Column(pgettext("publicity", "Title"), cap=24, drop_if_empty=True),
            Column(_("Link"), cap=20, drop_if_empty=True),
            Column(_("No."), width=7),
            Column(_("Activity date"), width=14),
            Column(_("Activity"), cap=18),
            Column(_("Rotation group"), cap=12),
        ]
        columns, items = _sheet_columns(columns, items)
        sheet = book.sheet(title, columns, scope=scope, freeze_col=1, print_notes=True)
        count = 0
        for item in items:
            count += 1
            number, activity_title, group = _activity_cells(item.activity)
            sheet.add(
                item.get_channel_display(),
                item.date or "",
                item.title,
                item.link,
                number,
                item.activity.date,
                activity_title,
                group,
            )
        sheet.note(_("%(count)s publicity items in all.") % {"count": count})
        return book.close()
