"""One fixture per role (staff, leadership, convener of group 1, member of group 1)."""

import datetime

import pytest
from django.test import Client

from members.models import FederationRole, Role
from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory, UserFactory


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def group1(db):
    return RotationGroupFactory(number=1, name="电机电器组")


@pytest.fixture
def group2(db):
    return RotationGroupFactory(number=2, name="商贸物流组")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", role=Role.STAFF, is_staff=True)


@pytest.fixture
def leader_user(db):
    return UserFactory(username="leader", role=Role.LEADERSHIP)


@pytest.fixture
def convener_user(group1):
    member = MemberFactory(name="召集人甲", role=FederationRole.VICE_PRESIDENT)
    MembershipFactory(member=member, group=group1, is_convener=True)
    return UserFactory(username="convener", role=Role.CONVENER, member=member)


@pytest.fixture
def other_convener_user(group2):
    member = MemberFactory(name="召集人乙", role=FederationRole.VICE_CHAIR)
    MembershipFactory(member=member, group=group2, is_convener=True)
    return UserFactory(username="convener2", role=Role.CONVENER, member=member)


@pytest.fixture
def member_user(group1):
    member = MemberFactory(name="常执委丙", role=FederationRole.STANDING)
    MembershipFactory(member=member, group=group1, start_date=datetime.date(2017, 1, 1))
    return UserFactory(username="member", role=Role.MEMBER, member=member)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def leader_client(leader_user):
    return _client_for(leader_user)


@pytest.fixture
def convener_client(convener_user):
    return _client_for(convener_user)


@pytest.fixture
def member_client(member_user):
    return _client_for(member_user)
