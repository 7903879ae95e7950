"""A small hand-made year (2018) with the edge cases the tallies must get right."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from activities.models import Activity, LeaderPresence, Outcome, Publicity, Theme
from activities.services import activity_archive
from members.models import FederationRole, PublicOffice
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    PublicOfficeFactory,
)

D = datetime.date


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def year_2018(group1, group2):
    """Two counted activities in 2018 (on its first and last day) among ones that must not count.

    m1 stays in group 1 all year; m2 is archived at the end of June; m3 moves from group 1 to
    group 2 on 1 July; m4 never attends; m5 left in 2016 and is not expected at all.
    """
    m1 = MemberFactory(name="林一", role=FederationRole.STANDING)
    m2 = MemberFactory(name="陈二", role=FederationRole.STANDING)
    m3 = MemberFactory(name="黄三", role=FederationRole.STANDING)
    m4 = MemberFactory(name="郑四", role=FederationRole.VICE_PRESIDENT)
    m5 = MemberFactory(name="吴五", role=FederationRole.STANDING, archived_at=_aware(D(2016, 6, 1)))
    MembershipFactory(member=m1, group=group1, start_date=D(2017, 1, 1))
    MembershipFactory(member=m2, group=group1, start_date=D(2017, 1, 1), end_date=D(2018, 6, 30))
    m2.archived_at = _aware(D(2018, 6, 30))
    m2.save()
    MembershipFactory(member=m3, group=group1, start_date=D(2017, 1, 1), end_date=D(2018, 7, 1))
    MembershipFactory(member=m3, group=group2, start_date=D(2018, 7, 1))
    MembershipFactory(member=m4, group=group1, start_date=D(2017, 1, 1))
    MembershipFactory(member=m5, group=group1, start_date=D(2015, 1, 1), end_date=D(2016, 6, 1))
    PublicOfficeFactory(member=m1, kind=PublicOffice.Kind.CPPCC)
    PublicOfficeFactory(member=m4, kind=PublicOffice.Kind.DEPUTY)

    first = ActivityFactory(
        group=group1,
        date=D(2018, 1, 1),
        theme=Theme.SEMINAR,
        other_participants=5,
        title="=SUM(A1:A9)",
        place="+城阳镇",
    )
    last = ActivityFactory(
        group=group2,
        date=D(2018, 12, 31),
        theme=Theme.CHARITY,
        other_participants=3,
        title="-光彩助学",
    )
    for activity, members in ((first, [m1, m2]), (last, [m1, m3])):
        for member in members:
            AttendanceFactory(activity=activity, member=member)
    LeaderFactory(activity=first, name="@市委领导", level=LeaderPresence.Level.FOUR_BODIES)
    LeaderFactory(activity=first, name="部门甲", level=LeaderPresence.Level.DEPARTMENT)
    LeaderFactory(activity=last, name="乡镇乙", level=LeaderPresence.Level.DEPARTMENT)
    LeaderFactory(activity=last, name="乡镇丙", level=LeaderPresence.Level.DEPARTMENT)

    # None of these count.
    planned = ActivityFactory(group=group1, date=D(2018, 6, 15), status=Activity.Status.PLANNED)
    cancelled = ActivityFactory(
        group=group1,
        date=D(2018, 7, 1),
        status=Activity.Status.CANCELLED,
        cancel_reason="台风",
        other_participants=40,
    )
    before = ActivityFactory(group=group1, date=D(2017, 12, 31), theme=Theme.VISIT)
    after = ActivityFactory(group=group2, date=D(2019, 1, 1), theme=Theme.VISIT)
    pending = ActivityFactory(
        group=group1, date=D(2018, 3, 1), review_status=Activity.Review.PENDING
    )
    archived = ActivityFactory(group=group1, date=D(2018, 4, 1), other_participants=9)
    activity_archive(activity=archived, by=None)
    for activity in (planned, cancelled, before, after, pending, archived):
        AttendanceFactory(activity=activity, member=m4)
        LeaderFactory(activity=activity, level=LeaderPresence.Level.FOUR_BODIES)
        PublicityFactory(activity=activity, channel=Publicity.Channel.TV)

    OutcomeFactory(
        activity=first, kind=Outcome.Kind.RESEARCH_REPORT, title="大健康产业调研报告", year=2018
    )
    # Submitted the next year: it counts in 2019, though December's row still lists it.
    OutcomeFactory(
        activity=last, kind=Outcome.Kind.COLLECTIVE_PROPOSAL, title="关于公益的集体提案", year=2019
    )
    OutcomeFactory(activity=before, kind=Outcome.Kind.RESEARCH_REPORT, year=2017)
    OutcomeFactory(activity=planned, kind=Outcome.Kind.COLLECTIVE_PROPOSAL, year=2018)
    OutcomeFactory(kind=Outcome.Kind.PROPOSAL, year=2018, is_key=True, member=m1)
    OutcomeFactory(kind=Outcome.Kind.PROPOSAL, year=2018, member=m3)
    OutcomeFactory(kind=Outcome.Kind.PROPOSAL, year=2019, member=m1)

    PublicityFactory(activity=first, channel=Publicity.Channel.WEBSITE)
    PublicityFactory(activity=first, channel=Publicity.Channel.WEBSITE)
    PublicityFactory(activity=first, channel=Publicity.Channel.WECHAT_GROUP)
    PublicityFactory(activity=last, channel=Publicity.Channel.MAGAZINE)
    return SimpleNamespace(
        m1=m1, m2=m2, m3=m3, m4=m4, m5=m5, first=first, last=last, group1=group1, group2=group2
    )
