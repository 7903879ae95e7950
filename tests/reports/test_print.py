"""The year-end workbook as LibreOffice prints it on A4: at least 8 pt on every page, the
header row never alone at the foot of a page, each sheet within its page budget.

One LibreOffice conversion for the whole workbook; every assertion reads that one PDF.
"""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command

from activities.export import activity_list_workbook
from activities.models import Activity, GroupMembership
from activities.roster.export import roster_export_workbook
from activities.schedule.export import schedule_workbook
from activities.schedule.months import year_schedule
from members.models import Member
from reports.excel import workbook_bytes
from reports.filters import OutcomeFilterSet, PublicityFilterSet
from reports.list_exports import outcome_list_workbook, publicity_list_workbook
from reports.tallies import Period, tally
from tests.printed import Printed, check

# Pages each sheet may take for the seed's whole period (17 activities, 132 members).
BUDGETS = {
    "汇总": 1,
    "按主题": 1,
    "按轮值组": 1,
    "按月份": 1,
    "活动明细": 2,
    "活动领导与成果": 2,
    "成员参与": 10,  # 129 members x 17 activities: two pages across, five down
    "领导出席": 3,
    "履职成果": 2,
    "成果统计": 1,
    "说明": 1,
}


def test_every_workbook_prints_readably(db, tmp_path):
    """The year-end workbook, the roster and the schedule, on the seed's data."""
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())

    report = tally(Period(datetime.date(2017, 11, 1), datetime.date(2019, 7, 31)))
    (tmp_path / "report").mkdir()
    printed = Printed(workbook_bytes(report), tmp_path / "report")
    check(printed, BUDGETS)
    # 汇总 on its one page shows the committee and its parts.
    assert "132＝1＋9＋27＋93＋2" in printed.text("汇总")

    (tmp_path / "roster").mkdir()
    printed = Printed(roster_export_workbook(), tmp_path / "roster")
    check(printed, {"执委会成员名册": 14})  # 132 members: two landscape pages across

    (tmp_path / "roster9").mkdir()
    ninth = Member.objects.filter(
        pk__in=GroupMembership.objects.current().filter(group__number=9).values("member_id")
    )
    printed = Printed(roster_export_workbook(ninth, scope="第9组"), tmp_path / "roster9")
    check(printed, {"执委会成员名册": 2})

    (tmp_path / "activities").mkdir()
    activities = Activity.objects.filter(archived_at__isnull=True).select_related("group")
    printed = Printed(
        activity_list_workbook(activities.with_person_times().order_by("-date")),
        tmp_path / "activities",
    )
    check(printed, {"轮值活动清单": 2})

    # The lists behind the report's outcome and publicity figures, whole.
    (tmp_path / "outcomes").mkdir()
    outcomes = OutcomeFilterSet({}).qs.select_related("activity__group", "member")
    assert outcomes.exists()
    printed = Printed(outcome_list_workbook(outcomes.order_by("-year")), tmp_path / "outcomes")
    check(printed, {"履职成果一览": 2})
    (tmp_path / "publicity").mkdir()
    items = PublicityFilterSet({}).qs.select_related("activity__group")
    assert items.exists()
    printed = Printed(publicity_list_workbook(items), tmp_path / "publicity")
    check(printed, {"宣传报道一览": 5})

    (tmp_path / "schedule").mkdir()
    printed = Printed(schedule_workbook(2018, year_schedule(2018)), tmp_path / "schedule")
    check(printed, {"轮值安排": 1})


def test_a_long_outcome_list_prints_readably(db, group1, tmp_path):
    """Many rows with long titles and every column filled: pages down, never small print."""
    from tests.factories import ActivityFactory, MemberFactory, OutcomeFactory

    author = MemberFactory(name="欧阳明辉")
    for i in range(70):
        activity = ActivityFactory(group=group1, date=datetime.date(2018, 1 + i % 12, 10))
        OutcomeFactory(
            activity=activity,
            member=author,
            is_key=i % 5 == 0,
            title=f"关于推动福安市电机电器产业转型升级、加快培育新质生产力的调研报告（{i}）",
        )
    outcomes = OutcomeFilterSet({}).qs.select_related("activity__group", "member")
    printed = Printed(outcome_list_workbook(outcomes), tmp_path)
    check(printed, {"履职成果一览": 8})  # three-line titles: about nine rows a page
    assert printed.pages_per_sheet()["履职成果一览"] > 1


def test_the_check_sees_small_print(tmp_path):
    """A table squeezed onto one page prints below 8 pt: the check must say so."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet("宽表")
    ws.set_header("&R&A")
    ws.set_footer("&C第 &P 页 共 &N 页")
    for col in range(40):
        ws.write_string(3, col, f"栏目{col}")
        ws.write_number(4, col, col)
    ws.set_column(0, 39, 12)
    ws.fit_to_pages(1, 0)
    wb.close()
    printed = Printed(buffer.getvalue(), tmp_path)
    assert printed.small_text()
    with pytest.raises(AssertionError, match="below 8 pt"):
        check(printed, {"宽表": 1})
