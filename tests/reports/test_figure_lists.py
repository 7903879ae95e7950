"""The outcome list (/outcomes/) and the publicity list (/publicity/) behind the report's
figures: they hold what the tallies count, for the report's readers, a convener only their
groups; they page, filter, refuse nothing with a 500, and export what they show."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Outcome, Publicity
from members.models import PersonalDataAccess
from reports.tallies import Period, tally
from tests.factories import ActivityFactory, OutcomeFactory, PublicityFactory

pytestmark = pytest.mark.django_db
D = datetime.date
OUTCOMES = reverse("reports:outcome_list")
PUBLICITY = reverse("reports:publicity_list")

PERIODS = [
    (D(2018, 1, 1), D(2018, 12, 31)),
    (D(2019, 1, 1), D(2019, 12, 31)),
    (D(2017, 1, 1), D(2019, 12, 31)),
    (D(2018, 6, 1), D(2019, 3, 31)),
    (D(2018, 12, 31), D(2018, 12, 31)),
]


def _query(start, end, **extra):
    return {"from": start.isoformat(), "to": end.isoformat(), **extra}


def _count(client, url, query):
    response = client.get(url, query)
    assert response.status_code == 200, (url, query)
    return response.context["paginator"].count


@pytest.fixture
def year(year_2018):
    # A standalone outcome by a member who left every group in 2016: the whole federation's
    # report counts it, no group's does.
    OutcomeFactory(kind=Outcome.Kind.SUGGESTION, year=2018, member=year_2018.m5)
    return year_2018


def test_the_lists_hold_what_the_tallies_count(year, staff_client):
    for start, end in PERIODS:
        for groups in (None, [year.group1], [year.group2], [year.group1, year.group2]):
            report = tally(Period(start, end), groups)
            scope = {"scope": [g.pk for g in groups]} if groups else {}
            query = _query(start, end, **scope)
            assert _count(staff_client, OUTCOMES, query) == len(report.outcomes), (start, groups)
            assert _count(staff_client, PUBLICITY, query) == sum(
                c.items for c in report.channels
            ), (start, groups)
            for kind, _label, count, key in report.outcome_kinds:
                assert _count(staff_client, OUTCOMES, {**query, "kind": kind.value}) == count
                assert (
                    _count(staff_client, OUTCOMES, {**query, "kind": kind.value, "key": "yes"})
                    == key
                )
            for c in report.channels:
                assert _count(staff_client, PUBLICITY, {**query, "channel": c.channel}) == c.items
    # The rules are not vacuous here: 2018 holds outcomes and items, and not every one of them.
    report = tally(Period(D(2018, 1, 1), D(2018, 12, 31)))
    assert 0 < len(report.outcomes) < Outcome.objects.count()
    assert 0 < sum(c.items for c in report.channels) < Publicity.objects.count()


def test_a_group_holds_its_activities_and_its_members_standalone_outcomes(year, staff_client):
    query = _query(D(2018, 1, 1), D(2018, 12, 31), group=year.group1.pk)
    titles = {o.title for o in staff_client.get(OUTCOMES, query).context["outcomes"]}
    # group 1's counted seminar, and the proposals of m1 (group 1 all year) and m3 (group 1
    # until July); not the planned activity's, not m5's (left in 2016), not 2019's
    expected = set(
        Outcome.objects.filter(year=2018)
        .exclude(activity__status="planned")
        .exclude(member=year.m5)
        .values_list("title", flat=True)
    )
    assert titles == expected and len(titles) == 3


def test_a_convener_sees_only_their_groups_whatever_the_query(year, convener_client):
    period = _query(D(2018, 1, 1), D(2019, 12, 31))
    own = tally(Period(D(2018, 1, 1), D(2019, 12, 31)), [year.group1])
    assert _count(convener_client, OUTCOMES, period) == len(own.outcomes)
    asked_for_other = {**period, "group": year.group2.pk, "scope": [year.group2.pk]}
    response = convener_client.get(OUTCOMES, asked_for_other)
    assert response.status_code == 200
    assert response.context["paginator"].count == len(own.outcomes)  # the other group ignored
    assert _count(convener_client, PUBLICITY, asked_for_other) == sum(c.items for c in own.channels)
    items = convener_client.get(PUBLICITY, period).context["items"]
    assert {i.activity.group_id for i in items} == {year.group1.pk}


def test_members_may_not_open_them(year, member_client, leader_client):
    for url in (OUTCOMES, PUBLICITY, f"{OUTCOMES}export.xlsx", f"{PUBLICITY}export.xlsx"):
        assert member_client.get(url).status_code == 403
        assert leader_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2018-13-45"},
        {"to": "9999-99-99", "kind": "nonsense"},
        {"key": "maybe", "year": "abc", "submitted_to": "moon"},
        {"group": "999999", "scope": ["x", "0"], "channel": "radio"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2019-01-01", "to": "2018-01-01"},
        {"page": "99"},
    ],
)
def test_bad_input_is_ignored_or_explained_never_a_500(year, staff_client, query):
    for url in (OUTCOMES, PUBLICITY, f"{OUTCOMES}export.xlsx", f"{PUBLICITY}export.xlsx"):
        response = staff_client.get(url, query)
        assert response.status_code in (200, 404), (url, query)


def test_an_invalid_value_is_shown_as_such(year, staff_client):
    response = staff_client.get(OUTCOMES, {"kind": "nonsense"})
    assert response.context["paginator"].count == len(
        tally(Period(D(2000, 1, 1), D(2100, 12, 31))).outcomes
    )
    assert "is-invalid" in response.content.decode()


def test_the_lists_page(staff_client, group1):
    for i in range(30):
        activity = ActivityFactory(group=group1, date=D(2018, 1, 1) + datetime.timedelta(days=i))
        OutcomeFactory(activity=activity, year=2018)
        PublicityFactory(activity=activity)
    for url, name in ((OUTCOMES, "outcomes"), (PUBLICITY, "items")):
        first = staff_client.get(url)
        assert first.context["paginator"].count == 30 and len(first.context[name]) == 25
        second = staff_client.get(url, {"page": 2})
        assert len(second.context[name]) == 5
        shown = {o.pk for o in first.context[name]} | {o.pk for o in second.context[name]}
        assert len(shown) == 30
        # Each row opens its activity.
        assert reverse("activities:activity_detail", args=[activity.pk]) in (
            first.content.decode() + second.content.decode()
        )

        # A page past the end (an old link, fewer rows now) shows the last page, not a 404;
        # a page that is not a number shows the first.
        for number, expected in (("3", 5), ("99", 5), ("abc", 25)):
            response = staff_client.get(url, {"page": number})
            assert response.status_code == 200, (url, number)
            assert len(response.context[name]) == expected, (url, number)


def test_one_page_and_a_page_past_it(staff_client, group1):
    activity = ActivityFactory(group=group1, date=D(2018, 3, 1))
    OutcomeFactory(activity=activity, year=2018)
    PublicityFactory(activity=activity)
    for url, name in ((OUTCOMES, "outcomes"), (PUBLICITY, "items")):
        response = staff_client.get(url, {"page": 4})
        assert response.status_code == 200, url
        assert response.context["page_obj"].number == 1 and len(response.context[name]) == 1


def _table(response):
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [h.replace("\n", "") if h else h for h in rows[3]]
    data = []
    for row in rows[4:]:
        if not any(v not in (None, "") for v in row):
            break
        data.append(dict(zip(header, row, strict=False)))
    return rows, data


def test_the_outcome_export_is_the_filtered_list(year, staff_client):
    query = _query(D(2018, 1, 1), D(2018, 12, 31), kind="proposal")
    page = staff_client.get(OUTCOMES, query)
    listed = sorted(o.title for o in page.context["outcomes"])
    assert f"{OUTCOMES}export.xlsx?from=2018-01-01" in page.content.decode()

    response = staff_client.get(f"{OUTCOMES}export.xlsx", query)
    rows, data = _table(response)
    assert rows[0][0].replace("\n", "") == "福安市工商联（总商会）履职成果一览"
    assert sorted(r["标题"] for r in data) == listed and len(listed) == 2
    assert sorted(r["重点提案"] for r in data) == ["否", "是"]
    scope_line = " ".join(str(v) for v in rows[1] if v)
    assert "2018年1月1日至2018年12月31日" in scope_line and "类别：提案" in scope_line
    entry = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.OUTCOME_EXPORT)
    assert entry.rows == 2 and "kind=proposal" in entry.what
    assert response["Cache-Control"] == "private, no-store"
    assert (
        "filename*=utf-8''%E5%B1%A5%E8%81%8C%E6%88%90%E6%9E%9C" in response["Content-Disposition"]
    )


def test_the_publicity_export_is_the_filtered_list(year, staff_client):
    query = _query(D(2018, 1, 1), D(2018, 12, 31), channel="website")
    assert _count(staff_client, PUBLICITY, query) == 2
    response = staff_client.get(f"{PUBLICITY}export.xlsx", query)
    rows, data = _table(response)
    assert rows[0][0].replace("\n", "") == "福安市工商联（总商会）宣传报道一览"
    assert [r["渠道"] for r in data] == ["门户网站", "门户网站"]
    assert {r["活动日期"].date() for r in data} == {year.first.date}
    entry = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.PUBLICITY_EXPORT)
    assert entry.rows == 2 and "channel=website" in entry.what
    assert response["Cache-Control"] == "private, no-store"


def _grow(group, n):
    for i in range(n):
        activity = ActivityFactory(group=group, date=D(2018, 1 + i % 12, 10))
        OutcomeFactory(activity=activity, year=2018, is_key=i % 2 == 0)
        OutcomeFactory(year=2018)
        PublicityFactory(activity=activity)


def _queries(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def test_the_lists_do_not_grow_in_queries(convener_client, group1):
    """Measured with a convener (the costliest reader: their groups are looked up) and every
    filter in use, at one and at eight times the rows."""
    convener_client.get(reverse("activities:home"))  # warm the session
    period = _query(D(2018, 1, 1), D(2018, 12, 31), group=group1.pk)
    pages = [
        (OUTCOMES, {**period, "key": "yes", "kind": "proposal", "submitted_to": "cppcc"}),
        (f"{OUTCOMES}export.xlsx", {**period, "key": "yes"}),
        (PUBLICITY, {**period, "channel": "website"}),
        (f"{PUBLICITY}export.xlsx", {**period, "channel": "website"}),
    ]
    _grow(group1, 1)
    [_queries(convener_client, url, query) for url, query in pages]  # warm per-process caches
    small = [_queries(convener_client, url, query) for url, query in pages]
    _grow(group1, 7)
    large = [_queries(convener_client, url, query) for url, query in pages]
    assert large == small
    # session, user, the convener's groups, the group asked for, the count, the rows, the
    # group choices shown, the login's member (menu) and for outcomes the year choices; an
    # export has no count nor menu, but its access-log entry
    assert max(small) <= 9, small


def test_the_month_chart_opens_each_month(year, staff_client):
    response = staff_client.get(
        reverse("reports:report_period"), _query(D(2018, 6, 15), D(2018, 12, 31))
    )
    bars = response.context["month_chart"].bars
    assert len(bars) == 7
    # June starts mid-month, as the period does; December is whole.
    assert "from=2018-06-15&to=2018-06-30" in bars[0].url
    assert "from=2018-12-01&to=2018-12-31" in bars[-1].url
    december = staff_client.get(bars[-1].url)
    assert december.context["person_times"] == bars[-1].value > 0


def test_a_reversed_period_is_explained_and_ignored_like_an_invalid_day(year, staff_client):
    for url, name in ((OUTCOMES, "outcomes"), (PUBLICITY, "items")):
        reversed_ = staff_client.get(url, {"from": "2019-01-01", "to": "2018-01-01"})
        invalid_to = staff_client.get(url, {"from": "2019-01-01", "to": "2018-13-45"})
        assert reversed_.status_code == 200
        html = reversed_.content.decode()
        assert "开始日期不能晚于结束日期。" in html and "is-invalid" in html, url
        # The end is set aside, as an invalid end day is: the list runs from the start on.
        shown = [o.pk for o in reversed_.context[name]]
        assert shown == [o.pk for o in invalid_to.context[name]], url
        assert shown, url  # 2019 holds rows: the list is not simply empty


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _column_widths(sheet):
    widths = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            widths[index] = dimension.width
    return widths


@pytest.mark.parametrize(
    ("url", "optional", "count_line"),
    [
        (f"{OUTCOMES}export.xlsx", ("报送单位", "提交人"), "共0项成果"),
        (f"{PUBLICITY}export.xlsx", ("日期", "报道标题", "链接"), "共0条宣传报道"),
    ],
)
def test_an_empty_export_prints_like_a_full_one(convener_client, group1, url, optional, count_line):
    from fuan_rotation.formal import display_width

    sheet = _sheet(convener_client.get(url))
    rows = list(sheet.iter_rows(values_only=True))
    header = [h.replace("\n", "") for h in rows[3] if h]
    assert all(name in header for name in optional), header  # no column dropped
    assert "\n" not in rows[0][0]  # the title on one line
    assert str(group1) in rows[1][0]  # whose list: the convener's group, in the subtitle
    widths = _column_widths(sheet)
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == 3 and merged.min_col == 1:  # 制表单位, not cut
            room = sum(widths[c] for c in range(merged.min_col, merged.max_col + 1))
            assert room >= display_width(sheet.cell(3, 1).value)
            break
    else:
        raise AssertionError("no 制表单位 cell")
    # The count line prints: it is inside the print area.
    note_row = next(i for i, row in enumerate(rows, 1) if row[0] and count_line in str(row[0]))
    last_printed = int(str(sheet.print_area).rsplit("$", 1)[-1])
    assert last_printed >= note_row


def test_a_conveners_export_names_their_groups(year, convener_client):
    for url in (f"{OUTCOMES}export.xlsx", f"{PUBLICITY}export.xlsx"):
        response = convener_client.get(url, _query(D(2018, 1, 1), D(2018, 12, 31)))
        rows, data = _table(response)
        assert data, url
        assert str(year.group1) in rows[1][0] and "2018年1月1日至2018年12月31日" in rows[1][0]
