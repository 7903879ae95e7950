"""The attendance checklist like the paper sign-in sheet, its member search, and the status
question (issue 14, items 2 and 3)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from members.models import Member
from members.sorting import pinyin_search_keys
from tests.activities.helpers import activity_data
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
    RotationGroupFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("activities:attendee_search")
CREATE = reverse("activities:activity_create")


def test_pinyin_search_keys():
    assert pinyin_search_keys("郑兴") == ("zhengxing", "zx")
    # The surname read as a surname: 曾 zēng, not céng.
    assert pinyin_search_keys("曾国华") == ("zengguohua", "zgh")
    member = MemberFactory(name="单一帆")
    assert (member.pinyin_compact, member.pinyin_initials) == ("shanyifan", "syf")


@pytest.fixture
def sheet(group1, group2):
    """Group 2 hosts; 郑兴 of group 1 comes as a guest member."""
    zheng = MemberFactory(name="郑兴", company="福安兴达电机有限公司", mobile="13905930001")
    MembershipFactory(member=zheng, group=group1)
    host = [MemberFactory(name=name) for name in ("王五", "丁一", "林子涵")]
    for member in host:
        MembershipFactory(member=member, group=group2)
    return {"zheng": zheng, "host": host, "group1": group1, "group2": group2}


def _names(response):
    return [row["name"] for row in json.loads(response.content)["results"]]


@pytest.mark.parametrize("typed", ["zx", "ZX", "zhengxing", "zheng xing", "郑兴", "郑", "兴达"])
def test_search_finds_by_name_pinyin_and_initials(staff_client, sheet, typed):
    response = staff_client.get(SEARCH, {"q": typed})
    assert response.status_code == 200
    assert _names(response) == ["郑兴"]


def test_search_answers_names_companies_and_groups_never_mobiles(convener_client, sheet):
    response = convener_client.get(SEARCH, {"q": "zx"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "13905930001" not in body and "mobile" not in body
    (row,) = json.loads(body)["results"]
    assert row["company"] == "福安兴达电机有限公司"
    assert row["group_number"] == 1 and row["group"] == "第1组 · 电机电器组"
    assert "no-store" in response["Cache-Control"]


def test_search_leaves_out_archived_members_and_nonsense(staff_client, sheet):
    Member.objects.filter(pk=sheet["zheng"].pk).update(archived_at=timezone.now())
    assert _names(staff_client.get(SEARCH, {"q": "zx"})) == []
    assert _names(staff_client.get(SEARCH, {"q": ""})) == []
    assert _names(staff_client.get(SEARCH, {"q": "%_\\", "day": "not-a-day"})) == []
    assert staff_client.get(SEARCH, {"group": "99999"}).status_code == 404


def test_group_listing_is_the_sign_in_sheet_order(staff_client, sheet):
    day = timezone.localdate().isoformat()
    response = staff_client.get(SEARCH, {"group": sheet["group2"].pk, "day": day})
    expected = [m.name for m in sheet["group2"].members_on(timezone.localdate())]
    assert _names(response) == expected == ["丁一", "王五", "林子涵"]


def test_search_is_rate_limited_per_login(staff_client, sheet, settings):
    settings.ATTENDEE_SEARCH_LIMIT = 3
    for _ in range(3):
        assert staff_client.get(SEARCH, {"q": "zx"}).status_code == 200
    refused = staff_client.get(SEARCH, {"q": "zx"})
    assert refused.status_code == 429
    assert "请稍候" in json.loads(refused.content)["error"] or "太多" in refused.content.decode()


# The form page ---------------------------------------------------------------------------


def test_host_block_follows_members_on_and_other_groups_are_not_listed(staff_client, sheet):
    response = staff_client.get(CREATE, {"group": sheet["group2"].number})
    board = response.context["attendance"]
    assert board.host == sheet["group2"]
    assert [m.name for m in board.host_members] == [
        m.name for m in sheet["group2"].members_on(timezone.localdate())
    ]
    assert "郑兴" not in response.content.decode()
    assert response.context["form"]["status"].value() == Activity.Status.HELD


def test_ticked_names_by_group_in_sheet_order_and_archived_stay_visible(
    staff_client, sheet, group1, group2
):
    group5 = RotationGroupFactory(number=5, name="建筑建材组")
    far = MemberFactory(name="丁五")
    MembershipFactory(member=far, group=group5)
    activity = ActivityFactory(group=group2)
    for member in [far, sheet["zheng"], sheet["host"][0]]:
        AttendanceFactory(activity=activity, member=member)
    Member.objects.filter(pk=sheet["zheng"].pk).update(archived_at=timezone.now())
    response = staff_client.get(reverse("activities:activity_edit", args=[activity.pk]))
    board = response.context["attendance"]
    assert [(g.number, [m.name for m in g.members]) for g in board.ticked_groups] == [
        (2, ["王五"]),
        (1, ["郑兴"]),
        (5, ["丁五"]),
    ]
    html = response.content.decode()
    assert "郑兴" in html and "已归档" in html


@pytest.mark.parametrize("url_kind", ["create", "edit"])
def test_form_queries_do_not_grow_with_the_roster(staff_client, group1, url_kind):
    groups = [RotationGroupFactory(number=n) for n in range(1, 13)]
    activity = ActivityFactory(group=group1)

    def grow(per_group):
        for group in groups:
            for _ in range(per_group):
                member = MemberFactory()
                MembershipFactory(member=member, group=group)
                if url_kind == "edit" and group.number in (1, 7):
                    AttendanceFactory(activity=activity, member=member)

    if url_kind == "create":
        url = f"{CREATE}?group=1"
    else:
        url = reverse("activities:activity_edit", args=[activity.pk])
    grow(2)
    staff_client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    grow(40)
    with CaptureQueriesContext(connection) as large:
        response = staff_client.get(url)
    assert Member.objects.count() >= 12 * 42
    assert len(small) == len(large), [q["sql"] for q in large]
    assert response.content.decode().count('name="attendees"') <= 42 * 2 + 1


# The status question ---------------------------------------------------------------------


def _past(days=3):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def test_a_plan_with_attendees_asks_before_saving(staff_client, sheet):
    data = activity_data(sheet["group2"], attendees=sheet["host"], status="planned", date=_past())
    response = staff_client.post(CREATE, data)
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    html = response.content.decode()
    assert "状态为“计划中”，但已勾选出席成员" in html
    assert response.context["form"].status_question == "planned_with_attendees"
    assert "3名成员" in str(response.context["form"].errors["status"])


def test_the_answer_held_saves_it_held_with_its_number(staff_client, sheet):
    data = activity_data(
        sheet["group2"],
        attendees=sheet["host"],
        status="planned",
        date=_past(),
        status_decision="held",
    )
    response = staff_client.post(CREATE, data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.status == Activity.Status.HELD and activity.number
    assert activity.attendances.count() == 3


def test_the_answer_still_a_plan_saves_a_plan(staff_client, sheet):
    data = activity_data(
        sheet["group2"],
        attendees=sheet["host"],
        status="planned",
        date=_past(),
        status_decision="keep_planned",
    )
    assert staff_client.post(CREATE, data).status_code == 302
    assert Activity.objects.get().status == Activity.Status.PLANNED


def test_a_held_record_without_attendees_asks_and_the_wrong_answer_does_not_do(staff_client, sheet):
    for answer in ["", "keep_planned", "held"]:
        data = activity_data(sheet["group2"], status="held", status_decision=answer)
        response = staff_client.post(CREATE, data)
        assert response.status_code == 200
        assert response.context["form"].status_question == "held_without_attendees"
        assert "没有勾选任何出席成员" in response.content.decode()
    assert Activity.objects.count() == 0
    data = activity_data(sheet["group2"], status="held", status_decision="keep_held_empty")
    assert staff_client.post(CREATE, data).status_code == 302
    assert Activity.objects.get().status == Activity.Status.HELD


def test_guests_are_counted_and_may_be_named(staff_client, sheet):
    data = activity_data(
        sheet["group2"],
        attendees=sheet["host"],
        other_participants="2",
        guest_names="陈来宾、李来宾，吴来宾",
    )
    response = staff_client.post(CREATE, data)
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    assert "填写了3位来宾的姓名" in str(response.context["form"].errors["other_participants"])
    data["other_participants"] = "3"
    assert staff_client.post(CREATE, data).status_code == 302
    assert Activity.objects.get().guest_names == "陈来宾、李来宾，吴来宾"


def test_search_without_javascript_posts_back_and_saves_nothing(staff_client, sheet):
    data = activity_data(sheet["group2"], attendees=sheet["host"][:1], title="")
    data.update({"attendee_search": "zx", "attendee_search_submit": "1"})
    response = staff_client.post(CREATE, data)
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    board = response.context["attendance"]
    assert [m.name for m in board.search_results] == ["郑兴"]
    assert board.checked_count == 1
    html = response.content.decode()
    assert "invalid-feedback" not in html  # shown again, not judged: no "required" yet
    assert 'value="zx"' in html
