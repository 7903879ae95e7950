"""The year-end written summary (.docx): its sentences, its format and its downloads."""

import datetime
import io
import os
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from activities.models import Theme
from members.models import User
from reports.document import CONTENT_TYPE, summary_docx
from reports.summary import period_in_words, summary_blocks
from reports.tallies import Period, tally
from tests.factories import ActivityFactory
from tests.reports.readback import read_workbook

D = datetime.date
SEED = Period(D(2017, 11, 1), D(2019, 7, 31))
SEED_QUERY = {"from": "2017-11-01", "to": "2019-07-31"}


def docx_text(content):
    """The document's paragraphs, one a line."""
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def seeded(db):
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())


@pytest.fixture
def leader(seeded):
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    return client


# The seed report's figures ---------------------------------------------------------------


def test_seed_summary_states_the_seed_reports_figures(leader):
    response = leader.get(reverse("reports:report_period_summary"), SEED_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert "2017-11-01_2019-07-31.docx" in response["Content-Disposition"]
    text = docx_text(response.getvalue())
    for sentence in [
        "执委会成员132人，其中兼职副主席9人，副会长27人，常执委93人。",
        "分为12个轮值组",
        "2017年11月至2019年7月，轮值工作开展一年半以来，共举办了17场活动，519人次参与。",
        "按主题分类，开展座谈讲座3次，参观学习2次，调研交流3次，服务产业2次，热心公益7次。",
        "17次轮值活动中有8次邀请了四套班子处级领导干部参加，每场活动都有部门、乡镇有关领导参加。",
        "我市工商联会员中，担任各级人大代表23人，各级政协委员57人。",
        "2019年政协会议上，工商界政协委员共提交24篇提案，其中两件为重点提案。",
        "第15次轮值活动——“银企协作发展座谈会”",
        "第16次轮值活动——“服务小微企业，改善融资环境”银企对接会",
        "第9轮值组在福安市康力健身器材有限公司开展第9次轮值活动——“大健康产业发展座谈会”",
        "题为“推动大健康产业高质量发展的几点建议”的集体提案",
    ]:
        assert sentence in text
    # A theme with no activity (宣传培训) is left out rather than written as 0.
    assert "宣传培训" not in text
    assert not re.search(r"(?<![\d.])0(?:次|人|场|篇|件)", text)
    # The four leading bodies' activities are the ones named in section (一).
    leaders_paragraph = next(line for line in text.splitlines() if "四套班子" in line)
    named = re.findall(r"第(\d+)次轮值活动——", leaders_paragraph)
    assert named == ["1", "6", "8", "9", "12", "14", "15", "16"]
    assert text.splitlines()[-2:] == [
        "四、今后工作打算",
        "【待机关工作人员填写：今后工作打算。发送前请以正文替换本段。】",
    ]


def test_seed_summary_agrees_with_page_workbook_and_command(leader, tmp_path):
    page = leader.get(reverse("reports:report_period"), SEED_QUERY).context["report"]
    book = read_workbook(
        leader.get(reverse("reports:report_period_export"), SEED_QUERY).getvalue()
    )["汇总"]
    path = tmp_path / "seed.docx"
    out = StringIO()
    call_command(
        "export_summary",
        "--from",
        "2017-11-01",
        "--to",
        "2019-07-31",
        "--output",
        str(path),
        stdout=out,
    )
    assert "活动17次" in out.getvalue()
    text = docx_text(path.read_bytes())
    assert book["活动次数"] == page.activity_count == 17
    assert book["参与人次"] == page.person_times == 519
    assert f"共举办了{book['活动次数']}场活动，{book['参与人次']}人次参与" in text
    assert f"有{book['四套班子领导出席活动次数']}次邀请了四套班子" in text
    for theme in page.themes:
        if theme.activities:
            assert f"{theme.label}{book[f'主题：{theme.label}']}次" in text
    obligation = page.standing_obligation
    assert (
        f"本期应履行年度义务（每年至少参加一次轮值活动）的常执委{obligation.members}人中，"
        f"{obligation.participants}人已履行。" in text
    )
    assert book["履行年度义务的常执委人数"] == obligation.participants


def test_the_document_is_chinese_whatever_the_readers_language(leader):
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Rotation activity tallies"
        in leader.get(reverse("reports:report_year", args=[2018])).content.decode()
    )
    text = docx_text(leader.get(reverse("reports:report_year_summary", args=[2018])).getvalue())
    assert "2018年，共举办了" in text
    assert "activities" not in text


