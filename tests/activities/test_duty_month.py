"""The duty month is checked (issue 14, item 7): a record outside its group's duty month
needs a reason (提前/补办/调换) and is filed under its own group's month, where it counts."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity
from activities.schedule.months import MonthStatus, year_schedule
from activities.schedule.services import schedule_set_month
from tests.activities.helpers import activity_data
from tests.factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year - 1  # a past year: every month of it has passed
NEW = reverse("activities:activity_create")


@pytest.fixture
def months(group1, group2):
    """第1组 on duty in March, 第2组 in May."""
    schedule_set_month(year=YEAR, month=3, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=YEAR, month=5, group=group2, by=None, note="据年度安排补录")
    schedule_set_month(year=YEAR, month=4, no_activity=True, note="清明", by=None)


def test_a_record_in_another_groups_month_is_refused_until_a_reason_is_given(
    staff_client, group1, group2, months
):
    attendee = MemberFactory()
    data = activity_data(group2, date=f"{YEAR}-03-20", attendees=[attendee])
    response = staff_client.post(NEW, data)
    assert response.status_code == 200
    assert not Activity.objects.exists()
    page = response.content.decode()
    assert f"{YEAR}年3月是第1组 · 电机电器组的轮值月，不是第2组 · 商贸物流组的" in page
    assert "提前、补办或调换" in page
    assert "data-off-duty" in page  # the question is shown, with its choices
    assert 'value="early"' in page and 'value="makeup"' in page and 'value="swap"' in page

    data.update(off_duty_reason="early", off_duty_note="5月企业外出考察，提前举办")
    response = staff_client.post(NEW, data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.off_duty_reason == Activity.OffDutyReason.EARLY
    assert activity.history.first().off_duty_reason == "early"


def test_a_month_without_activity_also_asks(staff_client, group1, months):
    data = activity_data(group1, date=f"{YEAR}-04-10")
    response = staff_client.post(NEW, data)
    assert response.status_code == 200 and not Activity.objects.exists()
    assert f"轮值安排中{YEAR}年4月不举办活动" in response.content.decode()


def test_in_its_own_month_no_reason_is_asked_and_a_stray_one_is_dropped(
    staff_client, group1, months
):
    page = staff_client.get(NEW).content.decode()
    assert "data-off-duty" not in page
    data = activity_data(group1, date=f"{YEAR}-03-12", off_duty_reason="swap")
    assert staff_client.post(NEW, data).status_code == 302
    assert Activity.objects.get().off_duty_reason == ""


def test_a_plan_outside_the_month_is_not_refused(group2, months):
    plan = ActivityFactory(group=group2, date=datetime.date(YEAR, 3, 9), status="planned")
    assert plan.pk and plan.off_duty_reason == ""


def test_the_schedule_files_the_record_under_its_own_group_with_the_reason(
    staff_client, group1, group2, months
):
    early = ActivityFactory(
        group=group2,
        date=datetime.date(YEAR, 3, 20),
        title="提前举办的座谈会",
        off_duty_reason=Activity.OffDutyReason.EARLY,
        off_duty_note="5月外出考察",
    )
    rows = year_schedule(YEAR)
    march, may = rows[2], rows[4]
    assert march.held == [] and march.others == []
    assert march.status == MonthStatus.OVERDUE  # 第1组 held nothing in its month
    assert may.held == [early] and may.status == MonthStatus.HELD

    page = staff_client.get(reverse("schedule:schedule_year", args=[YEAR])).content.decode()
    rows_html = page.split("<tr")
    march_html = next(r for r in rows_html if ">3月<" in r)
    may_html = next(r for r in rows_html if ">5月<" in r)
    assert "提前举办的座谈会" not in march_html
    assert "提前举办的座谈会" in may_html
    assert "提前" in may_html and f"{YEAR}年3月20日举办：5月外出考察" in may_html


def test_make_up_and_swap_find_their_months(group1, group2, months):
    late = ActivityFactory(
        group=group1, date=datetime.date(YEAR, 5, 28), off_duty_reason="makeup", title="补办"
    )
    rows = year_schedule(YEAR)
    assert rows[2].held == [late] and rows[2].status == MonthStatus.HELD
    assert rows[4].held == [] and rows[4].others == []


def test_a_make_up_across_the_new_year_is_filed_in_december(group1):
    schedule_set_month(year=YEAR - 1, month=12, group=group1, by=None, note="据年度安排补录")
    late = ActivityFactory(
        group=group1, date=datetime.date(YEAR, 1, 8), off_duty_reason="makeup", title="跨年补办"
    )
    december = year_schedule(YEAR - 1)[11]
    assert december.held == [late] and december.status == MonthStatus.HELD
    assert year_schedule(YEAR)[0].others == []


def test_a_group_without_a_duty_month_stays_where_it_was_held(group1, group2):
    schedule_set_month(year=YEAR, month=3, group=group1, by=None, note="据年度安排补录")
    stray = ActivityFactory(group=group2, date=datetime.date(YEAR, 3, 3), off_duty_reason="swap")
    march = year_schedule(YEAR)[2]
    assert march.others == [stray] and march.held == []


def test_tallies_count_an_off_duty_record_once_under_its_own_group(group1, group2, months):
    """The tallies go by the record's group and date: 第2组's early record counts for 第2组
    and for March (when it was held), once."""
    from reports.tallies import Period, tally

    ActivityFactory(group=group2, date=datetime.date(YEAR, 3, 20), off_duty_reason="early")
    ActivityFactory(group=group1, date=datetime.date(YEAR, 3, 10))
    report = tally(Period.for_year(YEAR))
    assert report.activity_count == 2
    by_group = {g.number: g.activities for g in report.groups}
    assert by_group[1] == 1 and by_group[2] == 1


# The status question is answered once, even when the form comes back for another reason ------


def _kept_answer(page):
    import re

    found = re.search(r'name="status_answer" value="([^"]*)"', page)
    return found.group(1) if found else None


def test_the_status_answer_survives_the_duty_month_question(staff_client, group1, group2, months):
    # Held, nobody from the committee ticked, answered "nobody came" — but in 第1组's month.
    data = activity_data(group2, date=f"{YEAR}-03-20", status_decision="keep_held_empty")
    response = staff_client.post(NEW, data)
    assert response.status_code == 200 and not Activity.objects.exists()
    page = response.content.decode()
    assert "提前、补办或调换" in page
    assert response.context["form"].status_question is None  # not asked again
    assert _kept_answer(page) == "held_without_attendees:keep_held_empty"

    # The next save sends the reason with the page's hidden answer, not the button.
    del data["status_decision"]
    data.update(off_duty_reason="early", off_duty_note="提前举办", status_answer=_kept_answer(page))
    response = staff_client.post(NEW, data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.status == Activity.Status.HELD and activity.attendances.count() == 0


def test_a_plan_answer_survives_too_and_the_status_becomes_held(
    staff_client, group1, group2, months
):
    attendee = MemberFactory()
    data = activity_data(
        group2, date=f"{YEAR}-03-20", attendees=[attendee], status="planned", status_decision="held"
    )
    response = staff_client.post(NEW, data)
    assert response.status_code == 200 and not Activity.objects.exists()
    assert _kept_answer(response.content.decode()) == "planned_with_attendees:held"
    del data["status_decision"]
    data.update(off_duty_reason="makeup", status_answer="planned_with_attendees:held")
    assert staff_client.post(NEW, data).status_code == 302
    assert Activity.objects.get().status == Activity.Status.HELD


def test_a_kept_answer_does_not_answer_a_changed_case(staff_client, group1, group2, months):
    attendee = MemberFactory()
    # The answer was "nobody came"; since then a member is ticked and the status is planned.
    data = activity_data(
        group1,
        date=f"{YEAR}-03-20",
        attendees=[attendee],
        status="planned",
        status_decision="",
        status_answer="held_without_attendees:keep_held_empty",
    )
    del data["status_decision"]
    response = staff_client.post(NEW, data)
    assert response.status_code == 200 and not Activity.objects.exists()
    assert response.context["form"].status_question == "planned_with_attendees"
    # A forged answer that does not answer the question is no answer either (the server
    # decides, whatever the page sent).
    for forged in ["held_without_attendees:held", "planned_with_attendees:keep_held_empty", "x"]:
        data["status_answer"] = forged
        response = staff_client.post(NEW, data)
        assert response.status_code == 200 and not Activity.objects.exists()
        assert response.context["form"].status_question == "planned_with_attendees"
