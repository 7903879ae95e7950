"""The roster download (下载当前名册) as a formal table an office prints as it is.

Only the export's writer lives here; the read side and the import template stay in
``members.roster`` (``write_roster``). The columns and their headers are the import's own
(``members.roster.EXPORT_COLUMNS``), so a downloaded roster imports back unchanged: the
importer finds the header row under the title block and skips the note below the table.
"""

from django.utils import timezone

from fuan_rotation.formal import Column, FormalBook, chinese_date, federation_name
from members.roster import EXPORT_COLUMNS

ROSTER_TITLE = "执委会成员名册"
# Width caps (characters). Fifteen columns do not fit one landscape A4 at a readable size:
# the table prints two pages across, 序号 and 姓名 repeated on each; longer text wraps.
_CAPS = {
    "seq": 5,
    "name": 8,
    "gender": 4,
    "company": 22,
    "position": 10,
    "role": 10,
    "industry": 8,
    "township": 8,
    "mobile": 12,
    "email": 22,
    "group": 20,
    "convener": 6,
    "offices": 30,
    "term": 6,
    "notes": 16,
}


def roster_file_name(day=None):
    """执委会成员名册_2026年11月30日.xlsx"""
    return f"{ROSTER_TITLE}_{chinese_date(day or timezone.localdate())}.xlsx"


def write_roster_export(rows, *, scope="", made_on=None, output=None):
    """The roster as a formal table; ``rows`` are dicts keyed by ``EXPORT_COLUMNS`` keys (as
    ``activities.roster.export.roster_rows`` yields them). ``scope`` (e.g. 第9组) goes in the
    subtitle. Returns the .xlsx bytes, or ``output`` (a binary file) holding them, rewound."""
    book = FormalBook(title=f"{federation_name()}{ROSTER_TITLE}", made_on=made_on, output=output)
    columns = [
        Column(c.header, cap=_CAPS.get(c.key, 8), drop_if_empty=c.key in ("email", "notes"))
        for c in EXPORT_COLUMNS
    ]
    sheet = book.sheet(ROSTER_TITLE, columns, scope=scope, freeze_col=2)
    count = 0
    for values in rows:
        count += 1
        sheet.add(*[values.get(c.key, "") for c in EXPORT_COLUMNS])
    sheet.note(f"注：共{count}人。")
    return book.close()