# Sections left out, numbering and scope (the small 2018 fixture) -----------------------------


def test_empty_year_leaves_every_figure_section_out(db):
    blocks = summary_blocks(tally(Period.for_year(2016)))
    assert [b.kind for b in blocks] == ["title", "subtitle", "body", "heading1", "placeholder"]
    assert blocks[3].text == "一、今后工作打算"


def test_small_year_numbers_only_the_sections_it_writes(year_2018):
    blocks = summary_blocks(tally(Period.for_year(2018)))
    headings = [b.text for b in blocks if b.kind in ("heading1", "heading2")]
    assert [h[:2] for h in headings if not h.startswith("（")] == ["一、", "二、", "三、", "四、"]
    assert [h[:3] for h in headings if h.startswith("（")] == ["（一）", "（二）", "（三）"]
    # No serving-industry activity in 2018: that section is not written.
    assert not any("服务企业" in h for h in headings)
    text = "\n".join(b.text for b in blocks)
    assert "2018年，共举办了2场活动，12人次参与。按主题分类，开展座谈讲座1次，热心公益1次。" in text
    assert (
        "2次轮值活动中有1次邀请了四套班子处级领导干部参加，每场活动都有部门、乡镇有关领导参加。"
        in text
    )


ZERO_FIGURE = re.compile(r"(?<![\d.])0(?:次|人|场|篇|件|项)")


def test_no_figure_is_written_as_zero(year_2018):
    # 2019 in the fixture: no standing executive has taken part yet. 2016: one activity with
    # no one recorded. The first activity of 2018 loses its place.
    ActivityFactory(
        group=year_2018.group1,
        date=D(2016, 5, 14),
        theme=Theme.INDUSTRY,
        title="银企座谈会",
        other_participants=0,
    )
    first = year_2018.first
    first.place = first.host_enterprise = ""
    first.save()
    texts = {
        year: "\n".join(b.text for b in summary_blocks(tally(Period.for_year(year))))
        for year in (2016, 2018, 2019)
    }
    for text in texts.values():
        assert not ZERO_FIGURE.search(text), text
    assert "常执委2人均尚未参加轮值活动。" in texts[2019]
    assert "2016年，共举办了1场活动。" in texts[2016]
    assert "围绕服务产业，开展活动1次，即第" in texts[2016]
    assert (
        "2018年1月，第1轮值组开展第1次轮值活动——“=SUM(A1:A9)”，"
        "形成题为“大健康产业调研报告”的调研报告。" in texts[2018]
    )


def test_convener_gets_their_own_groups_summary(year_2018, convener_client):
    response = convener_client.get(reverse("reports:report_year_summary", args=[2018]))
    assert response.status_code == 200
    text = docx_text(response.getvalue())
    assert "（2018年 · 第1组 · 电机电器组）" in text
    assert "第1组 · 电机电器组共有成员" in text
    assert "个轮值组" not in text  # the committee's group count is not a convener's figure


def test_member_is_refused_and_bad_period_is_explained(year_2018, member_client, leader_client):
    assert member_client.get(reverse("reports:report_year_summary", args=[2018])).status_code == 403
    response = leader_client.get(
        reverse("reports:report_period_summary"), {"from": "2019-01-01", "to": "2018-01-01"}
    )
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期" in response.content.decode()
    response = leader_client.get(reverse("reports:report_year_summary", args=[1999]))
    assert response.status_code == 400


def test_report_page_links_the_summary_beside_the_workbook(year_2018, leader_client):
    html = leader_client.get(
        reverse("reports:report_period"), {"from": "2018-01-01", "to": "2018-06-30"}
    ).content.decode()
    assert 'href="/reports/summary.docx?from=2018-01-01&amp;to=2018-06-30"' in html
    assert "下载书面总结（Word）" in html


