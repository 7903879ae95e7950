"""Staff see check-ins beside the ticked attendance and apply them in one click; the paper
path (the activity form) keeps working alongside."""

import re

import pytest
from django.urls import reverse

from activities.checkin.services import checkin_apply, checkin_guest_record, checkin_member_record
from activities.models import Activity
from activities.services import attendance_set
from tests.activities.helpers import activity_data
from tests.factories import MemberFactory


def _detail(client, activity):
    return client.get(reverse("activities:activity_detail", args=[activity.pk]))


def _apply_shown(client, activity):
    """Press the page's apply button: it posts the check-ins the page listed."""
    page = _detail(client, activity).content.decode()
    shown = re.findall(r'name="shown" value="(\d+)"', page)
    return client.post(reverse("checkin:checkin_apply", args=[activity.pk]), {"shown": shown})


@pytest.fixture
def checked_in(event, staff_user):
    """林 checked in on the phone; 陈 ticked from the paper sheet only; one guest."""
    session, activity = event["session"], event["activity"]
    checkin_member_record(session=session, member=event["lin"], address="10.0.0.1")
    attendance_set(activity=activity, members=[event["chen"]], by=staff_user)
    checkin_guest_record(session=session, name="王来宾", company="宁德市商务局", address="10.0.0.2")
    return event


@pytest.mark.django_db
def test_staff_see_the_differences_both_ways_and_apply_in_one_click(checked_in, staff_client):
    activity = checked_in["activity"]
    page = _detail(staff_client, activity)
    box = page.content.decode().split("data-checkin-reconcile")[1]
    checked_not_ticked = box.split("data-checked-not-ticked")[1].split("</ul>")[0]
    ticked_not_checked = box.split("data-ticked-not-checked")[1].split("</ul>")[0]
    assert "林子涵" in checked_not_ticked and "陈一鸣" not in checked_not_ticked
    assert "陈一鸣" in ticked_not_checked and "林子涵" not in ticked_not_checked
    assert "王来宾" in box and "宁德市商务局" in box
    assert "采用签到：勾选 1 名成员，计入 1 名嘉宾" in box

    shown = re.findall(r'name="shown" value="(\d+)"', box)
    assert len(shown) == 2  # 林子涵 and the guest
    response = staff_client.post(
        reverse("checkin:checkin_apply", args=[activity.pk]), {"shown": shown}
    )
    assert response.status_code == 302
    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert set(activity.attendees.values_list("name", flat=True)) == {"林子涵", "陈一鸣"}
    assert activity.other_participants == 3  # 2 typed from paper + the guest
    assert activity.person_times == 5

    # Applying again (a second click on the old page) adds nothing; the page says everything
    # is in.
    staff_client.post(reverse("checkin:checkin_apply", args=[activity.pk]), {"shown": shown})
    activity.refresh_from_db()
    assert activity.other_participants == 3 and activity.attendances.count() == 2
    page = _detail(staff_client, activity).content.decode()
    assert "所有签到均已计入记录" in page and "data-apply-checkins" not in page


@pytest.mark.django_db
def test_applying_records_who_and_takes_a_new_version(checked_in, staff_user):
    activity = checked_in["activity"]
    before = activity.version
    checkin_apply(activity=activity, by=staff_user)
    activity.refresh_from_db()
    assert activity.version == before + 1
    assert activity.history.first().history_user == staff_user
    attendance = activity.attendances.get(member=checked_in["lin"])
    assert attendance.history.first().history_user == staff_user


@pytest.mark.django_db
def test_an_edit_form_opened_before_the_apply_is_refused(checked_in, staff_client, group1):
    activity = checked_in["activity"]
    url = reverse("activities:activity_edit", args=[activity.pk])
    opened = staff_client.get(url).context["form"]["version"].value()
    _apply_shown(staff_client, activity)
    stale = staff_client.post(url, activity_data(group1, version=opened))
    assert stale.status_code == 200
    activity.refresh_from_db()
    assert activity.attendances.filter(member=checked_in["lin"]).exists()


