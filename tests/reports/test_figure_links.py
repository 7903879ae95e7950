"""Every figure on the report page opens the list behind it, and the list agrees to the digit.

The seed's report is read for several periods (whole years, a span across years, a few months)
by the leadership and by a convener (whose report covers their group); every link from a figure
to the activity list, the roster, the outcome list or the publicity list is followed, and the
list's row count (or its person-times) must be the figure. The month chart's rows open the
activity list of their month, whose person-times must be the bar's.
"""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Outcome, Publicity
from members.models import User

LISTS = (
    reverse("activities:activity_list"),
    reverse("members:member_list"),
    reverse("reports:outcome_list"),
    reverse("reports:publicity_list"),
)
# Figures identified by their element id rather than a data-figure attribute.
BY_ID = {
    "figure-activities": "activities",
    "figure-person-times": "person-times",
    "figure-four-bodies": "activities",
    "figure-department": "activities",
    "figure-participants": "members",
    "figure-members": "members",
    "figure-obligation-met": "members",
    "figure-obligation-bound": "members",
    "figure-obligation-missing": "members",
    "figure-visitors": "members",
}
# Shown only when there is something to show: missed obligations; visitors from outside a
# group scope (a convener's report).
SOMETIMES = {"figure-obligation-missing", "figure-visitors"}
PERIODS = [
    ("reports:report_year", [2018], None),
    ("reports:report_year", [2019], None),
    ("reports:report_period", [], {"from": "2017-11-01", "to": "2019-07-31"}),
    ("reports:report_period", [], {"from": "2018-03-01", "to": "2018-09-30"}),
]


class _Links(HTMLParser):
    """(kind, number shown, href) of every link from a figure to a list."""

    def __init__(self):
        super().__init__()
        self.links = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        if tag == "a" and href.split("?")[0] in LISTS and "?" in href:
            kind = attrs.get("data-figure") or BY_ID.get(attrs.get("id"))
            if "data-chart-label" in attrs:
                kind = "chart-label"  # a month's name opens the same list as its number
            self._open = [kind, "", href, attrs.get("id")]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(tuple(self._open))
            self._open = None


def _figure_links(html):
    parser = _Links()
    parser.feed(html)
    return parser.links


def _list_figure(client, href, kind):
    response = client.get(href)
    assert response.status_code == 200, href
    if kind == "person-times":
        return response.context["person_times"]
    return response.context["paginator"].count


@pytest.fixture
def seeded(db):
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())


