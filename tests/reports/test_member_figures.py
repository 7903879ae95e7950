"""The report page's member figures (grouped SQL, reports.tallies.MemberFigures) agree with
the rows the workbook lists (a MemberRow per member, judged in Python) for every period and
scope: the seed's, and hand-made memberships at the edges of the whole-year rule."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from activities.models import RotationGroup
from members.models import FederationRole
from reports import tallies
from reports.tallies import Period, tally
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
)

D = datetime.date
PERIODS = [
    Period.for_year(2017),
    Period.for_year(2018),
    Period.for_year(2019),
    Period(D(2017, 11, 1), D(2019, 7, 31)),  # one whole year
    Period(D(2018, 3, 1), D(2018, 9, 30)),  # none: judged as one span
    Period(D(2017, 1, 1), D(2019, 12, 31)),  # three
]


def _from_rows(report):
    """The figures as the rows give them (the workbook's own reading)."""
    rows = report.members
    return {
        "members": len(rows),
        "participants": sum(1 for m in rows if m.attended),
        "by_role": [
            (
                role.value,
                sum(1 for m in rows if m.role == role),
                sum(1 for m in rows if m.role == role and m.attended),
            )
            for role in FederationRole
        ],
        "by_office": [
            (
                sum(1 for m in rows if m.is_deputy),
                sum(1 for m in rows if m.is_deputy and m.attended),
            ),
            (
                sum(1 for m in rows if m.is_cppcc),
                sum(1 for m in rows if m.is_cppcc and m.attended),
            ),
        ],
        "obligation": (
            sum(1 for m in rows if m.obligation_met is not None),
            sum(1 for m in rows if m.obligation_met),
        ),
        "missing": [(m.name, m.groups) for m in rows if m.obligation_met is False],
        "visitors": (
            len(report.visitor_rows),
            sum(m.attended for m in report.visitor_rows),
        ),
    }


def _from_sql(report):
    return {
        "members": report.member_count,
        "participants": report.participants,
        "by_role": [(r.key, r.members, r.participants) for r in report.by_role],
        "by_office": [(r.members, r.participants) for r in report.by_office],
        "obligation": (report.standing_obligation.members, report.standing_obligation.participants),
        "missing": [(m.name, m.groups) for m in report.standing_missing],
        "visitors": (report.visitors, report.visits),
    }


def _assert_agree(period, groups=None):
    # Two reports: the figures are read before any row, as the page reads them.
    figures = _from_sql(tally(period, groups))
    report = tally(period, groups)
    assert figures == _from_rows(report), period
    # A group scope's visitors are apart from its members; the federation has none. Every
    # attendance row is a member's or a visitor's.
    assert not {m.pk for m in report.members} & {m.pk for m in report.visitor_rows}
    assert groups or not report.visitor_rows
    attended = sum(m.attended for m in report.members) + figures["visitors"][1]
    assert attended == report.attendances, (period, groups)
    return figures


@pytest.mark.django_db
def test_the_seeds_figures_agree_with_its_rows():
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())
    missed = 0
    for period in PERIODS:
        figures = _assert_agree(period)
        missed += len(figures["missing"])
        for group in RotationGroup.objects.order_by("number")[:3]:
            _assert_agree(period, [group])
    assert missed  # the seed has members who missed the obligation: the list is tested


@pytest.mark.parametrize("year_by_year", [tallies.YEAR_BY_YEAR, 0])
def test_memberships_at_the_edges_of_whole_years(group1, group2, year_by_year, monkeypatch):
    # Both ways of testing whole years: year by year, and by each membership's run of years
    # (what a period of more than YEAR_BY_YEAR whole years uses).
    monkeypatch.setattr(tallies, "YEAR_BY_YEAR", year_by_year)
    standing = FederationRole.STANDING
    # Left on 1 January 2019 (an end date is exclusive): bound in 2018 only; attended 2018.
    left = MemberFactory(name="甲", role=standing)
    MembershipFactory(member=left, group=group1, start_date=D(2017, 1, 1), end_date=D(2019, 1, 1))
    # Joined in March 2018, attended only in 2019: misses 2018.
    joined = MemberFactory(name="乙", role=standing)
    MembershipFactory(member=joined, group=group2, start_date=D(2018, 3, 1))
    # Moved groups mid-2018, attended each year: meets it; in both groups.
    moved = MemberFactory(name="丙", role=standing)
    MembershipFactory(member=moved, group=group1, start_date=D(2017, 1, 1), end_date=D(2018, 7, 1))
    MembershipFactory(member=moved, group=group2, start_date=D(2018, 7, 1))
    # Attended twice in 2018 and never in 2019: two attendances are not two years.
    twice = MemberFactory(name="丁", role=standing)
    MembershipFactory(member=twice, group=group2, start_date=D(2017, 1, 1))
    # Not standing: never bound.
    MembershipFactory(
        member=MemberFactory(name="戊", role=FederationRole.VICE_PRESIDENT),
        group=group1,
        start_date=D(2017, 1, 1),
    )
    a2018 = [ActivityFactory(group=group1, date=D(2018, m, 10)) for m in (2, 5)]
    a2019 = ActivityFactory(group=group2, date=D(2019, 4, 10))
    a2017 = ActivityFactory(group=group1, date=D(2017, 12, 20))
    for activity, members in (
        (a2018[0], [left, moved, twice]),
        (a2018[1], [twice]),
        (a2019, [joined, moved]),
        (a2017, [moved, left]),
    ):
        for member in members:
            AttendanceFactory(activity=activity, member=member)

    three_years = Period(D(2017, 1, 1), D(2019, 12, 31))
    figures = _assert_agree(three_years)
    assert [name for name, _groups in figures["missing"]] == ["乙", "丁"]
    assert figures["obligation"] == (4, 2)
    # Two whole years, 2018 and 2019, and a part-year (December 2017) not judged.
    _assert_agree(Period(D(2017, 12, 1), D(2019, 12, 31)))
    # No whole year: one span, at least one activity in it.
    assert _assert_agree(Period(D(2018, 3, 1), D(2018, 9, 30)))["obligation"] == (4, 1)
    # Six whole years, 2014 to 2019.
    assert _assert_agree(Period(D(2014, 1, 1), D(2020, 6, 30)))["obligation"] == (4, 2)
    for groups in ([group1], [group2]):
        _assert_agree(three_years, groups)
        _assert_agree(Period.for_year(2018), groups)
