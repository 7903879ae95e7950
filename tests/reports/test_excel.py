import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.excel import clean_text, display_width, file_name, workbook_bytes
from reports.tallies import Period, tally
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, MembershipFactory
from tests.reports.readback import load, read_workbook, rows, table

D = datetime.date
YEAR = Period(D(2018, 1, 1), D(2018, 12, 31))
SHEETS = [
    "汇总",
    "按主题",
    "按轮值组",
    "按月份",
    "活动明细",
    "活动领导与成果",
    "成员参与",
    "领导出席",
    "履职成果",
    "成果统计",
    "说明",
]


@pytest.fixture
def content(year_2018):
    return workbook_bytes(tally(YEAR, now=timezone.make_aware(datetime.datetime(2019, 1, 8, 9))))


def test_sheets_in_order(content):
    wb = load(content)
    assert wb.sheetnames == SHEETS


def test_summary_labels_and_figures(content):
    summary = read_workbook(content)["汇总"]
    assert summary["活动次数"] == 2
    assert summary["参与人次"] == 12
    assert summary["四套班子领导出席活动次数"] == 1
    assert summary["部门、乡镇领导出席活动次数"] == 2
    assert summary["成员参与率"] == 75.0  # a percentage under a 单位 of %
    assert summary["主题：座谈讲座"] == 1
    assert summary["主题：宣传培训"] == 0
    assert summary["履职成果：调研报告"] == 1
    assert summary["重点提案"] == 1
    assert summary["履行年度义务的常执委人数"] == 3
    # The committee: four on it in 2018 (吴五 was archived in 2016), all in groups.
    assert summary["执委会成员"] == 4
    assert summary["应参与成员"] == 4


def test_every_sheet_is_a_formal_table(content):
    """Title with the federation and the period, the sheet as subtitle, 制表单位 and a
    Chinese 制表日期, the header row 4 directly above the data."""
    wb = load(content)
    for ws in wb.worksheets:
        table_ = rows(ws)
        # A title wider than the table breaks after the federation's name (never cut at print).
        assert table_[0][0].replace("\n", "") == "福安市工商联（总商会）2018年度轮值活动统计表"
        assert table_[1][0] == f"{ws.title}（全部轮值组）"
        line = [v for v in table_[2] if v]
        assert line[0] == "制表单位：福安市工商联（总商会）"
        assert line[-1] == "制表日期：2019年1月8日"
        assert all(isinstance(v, str) for v in table_[3] if v is not None)
        assert table_[4][0] is not None  # data directly under the header


def test_federation_name_is_a_setting(year_2018, settings):
    settings.FEDERATION_NAME = "某县工商联"
    wb = load(workbook_bytes(tally(YEAR)))
    assert rows(wb["汇总"])[0][0] == "某县工商联2018年度轮值活动统计表"


def test_by_theme_totals_and_chart(content):
    book = read_workbook(content)
    header, body, totals = table(book, "按主题")
    assert header == ["主题", "活动次数（次）", "参与人次（人次）", "占活动次数比例（%）"]
    assert [r[0] for r in body] == [
        "宣传培训",
        "座谈讲座",
        "参观学习",
        "调研交流",
        "服务产业",
        "热心公益",
    ]
    assert [r[1] for r in body] == [0, 1, 0, 0, 0, 1]
    assert [r[3] for r in body][:2] == [0, 50.0]
    assert totals[0][:3] == ["合计", 2, 12]
    raw = zipfile.ZipFile(io.BytesIO(content))
    chart = raw.read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart
    assert "'按主题'!$B$5:$B$10" in chart  # the chart draws the sheet's own cells
    assert '<c:showVal val="1"/>' in chart  # with its numbers as data labels


