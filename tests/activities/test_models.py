import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from activities.models import Activity, ActivityCounter, GroupMembership, RotationGroup
from activities.services import (
    activity_archive,
    activity_save,
    attendance_set,
    convened_groups,
    group_archive,
    member_archive,
    member_group,
    membership_assign,
)
from members.models import FederationRole, Member
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
)

pytestmark = pytest.mark.django_db
LAST_WEEK = timezone.localdate() - datetime.timedelta(days=7)


@pytest.mark.parametrize("number", [0, 13])
def test_group_numbers_run_from_1_to_12(number):
    with pytest.raises(IntegrityError), transaction.atomic():
        RotationGroup.objects.create(number=number, name="组")


def test_group_number_is_unique(group1):
    with pytest.raises(IntegrityError), transaction.atomic():
        RotationGroup.objects.create(number=1, name="另一组")


def test_a_member_has_one_current_group(group1, group2):
    member = MemberFactory()
    MembershipFactory(member=member, group=group1)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.create(member=member, group=group2)


def test_past_memberships_do_not_block_a_new_one(group1, group2):
    member = MemberFactory()
    MembershipFactory(member=member, group=group1, end_date=datetime.date(2018, 6, 30))
    MembershipFactory(member=member, group=group2, start_date=datetime.date(2018, 6, 30))
    assert member.memberships.count() == 2


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (FederationRole.VICE_CHAIR, True),
        (FederationRole.VICE_PRESIDENT, True),
        (FederationRole.STANDING, False),
        (FederationRole.EXECUTIVE, False),
        (FederationRole.CHAIR, False),
    ],
)
def test_only_vice_chairs_and_vice_presidents_convene(group1, role, allowed):
    membership = GroupMembership(member=MemberFactory(role=role), group=group1, is_convener=True)
    if allowed:
        membership.full_clean()
    else:
        with pytest.raises(ValidationError) as excinfo:
            membership.full_clean()
        assert "召集人" in str(excinfo.value)


def test_membership_assign_moves_and_keeps_history(group1, group2):
    member = MemberFactory(role=FederationRole.VICE_PRESIDENT)
    first = membership_assign(member=member, group=group1, by=None, start=datetime.date(2018, 1, 1))
    second = membership_assign(
        member=member, group=group2, by=None, is_convener=True, start=datetime.date(2019, 1, 1)
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2019, 1, 1)
    assert second.end_date is None and second.is_convener
    assert member_group(member, on=datetime.date(2018, 12, 31)) == group1
    assert member_group(member, on=datetime.date(2019, 1, 1)) == group2


def test_held_activities_are_numbered_in_order(group1):
    first = ActivityFactory(group=group1)
    planned = ActivityFactory(group=group1, status=Activity.Status.PLANNED)
    cancelled = ActivityFactory(
        group=group1, status=Activity.Status.CANCELLED, cancel_reason="台风"
    )
    second = ActivityFactory(group=group1)
    assert (first.number, second.number) == (1, 2)
    assert planned.number is None and cancelled.number is None
    planned.status = Activity.Status.HELD
    activity_save(activity=planned, by=None)
    assert planned.number == 3
    activity_save(activity=planned, by=None)  # saving again keeps the number
    assert planned.number == 3
    assert ActivityCounter.objects.get(pk=1).last_number == 3


def test_numbering_continues_after_a_number_typed_in(group1):
    ActivityFactory(group=group1)
    Activity.objects.create(group=group1, date=LAST_WEEK, title="旧活动", theme="visit", number=40)
    assert ActivityFactory(group=group1).number == 41


def test_a_held_activity_must_have_a_number(group1):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            group=group1, date=LAST_WEEK, title="t", theme="visit", status="held"
        )


def test_held_activity_cannot_be_in_the_future(group1):
    activity = Activity(
        group=group1,
        date=timezone.localdate() + datetime.timedelta(days=1),
        title="未来的活动",
        theme="visit",
        status=Activity.Status.HELD,
    )
    with pytest.raises(ValidationError) as excinfo:
        activity_save(activity=activity, by=None)
    assert "date" in excinfo.value.message_dict
    assert not Activity.objects.exists()


def test_cancelling_needs_a_reason(group1):
    activity = Activity(
        group=group1, date=LAST_WEEK, title="t", theme="visit", status=Activity.Status.CANCELLED
    )
    with pytest.raises(ValidationError) as excinfo:
        activity_save(activity=activity, by=None)
    assert "cancel_reason" in excinfo.value.message_dict


