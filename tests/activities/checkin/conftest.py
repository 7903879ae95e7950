import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from activities.checkin.services import checkin_open
from members.models import FederationRole
from tests.factories import ActivityFactory, MemberFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(group1, staff_user):
    """Today's activity of group 1 with check-in open, and two members of the group."""
    activity = ActivityFactory(
        group=group1,
        date=timezone.localdate(),
        start_time=None,
        title="健康产业座谈会",
        place="福安市工商联三楼会议室",
        other_participants=2,
    )
    lin = MemberFactory(name="林子涵", mobile="13959300001", role=FederationRole.STANDING)
    chen = MemberFactory(name="陈一鸣", mobile="13959300002", role=FederationRole.STANDING)
    for member in (lin, chen):
        MembershipFactory(member=member, group=group1, start_date=datetime.date(2017, 1, 1))
    session = checkin_open(activity=activity, by=staff_user)
    return {"activity": activity, "session": session, "lin": lin, "chen": chen}
