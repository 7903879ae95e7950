"""Recording an activity is one transaction: all of it or none of it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import (
    Activity,
    ActivityCounter,
    Attendance,
    LeaderPresence,
    Outcome,
    Publicity,
)
from activities.services import activity_record
from tests.activities.helpers import activity_data
from tests.factories import ActivityFactory, MemberFactory


def _nothing_written():
    assert not Activity.objects.exists()
    assert not Attendance.objects.exists()
    assert not LeaderPresence.objects.exists()
    assert not Outcome.objects.exists()
    assert not Publicity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_service_rolls_back_everything_when_a_row_fails(group1, staff_user):
    counter_before = (
        ActivityCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
    )
    members = MemberFactory.create_batch(3)
    activity = Activity(
        group=group1, date="2019-03-01", title="银企合作座谈会", theme="seminar", status="held"
    )
    with pytest.raises(ValidationError):
        activity_record(
            activity=activity,
            attendees=members,
            leaders=[LeaderPresence(name="张领导", level="four_bodies")],
            outcomes=[Outcome(kind="proposal", title="提案", year=2019)],
            # The last row is bad: the activity, attendance, leaders and outcomes are written.
            publicity=[Publicity(channel="no-such-channel")],
            by=staff_user,
        )
    _nothing_written()
    counter_after = (
        ActivityCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
    )
    assert counter_after == counter_before


@pytest.mark.django_db
def test_an_invalid_formset_row_saves_nothing(staff_client, group1):
    members = MemberFactory.create_batch(2)
    data = activity_data(
        group1,
        attendees=members,
        leaders=[{"name": "张领导", "title": "市委常委", "level": "four_bodies"}],
        publicity=[{"channel": "website", "date": "", "title": "", "link": "不是链接"}],
    )
    response = staff_client.post(reverse("activities:activity_create"), data)
    assert response.status_code == 200
    _nothing_written()
    # What was typed is still there to correct.
    html = response.content.decode()
    assert "张领导" in html
    assert f'value="{members[0].pk}" checked' in html


@pytest.mark.django_db
def test_a_row_refused_while_saving_rolls_back_and_is_reported(staff_client, group1, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ValidationError("宣传记录无法保存。")

    monkeypatch.setattr(Publicity, "full_clean", refuse)
    data = activity_data(
        group1,
        attendees=MemberFactory.create_batch(2),
        leaders=[{"name": "张领导", "title": "", "level": "other"}],
        publicity=[{"channel": "website", "date": "", "title": "报道", "link": ""}],
    )
    response = staff_client.post(reverse("activities:activity_create"), data)
    assert response.status_code == 200
    assert "宣传记录无法保存。" in response.content.decode()
    assert response.context["activity"] is None
    _nothing_written()


@pytest.mark.django_db
def test_editing_keeps_the_old_record_when_a_row_fails(staff_client, group1, monkeypatch):
    activity = ActivityFactory(group=group1, title="原标题")
    monkeypatch.setattr(
        Publicity, "full_clean", lambda self, *a, **k: (_ for _ in ()).throw(ValidationError("x"))
    )
    data = activity_data(
        group1,
        title="新标题",
        attendees=MemberFactory.create_batch(1),
        publicity=[{"channel": "website", "date": "", "title": "报道", "link": ""}],
    )
    response = staff_client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.title == "原标题"
    assert not activity.attendances.exists()
