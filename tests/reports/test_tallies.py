import datetime

import pytest
from django.urls import reverse

from activities.models import LeaderPresence, Outcome, Publicity, Theme
from members.models import FederationRole
from reports.tallies import Period, PeriodError, group_label, tally
from tests.factories import ActivityFactory, AttendanceFactory, LeaderFactory, MembershipFactory

D = datetime.date
YEAR = Period(D(2018, 1, 1), D(2018, 12, 31))


def test_counts_only_held_approved_activities_inside_the_period(year_2018):
    report = tally(YEAR)
    assert report.activity_count == 2
    assert [a.pk for a in report.activities] == [year_2018.first.pk, year_2018.last.pk]
    # attendance 2 + 2, other participants 5 + 3; leaders are not person-times.
    assert (report.attendances, report.other_participants, report.person_times) == (4, 8, 12)


def test_all_six_themes_in_order_with_zeros(year_2018):
    report = tally(YEAR)
    assert [t.key for t in report.themes] == list(Theme.values)
    figures = {t.key: (t.activities, t.person_times) for t in report.themes}
    assert figures == {
        Theme.PUBLICITY_TRAINING: (0, 0),
        Theme.SEMINAR: (1, 7),
        Theme.VISIT: (0, 0),
        Theme.RESEARCH: (0, 0),
        Theme.INDUSTRY: (0, 0),
        Theme.CHARITY: (1, 5),
    }
    assert {t.key: t.share for t in report.themes}[Theme.SEMINAR] == 0.5


def test_months_cover_the_whole_period(year_2018):
    report = tally(YEAR)
    assert len(report.months) == 12
    assert (report.months[0].activities, report.months[0].person_times) == (1, 7)
    assert (report.months[11].activities, report.months[11].person_times) == (1, 5)
    assert sum(m.activities for m in report.months) == 2


def test_leaders(year_2018):
    report = tally(YEAR)
    assert report.with_four_bodies == 1
    assert report.with_department == 2
    assert report.department_presences == 3
    assert [a.pk for a in report.four_bodies_activities] == [year_2018.first.pk]
    assert [x.name for x in report.four_bodies_activities[0].four_bodies_leaders] == ["@市委领导"]
    assert len(report.leaders) == 4


def test_members_expected_and_participation(year_2018):
    report = tally(YEAR)
    names = {m.name: m for m in report.members}
    # 吴五 left in 2016: not expected; 陈二, archived in June, is.
    assert set(names) == {"林一", "陈二", "黄三", "郑四"}
    assert names["陈二"].is_archived
    assert names["林一"].attended == 2
    assert names["黄三"].groups_label.count("→") == 1
    assert report.participants == 3
    assert report.participation == 0.75
    by_role = {row.key: (row.members, row.participants) for row in report.by_role}
    assert by_role["standing"] == (3, 3)
    assert by_role["vice_president"] == (1, 0)
    offices = {row.key: (row.members, row.participants) for row in report.by_office}
    assert offices == {"npc": (1, 0), "cppcc": (1, 1)}


def test_yearly_obligation_binds_standing_members(year_2018):
    report = tally(YEAR)
    flags = {m.name: m.obligation_met for m in report.members}
    assert flags == {"林一": True, "陈二": True, "黄三": True, "郑四": None}
    assert (report.standing_obligation.members, report.standing_obligation.participants) == (3, 3)


def test_obligation_needs_each_year_of_a_longer_period(year_2018, group1):
    # Over 2018-2019 林一 did not attend in 2019 although still in the group.
    ActivityFactory(group=group1, date=D(2019, 3, 1))
    report = tally(Period(D(2018, 1, 1), D(2019, 12, 31)))
    flags = {m.name: m.obligation_met for m in report.members}
    assert flags["林一"] is False
    # 陈二 left in 2018: only 2018 is asked of them.
    assert flags["陈二"] is True


def test_obligation_judges_whole_years_only(year_2018, group1):
    # Dec 2017 - Jun 2019: only 2018 is a whole year; 林一 attended in 2018 only.
    ActivityFactory(group=group1, date=D(2019, 3, 1))
    report = tally(Period(D(2017, 12, 1), D(2019, 6, 30)))
    assert {m.name: m.obligation_met for m in report.members}["林一"] is True


