"""Property-based tests: whatever people type or upload, never a 500 and never half a write."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from activities.roster.planner import RosterPlanError, plan_file, roster_apply
from members.models import Member
from members.roster import RosterFileError
from tests.activities.helpers import formset_data

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as offices type it, with the characters that break things: control characters,
# formula starters, full-width spaces, very long values.
messy_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=SUM(A1)",
            "+86 139 5930 0001",
            "@x",
            "-1",
            "\u3000陈建华\u3000",
            "第三组",
            "第13组",
            "福安市政协委员;宁德市人大代表",
            "市政协委员",
            "兼职副主席",
            "常执委",
            "1" * 300,
            "\x00\x07",
        ]
    ),
)
cell_value = st.one_of(
    st.none(),
    messy_text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
)


def _fingerprint():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "activities"}
    }


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "工作单位", "工商联职务", "手机", "轮值组", "人大代表/政协委员"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(st.lists(cell_value, min_size=7, max_size=7), min_size=1, max_size=6))
def test_any_roster_is_imported_whole_or_refused_cleanly(rows, staff_user):
    try:
        data = _workbook(rows)
    except Exception:  # openpyxl refuses some values itself (control characters)
        return
    before = _fingerprint()
    try:
        plan = plan_file(io.BytesIO(data))
    except RosterFileError:
        assert _fingerprint() == before
        return
    assert _fingerprint() == before  # planning writes nothing
    if plan.errors:
        return
    try:
        roster_apply(plan=plan, by=staff_user)
    except (ValidationError, IntegrityError, RosterPlanError):
        assert _fingerprint() == before
        return
    assert Member.objects.count() >= before["members.Member"]


@pytest.mark.django_db
@FUZZ
@given(
    name=messy_text,
    mobile=messy_text,
    email=messy_text,
    role=st.sampled_from(["standing", "vice_chair", "chair", "boss", ""]),
    term=st.one_of(st.none(), messy_text, st.integers(-5, 99999)),
)
def test_member_form_never_fails_and_never_writes_half(
    staff_client, name, mobile, email, role, term
):
    before = Member.objects.count()
    response = staff_client.post(
        reverse("members:member_create"),
        {
            "name": name,
            "mobile": mobile,
            "email": email,
            "role": role,
            "term": "" if term is None else term,
            "offices": ["cppcc:county"],
        },
    )
    assert response.status_code in (200, 302)
    assert Member.objects.count() == before + (1 if response.status_code == 302 else 0)


@pytest.mark.django_db
@FUZZ
@given(
    date=st.one_of(messy_text, st.dates().map(str)),
    status=st.sampled_from(["held", "planned", "cancelled", "done", ""]),
    others=st.one_of(messy_text, st.integers(-10, 10**10).map(str)),
    attendees=st.lists(st.one_of(st.integers(-5, 10**6).map(str), messy_text), max_size=4),
    leader_name=messy_text,
    leader_level=st.sampled_from(["four_bodies", "department", "other", "king"]),
    link=messy_text,
)
def test_activity_form_never_fails_and_never_writes_half(
    staff_client, group1, date, status, others, attendees, leader_name, leader_level, link
):
    data = {
        "group": str(group1.pk),
        "date": date,
        "title": "轮值活动",
        "theme": "seminar",
        "status": status,
        "cancel_reason": "",
        "other_participants": others,
        "attendees": attendees,
    }
    data.update(
        formset_data("leaders", [{"name": leader_name, "title": "", "level": leader_level}])
    )
    data.update(formset_data("outcomes", []))
    data.update(formset_data("publicity", [{"channel": "website", "link": link, "title": ""}]))
    before = _fingerprint()
    response = staff_client.post(reverse("activities:activity_create"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert _fingerprint() == before


BIG = "9" * 30  # larger than any database integer


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/activities/{BIG}/",
        f"/activities/{BIG}/edit/",
        f"/members/{BIG}/",
        f"/groups/{BIG}/",
        f"/members/?group={BIG}",
        f"/activities/?group={BIG}&year={BIG}",
        f"/activities/new/?group={BIG}",
        f"/schedule/{BIG}/",
        f"/schedule/2026/{BIG}/edit/",
        f"/obligation/{BIG}/",
        f"/my-group/plan/{BIG}/",
        f"/reports/{BIG}/",
        f"/reports/?from=2018-01-01&to={BIG}",
        f"/reports/?from={BIG}&to=2018-01-01",
    ],
)
def test_absurd_numbers_in_addresses_are_not_errors(staff_client, url):
    assert staff_client.get(url).status_code in (200, 302, 400, 404)


period_text = st.one_of(
    st.text(max_size=20),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
    st.sampled_from(["2018-02-30", "2019-13-01", "0000-01-01", "2018/01/01", "２０１８-０１-０１"]),
)


@pytest.mark.django_db
@FUZZ
@given(start=period_text, end=period_text, export=st.booleans())
@example(start="", end="\x00", export=False)
def test_report_period_never_fails(leader_client, start, end, export):
    url = reverse("reports:report_period_export" if export else "reports:report_period")
    response = leader_client.get(url, {"from": start, "to": end})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        page = response.content.decode()
        if "\x00" in start + end:
            # No text column can hold a NUL: the query-string guard refuses it for every page.
            assert "地址中的参数无法读取" in page
        else:
            assert "统计期间" in page or "日期" in page
