"""Applying check-ins changes the record: it takes the record's next version (once), applies
exactly what the staff's page listed, and does not count a member twice as a guest."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.checkin.services import (
    checkin_apply,
    checkin_guest_record,
    checkin_member_record,
    checkin_open,
)
from activities.models import Activity, CheckIn
from activities.services import attendance_set
from tests.activities.helpers import activity_data

STALE_EDIT = "在您编辑期间已有他人保存了这条记录"
STALE_REVIEW = "该记录在您打开后已被修改，未作任何审核"


def _detail(client, activity):
    return client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()


def _apply_form(html):
    """What the page's apply form posts: the shown ids (hidden) and the confirm boxes."""
    form = html.split("data-checkin-reconcile")[1]
    form = form[form.index('action="/') :]
    form = form[: form.index("</form>")]
    shown = re.findall(r'name="shown" value="(\d+)"', form)
    confirmable = re.findall(r'name="confirmed" value="(\d+)"', form)
    button = re.search(r"data-apply-checkins>([^<]*)<", form).group(1)
    return shown, confirmable, button


def _apply(client, activity, shown, confirmed=()):
    url = reverse("checkin:checkin_apply", args=[activity.pk])
    return client.post(url, {"shown": shown, "confirmed": list(confirmed)}, follow=True)


@pytest.mark.django_db
def test_a_members_only_apply_takes_the_next_version_once(event, staff_user):
    activity = event["activity"]
    checkin_member_record(session=event["session"], member=event["lin"], address="10.0.0.1")
    before = Activity.objects.get(pk=activity.pk).version
    applied = checkin_apply(activity=activity, by=staff_user)
    assert (applied.members_added, applied.guests_added) == (1, 0)
    assert Activity.objects.get(pk=activity.pk).version == before + 1

    # Members and guests in one apply: one change, one version.
    checkin_member_record(session=event["session"], member=event["chen"], address="10.0.0.2")
    checkin_guest_record(
        session=event["session"], name="王来宾", company="宁德市商务局", address="10.0.0.8"
    )
    checkin_apply(activity=activity, by=staff_user)
    assert Activity.objects.get(pk=activity.pk).version == before + 2
    # Nothing left to apply: nothing changes, the version stays.
    checkin_apply(activity=activity, by=staff_user)
    assert Activity.objects.get(pk=activity.pk).version == before + 2


@pytest.mark.django_db
def test_attendance_set_takes_the_next_version_only_when_something_changes(event, staff_user):
    activity = event["activity"]
    before = Activity.objects.get(pk=activity.pk).version
    assert attendance_set(activity=activity, members=[event["lin"]], by=staff_user) == 1
    assert Activity.objects.get(pk=activity.pk).version == before + 1 == activity.version
    assert attendance_set(activity=activity, members=[event["lin"]], by=staff_user) == 0
    assert Activity.objects.get(pk=activity.pk).version == before + 1


@pytest.mark.django_db
def test_an_edit_form_saves_one_version_with_its_attendance(event, staff_client, group1):
    activity = event["activity"]
    url = reverse("activities:activity_edit", args=[activity.pk])
    opened = int(staff_client.get(url).context["form"]["version"].value())
    data = activity_data(group1, attendees=[event["lin"], event["chen"]], version=str(opened))
    assert staff_client.post(url, data).status_code == 302
    assert Activity.objects.get(pk=activity.pk).version == opened + 1


@pytest.mark.django_db
def test_a_convener_edit_opened_before_a_members_only_apply_is_refused(
    event, staff_client, convener_client, group1
):
    activity = event["activity"]
    checkin_member_record(session=event["session"], member=event["lin"], address="10.0.0.1")
    url = reverse("activities:activity_edit", args=[activity.pk])
    opened = convener_client.get(url).context["form"]["version"].value()

    shown, _confirmable, _button = _apply_form(_detail(staff_client, activity))
    _apply(staff_client, activity, shown)
    assert activity.attendances.filter(member=event["lin"]).exists()

    stale = convener_client.post(url, activity_data(group1, title="召集人的修改", version=opened))
    assert stale.status_code == 200 and STALE_EDIT in stale.content.decode()
    activity.refresh_from_db()
    assert activity.title != "召集人的修改"
    assert activity.attendances.filter(member=event["lin"]).exists()


@pytest.mark.django_db
def test_an_approval_opened_before_a_members_only_apply_is_refused(
    event, staff_client, staff_user, convener_client, group1
):
    today = timezone.localdate().isoformat()
    created = convener_client.post(
        reverse("activities:activity_create"),
        activity_data(group1, title="本组座谈会", date=today, attendees=[event["chen"]]),
    )
    assert created.status_code == 302
    activity = Activity.objects.get(title="本组座谈会")
    assert activity.review_status == Activity.Review.PENDING
    session = checkin_open(activity=activity, by=staff_user)
    checkin_member_record(session=session, member=event["lin"], address="10.0.0.1")

    html = _detail(staff_client, activity)
    approve = reverse("schedule:activity_approve", args=[activity.pk])
    form = html[html.index(f'action="{approve}"') :]
    seen = re.search(r'name="version" value="(\d+)"', form).group(1)
    shown, _confirmable, _button = _apply_form(html)
    _apply(staff_client, activity, shown)

    response = staff_client.post(approve, {"version": seen}, follow=True)
    assert STALE_REVIEW in response.content.decode()
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING and activity.number is None