@pytest.mark.django_db
def test_paper_path_still_works_after_check_ins_are_applied(checked_in, staff_client, group1):
    activity = checked_in["activity"]
    _apply_shown(staff_client, activity)
    activity.refresh_from_db()
    late = MemberFactory(name="黄思远", mobile="13959300009")
    url = reverse("activities:activity_edit", args=[activity.pk])
    version = staff_client.get(url).context["form"]["version"].value()
    data = activity_data(
        group1,
        title=activity.title,
        date=activity.date.isoformat(),
        attendees=[checked_in["lin"], checked_in["chen"], late],
        other_participants="4",
        version=version,
    )
    assert staff_client.post(url, data).status_code == 302
    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert activity.attendances.count() == 3 and activity.person_times == 7


@pytest.mark.django_db
def test_apply_is_for_staff_only(checked_in, convener_client):
    activity = checked_in["activity"]
    response = convener_client.post(reverse("checkin:checkin_apply", args=[activity.pk]))
    assert response.status_code == 403
    assert not activity.attendances.filter(member=checked_in["lin"]).exists()
    # The convener sees the box and the link to the check-in page, not the apply button.
    page = _detail(convener_client, activity).content.decode()
    assert "data-checkin-reconcile" in page and "data-apply-checkins" not in page


@pytest.mark.django_db
def test_members_do_not_see_the_check_in_box(checked_in, member_client):
    page = _detail(member_client, checked_in["activity"]).content.decode()
    assert "data-checkin-reconcile" not in page


@pytest.mark.django_db
def test_without_check_in_the_box_says_the_paper_sheet_counts(group1, staff_client):
    from tests.factories import ActivityFactory

    activity = ActivityFactory(group=group1)
    page = _detail(staff_client, activity).content.decode()
    assert "未开放扫码签到" in page


@pytest.mark.django_db
def test_manage_page_opens_shows_the_code_and_closes(group1, staff_client, client):
    from django.utils import timezone

    from tests.factories import ActivityFactory

    activity = ActivityFactory(group=group1, date=timezone.localdate())
    url = reverse("checkin:checkin_manage", args=[activity.pk])
    assert "data-checkin-qr" not in staff_client.get(url).content.decode()
    staff_client.post(url, {"action": "open"})
    page = staff_client.get(url).content.decode()
    assert "<svg" in page and "checkin-qr" in page
    token = activity.checkin_session.token
    assert f"/c/{token}/" in page
    staff_client.post(url, {"action": "close"})
    assert client.get(f"/c/{token}/").status_code == 404
    assert "重新开放签到" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"action": "bogus"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_manage_page_lists_who_checked_in(checked_in, convener_client):
    url = reverse("checkin:checkin_manage", args=[checked_in["activity"].pk])
    page = convener_client.get(url).content.decode()
    members = page.split("data-checkin-members")[1].split("</table>")[0]
    guests = page.split("data-checkin-guests")[1].split("</table>")[0]
    assert "林子涵" in members and "陈一鸣" not in members
    assert "王来宾" in guests and "宁德市商务局" in guests


@pytest.mark.django_db
def test_checkin_apply_on_a_stale_instance_is_still_safe(checked_in, staff_user):
    activity = checked_in["activity"]
    Activity.objects.filter(pk=activity.pk).update(version=activity.version + 5)
    applied = checkin_apply(activity=activity, by=staff_user)  # reads the row under lock
    assert applied.members_added == 1


@pytest.mark.django_db
def test_two_members_of_the_same_name_are_told_apart(event, staff_client, convener_client):
    """The committee can hold two people of one name: each list gives the company beside the
    name and opens the member's own page."""
    session, activity = event["session"], event["activity"]
    namesakes = [
        MemberFactory(name="叶永安", mobile="13959300011", company="福安市永安电机有限公司"),
        MemberFactory(name="叶永安", mobile="13959300012", company="福建安泰茶业有限公司"),
    ]
    checkin_member_record(session=session, member=namesakes[0], address="10.0.0.1")
    checkin_member_record(session=session, member=namesakes[1], address="10.0.0.3")
    box = _detail(staff_client, activity).content.decode().split("data-checked-not-ticked")[1]
    box = box.split("</ul>")[0]
    for member in namesakes:
        link = reverse("members:member_detail", args=[member.pk])
        assert f'<a href="{link}">叶永安</a> <span class="small text-body-secondary" ' in box
        assert member.company in box

    url = reverse("checkin:checkin_manage", args=[activity.pk])
    rows = convener_client.get(url).content.decode().split("data-checkin-members")[1]
    rows = rows.split("</table>")[0]
    for member in namesakes:
        assert reverse("members:member_detail", args=[member.pk]) in rows
        assert f"<td>{member.company}</td>" in rows
