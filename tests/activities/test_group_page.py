"""A group's page pages its current members (issue 18: a province's group has a thousand),
conveners first, and still says how many there are."""

import pytest
from django.urls import reverse

from activities.views import GroupDetailView
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_members_are_paged_conveners_first(staff_client, group1, convener_user):
    per_page = GroupDetailView.MEMBERS_PER_PAGE
    for _ in range(per_page + 1):
        MembershipFactory(group=group1)
    total = group1.memberships.current().count()
    url = reverse("activities:group_detail", args=[group1.number])
    first = staff_client.get(url)
    assert first.context["member_count"] == total
    assert len(first.context["current_memberships"]) == per_page
    assert first.context["current_memberships"][0].is_convener
    last = staff_client.get(url, {"page": first.context["page_obj"].paginator.num_pages})
    seen = {m.pk for m in first.context["current_memberships"]}
    seen |= {m.pk for m in last.context["current_memberships"]}
    assert len(seen) == total
    assert staff_client.get(url, {"page": "x"}).status_code == 200
