"""The activity list as the office downloads it (导出当前列表): what the filtered list shows,
as a formal table (fuan_rotation/formal.py). The file is Chinese whatever the UI language:
its texts are catalogue strings rendered in zh-Hans, as every workbook's are."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fuan_rotation.formal import (
    ActivityNumber,
    Column,
    FormalBook,
    Sum,
    chinese_date,
    federation_name,
)


def activity_list_title():
    with translation.override("zh-hans"):
        return _("Rotation activity list")


def activity_list_file_name(day=None):
    """轮值活动清单_2026年11月30日.xlsx"""
    return f"{activity_list_title()}_{chinese_date(day or timezone.localdate())}.xlsx"


def activity_list_workbook(activities, *, scope="", made_on=None, output=None):
    """``activities``: the list's queryset, with ``person_times`` (``with_person_times()``)
    and its group selected. ``scope`` (the filters in use, in words) goes on the 制表单位
    line. Returns the .xlsx bytes, or ``output`` (a binary file) holding them, rewound."""
    with translation.override("zh-hans"):
        title = activity_list_title()
        book = FormalBook(title=f"{federation_name()}{title}", made_on=made_on, output=output)
        columns = [
            Column(_("No."), width=7),
            Column(_("Date"), width=14),
            Column(_("Rotation group"), cap=16),
            Column(_("Theme"), width=10),
            Column(_("Title"), cap=24),
            Column(_("Place"), cap=14, drop_if_empty=True),
            Column(_("Person-times (person-times)"), width=9),
            Column(_("Status"), cap=10),
        ]
        sheet = book.sheet(title, columns, scope=scope, freeze_col=2)
        count = person_times = 0
        for activity in activities:
            count += 1
            person_times += activity.person_times
            status = activity.get_status_display()
            if activity.review_status != activity.Review.APPROVED:
                status = f"{status}（{activity.get_review_status_display()}）"
            sheet.add(
                ActivityNumber(activity.number) if activity.number else "",
                activity.date,
                str(activity.group),
                activity.get_theme_display(),
                activity.title,
                activity.place,
                activity.person_times,
                status,
            )
        sheet.total(_("Total"), "", "", "", "", "", Sum(person_times), "")
        sheet.note(_("%(count)s activities in all.") % {"count": count})
        return book.close()