def test_period_in_words():
    assert period_in_words(SEED) == "2017年11月至2019年7月"
    assert period_in_words(Period.for_year(2018)) == "2018年"
    assert period_in_words(Period(D(2019, 3, 1), D(2019, 3, 31))) == "2019年3月"
    assert period_in_words(Period(D(2019, 3, 1), D(2019, 6, 30))) == "2019年3月至6月"


# The command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "2000"),
        (["--from", "2019-01-01", "--to", "2018-01-01"], "开始日期不能晚于结束日期"),
        (["--from", "2019-13-01", "--to", "2019-12-31"], "YYYY-MM-DD"),
        (["--from", "2019-01-01"], "--to"),
        (["--year", "2018", "--group", "13"], "13"),
    ],
)
def test_command_refuses_bad_input(db, tmp_path, args, message):
    path = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=message):
        call_command("export_summary", *args, "--output", str(path), stdout=StringIO())
    assert not path.exists()


def test_command_wants_a_docx_name(db, tmp_path):
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("export_summary", "--year", "2018", "--output", str(path), stdout=StringIO())
    assert not path.exists()


# The format (GB/T 9704-2012), read back with python-docx -----------------------------------


@pytest.fixture
def document(year_2018):
    return Document(io.BytesIO(summary_docx(tally(Period.for_year(2018)))))


def _fonts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    return {k: fonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia")}


def test_page_size_margins_and_line_grid(document):
    section = document.sections[0]
    # Word stores lengths in twips: compare to a tenth of a millimetre.
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    line_pitch = int(grid.get(qn("w:linePitch")))
    assert grid.get(qn("w:type")) == "lines"
    text_height_twips = Mm(297 - 37 - 35).twips
    assert 22 * line_pitch <= text_height_twips < 23 * line_pitch
    body = document.styles["Official body"]
    spacing = int(body.element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    char_pitch = body.font.size.pt + spacing / 20
    assert 28 * char_pitch <= Mm(210 - 28 - 26).pt < 29 * char_pitch


@pytest.mark.parametrize(
    ("kind", "font", "size"),
    [
        ("title", "方正小标宋简体", 22),
        ("heading1", "黑体", 16),
        ("heading2", "楷体", 16),
        ("body", "仿宋_GB2312", 16),
    ],
)
def test_fonts_are_named_for_east_asian_text(document, kind, font, size):
    blocks = summary_blocks(tally(Period.for_year(2018)))
    text = next(b.text for b in blocks if b.kind == kind)
    paragraph = next(p for p in document.paragraphs if p.text == text)
    style = paragraph.style
    assert style.font.size == Pt(size)
    assert _fonts(style.element.rPr) == {"ascii": font, "hAnsi": font, "eastAsia": font}
    assert style.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    if kind == "title":
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
            style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        )
    else:
        assert style.paragraph_format.first_line_indent == Pt(32)


def test_no_theme_fonts_and_chinese_by_default(document):
    defaults = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_page_numbers_at_the_outside_corners(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text == "— 1 —"  # the PAGE field's cached value between the dashes
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert _fonts(run._element.rPr)["eastAsia"] == "宋体"


def test_placeholder_is_marked_for_the_staff(document):
    paragraph = document.paragraphs[-1]
    assert paragraph.text.startswith("【待机关工作人员填写")
    assert paragraph.runs[0].font.highlight_color is not None


def test_libreoffice_converts_it_to_pdf(year_2018, tmp_path):
    if shutil.which("soffice") is None:
        message = "LibreOffice is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "summary.docx"
    source.write_bytes(summary_docx(tally(Period.for_year(2018))))
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
    if not (tmp_path / "summary.pdf").exists():
        message = "LibreOffice Writer is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    pdf = (tmp_path / "summary.pdf").read_bytes()
    assert pdf[:4] == b"%PDF"
    # A4 portrait: 595 × 842 points.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+\s*\]", pdf)
