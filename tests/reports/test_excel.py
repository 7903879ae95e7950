import datetime
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from reports.excel import clean_text, display_width, workbook_bytes
from reports.tallies import Period, tally
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, MembershipFactory
from tests.reports.readback import load, read_workbook, rows

D = datetime.date
YEAR = Period(D(2018, 1, 1), D(2018, 12, 31))
SHEETS = ["汇总", "按主题", "按轮值组", "按月份", "活动明细", "成员参与", "领导出席", "履职成果"]


@pytest.fixture
def content(year_2018):
    return workbook_bytes(tally(YEAR))


def test_sheets_in_order(content):
    wb = load(content)
    assert wb.sheetnames == SHEETS


def test_summary_labels_and_figures(content):
    summary = read_workbook(content)["汇总"]
    assert summary["统计期间"] == "2018年（全年）"
    assert summary["活动次数"] == 2
    assert summary["参与人次"] == 12
    assert summary["四套班子领导出席活动次数"] == 1
    assert summary["部门、乡镇领导出席活动次数"] == 2
    assert summary["成员参与率"] == 0.75
    assert summary["主题：座谈讲座"] == 1
    assert summary["主题：宣传培训"] == 0
    assert summary["履职成果：调研报告"] == 1
    assert summary["重点提案"] == 1
    assert summary["履行年度义务的常执委人数"] == 3


def test_every_sheet_has_title_period_and_header(content):
    wb = load(content)
    for ws in wb.worksheets:
        table = rows(ws)
        assert table[0][0] == f"轮值活动统计 · {ws.title}"
        assert table[1][0].startswith("统计期间：2018年（全年）")
        assert all(isinstance(v, str) for v in table[2] if v is not None)


def test_by_theme_totals_and_chart(content):
    table = read_workbook(content)["按主题"]["__rows__"]
    assert table[2][:4] == ["主题", "活动次数", "参与人次", "占比"]
    body = table[3:9]
    assert [r[0] for r in body] == [
        "宣传培训",
        "座谈讲座",
        "参观学习",
        "调研交流",
        "服务产业",
        "热心公益",
    ]
    assert [r[1] for r in body] == [0, 1, 0, 0, 0, 1]
    assert table[9][:3] == ["合计", 2, 12]
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)
    # The chart draws the sheet's own cells.
    chart = zipfile.ZipFile(io.BytesIO(content)).read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart
    assert "'按主题'!$B$4:$B$9" in chart or "按主题!$B$4:$B$9" in chart


def test_by_group_and_month(content):
    book = read_workbook(content)
    groups = book["按轮值组"]["__rows__"]
    assert groups[3][1:5] == [1, 7, 4, 2]
    assert groups[4][1:5] == [1, 5, 1, 1]
    months = book["按月份"]["__rows__"]
    assert len(months) == 3 + 12 + 1
    assert months[3] == ["2018年1月", 1, 7]
    assert months[-1] == ["合计", 2, 12]


def test_activity_rows(content):
    table = read_workbook(content)["活动明细"]["__rows__"]
    header = table[2]
    assert header[:5] == ["第N次", "日期", "轮值组", "主题", "活动名称"]
    first = dict(zip(header, table[3], strict=False))
    assert first["日期"] == datetime.datetime(2018, 1, 1)
    assert first["参与人次"] == 7
    assert first["四套班子领导"].startswith("@市委领导")
    assert first["履职成果"] == "大健康产业调研报告"
    assert first["宣传报道"] == "门户网站、微信群"
    assert table[-1][9] == 12


def test_member_matrix(year_2018, content):
    table = read_workbook(content)["成员参与"]["__rows__"]
    header = table[2]
    assert header[:7] == [
        "姓名",
        "工商联职务",
        "轮值组",
        "人大代表/政协委员",
        "状态",
        "参加次数",
        "履行年度义务",
    ]
    assert header[7].startswith("第") and "1月1日" in header[7]
    by_name = {r[0]: r for r in table[3:-1]}
    assert set(by_name) == {"林一", "陈二", "黄三", "郑四"}
    assert by_name["林一"][5:9] == [2, "是", 1, 1]
    assert by_name["陈二"][4] == "已归档"
    assert by_name["郑四"][5:9] == [0, None, None, None]
    assert "→" in by_name["黄三"][2]
    assert table[-1][0] == "合计"
    assert table[-1][5] == 4
    assert table[-1][7:9] == [2, 2]


def test_leaders_and_outcomes(content):
    book = read_workbook(content)
    leaders = book["领导出席"]["__rows__"]
    assert [r[4] for r in leaders[3:7]] == ["@市委领导", "部门甲", "乡镇乙", "乡镇丙"]
    outcomes = book["履职成果"]["__rows__"]
    assert outcomes[2][:5] == ["年度", "类别", "报送单位", "重点提案", "标题"]
    assert [r[1] for r in outcomes[3:6]] == ["调研报告", "提案", "提案"]
    assert sum(1 for r in outcomes[3:6] if r[3] == "重点") == 1


def test_user_text_is_never_a_formula(year_2018, group1):
    member = MemberFactory(name='=HYPERLINK("http://x")\x07', company="@公司")
    MembershipFactory(member=member, group=group1)
    activity = ActivityFactory(
        group=group1, date=D(2018, 5, 5), title="#N/A", place="-1+1", host_enterprise="@SUM(1)"
    )
    AttendanceFactory(activity=activity, member=member)
    content = workbook_bytes(tally(YEAR))
    wb = load_workbook(io.BytesIO(content))  # not data_only: formulas would show as such
    texts = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.data_type != "e", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    assert '=HYPERLINK("http://x")' in texts  # control character gone, text kept
    assert {"=SUM(A1:A9)", "+城阳镇", "-光彩助学", "#N/A", "-1+1", "@SUM(1)"} <= texts
    raw = zipfile.ZipFile(io.BytesIO(content))
    for name in raw.namelist():
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in raw.read(name).decode()


def test_print_setup_and_frozen_header(content):
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == "1:3"
        assert ws.freeze_panes in ("A4", "B4")
        assert all(c.font.b for c in ws[3] if c.value is not None)
    activities = wb["活动明细"]
    # 活动名称 fits its longest title; dates are dates, shown as a Chinese office writes them.
    assert activities.column_dimensions["E"].width >= display_width("=SUM(A1:A9)")
    assert activities["B4"].number_format == "yyyy-mm-dd"
    assert wb["汇总"].column_dimensions["A"].width >= display_width("四套班子领导出席活动次数")


def test_empty_period_still_makes_a_whole_workbook(db):
    content = workbook_bytes(tally(Period(D(2030, 1, 1), D(2030, 3, 31))))
    book = read_workbook(content)
    assert list(book) == SHEETS
    assert book["汇总"]["活动次数"] == 0
    assert book["汇总"]["成员参与率"] == "—"


def test_clean_text_and_width():
    assert clean_text("a\x00b\x1fc") == "abc"
    assert display_width("轮值ab") == 6


def test_libreoffice_opens_and_converts(content, tmp_path):
    if shutil.which("soffice") is None:
        message = "LibreOffice is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "report.xlsx"
    source.write_bytes(content)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists()
    assert pdf.read_bytes()[:4] == b"%PDF"