def test_obligation_without_a_whole_year_is_one_span(year_2018):
    report = tally(Period(D(2018, 6, 1), D(2018, 12, 31)))
    flags = {m.name: m.obligation_met for m in report.members}
    # 黄三 attended in December; 陈二 only in January, before the period.
    assert flags["黄三"] is True
    assert flags["陈二"] is False


def test_member_in_two_groups_counts_for_the_group_they_were_in(year_2018):
    report = tally(YEAR)
    groups = {
        g.number: (g.activities, g.person_times, g.members, g.participants) for g in report.groups
    }
    # Group 1: 林一, 陈二, 黄三 (until July), 郑四; 黄三 attended only in December, in group 2.
    assert groups[1] == (1, 7, 4, 2)
    assert groups[2] == (1, 5, 1, 1)


def test_outcomes_by_their_year(year_2018):
    report = tally(YEAR)
    kinds = {kind: (count, key) for kind, _label, count, key in report.outcome_kinds}
    assert kinds[Outcome.Kind.RESEARCH_REPORT] == (1, 0)
    assert kinds[Outcome.Kind.COLLECTIVE_PROPOSAL] == (0, 0)
    assert kinds[Outcome.Kind.PROPOSAL] == (2, 1)
    assert report.key_outcomes == 1
    assert report.activities[0].outcomes == ("大健康产业调研报告",)
    assert report.activities[1].outcomes == ("关于公益的集体提案",)
    # A period that only touches 2019 sees 2019's standalone proposal and the collective
    # proposal of December 2018's activity, submitted in 2019.
    later = tally(Period(D(2019, 6, 1), D(2019, 6, 30)))
    assert sorted((o.year, o.kind) for o in later.outcomes) == [
        (2019, Outcome.Kind.COLLECTIVE_PROPOSAL),
        (2019, Outcome.Kind.PROPOSAL),
    ]
    assert later.outcomes[0].activity_number == year_2018.last.number


def test_publicity_by_channel(year_2018):
    report = tally(YEAR)
    channels = {c.channel: (c.items, c.activities) for c in report.channels}
    assert [c.channel for c in report.channels] == list(Publicity.Channel.values)
    assert channels[Publicity.Channel.WEBSITE] == (2, 1)
    assert channels[Publicity.Channel.MAGAZINE] == (1, 1)
    assert channels[Publicity.Channel.TV] == (0, 0)
    assert report.activities[0].channels == ("website", "wechat_group")


def test_years_add_up_to_a_period_of_whole_years(year_2018):
    whole = tally(Period(D(2017, 1, 1), D(2019, 12, 31)))
    years = [tally(Period.for_year(y)) for y in (2017, 2018, 2019)]
    assert whole.activity_count == sum(r.activity_count for r in years) == 4
    assert whole.person_times == sum(r.person_times for r in years)
    assert whole.with_four_bodies == sum(r.with_four_bodies for r in years)
    for i, theme in enumerate(whole.themes):
        assert theme.activities == sum(r.themes[i].activities for r in years)
    assert len(whole.outcomes) == sum(len(r.outcomes) for r in years)


def test_convener_scope_is_their_groups(year_2018, group1):
    report = tally(YEAR, groups=[group1])
    assert report.activity_count == 1
    assert report.person_times == 7
    assert [g.number for g in report.groups] == [1]
    assert {m.name for m in report.members} == {"林一", "陈二", "黄三", "郑四"}
    assert "第1组" in str(report.scope_label) or "1" in str(report.scope_label)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2019, 1, 1), D(2018, 1, 1)),
        (D(1999, 12, 31), D(2018, 1, 1)),
        (D(2018, 1, 1), D(2101, 1, 1)),
    ],
)
def test_bad_periods_are_refused(start, end):
    with pytest.raises(PeriodError):
        Period(start, end)


def test_period_labels():
    assert Period.for_year(2018).year == 2018
    assert Period(D(2017, 11, 1), D(2019, 7, 31)).year is None
    assert Period(D(2017, 11, 1), D(2019, 7, 31)).slug == "2017-11-01_2019-07-31"
    assert len(list(Period(D(2017, 11, 1), D(2019, 7, 31)).months())) == 21


