import datetime

import pytest

from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory

pytestmark = pytest.mark.django_db


def test_members_on_lists_the_group_on_that_day_by_strokes():
    group = RotationGroupFactory()
    day = datetime.date(2018, 8, 15)
    wang = MemberFactory(name="王五")  # 王 4 strokes
    ding = MemberFactory(name="丁一")  # 丁 2 strokes
    left = MemberFactory(name="刁二")
    later = MemberFactory(name="卜三")
    MembershipFactory(group=group, member=wang, start_date=datetime.date(2017, 1, 1))
    MembershipFactory(
        group=group, member=ding, start_date=datetime.date(2017, 1, 1), is_convener=True
    )
    MembershipFactory(
        group=group,
        member=left,
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2018, 8, 1),
    )
    MembershipFactory(group=group, member=later, start_date=datetime.date(2018, 9, 1))

    assert list(group.members_on(day)) == [ding, wang]
