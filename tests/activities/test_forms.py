"""Form errors a person can act on: in Chinese, next to the field they are about."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from activities.forms import ActivityForm, OutcomeFormSet, PublicityFormSet
from activities.models import Activity
from tests.activities.helpers import activity_data, formset_data

pytestmark = pytest.mark.django_db


def _form(group, **fields):
    data = activity_data(group, **fields)
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return ActivityForm(query, instance=Activity())


def test_a_held_activity_cannot_be_in_the_future(group1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = _form(group1, date=tomorrow.isoformat())
    assert not form.is_valid()
    assert form.errors["date"] == ["已举办的活动日期不能晚于今天。"]


def test_a_planned_activity_may_be_in_the_future(group1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=30)
    assert _form(group1, date=tomorrow.isoformat(), status="planned").is_valid()


def test_a_cancelled_activity_needs_a_reason(group1):
    form = _form(group1, status="cancelled", cancel_reason="  ")
    assert not form.is_valid()
    assert form.errors["cancel_reason"] == ["请填写活动取消的原因。"]


def test_required_fields_say_so_in_chinese(group1):
    form = _form(group1, title="", date="")
    assert not form.is_valid()
    assert form.errors["title"] == ["这个字段是必填项。"]
    assert form.errors["date"] == ["这个字段是必填项。"]


def test_unknown_attendee_is_refused(group1):
    form = _form(group1)
    form.data.setlist("attendees", ["999999"])
    assert not form.is_valid()
    assert "999999" in form.errors["attendees"][0]


def test_outcome_year_out_of_range():
    formset = OutcomeFormSet(
        formset_data(
            "outcomes", [{"kind": "proposal", "title": "提案", "submitted_to": "", "year": "1900"}]
        ),
        instance=Activity(),
        prefix="outcomes",
    )
    assert not formset.is_valid()
    assert formset.forms[0].errors["__all__"] == ["请输入2000至2100之间的年份。"]


def test_publicity_link_must_be_a_link():
    formset = PublicityFormSet(
        formset_data(
            "publicity", [{"channel": "website", "date": "", "title": "", "link": "不是链接"}]
        ),
        instance=Activity(),
        prefix="publicity",
    )
    assert not formset.is_valid()
    assert formset.forms[0].errors["link"] == ["输入一个有效的 URL。"]


def test_errors_are_rendered_next_to_their_fields(staff_client, group1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = staff_client.post(
        reverse("activities:activity_create"),
        activity_data(
            group1,
            date=tomorrow.isoformat(),
            leaders=[{"name": "", "title": "市长", "level": "four_bodies"}],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    date_error = html.index('id="error_1_id_date"')
    assert "已举办的活动日期不能晚于今天。" in html[date_error : date_error + 300]
    name_error = html.index('id="error_1_id_leaders-0-name"')
    assert "这个字段是必填项。" in html[name_error : name_error + 300]
    assert "未保存任何内容" in html
    assert not Activity.objects.exists()