def _grow(group1, group2, n):
    for i in range(n):
        for group in (group1, group2):
            activity = ActivityFactory(group=group, date=D(2018, 1 + i % 12, 1 + i % 28))
            for _ in range(3):
                membership = MembershipFactory(group=group, start_date=D(2017, 1, 1))
                AttendanceFactory(activity=activity, member=membership.member)
            LeaderFactory(activity=activity, level=LeaderPresence.Level.DEPARTMENT)


@pytest.mark.parametrize("size", [1, 6])
def test_query_count_does_not_grow(group1, group2, size, django_assert_num_queries):
    _grow(group1, group2, size)
    # the activities, the members' figures (1), outcomes and channels, and 2 for the
    # committee; the rows of the members are read only when asked for: 3 queries more, for a
    # convener's report too
    with django_assert_num_queries(18):
        report = tally(YEAR)
    assert report.activity_count == 2 * size
    with django_assert_num_queries(3):
        assert len(report.members) == report.member_count
    with django_assert_num_queries(18):
        scoped = tally(YEAR, groups=[group1])
    with django_assert_num_queries(3):
        assert len(scoped.members) == scoped.member_count


def test_committee_is_everyone_on_it_during_the_period(year_2018):
    # m2 was archived in June 2018: on the committee for part of 2018, so counted; m5 was
    # archived in 2016 and is not.
    committee = tally(YEAR).committee
    assert (committee.members, committee.vice_presidents, committee.standing) == (4, 1, 3)
    assert (committee.deputies, committee.cppcc) == (1, 1)
    assert tally(Period.for_year(2017)).committee.members == 4
    # A convener's report: the members of their groups during the period.
    scoped = tally(YEAR, groups=[year_2018.group2]).committee
    assert (scoped.members, scoped.standing) == (1, 1)


def test_a_group_scope_counts_its_own_members_and_its_visitors_apart(year_2018, staff_client):
    # 林一 (group 1, a CPPCC member) came to group 2's December activity, as did 黄三, in
    # group 2 since July: group 2's report expects 黄三 only, and 林一 is its visitor.
    g1, g2 = year_2018.group1, year_2018.group2
    staff = tally(YEAR)
    assert (staff.member_count, staff.participants, staff.visitors, staff.visits) == (4, 3, 0, 0)
    assert staff.visitor_rows == []

    report = tally(YEAR, groups=[g2])
    assert (report.member_count, report.participants) == (1, 1)
    assert (report.visitors, report.visits) == (1, 1)
    (row,) = report.groups
    assert (row.members, row.participants) == (report.member_count, report.participants)
    assert [m.name for m in report.members] == ["黄三"]
    assert [
        (m.name, m.groups, m.group_numbers, m.attended, m.obligation_met)
        for m in report.visitor_rows
    ] == [("林一", (str(group_label(g1.number, g1.name)),), (1,), 1, None)]
    assert report.members[0].groups == (str(group_label(g2.number, g2.name)),)
    # The rates by role and office leave the visitor out too.
    assert [(r.members, r.participants) for r in report.by_office] == [(0, 0), (0, 0)]
    assert {r.key: (r.members, r.participants) for r in report.by_role if r.members} == {
        FederationRole.STANDING: (1, 1)
    }
    # Group 1's own activity had no visitors.
    own = tally(YEAR, groups=[g1])
    assert (own.member_count, own.participants, own.visitors, own.visits) == (4, 2, 0, 0)
    both = tally(YEAR, groups=[g1, g2])
    assert (both.member_count, both.participants, both.visitors) == (4, 3, 0)

    # The roster behind each figure holds the same people.
    def listed(**query):
        query = {"from": "2018-01-01", "to": "2018-12-31", "status": "all", **query}
        response = staff_client.get(reverse("members:member_list"), query)
        assert response.status_code == 200
        return sorted(m.name for m in response.context["members"])

    assert listed(scope=g2.pk) == ["黄三"]
    assert listed(scope=g2.pk, took_part="yes") == ["黄三"]
    assert listed(scope=g2.pk, took_part="no") == []
    assert listed(scope=g2.pk, visitor="yes") == ["林一"]
    assert listed(scope=g1.pk, visitor="yes") == []
    assert listed(visitor="yes") == []  # the federation has no outside
    assert len(listed()) == staff.member_count