def test_person_times_are_attendees_plus_others(group1):
    activity = ActivityFactory(group=group1, other_participants=5)
    AttendanceFactory.create_batch(3, activity=activity)
    other = ActivityFactory(group=group1, other_participants=2)
    AttendanceFactory(activity=other)
    assert Activity.objects.filter(pk=activity.pk).person_times() == 8
    assert Activity.objects.all().person_times() == 11
    annotated = Activity.objects.with_person_times().get(pk=activity.pk)
    assert annotated.person_times == 8


def test_counted_excludes_planned_cancelled_pending_and_archived(group1):
    held = ActivityFactory(group=group1)
    ActivityFactory(group=group1, status=Activity.Status.PLANNED)
    ActivityFactory(group=group1, review_status=Activity.Review.PENDING)
    activity_archive(activity=ActivityFactory(group=group1), by=None)
    assert list(Activity.objects.counted()) == [held]


def test_attendance_set_adds_and_removes(group1):
    activity = ActivityFactory(group=group1)
    a, b, c = MemberFactory.create_batch(3)
    attendance_set(activity=activity, members=[a, b], by=None)
    attendance_set(activity=activity, members=[b, c], by=None)
    assert set(activity.attendees.all()) == {b, c}


def test_attendance_is_once_per_member(group1):
    activity = ActivityFactory(group=group1)
    member = MemberFactory()
    AttendanceFactory(activity=activity, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(activity=activity, member=member)


def test_outcome_may_stand_without_an_activity():
    outcome = OutcomeFactory(member=MemberFactory(), activity=None)
    assert outcome.activity is None


def test_deleting_a_member_with_history_is_refused(group1):
    member = MemberFactory()
    AttendanceFactory(member=member, activity=ActivityFactory(group=group1))
    with pytest.raises(ProtectedError):
        member.delete()
    assert Member.objects.filter(pk=member.pk).exists()


def test_deleting_a_member_in_a_group_is_refused(group1):
    member = MembershipFactory(group=group1).member
    with pytest.raises(ProtectedError):
        member.delete()


def test_deleting_a_group_with_activities_is_refused(group1):
    ActivityFactory(group=group1)
    with pytest.raises(ProtectedError):
        group1.delete()
    assert RotationGroup.objects.filter(pk=group1.pk).exists()


@pytest.mark.parametrize(
    "record",
    [
        lambda a: AttendanceFactory(activity=a),
        lambda a: LeaderFactory(activity=a),
        lambda a: PublicityFactory(activity=a),
        lambda a: OutcomeFactory(activity=a),
    ],
)
def test_deleting_an_activity_with_records_is_refused(group1, record):
    activity = ActivityFactory(group=group1, status=Activity.Status.PLANNED)
    record(activity)
    with pytest.raises(ProtectedError):
        activity.delete()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_deleting_a_numbered_activity_is_refused(group1):
    activity = ActivityFactory(group=group1)
    with pytest.raises(ProtectedError):
        activity.delete()


def test_a_bare_planned_activity_can_be_deleted(group1):
    activity = ActivityFactory(group=group1, status=Activity.Status.PLANNED)
    activity.delete()
    assert not Activity.objects.exists()


def test_archiving_a_member_ends_their_group_and_keeps_history(group1):
    member = MembershipFactory(group=group1).member
    AttendanceFactory(member=member, activity=ActivityFactory(group=group1))
    member_archive(member=member, by=None)
    member.refresh_from_db()
    assert member.is_archived
    assert not member.memberships.current().exists()
    assert member.attendances.count() == 1
    assert Member.objects.active().count() == 0


def test_archiving_a_group_ends_its_memberships(group1):
    MembershipFactory.create_batch(2, group=group1)
    group_archive(group=group1, by=None)
    assert group1.is_archived
    assert not group1.memberships.current().exists()
    assert RotationGroup.objects.active().count() == 0


def test_convened_groups(convener_user, member_user, staff_user, group1):
    assert list(convened_groups(convener_user)) == [group1]
    assert not convened_groups(member_user).exists()
    assert not convened_groups(staff_user).exists()


def test_changes_record_who_made_them(staff_user, group1):
    activity = Activity(group=group1, date=LAST_WEEK, title="座谈会", theme="seminar")
    activity_save(activity=activity, by=staff_user)
    activity.title = "座谈会（改）"
    activity_save(activity=activity, by=staff_user)
    history = list(activity.history.all())
    assert len(history) == 2
    assert {h.history_user for h in history} == {staff_user}
    assert activity.created_by == staff_user
