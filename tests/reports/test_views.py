import datetime
import math
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.excel import CONTENT_TYPE
from tests.factories import ActivityFactory, AttendanceFactory, MembershipFactory
from tests.reports.readback import read_workbook

D = datetime.date
PERIOD = {"from": "2018-01-01", "to": "2018-12-31"}


# (URL name, arguments, query): every page of the reports app, checked for every role below.
PAGES = [
    ("reports:report_period", [], {}),
    ("reports:report_period", [], PERIOD),
    ("reports:report_year", [2018], {}),
    ("reports:report_year_export", [2018], {}),
    ("reports:report_period_export", [], PERIOD),
    ("reports:report_year_summary", [2018], {}),
    ("reports:report_period_summary", [], PERIOD),
    ("reports:outcome_list", [], PERIOD),
    ("reports:outcome_export", [], PERIOD),
    ("reports:publicity_list", [], PERIOD),
    ("reports:publicity_export", [], PERIOD),
]


def _urls():
    return [(reverse(name, args=args), query) for name, args, query in PAGES]


def test_every_reports_page_is_in_the_permission_test():
    from reports.urls import app_name, urlpatterns

    assert {f"{app_name}:{p.name}" for p in urlpatterns} == {name for name, _a, _q in PAGES}


@pytest.mark.parametrize("index", range(len(PAGES)))
@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [
        ("staff_client", 200),
        ("leader_client", 200),
        ("convener_client", 200),
        ("member_client", 403),
        ("client", 302),
    ],
)
def test_permissions(request, index, client_fixture, status, year_2018):
    client = request.getfixturevalue(client_fixture)
    url, query = _urls()[index]
    response = client.get(url, query)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))


def test_convener_who_no_longer_convenes_is_refused(convener_user, convener_client, group1):
    membership = convener_user.member.memberships.get()
    membership.is_convener = False
    membership.save()
    assert convener_client.get(reverse("reports:report_year", args=[2018])).status_code == 403


def test_leader_sees_the_figures(leader_client, year_2018):
    response = leader_client.get(reverse("reports:report_year", args=[2018]))
    report = response.context["report"]
    assert (report.activity_count, report.person_times, report.with_four_bodies) == (2, 12, 1)
    html = response.content.decode()
    assert "!!INVALID" not in html
    assert 'id="figure-activities">2<' in html
    assert 'id="figure-person-times">12<' in html
    assert "<svg" in html
    # User text is escaped, never markup.
    assert "=SUM(A1:A9)" in html


def test_convener_sees_only_their_group(convener_client, year_2018):
    response = convener_client.get(reverse("reports:report_year", args=[2018]))
    report = response.context["report"]
    assert report.activity_count == 1
    assert report.person_times == 7
    assert [g.number for g in report.groups] == [1]
    assert "-光彩助学" not in response.content.decode()
    workbook = read_workbook(
        convener_client.get(reverse("reports:report_year_export", args=[2018])).getvalue()
    )
    assert workbook["汇总"]["活动次数"] == 1


