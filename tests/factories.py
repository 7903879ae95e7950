import datetime

import factory
from django.utils import timezone

from activities.models import (
    Activity,
    Attendance,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
    Theme,
)
from activities.services import activity_save
from members.models import FederationRole, Member, PublicOffice, Role, User


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"测试{n:03d}")
    company = factory.Sequence(lambda n: f"福安测试企业{n}有限公司")
    mobile = factory.Sequence(lambda n: f"1390000{n:04d}")
    role = FederationRole.STANDING
    industry = "电机电器"
    township = "城阳镇"


class PublicOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicOffice

    member = factory.SubFactory(MemberFactory)
    kind = PublicOffice.Kind.CPPCC
    level = PublicOffice.Level.COUNTY


class RotationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationGroup
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n % 12 + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}组")
    basis = RotationGroup.Basis.INDUSTRY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    member = factory.SubFactory(MemberFactory)
    group = factory.SubFactory(RotationGroupFactory)
    start_date = datetime.date(2017, 1, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    """Saved through activity_save, so held activities take their 第N次 number."""

    class Meta:
        model = Activity

    group = factory.SubFactory(RotationGroupFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    title = factory.Sequence(lambda n: f"轮值活动{n}")
    theme = Theme.SEMINAR
    status = Activity.Status.HELD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return activity_save(activity=model_class(*args, **kwargs), by=None)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderPresence

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"领导{n}")
    title = "市委常委"
    level = LeaderPresence.Level.FOUR_BODIES


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    title = factory.Sequence(lambda n: f"关于产业发展的建议{n}")
    kind = Outcome.Kind.PROPOSAL
    submitted_to = Outcome.SubmittedTo.CPPCC
    year = 2019


class PublicityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publicity

    activity = factory.SubFactory(ActivityFactory)
    channel = Publicity.Channel.WEBSITE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.STAFF
    password = factory.django.Password("correct horse battery staple")
