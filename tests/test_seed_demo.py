"""The demo reproduces every figure of the 2019 report, and loading it twice changes nothing."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from activities.models import Activity, GroupMembership, LeaderPresence, Outcome, RotationGroup
from members.models import FederationRole, Member, PublicOffice, Role, User

pytestmark = pytest.mark.django_db

START, END = datetime.date(2017, 11, 1), datetime.date(2019, 7, 31)


@pytest.fixture
def demo():
    out = StringIO()
    call_command("seed_demo", password="demo-pass-123", stdout=out)
    return out.getvalue()


def test_members_and_roles(demo):
    assert Member.objects.count() == 132
    roles = dict(Member.objects.values_list("role").annotate(n=Count("pk")))
    assert roles == {
        FederationRole.CHAIR: 1,
        FederationRole.VICE_CHAIR: 9,
        FederationRole.VICE_PRESIDENT: 27,
        FederationRole.STANDING: 93,
        FederationRole.EXECUTIVE: 2,
    }


def test_public_offices(demo):
    deputies = Member.objects.filter(offices__kind=PublicOffice.Kind.DEPUTY).distinct()
    cppcc = Member.objects.filter(offices__kind=PublicOffice.Kind.CPPCC).distinct()
    assert deputies.count() == 23
    assert cppcc.count() == 57
    # Some hold seats at two levels; the counts are of people.
    assert PublicOffice.objects.filter(kind=PublicOffice.Kind.CPPCC).count() > 57


def test_same_name_people_are_two_members(demo):
    names = Member.objects.values("name").annotate(n=Count("pk")).filter(n__gt=1)
    assert names.count() == 1
    pair = Member.objects.filter(name=names[0]["name"])
    assert len({m.mobile for m in pair}) == 2


def test_groups_of_about_eleven_with_three_conveners(demo):
    groups = RotationGroup.objects.order_by("number")
    assert [g.number for g in groups] == list(range(1, 13))
    for group in groups:
        assert group.memberships.current().count() in (10, 11)
        conveners = group.conveners()
        assert conveners.count() == 3
        assert set(conveners.values_list("role", flat=True)) <= set(FederationRole.convener_roles())
    in_groups = GroupMembership.objects.current().values("member").distinct().count()
    assert in_groups == 129  # all but the chair and the two executives


def test_activities_person_times_and_themes(demo):
    held = Activity.objects.counted().in_period(START, END)
    assert held.count() == 17
    assert held.person_times() == 519
    themes = dict(held.values_list("theme").annotate(n=Count("pk")))
    assert themes == {"seminar": 3, "visit": 2, "industry": 2, "research": 3, "charity": 7}
    assert "publicity_training" not in themes
    assert sorted(held.values_list("number", flat=True)) == list(range(1, 18))


def test_calendar_years_add_up(demo):
    by_year = [Activity.objects.counted().in_year(y) for y in (2017, 2018, 2019)]
    assert [qs.count() for qs in by_year] == [2, 11, 4]
    assert sum(qs.person_times() for qs in by_year) == 519


def test_leaders(demo):
    held = Activity.objects.counted()
    with_four_bodies = held.filter(leaders__level=LeaderPresence.Level.FOUR_BODIES).distinct()
    assert with_four_bodies.count() == 8
    with_department = held.filter(leaders__level=LeaderPresence.Level.DEPARTMENT).distinct()
    assert with_department.count() == 17


def test_named_events(demo):
    by_number = {a.number: a for a in Activity.objects.all()}
    assert "十九大" in by_number[1].title and by_number[1].theme == "seminar"
    assert "赤溪村" in by_number[6].title and "党日" in by_number[6].title
    assert "乡村振兴" in by_number[8].title and "党课" in by_number[8].title
    health = Activity.objects.get(group__number=9, date__year=2018, date__month=8)
    assert "大健康" in health.title
    kinds = set(health.outcomes.values_list("kind", flat=True))
    assert kinds == {Outcome.Kind.RESEARCH_REPORT, Outcome.Kind.COLLECTIVE_PROPOSAL}
    assert "法律" in by_number[14].title
    assert "银企" in by_number[15].title and by_number[15].theme == "industry"
    assert "银企对接" in by_number[16].title and by_number[16].theme == "industry"
    assert "诚信" in by_number[15].summary and "诚信" in by_number[16].summary


def test_2019_cppcc_proposals(demo):
    proposals = Outcome.objects.filter(
        year=2019,
        submitted_to=Outcome.SubmittedTo.CPPCC,
        kind__in=[Outcome.Kind.PROPOSAL, Outcome.Kind.COLLECTIVE_PROPOSAL],
    )
    assert proposals.count() == 24
    assert proposals.filter(is_key=True).count() == 2
    authors = Member.objects.filter(outcomes__in=proposals).distinct()
    assert authors.count() == 23  # the collective proposal is the group's, not one person's
    assert all(m.offices.filter(kind=PublicOffice.Kind.CPPCC).exists() for m in authors)


def test_publicity_on_every_activity(demo):
    assert not Activity.objects.filter(publicity__isnull=True).exists()


def test_logins(demo, client):
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"staff", "leader", "convener", "member"}
    assert users["staff"].role == Role.STAFF and users["staff"].is_staff
    assert users["leader"].role == Role.LEADERSHIP
    convener = users["convener"]
    assert convener.role == Role.CONVENER
    assert (
        convener.member.memberships.get(end_date__isnull=True, is_convener=True).group.number == 1
    )
    member = users["member"]
    assert member.member.role == FederationRole.STANDING
    assert member.member.memberships.get(end_date__isnull=True).group.number == 1
    for user in users.values():
        assert user.check_password("demo-pass-123")
    for username in users:
        assert username in demo


def test_staff_login_can_use_the_admin(demo, client):
    client.force_login(User.objects.get(username="staff"))
    assert client.get("/admin/activities/activity/").status_code == 200
    assert client.get("/admin/members/member/?q=福安").status_code == 200


def _all_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "activities", "auth"}
    }


def test_running_twice_changes_nothing(demo):
    before = _all_counts()
    passwords = dict(User.objects.values_list("username", "password"))
    updated = dict(Member.objects.values_list("pk", "updated_at"))
    out = StringIO()
    call_command("seed_demo", password="demo-pass-123", stdout=out)
    assert _all_counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert dict(Member.objects.values_list("pk", "updated_at")) == updated
    assert "0" in out.getvalue()


def test_a_changed_demo_password_survives_a_rerun_without_password(demo):
    staff = User.objects.get(username="staff")
    staff.set_password("chosen by the office 2024")
    staff.save()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    staff.refresh_from_db()
    assert staff.check_password("chosen by the office 2024")
    assert "existing" in out.getvalue() or "保留" in out.getvalue()
    call_command("seed_demo", password="given on purpose 99", stdout=StringIO())
    staff.refresh_from_db()
    assert staff.check_password("given on purpose 99")


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 11, 30), datetime.date(2026, 12, 1), datetime.date(2027, 1, 4)]
)
def test_the_demo_plans_this_month_and_the_next_eleven_whatever_the_day(monkeypatch, today):
    from activities.models import ScheduleEntry
    from tests.activities.helpers import Today

    Today(monkeypatch, today)
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())
    planned = [
        (e.year, e.month, e.group.number)
        for e in ScheduleEntry.objects.filter(year__gte=2026)
        .select_related("group")
        .order_by("year", "month")
    ]
    assert len(planned) == 12
    # Group 1 (the demo convener's) is on duty now; next month (January, in December) has a
    # group too, so the home page's "next month" is never blank.
    assert planned[0] == (today.year, today.month, 1)
    following = (today.year + today.month // 12, today.month % 12 + 1)
    assert planned[1][:2] == following and planned[1][2] == 2
