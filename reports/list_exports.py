"""The outcome and publicity lists as the office downloads them (导出当前列表): what the
filtered list shows, every page of it, as a formal table (fuan_rotation/formal.py). Chinese
whatever the UI language: the texts are catalogue strings rendered in zh-Hans."""

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


def _activity_cells(activity):
    """(第N次, its title, its group) of an item's activity, or blanks for a standalone one."""
    if activity is None:
        return "", _("(standalone)"), ""
    number = ActivityNumber(activity.number) if activity.number else ""
    return number, activity.title, str(activity.group)


def outcome_list_workbook(outcomes, *, scope="", made_on=None, output=None):
    """``outcomes``: the list's rows (Outcome with ``activity__group`` and ``member``
    selected). ``scope`` (the filters in use, in words) goes on the 制表单位 line. Returns the
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
        sheet = book.sheet(title, columns, scope=scope, freeze_col=1)
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
        sheet = book.sheet(title, columns, scope=scope, freeze_col=1)
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