def test_totals_are_subtotals_with_values_apart_from_the_data(content):
    """Readers without a calculation engine see the figure; filtering and sorting the data
    leave the totals alone (a blank row apart, outside the AutoFilter)."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb["按主题"]
    assert ws.auto_filter.ref == "A4:D10"
    assert ws["A11"].value is None
    assert ws["B12"].value == "=SUBTOTAL(109,B5:B10)"
    assert ws["C12"].value == "=SUBTOTAL(109,C5:C10)"
    assert read_workbook(content)["按主题"]["__rows__"][11][1:3] == [2, 12]
    members = wb["成员参与"]
    assert members.freeze_panes == "B5"
    assert members.auto_filter.ref.startswith("A4:")


def test_by_group_and_month(content):
    book = read_workbook(content)
    _header, groups, totals = table(book, "按轮值组")
    assert groups[0][1:5] == [1, 7, 4, 2]
    assert groups[1][1:5] == [1, 5, 1, 1]
    header, months, totals = table(book, "按月份")
    assert header == ["月份", "活动次数（次）", "参与人次（人次）"]
    assert len(months) == 12
    assert months[0] == ["2018年1月", 1, 7]
    assert totals[0] == ["合计", 2, 12]


def test_activity_rows(content):
    book = read_workbook(content)
    header, body, totals = table(book, "活动明细")
    assert header[:5] == ["序次", "日期", "轮值组", "主题", "活动名称"]
    first = dict(zip(header, body[0], strict=False))
    assert first["日期"] == datetime.datetime(2018, 1, 1)
    assert first["参与人次（人次）"] == 7
    assert totals[0][9] == 12
    header, body, _rest = table(book, "活动领导与成果")
    first = dict(zip(header, body[0], strict=False))
    assert first["四套班子领导"].startswith("@市委领导")
    assert first["履职成果"] == "大健康产业调研报告"
    assert first["宣传报道"] == "门户网站、微信群"
    assert "其他领导" not in header  # empty for the whole period: left out


def test_member_matrix(year_2018, content):
    header, body, totals = table(read_workbook(content), "成员参与")
    assert header[:7] == [
        "姓名",
        "工商联职务",
        "轮值组",
        "人大代表/政协委员",
        "状态",
        "参加次数（次）",
        "履行年度义务",
    ]
    assert header[7] == "第1次2018年1月1日"  # the date with its year (on three lines)
    by_name = {r[0]: r for r in body}
    assert set(by_name) == {"林一", "陈二", "黄三", "郑四"}
    assert by_name["林一"][5:9] == [2, "是", 1, 1]
    assert by_name["陈二"][4] == "已归档"
    assert by_name["郑四"][5:9] == [0, None, None, None]
    assert "→" in by_name["黄三"][2]
    assert totals[0][0] == "合计"
    assert totals[0][5] == 4
    assert totals[0][7:9] == [2, 2]


def test_a_group_scopes_visitors_are_apart(year_2018, content):
    """Group 2's workbook: its own member 黄三 is the participation base; 林一 of group 1, who
    came to its December activity, is listed last as from outside the groups, and the
    summary counts him apart. The whole federation's workbook has no such line."""
    assert "组外成员参加" not in read_workbook(content)["汇总"]
    scoped = read_workbook(workbook_bytes(tally(YEAR, groups=[year_2018.group2])))
    summary = scoped["汇总"]
    assert (summary["应参与成员"], summary["实际参与成员"], summary["成员参与率"]) == (1, 1, 100.0)
    assert summary["组外成员参加"] == 1
    notes = {r[0]: r[3] for r in scoped["汇总"]["__rows__"] if r and r[0]}
    assert notes["组外成员参加"] == "共1人次；不计入应参与成员和参与率"
    assert notes["应参与成员"] == "期内属本报告各轮值组的成员；组外成员参加的另计"
    _header, body, totals = table(scoped, "成员参与")
    assert [r[0] for r in body] == ["黄三", "林一"]
    assert body[1][2] == "组外成员（第1组）"
    assert body[1][6] is None  # not bound by the obligation in this report
    assert totals[0][5] == 2 and totals[0][7] == 2  # the column still adds up to who came
    assert "组外成员参加1人（1人次）" in " ".join(str(r[0]) for r in totals)
    assert "组外成员参加" in scoped["说明"]
    _header, _groups, group_totals = table(scoped, "按轮值组")
    assert group_totals[0][3:6] == [1, 1, 100.0]


