"""/obligation/<year>/ lists who has not taken part, paged, and everyone bound behind a tab;
the figures count every bound member, not just the page (issue 18: a province has 9,300
standing members)."""

import datetime

import pytest
from django.urls import reverse

from activities import obligation
from activities.models import Activity
from members.models import FederationRole
from tests.factories import ActivityFactory, AttendanceFactory, MembershipFactory

pytestmark = pytest.mark.django_db
YEAR = 2018


@pytest.fixture
def standing(group1):
    """Five standing members of group 1 since 2017; the first two attended in 2018 (one of
    them twice), the third only a record still awaiting review."""
    members = [
        MembershipFactory(
            group=group1,
            member__role=FederationRole.STANDING,
            member__name=f"常委{i}",
            start_date=datetime.date(2017, 1, 1),
        ).member
        for i in range(5)
    ]
    held = [ActivityFactory(group=group1, date=datetime.date(YEAR, m, 10)) for m in (3, 6)]
    AttendanceFactory(activity=held[0], member=members[0])
    AttendanceFactory(activity=held[1], member=members[0])
    AttendanceFactory(activity=held[0], member=members[1])
    pending = ActivityFactory(
        group=group1, date=datetime.date(YEAR, 7, 1), review_status=Activity.Review.PENDING
    )
    AttendanceFactory(activity=pending, member=members[2])
    return members


def test_the_page_lists_who_has_not_taken_part(staff_client, standing):
    url = reverse("schedule:obligation", args=[YEAR])
    context = staff_client.get(url).context
    assert sorted(m.name for m in context["rows"]) == ["常委2", "常委3", "常委4"]
    assert (context["bound_count"], context["missing_count"]) == (5, 3)
    everyone = staff_client.get(url, {"show": "all"}).context
    assert [m.attended for m in everyone["rows"]][:3] == [0, 0, 0]
    assert {(m.name, m.attended) for m in everyone["rows"][3:]} == {("常委0", 2), ("常委1", 1)}
    assert [m.group.number for m in everyone["rows"][0].year_memberships] == [1]


def test_pages_hold_every_row_once(standing):
    seen = []
    for number in (1, 2, 3):
        counts, page = obligation.obligation_page(YEAR, missing_only=False, page=number, per_page=2)
        seen += [m.name for m in page.object_list]
    assert counts == {"bound": 5, "missing": 3}
    assert len(seen) == len(set(seen)) == 5
    assert page.paginator.num_pages == 3


@pytest.mark.parametrize("page, shown", [("0", 1), ("-1", 1), ("x", 1), ("2", 2), ("999", 3)])
def test_a_page_below_1_is_the_first_and_past_the_end_the_last(standing, page, shown):
    _counts, shown_page = obligation.obligation_page(
        YEAR, missing_only=False, page=page, per_page=2
    )
    assert shown_page.number == shown


@pytest.mark.parametrize("page", ["x", "0", "999", "-1", "1.5"])
def test_a_bad_page_number_is_no_error(staff_client, standing, page):
    url = reverse("schedule:obligation", args=[YEAR])
    response = staff_client.get(url, {"page": page, "show": "all"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


def test_a_year_when_everyone_took_part_says_so(staff_client, group1):
    member = MembershipFactory(
        group=group1, member__role=FederationRole.STANDING, start_date=datetime.date(2017, 1, 1)
    ).member
    AttendanceFactory(
        activity=ActivityFactory(group=group1, date=datetime.date(YEAR, 4, 2)), member=member
    )
    response = staff_client.get(reverse("schedule:obligation", args=[YEAR]))
    assert (response.context["bound_count"], response.context["missing_count"]) == (1, 0)
    assert "每位常执委都已参加" in response.content.decode()