@pytest.mark.django_db
def test_the_button_applies_what_the_page_showed_not_what_arrived_since(event, staff_client):
    session, activity = event["session"], event["activity"]
    checkin_member_record(session=session, member=event["lin"], address="10.0.0.1")
    checkin_guest_record(session=session, name="王来宾", company="宁德市商务局", address="10.0.0.8")
    shown, _confirmable, button = _apply_form(_detail(staff_client, activity))
    assert "勾选 1 名成员，计入 1 名嘉宾" in button

    # While the staff read the page, one more member and one more guest check in.
    checkin_member_record(session=session, member=event["chen"], address="10.0.0.2")
    checkin_guest_record(session=session, name="李来宾", company="福安市商务局", address="10.0.0.9")
    page = _apply(staff_client, activity, shown).content.decode()

    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert set(activity.attendees.values_list("name", flat=True)) == {"林子涵"}
    assert activity.other_participants == 3  # 2 from paper + 王来宾
    assert "已采用签到：勾选 1 名成员，1 名嘉宾计入" in page
    assert "有 2 条签到是在页面打开之后到达的，未被采用" in page
    # The fresh page lists the two late ones; its button applies them.
    shown, _confirmable, button = _apply_form(page)
    assert "勾选 1 名成员，计入 1 名嘉宾" in button
    _apply(staff_client, activity, shown)
    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert activity.attendances.count() == 2 and activity.other_participants == 4


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [{}, {"shown": ["abc"]}, {"shown": ["1"], "confirmed": "x"}])
def test_an_apply_without_the_shown_list_applies_nothing_and_says_why(event, staff_client, posted):
    activity = event["activity"]
    checkin_member_record(session=event["session"], member=event["lin"], address="10.0.0.1")
    url = reverse("checkin:checkin_apply", args=[activity.pk])
    response = staff_client.post(url, posted, follow=True)
    assert response.status_code == 200
    assert "此采用按钮未注明它显示了哪些签到，因此未采用任何签到" in response.content.decode()
    assert not activity.attendances.exists()


@pytest.fixture
def member_also_as_guest(event):
    """林子涵 checked in as a member, then again as a guest under her own name."""
    session = event["session"]
    checkin_member_record(session=session, member=event["lin"], address="10.0.0.1")
    twice = checkin_guest_record(
        session=session, name="林 子涵", company="盛通电机", address="10.0.0.1"
    )[0]
    other = checkin_guest_record(
        session=session, name="王来宾", company="宁德市商务局", address="10.0.0.8"
    )
    return {**event, "twice": twice, "other": other}


@pytest.mark.django_db
def test_a_guest_with_a_checked_in_members_name_is_flagged_and_not_counted(
    member_also_as_guest, staff_client
):
    activity = member_also_as_guest["activity"]
    html = _detail(staff_client, activity)
    guests = html.split("data-checkin-guest-list")[1].split("</ul>")[0]
    flagged = [line for line in guests.split("<li>") if "与已签到成员同名" in line]
    assert len(flagged) == 1 and "盛通电机" in flagged[0]
    shown, confirmable, button = _apply_form(html)
    assert "勾选 1 名成员，计入 1 名嘉宾" in button
    assert confirmable == [str(member_also_as_guest["twice"].pk)]

    page = _apply(staff_client, activity, shown).content.decode()
    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert activity.person_times == 1 + 2 + 1  # 林子涵 once, 2 from paper, 王来宾
    assert "1 名与已签到成员同名的嘉宾未计入" in page
    assert CheckIn.objects.get(pk=member_also_as_guest["twice"].pk).applied_at is None


@pytest.mark.django_db
def test_staff_can_count_a_same_name_guest_as_another_person(member_also_as_guest, staff_client):
    activity = member_also_as_guest["activity"]
    shown, confirmable, _button = _apply_form(_detail(staff_client, activity))
    _apply(staff_client, activity, shown, confirmed=confirmable)
    activity = Activity.objects.with_person_times().get(pk=activity.pk)
    assert activity.person_times == 1 + 2 + 2
    assert "所有签到均已计入记录" in _detail(staff_client, activity)


@pytest.mark.django_db
def test_a_guest_named_like_a_ticked_member_is_flagged_too(event, staff_user):
    activity = event["activity"]
    attendance_set(activity=activity, members=[event["chen"]], by=staff_user)
    checkin_guest_record(
        session=event["session"], name="陈一鸣", company="某公司", address="10.0.0.8"
    )
    applied = checkin_apply(activity=activity, by=staff_user)
    assert (applied.guests_added, applied.same_name_left) == (0, 1)
