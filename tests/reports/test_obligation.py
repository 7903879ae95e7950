"""The yearly obligation is one definition: /obligation/<year>/ and /reports/<year>/ agree."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from activities.roster.planner import plan_file, roster_apply
from members.models import Member, User
from tests.members.roster_workbooks import person, workbook_bytes


def _missing_on_page(client, year):
    """Every name the obligation page lists as not taken part, page after page."""
    names, page = [], 1
    while True:
        context = client.get(reverse("schedule:obligation", args=[year]), {"page": page}).context
        names += [m.name for m in context["rows"]]
        assert all(m.attended == 0 for m in context["rows"])
        if not context["page_obj"].has_next():
            return context, names
        page += 1


def _figures(client, year):
    page, missing = _missing_on_page(client, year)
    report = client.get(reverse("reports:report_year", args=[year])).context["report"]
    obligation = {
        "expected": page["bound_count"],
        "missing": sorted(missing),
    }
    assert page["missing_count"] == len(missing)
    tallied = {
        "expected": report.standing_obligation.members,
        "missing": sorted(m.name for m in report.standing_missing),
    }
    return obligation, tallied


@pytest.mark.django_db
def test_a_standing_member_imported_this_year_changes_no_earlier_year():
    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    years = sorted({d.year for d in Activity.objects.counted().dates("date", "year")})
    this_year = timezone.localdate().year
    before = {year: _figures(client, year) for year in years}
    for year, (obligation, tallied) in before.items():
        assert obligation == tallied, year

    # The importer puts a new member in her group from today.
    newcomer = person(9001, 姓名="郑新来", 工商联职务="常执委", 轮值组="第3组")
    roster_apply(plan=plan_file(workbook_bytes([newcomer])), by=None)
    assert Member.objects.filter(name="郑新来").exists()

    for year in years:
        obligation, tallied = _figures(client, year)
        assert obligation == tallied, year
        assert obligation == before[year][0], year  # she did not belong to a group then
        assert "郑新来" not in obligation["missing"]
    # This year she is bound, and both pages say she has not yet taken part.
    obligation, tallied = _figures(client, this_year)
    assert obligation == tallied
    assert "郑新来" in obligation["missing"]