def test_no_query_shows_the_current_year(leader_client):
    response = leader_client.get(reverse("reports:report_period"))
    assert response.status_code == 200
    assert response.context["report"].period.year == timezone.localdate().year


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2019-01-01", "to": "2018-01-01"}, "开始日期不能晚于结束日期"),
        ({"from": "2018-02-30", "to": "2018-12-31"}, "有效的日期"),
        ({"from": "0001-01-01", "to": "2018-12-31"}, "2000"),
        ({"from": "2018-01-01", "to": "99999-01-01"}, "有效的日期"),
        ({"from": "2018-01-01"}, "请填写统计期间的最后一天"),
        ({"from": "", "to": ""}, "请填写统计期间的第一天"),
    ],
)
@pytest.mark.parametrize("name", ["reports:report_period", "reports:report_period_export"])
def test_bad_period_gives_a_chinese_message(leader_client, query, message, name):
    response = leader_client.get(reverse(name), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert "!!INVALID" not in response.content.decode()


@pytest.mark.parametrize("year", [0, 1999, 2101, 99999])
def test_absurd_year_gives_a_chinese_message(leader_client, year):
    for name in ("reports:report_year", "reports:report_year_export"):
        response = leader_client.get(reverse(name, args=[year]))
        assert response.status_code == 400
        assert "请选择2000年至2100年之间的年份" in response.content.decode()


def test_download_names_the_file(leader_client, year_2018):
    response = leader_client.get(reverse("reports:report_year_export", args=[2018]))
    assert response["Content-Type"] == CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    # A Chinese name, sent as RFC 5987 UTF-8 (filename*=utf-8''...).
    assert "2018年度轮值活动统计表.xlsx" in unquote(response["Content-Disposition"])
    response = leader_client.get(reverse("reports:report_period_export"), PERIOD)
    assert "2018年度轮值活动统计表.xlsx" in unquote(response["Content-Disposition"])
    response = leader_client.get(
        reverse("reports:report_period_export"), {"from": "2017-11-01", "to": "2019-07-31"}
    )
    assert "轮值活动统计表_2017-11-01_2019-07-31.xlsx" in unquote(response["Content-Disposition"])


def _grow(group, n):
    for i in range(n):
        activity = ActivityFactory(group=group, date=D(2018, 1 + i % 12, 10))
        for _ in range(4):
            AttendanceFactory(
                activity=activity,
                member=MembershipFactory(group=group, start_date=D(2017, 1, 1)).member,
            )


@pytest.mark.parametrize("size", [1, 8])
def test_page_and_export_queries_do_not_grow(
    leader_client, leader_user, group1, group2, size, django_assert_num_queries
):
    _grow(group1, size)
    _grow(group2, size)
    leader_client.get(reverse("reports:report_year", args=[2018]))  # warm the session
    # session + user + the tallies + the records waiting for review + the groups' keys for the
    # figures' links (everyone met the obligation: no names of those who missed it to read)
    with django_assert_num_queries(22):
        response = leader_client.get(reverse("reports:report_year", args=[2018]))
    assert response.context["report"].activity_count == 2 * size
    # the tallies, the rows of the members (3), and one insert into the personal-data access
    # log
    with django_assert_num_queries(24):
        leader_client.get(reverse("reports:report_year_export", args=[2018]))
    # the tallies: the summary names no member, so nothing goes to the access log
    with django_assert_num_queries(20):
        leader_client.get(reverse("reports:report_year_summary", args=[2018]))


def test_navigation_links_to_the_reports_for_those_who_may_read_them(
    leader_client, convener_client, member_client
):
    link = f'href="{reverse("reports:report_period")}"'
    assert link in leader_client.get(reverse("activities:home")).content.decode()
    assert link in convener_client.get(reverse("activities:home")).content.decode()
    assert link not in member_client.get(reverse("activities:home")).content.decode()


def test_every_report_table_has_named_column_headers(leader_client, year_2018):
    """Screen readers (and Lighthouse's table audits) need a header for every column."""
    import re

    page = leader_client.get(reverse("reports:report_year", args=[2018])).content.decode()
    tables = re.findall(r"<table.*?</table>", page, re.S)
    assert len(tables) >= 5
    for table in tables:
        head = re.search(r"<thead>(.*?)</thead>", table, re.S)
        assert head, table[:120]
        headers = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
        assert headers and all(h.strip() for h in headers), table[:120]


def test_the_headline_rate_is_the_rate_of_the_group_bar_and_the_workbook(leader_client, year_2018):
    """One rate, one way of rounding: the headline, the by-group bars and the workbook."""
    group1 = year_2018.group1
    for _ in range(7):  # 3 of 11 took part: 27.3 %, not a whole percentage
        MembershipFactory(group=group1, start_date=datetime.date(2017, 1, 1))
    response = leader_client.get(reverse("reports:report_year", args=[2018]))
    report = response.context["report"]
    assert (report.participants, report.member_count) == (3, 11)
    assert "27.3%" in html_of(response)
    html = html_of(response)
    expected = f"{math.floor(report.participation * 1000 + 0.5) / 10:g}%"
    assert f'id="figure-participation">{expected}<' in html
    workbook = read_workbook(
        leader_client.get(reverse("reports:report_year_export", args=[2018])).getvalue()
    )
    cell = workbook["汇总"]["成员参与率"]  # the percentage, printed with the format 0.0
    assert f"{math.floor(cell * 10 + 0.5) / 10:g}%" == expected


def html_of(response):
    return response.content.decode()