def _check(client, name, args, query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    report = response.context["report"]
    links = _figure_links(response.content.decode())
    checked = 0
    for kind, text, href, element_id in links:
        if (
            element_id == "figure-participation"
            or kind == "chart-label"
            or not re.search(r"\d", text)
        ):
            # a rate (its link is the participants' list, checked as its own figure), a month's
            # name (its number is checked), or a heading that opens a list without a number
            continue
        assert kind, (text, href)
        number = int(re.search(r"\d+", text).group())
        assert _list_figure(client, href, kind) == number, (text, href)
        checked += 1
    return report, links, checked


@pytest.mark.django_db
def test_every_figure_agrees_with_the_list_it_opens(seeded):
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    for name, args, query in PERIODS:
        report, links, checked = _check(client, name, args, query)
        assert report.activity_count > 0
        ids = {element_id for _kind, _text, _href, element_id in links}
        assert set(BY_ID) - SOMETIMES <= ids
        assert "figure-visitors" not in ids  # the federation has no outside
        kinds = [kind for kind, *_rest in links]
        # themes, groups, roles, offices and channels each link their figures
        assert kinds.count("activities") >= 6 + len(report.groups) + 2
        assert kinds.count("members") >= 2 * len(report.groups) + 4
        # every outcome kind, the total, every summary row (count and key), every channel's
        # items, every month of the chart
        key_kinds = sum(1 for _k, _l, _n, key in report.outcome_kinds if key)
        assert kinds.count("outcomes") == (
            len(Outcome.Kind) + key_kinds + 1 + bool(report.key_outcomes)
        ) + 2 * len(report.outcome_summary)
        assert kinds.count("publicity") == len(Publicity.Channel)
        assert kinds.count("chart-label") == len(report.months)
        assert kinds.count("person-times") >= len(report.months)
        # not checked: the rate, the two four-bodies links in headings, the outcome and
        # publicity headings, the month names
        assert checked == len(links) - 4 - len(report.months)
        assert len(report.outcomes) > 0 and sum(c.items for c in report.channels) > 0

    # The missed obligation opens exactly those members.
    for year in (2018, 2019, 2020):
        response = client.get(reverse("reports:report_year", args=[year]))
        report = response.context["report"]
        if report.standing_missing:
            break
    else:
        pytest.fail("the seed has no year with a missed obligation")
    hrefs = {i: href for _k, _t, href, i in _figure_links(response.content.decode())}
    listed = client.get(hrefs["figure-obligation-missing"]).context["members"]
    assert sorted(m.name for m in listed) == sorted(m.name for m in report.standing_missing)

    # A convener's report covers their group, and so do the lists it opens.
    client.force_login(User.objects.get(username="convener"))
    for name, args, query in PERIODS:
        report, links, checked = _check(client, name, args, query)
        assert report.is_scoped
        assert checked > 10
        assert all("scope=" in href for _k, _t, href, _id in links)
        assert set(BY_ID) - {"figure-obligation-missing"} <= {i for *_rest, i in links}


def _pks(client, href):
    response = client.get(href)
    assert response.context["paginator"].num_pages == 1
    return {m.pk for m in response.context["members"]}


@pytest.mark.django_db
def test_a_conveners_rate_counts_their_groups_own_members(seeded):
    """In 2018 group 1's activity drew 13 members of other groups: the convener's rate is the
    group's own 11 of 11, as the staff's row for group 1 says, with the visitors apart; each
    figure's list holds exactly those people."""
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    staff = client.get(reverse("reports:report_year", args=[2018])).context["report"]
    (row,) = [g for g in staff.groups if g.number == 1]
    assert (row.members, row.participants) == (11, 11)
    assert (staff.member_count, staff.participants, staff.visitors, staff.visits) == (
        129,
        126,
        0,
        0,
    )

    client.force_login(User.objects.get(username="convener"))
    response = client.get(reverse("reports:report_year", args=[2018]))
    report = response.context["report"]
    assert (report.member_count, report.participants) == (row.members, row.participants)
    assert (report.visitors, report.visits) == (13, 13)
    assert report.attendances == 24  # the group's 11 and the 13 visitors, each once
    html = response.content.decode()
    assert "组外成员参加" in html
    hrefs = {i: href for _k, _t, href, i in _figure_links(html)}
    members = _pks(client, hrefs["figure-members"])
    participants = _pks(client, hrefs["figure-participants"])
    visitors = _pks(client, hrefs["figure-visitors"])
    assert members == {m.pk for m in report.members}
    assert participants == {m.pk for m in report.members if m.attended}
    assert visitors == {m.pk for m in report.visitor_rows}
    assert len(visitors) == 13 and not visitors & members
    assert sum(m.attended for m in report.visitor_rows) == report.visits
    # The roster page says what the visitors' list holds.
    listed = client.get(hrefs["figure-visitors"]).content.decode()
    assert "组外成员" in listed


@pytest.mark.django_db
def test_each_activity_and_each_name_opens_its_own_page(seeded):
    """The per-activity person-times open the activity (its attendance), whose own count is
    the figure; the names of who missed the obligation open their member pages, on the report
    and on the obligation page."""
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    html = client.get(reverse("reports:report_year", args=[2018])).content.decode()
    report = client.get(reverse("reports:report_year", args=[2018])).context["report"]
    shown = re.findall(
        r'href="/activities/(\d+)/#attendance" data-activity-person-times>(\d+)<', html
    )
    assert len(shown) == min(50, report.activity_count) > 0
    times = dict(Activity.objects.with_person_times().values_list("pk", "person_times"))
    for pk, number in shown:
        assert times[int(pk)] == int(number)
        detail = client.get(reverse("activities:activity_detail", args=[pk]))
        assert detail.status_code == 200 and 'id="attendance"' in detail.content.decode()
    missing = list(report.standing_missing)
    assert missing
    for person in missing[:100]:
        link = f'<a href="{reverse("members:member_detail", args=[person.pk])}">{person.name}</a>'
        assert link in html
    page = client.get(reverse("schedule:obligation", args=[2018])).content.decode()
    for person in missing[:50]:
        assert f'href="{reverse("members:member_detail", args=[person.pk])}"' in page
