"""Every page's queries stay the same when the data grows: no page pays per member, per
activity or per attendance row.

Every URL of the permission matrix that a staff login may open, and every admin page (index,
each model's changelist, add form, and the change, delete and history pages of a row), is
asked for once with a small committee and again with three times as much (members, group
memberships, offices, activities with attendance, leaders, publicity and outcomes, in the
report's year and this year, and on the first activity, whose admin page lists its rows in
inlines; logins for some of the new members). The counts must be equal.
"""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.demo import staff_permission_group
from activities.models import Activity, RotationGroup
from members.models import PublicOffice, Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    UserFactory,
)
from tests.test_permission_matrix import MATRIX
from tests.test_permission_matrix import world as matrix_world

world = matrix_world  # the permission matrix's fixture: the same rows, the same URLs

SMALL = 4


def _add(rows, n):
    """n more members in each of the two groups, and n more held activities for each, in the
    report's year and this year, each attended by the group's new members and others. The
    first activity (the admin's change page opens it) gains the new members' attendance and
    outcomes, a leader and a publicity item per member; every other new member a login."""
    groups = [rows["group1"], RotationGroup.objects.get(number=2)]
    first = Activity.objects.order_by("pk").first()
    today = timezone.localdate()
    # This year's activities stay in this year in its first twenty days too.
    this_year = max(today - datetime.timedelta(days=20), today.replace(month=1, day=1))
    for group in groups:
        members = []
        for i in range(n):
            member = MemberFactory()
            MembershipFactory(member=member, group=group, start_date=datetime.date(2017, 1, 1))
            if i % 2:
                PublicOffice.objects.create(
                    member=member, kind=PublicOffice.Kind.CPPCC, level=PublicOffice.Level.COUNTY
                )
            members.append(member)
            AttendanceFactory(activity=first, member=member)
            OutcomeFactory(activity=first, member=member, year=first.date.year)
            LeaderFactory(activity=first)
            PublicityFactory(activity=first)
            if i % 2:
                UserFactory(role=Role.MEMBER, member=member)
        for i in range(n):
            for date in (datetime.date(2018, 1 + i % 12, 10), this_year):
                # The world plans January and February of this year for groups 1 and 2: a
                # record in the other group's month says why (on any day of the year).
                activity = ActivityFactory(
                    group=group, date=date, status=Activity.Status.HELD, off_duty_reason="swap"
                )
                for member in members:
                    AttendanceFactory(activity=activity, member=member)
                LeaderFactory(activity=activity)
                PublicityFactory(activity=activity)
                OutcomeFactory(activity=activity, year=date.year)


def _pages(rows):
    pages = []
    for name, (args, table, _data) in MATRIX.items():
        if table.get("staff") == 200:
            pages.append(reverse(name, args=[rows[a] for a in args]))
    pages.append(reverse("admin:index"))
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if model is RotationGroup:
            first = rows["group1"]
        if first is not None:
            pages += [reverse(f"{prefix}_{a}", args=[first.pk]) for a in ("change", "delete")]
            pages.append(reverse(f"{prefix}_history", args=[first.pk]))
    return pages


def _counts(client, pages):
    counts = {}
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        counts[url] = (response.status_code, len(captured))
    return counts


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(world, staff_user):
    staff_user.groups.add(staff_permission_group())
    client = world["clients"]["staff"]
    _add(world, SMALL)
    pages = _pages(world)
    _counts(client, pages)  # warm the per-process caches (content types, permissions)
    small = _counts(client, pages)
    _add(world, 2 * SMALL)
    large = _counts(client, pages)
    assert len(pages) > 80
    assert sum(status == 200 for status, _n in small.values()) > 60
    grown = {url: (small[url], large[url]) for url in pages if large[url] != small[url]}
    assert grown == {}