def test_leaders_and_outcomes(content):
    book = read_workbook(content)
    _header, leaders, _rest = table(book, "领导出席")
    assert [r[4] for r in leaders] == ["@市委领导", "部门甲", "乡镇乙", "乡镇丙"]
    header, outcomes, _rest = table(book, "履职成果")
    assert header[:5] == ["年度", "类别", "报送单位", "重点提案", "标题"]
    assert [r[1] for r in outcomes] == ["调研报告", "提案", "提案"]
    assert sum(1 for r in outcomes if r[3] == "重点") == 1
    header, counts, totals = table(book, "成果统计")
    assert header == ["年度", "类别", "报送单位", "数量（项）", "其中重点（项）"]
    assert sum(r[3] for r in counts) == 3
    assert totals[0][3:5] == [3, 1]


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
                if cell.data_type == "f":  # only the totals, and only SUBTOTAL
                    assert cell.value.startswith("=SUBTOTAL(109,"), (ws.title, cell.coordinate)
                assert cell.data_type != "e", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    assert '=HYPERLINK("http://x")' in texts  # control character gone, text kept
    assert {"=SUM(A1:A9)", "+城阳镇", "-光彩助学", "#N/A", "-1+1", "@SUM(1)"} <= texts


def test_print_setup_and_fonts(content):
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == "4:4"
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.oddHeader.right.text == "&A"
        for row in ws.iter_rows(min_row=1, max_row=6):
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "宋体", (ws.title, cell.coordinate)
        assert all(c.font.b for c in ws[4] if c.value is not None)
        # Every cell of the table is ruled: header and styled cells by their own format, the
        # rest (counts, empty cells of the matrix) by one conditional format over the data.
        assert all(c.border.left.style == "thin" for c in ws[4] if c.value is not None)
        ruled = [
            rule.dxf.border.left.style
            for cf in ws.conditional_formatting
            if str(cf.sqref).startswith("A5:")
            for rule in cf.rules
        ]
        assert ruled == ["thin"], ws.title
    assert wb["汇总"].page_setup.orientation == "portrait"
    assert wb["汇总"].page_setup.fitToHeight in (None, 1)  # one page (1 is the default)
    assert wb["活动明细"].page_setup.fitToHeight == 0  # as many pages down as it needs
    assert wb["活动明细"].page_setup.orientation == "landscape"
    assert wb["活动明细"]["B5"].number_format == 'yyyy"年"m"月"d"日"'
    assert wb["活动明细"].column_dimensions["E"].width >= display_width("=SUM(A1:A9)")


def test_empty_period_still_makes_a_whole_workbook(db):
    content = workbook_bytes(tally(Period(D(2030, 1, 1), D(2030, 3, 31))))
    book = read_workbook(content)
    assert list(book) == SHEETS
    assert book["汇总"]["活动次数"] == 0
    assert book["汇总"]["成员参与率"] == "—"
    assert (
        book["汇总"]["__rows__"][0][0]
        == "福安市工商联（总商会）\n2030年1月1日至2030年3月31日轮值活动统计表"
    )


def test_file_names_are_chinese(year_2018, group1):
    assert file_name(tally(YEAR)) == "2018年度轮值活动统计表.xlsx"
    assert file_name(tally(YEAR, groups=[group1])).endswith("_第1组.xlsx")


def test_clean_text_and_width():
    assert clean_text("a\x00b\x1fc") == "abc"
    assert display_width("轮值ab") == 6


def test_a_title_wider_than_its_table_breaks_after_the_federation_name():
    from fuan_rotation.formal import title_lines

    short = "福安市工商联（总商会）2018年度轮值活动统计表"
    assert title_lines(short, 200) == (short, 1)
    long = "福安市工商联（总商会）2017年11月1日至2019年7月31日轮值活动统计表"
    title, lines = title_lines(long, 80)
    assert title == "福安市工商联（总商会）\n2017年11月1日至2019年7月31日轮值活动统计表"
    assert lines == 2
    # A narrower table wraps the longer line too, and the row is made tall enough.
    assert title_lines(long, 40)[1] == 3
