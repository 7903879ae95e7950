"""The sign-in sheet (签到表) and the filing copy (活动登记表): what they list, in which order,
for whom, and the sheet's .xlsx as LibreOffice prints it. The browser's print is tested in
tests/browser/test_printouts.py."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, LeaderPresence
from activities.printouts.sheets import (
    MIN_BLANK_ROWS,
    ONE_PAGE_ROWS,
    attendees_by_group,
    blank_rows,
    rows_on,
)
from members.models import PersonalDataAccess
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
)
from tests.printed import Printed, check

pytestmark = pytest.mark.django_db

DAY = datetime.date(2018, 8, 15)


def _members(group, names, *, start=datetime.date(2017, 1, 1), end=None):
    made = []
    for name in names:
        member = MemberFactory(name=name, email=f"{len(made)}{group.number}@example.com")
        MembershipFactory(member=member, group=group, start_date=start, end_date=end)
        made.append(member)
    return made


@pytest.fixture
def host(group1):
    # 丁 2 strokes, 王 4, 叶 5, 刘 6, 陈 7, 林 8; the convener is not put first.
    _members(group1, ["陈七", "王四", "林八", "丁二", "刘六"])
    MembershipFactory(member=MemberFactory(name="叶五"), group=group1, is_convener=True)
    # Left the group before the day, and joined after it: not on the sheet.
    _members(group1, ["卜离"], end=datetime.date(2018, 8, 1))
    _members(group1, ["毛新"], start=datetime.date(2018, 9, 1))
    return group1


@pytest.fixture
def activity(host):
    return ActivityFactory(
        group=host,
        date=DAY,
        title="健康产业座谈会",
        place="福安市工商联会议室",
        start_time=datetime.time(14, 30),
    )


def _rows(html):
    import re

    return re.findall(r"<tr data-member><td class=\"n\">(\d+)</td><td>([^<]+)</td>", html)


# The sheet ------------------------------------------------------------------------------


def test_sheet_lists_the_group_on_the_day_in_the_checklists_order(staff_client, activity, host):
    response = staff_client.get(reverse("activities:activity_sign_in_sheet", args=[activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    expected = [m.name for m in host.members_on(DAY)]
    assert expected == ["丁二", "王四", "叶五", "刘六", "陈七", "林八"]
    assert [name for _n, name in _rows(html)] == expected
    assert [int(n) for n, _name in _rows(html)] == list(range(1, 7))
    assert "福安市工商联（总商会）轮值活动签到表" in html
    assert f"第{activity.number}次 健康产业座谈会" in html
    assert "2018年8月15日 14:30" in html and "福安市工商联会议室" in html
    # Blank lines fill the page, 序号 going on; then the leaders' line.
    assert html.count("<tr data-blank>") == ONE_PAGE_ROWS - 6
    assert f'<td class="n">{ONE_PAGE_ROWS}</td>' in html
    assert "出席领导" in html and "其他组成员、来宾" in html
    # No contact details, no site menu.
    for member in host.members_on(DAY):
        assert member.mobile and member.mobile not in html
        assert not member.email or member.email not in html
    assert "site-nav" not in html


def test_the_federation_name_comes_from_the_setting(staff_client, activity, settings):
    settings.FEDERATION_NAME = "寿宁县工商联"
    response = staff_client.get(reverse("activities:activity_sign_in_sheet", args=[activity.pk]))
    assert "寿宁县工商联轮值活动签到表" in response.content.decode()


def test_a_plan_has_a_sheet_without_number_or_time(convener_client, host):
    plan = ActivityFactory(
        group=host,
        date=timezone.localdate() + datetime.timedelta(days=10),
        status=Activity.Status.PLANNED,
        title="参观学习计划",
    )
    response = convener_client.get(reverse("activities:activity_sign_in_sheet", args=[plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "参观学习计划" in html and "第None次" not in html and "次 参观学习计划" not in html
    assert [name for _n, name in _rows(html)] == [m.name for m in host.members_on(plan.date)]
    assert "毛新" in html  # joined after 2018 and before the plan's day


def test_blank_lines_fill_the_last_page_and_never_fall_below_the_minimum():
    assert blank_rows(14) == ONE_PAGE_ROWS - 14 == MIN_BLANK_ROWS
    assert blank_rows(0) == ONE_PAGE_ROWS
    assert blank_rows(15) == rows_on(2) - 15  # a second page, filled
    for count in range(0, 120):
        blanks = blank_rows(count)
        assert blanks >= MIN_BLANK_ROWS
        assert count + blanks in {rows_on(pages) for pages in range(1, 6)}


def test_the_sheet_costs_the_same_queries_for_any_group_size(staff_client, group1, group2):
    def queries(group, size):
        _members(group, [f"成员{group.number}{i:02d}" for i in range(size)])
        activity = ActivityFactory(group=group, date=DAY)
        url = reverse("activities:activity_sign_in_sheet", args=[activity.pk])
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    small, large = queries(group1, 3), queries(group2, 40)
    assert small == large
    assert large <= 8


def test_archived_sheet_only_for_staff(staff_client, member_client, activity):
    Activity.objects.filter(pk=activity.pk).update(archived_at=timezone.now())
    for name in ("activity_sign_in_sheet", "activity_sign_in_sheet_xlsx", "activity_print"):
        url = reverse(f"activities:{name}", args=[activity.pk])
        assert member_client.get(url).status_code == 404
        assert staff_client.get(url).status_code == 200


def test_unknown_activity_is_not_found(staff_client):
    assert staff_client.get("/activities/999999/sign-in-sheet/").status_code == 404
    assert staff_client.get("/activities/999999/print/").status_code == 404


# The sheet's workbook ---------------------------------------------------------------------


def _workbook(client, activity, *, query=False):
    if query:
        url = reverse("activities:activity_sign_in_sheet", args=[activity.pk]) + "?format=xlsx"
    else:
        url = reverse("activities:activity_sign_in_sheet_xlsx", args=[activity.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_workbook_rows_headers_and_print_setup(member_client, activity, host):
    def cells(content):
        return [list(row) for row in load_workbook(io.BytesIO(content)).active.values]

    content = _workbook(member_client, activity)
    assert cells(content) == cells(_workbook(member_client, activity, query=True))
    ws = load_workbook(io.BytesIO(content)).active
    values = cells(content)
    assert values[0][0] == "福安市工商联（总商会）轮值活动签到表"
    assert f"第{activity.number}次 健康产业座谈会" in values[1][0]
    assert "2018年8月15日 14:30" in values[1][0] and "福安市工商联会议室" in values[1][0]
    assert list(values[3]) == ["序号", "姓名", "单位", "签名"]
    expected = [m.name for m in host.members_on(DAY)]
    assert len(expected) == 7  # the member login's own membership too
    assert [row[1] for row in values[4:11]] == expected
    assert [row[0] for row in values[4:11]] == list(range(1, 8))
    assert values[11][0] == 8 and values[11][2] == "（其他组成员、来宾）"
    assert "出席领导" in [row[1] for row in values]
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    for member in host.members_on(DAY):
        assert member.mobile and member.mobile not in flat
        assert not member.email or member.email not in flat
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$4:$4"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    # The sheet is not a roster export: no entry in the personal-data access log (names and
    # companies only, as the group page shows every login).
    assert not PersonalDataAccess.objects.exists()


def test_workbook_of_fourteen_prints_on_one_a4_page_at_80_percent_or_more(
    staff_client, group2, tmp_path
):
    for i in range(14):
        MembershipFactory(
            group=group2,
            member=MemberFactory(
                name=f"林测{i:02d}", company="福建省福安市海洋渔业科技开发有限公司"
            ),
        )
    activity = ActivityFactory(
        group=group2,
        date=DAY,
        start_time=datetime.time(14, 30),
        title="银企合作对接座谈会",
        place="福安市工商联三楼会议室",
    )
    printed = Printed(_workbook(staff_client, activity), tmp_path)
    check(printed, {"签到表": 1})
    body = [
        size
        for page in printed.pages
        for text, size, _y0, _y1 in page.spans
        if text.startswith("林测")
    ]
    assert len(body) == 14
    assert min(body) >= 0.8 * 10.5 - 0.05  # 五号 text printed at 80 % or more
    text = printed.text("签到表")
    assert "第 1 页 共 1 页" in text or "第1页共1页" in text.replace(" ", "")


# The filing copy ---------------------------------------------------------------------------


def test_attendees_by_their_group_on_the_day_host_first(activity, host, group2):
    others = _members(group2, ["黄二", "丁三"])
    loner = MemberFactory(name="无组")
    for member in [*host.members_on(DAY), *others, loner]:
        AttendanceFactory(activity=activity, member=member)
    sections = attendees_by_group(activity)
    assert [s.names for s in sections] == [
        ["丁二", "王四", "叶五", "刘六", "陈七", "林八"],
        ["丁三", "黄二"],
        ["无组"],
    ]
    assert sections[0].label == str(host) and sections[2].label == ""


def test_filing_copy_has_the_record_and_no_tools(member_client, activity, host):
    for member in host.members_on(DAY)[:3]:
        AttendanceFactory(activity=activity, member=member)
    Activity.objects.filter(pk=activity.pk).update(other_participants=3, summary="座谈健康产业。")
    LeaderFactory(activity=activity, name="郑某", title="市政协副主席")
    LeaderFactory(
        activity=activity, name="林某", title="卫健局局长", level=LeaderPresence.Level.DEPARTMENT
    )
    response = member_client.get(reverse("activities:activity_print", args=[activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "福安市工商联（总商会）轮值活动登记表" in html
    assert f"第{activity.number}次" in html and "2018年8月15日 14:30" in html
    assert "丁二、王四、叶五" in html
    assert "3人" in html and "座谈健康产业。" in html
    assert (
        html.index("四套班子")
        < html.index("郑某（市政协副主席）")
        < html.index("林某（卫健局局长）")
    )
    assert "data-photos" not in html  # no attachments yet: the block renders nothing
    for absent in ("site-nav", "修改记录", f'href="/activities/{activity.pk}/edit/"'):
        assert absent not in html


def test_detail_page_links_to_the_printouts(member_client, activity):
    html = member_client.get(reverse("activities:activity_detail", args=[activity.pk])).content
    html = html.decode()
    for name in ("activity_sign_in_sheet", "activity_sign_in_sheet_xlsx", "activity_print"):
        assert reverse(f"activities:{name}", args=[activity.pk]) in html
    assert "打印签到表" in html and "下载签到表 Excel" in html and "打印登记表" in html
