"""The seed's own summary, reproduced by the page, the workbook and the command alike."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from members.models import User
from reports.tallies import Period, tally
from tests.reports.readback import read_workbook, table

SEED_PERIOD = {"from": "2017-11-01", "to": "2019-07-31"}
THEMES = {"宣传培训": 0, "座谈讲座": 3, "参观学习": 2, "调研交流": 3, "服务产业": 2, "热心公益": 7}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())


@pytest.fixture
def leader(seeded):
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    return client


def _check_summary(summary):
    assert summary["活动次数"] == 17
    assert summary["参与人次"] == 519
    assert summary["四套班子领导出席活动次数"] == 8
    assert summary["部门、乡镇领导出席活动次数"] == 17
    for theme, count in THEMES.items():
        assert summary[f"主题：{theme}"] == count


def _check_by_theme(book):
    _header, body, totals = table(book, "按主题")
    assert {r[0]: r[1] for r in body} == THEMES
    assert totals[0][:3] == ["合计", 17, 519]


def test_page(leader):
    response = leader.get(reverse("reports:report_period"), SEED_PERIOD)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.activity_count, report.person_times, report.with_four_bodies) == (17, 519, 8)
    assert report.with_department == 17
    assert {str(t.label): t.activities for t in report.themes} == THEMES
    html = response.content.decode()
    assert "!!INVALID" not in html
    assert 'id="figure-activities">17<' in html
    assert 'id="figure-person-times">519<' in html
    assert 'id="figure-four-bodies">8<' in html


def test_workbook_download(leader):
    response = leader.get(reverse("reports:report_period_export"), SEED_PERIOD)
    assert response.status_code == 200
    book = read_workbook(response.getvalue())
    _check_summary(book["汇总"])
    _check_by_theme(book)
    _header, body, totals = table(book, "活动明细")
    assert len(body) == 17
    assert totals[0][9] == 519
    header, body, _rest = table(book, "活动领导与成果")
    column = header.index("四套班子领导")
    assert len([r for r in body if r[column]]) == 8


def test_command_output_file(seeded, tmp_path):
    path = tmp_path / "seed.xlsx"
    out = StringIO()
    call_command(
        "export_report",
        "--from",
        "2017-11-01",
        "--to",
        "2019-07-31",
        "--output",
        str(path),
        stdout=out,
    )
    assert "活动17次" in out.getvalue() and "519人次" in out.getvalue()
    book = read_workbook(path.read_bytes())
    _check_summary(book["汇总"])
    _check_by_theme(book)


def test_calendar_years_add_up(leader, tmp_path):
    totals = {"activities": 0, "person_times": 0, "four": 0}
    themes = dict.fromkeys(THEMES, 0)
    for year in (2017, 2018, 2019):
        path = tmp_path / f"{year}.xlsx"
        call_command("export_report", "--year", str(year), "--output", str(path), stdout=StringIO())
        summary = read_workbook(path.read_bytes())["汇总"]
        page = leader.get(reverse("reports:report_year", args=[year])).context["report"]
        assert page.activity_count == summary["活动次数"]
        assert page.person_times == summary["参与人次"]
        totals["activities"] += summary["活动次数"]
        totals["person_times"] += summary["参与人次"]
        totals["four"] += summary["四套班子领导出席活动次数"]
        for theme in THEMES:
            themes[theme] += summary[f"主题：{theme}"]
    assert totals == {"activities": 17, "person_times": 519, "four": 8}
    assert themes == THEMES


def test_2018_workbook_for_the_leader(leader):
    response = leader.get(reverse("reports:report_year_export", args=[2018]))
    book = read_workbook(response.getvalue())
    report = tally(Period.for_year(2018))
    assert book["汇总"]["活动次数"] == report.activity_count > 0
    assert book["汇总"]["参与人次"] == report.person_times


def test_2019_cppcc_proposals(seeded):
    report = tally(Period.for_year(2019))
    cppcc = [
        r
        for r in report.outcome_summary
        if r.submitted_to == "cppcc" and r.kind in ("proposal", "collective_proposal")
    ]
    assert sum(r.count for r in cppcc) == 24
    assert sum(r.key_count for r in cppcc) == 2


def test_committee_in_the_summary(leader):
    """132 members = 1 + 9 + 27 + 93 + 2, 23 deputies, 57 CPPCC members, 12 groups; the
    participation base is 129 because the chair and the 2 executives are in no group."""
    response = leader.get(reverse("reports:report_year_export", args=[2018]))
    summary = read_workbook(response.getvalue())["汇总"]
    assert summary["执委会成员"] == 132
    rows = {r[0]: r for r in summary["__rows__"] if r[0]}
    assert rows["执委会成员"][3] == "132＝1＋9＋27＋93＋2"
    parts = [
        summary[f"　其中：{role}"] for role in ("主席", "兼职副主席", "副会长", "常执委", "执委")
    ]
    assert parts == [1, 9, 27, 93, 2]
    assert (summary["人大代表"], summary["政协委员"], summary["轮值组"]) == (23, 57, 12)
    assert summary["应参与成员"] == 129
    assert "少3人" in rows["应参与成员"][3] and "主席1人、执委2人" in rows["应参与成员"][3]


def test_seed_members_participation_is_plausible(seeded):
    report = tally(Period(datetime.date(2017, 11, 1), datetime.date(2019, 7, 31)))
    assert len(report.members) == 129
    assert 0 < report.participation <= 1
    assert report.attendances + report.other_participants == 519


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "2000"),
        (["--from", "2019-01-01", "--to", "2018-01-01"], "开始日期不能晚于结束日期"),
        (["--from", "2019-13-01", "--to", "2019-12-31"], "YYYY-MM-DD"),
        (["--from", "2019-01-01"], "--to"),
        (["--year", "2018", "--to", "2018-12-31"], "--year"),
        (["--year", "2018", "--group", "13"], "13"),
    ],
)
def test_command_refuses_bad_input(db, tmp_path, args, message):
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *args, "--output", str(path), stdout=StringIO())
    assert not path.exists()


def test_command_for_one_group(seeded, tmp_path):
    path = tmp_path / "g9.xlsx"
    call_command(
        "export_report", "--year", "2018", "--group", "9", "--output", str(path), stdout=StringIO()
    )
    book = read_workbook(path.read_bytes())
    assert [r[0] for r in table(book, "按轮值组")[1]] == ["第9组 · 大健康产业组"]
