"""The workbooks' text does not change when their strings move into the catalogue.

Every cell string (and the page header and footer) of each sheet of the seed's workbooks —
the year-end report for a year and for a span, a convener's report, the roster, the
schedule and the activity list — is hashed per sheet and compared with
``tests/fixtures/workbook_text.json``, written from the workbooks as they were when their
texts were Chinese literals in the code. A change to a workbook's wording is a deliberate
change to that file (``python -m tests.reports.test_workbook_text`` rewrites it).
"""

import datetime
import hashlib
import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "workbook_text.json"
NOW = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
MADE_ON = re.compile(r"制表日期：\d{4}年\d{1,2}月\d{1,2}日")


def sheet_texts(data):
    """{sheet name: sha256 of its cell strings, header and footer, in order}."""
    book = load_workbook(io.BytesIO(data))
    digests = {}
    for sheet in book.worksheets:
        parts = [
            f"{cell.coordinate}={MADE_ON.sub('制表日期：—', cell.value)}"
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        ]
        parts.append(f"header={sheet.oddHeader.left.text}|{sheet.oddHeader.right.text}")
        parts.append(f"footer={sheet.oddFooter.center.text}")
        digests[sheet.title] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return digests


def workbooks():
    """The seed's workbooks, by a name for each."""
    from activities.export import activity_list_workbook
    from activities.models import Activity, RotationGroup
    from activities.roster.export import roster_export_workbook
    from activities.schedule.export import schedule_workbook
    from activities.schedule.months import year_schedule
    from reports.excel import workbook_bytes
    from reports.tallies import Period, tally

    span = Period(datetime.date(2017, 11, 1), datetime.date(2019, 7, 31))
    first = RotationGroup.objects.get(number=1)
    activities = (
        Activity.objects.filter(archived_at__isnull=True, date__year__lte=2019)
        .select_related("group")
        .with_person_times()
        .order_by("-date", "-number")
    )
    return {
        "report-2018": workbook_bytes(tally(Period.for_year(2018), now=NOW)),
        "report-span": workbook_bytes(tally(span, now=NOW)),
        "report-group-1": workbook_bytes(tally(span, [first], now=NOW)),
        "roster": roster_export_workbook(),
        "schedule-2018": schedule_workbook(2018, year_schedule(2018)),
        "activity-list": activity_list_workbook(activities, scope="2019年底以前"),
    }


@pytest.mark.django_db
def test_the_workbooks_text_is_unchanged():
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())
    expected = json.loads(FIXTURE.read_text())
    found = {name: sheet_texts(data) for name, data in workbooks().items()}
    for name, sheets in expected.items():
        assert list(found[name]) == list(sheets), name
        for sheet, digest in sheets.items():
            assert found[name][sheet] == digest, f"{name} · {sheet}"


@pytest.mark.django_db
def test_the_workbooks_are_chinese_whatever_the_page_language(year_2018):
    """Texts from the catalogue, rendered in zh-Hans even when the site is read in English."""
    from django.utils import translation

    from activities.export import activity_list_workbook
    from activities.models import Activity
    from reports.excel import file_name, workbook_bytes
    from reports.tallies import Period, tally

    report = tally(Period.for_year(2018), now=NOW)
    with translation.override("zh-hans"):
        chinese = sheet_texts(workbook_bytes(report)), file_name(report)
    with translation.override("en"):
        english_ui = sheet_texts(workbook_bytes(report)), file_name(report)
        activities = Activity.objects.with_person_times().select_related("group")
        book = load_workbook(io.BytesIO(activity_list_workbook(activities)))
    assert english_ui == chinese
    assert chinese[1] == "2018年度轮值活动统计表.xlsx"
    assert list(chinese[0])[:2] == ["汇总", "按主题"]
    assert book.sheetnames == ["轮值活动清单"]
    assert book.active["A3"].value.startswith("制表单位：")
    assert book.active.oddFooter.center.text.endswith("第 &P 页 共 &N 页")
