"""Roster pages: who sees what, searching and ordering, and staff's writes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import GroupMembership
from activities.roster.mobiles import mask_mobile
from members.models import FederationRole, Member, PublicOffice
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
    PublicOfficeFactory,
)

pytestmark = pytest.mark.django_db


def _member_data(**overrides):
    data = {
        "name": "林新华",
        "gender": "M",
        "mobile": "13905931234",
        "role": FederationRole.STANDING,
        "company": "福安新华电机有限公司",
        "position": "董事长",
        "industry": "电机电器",
        "township": "城阳镇",
        "email": "",
        "term": "14",
        "notes": "",
        "offices": ["cppcc:county"],
    }
    data.update(overrides)
    return data


def _names(response):
    return [m.name for m in response.context["members"]]


def test_mask_mobile():
    assert mask_mobile("13912341234") == "139****1234"
    assert mask_mobile("") == ""


class TestRosterList:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("members:member_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize(
        "who", ["staff_client", "leader_client", "convener_client", "member_client"]
    )
    def test_every_role_reads_the_roster(self, request, who):
        client = request.getfixturevalue(who)
        response = client.get(reverse("members:member_list"))
        assert response.status_code == 200
        assert "执委会成员名册" in response.content.decode() or "名册" in response.content.decode()

    def test_search_by_name_company_and_mobile(self, staff_client):
        MemberFactory(name="陈海峰", company="福安海峰食品有限公司", mobile="13800591111")
        MemberFactory(name="王明", company="宁德明达物流", mobile="13800592222")
        url = reverse("members:member_list")
        assert _names(staff_client.get(url, {"q": "海峰"})) == ["陈海峰"]
        assert _names(staff_client.get(url, {"q": "明达"})) == ["王明"]
        assert _names(staff_client.get(url, {"q": "138 0059 2222"})) == ["王明"]

    def test_filters(self, staff_client, group1, group2):
        a = MemberFactory(
            name="甲一", role=FederationRole.VICE_CHAIR, industry="食品", township="赛岐镇"
        )
        b = MemberFactory(name="乙二", role=FederationRole.STANDING, industry="电机电器")
        MemberFactory(name="丙三", archived_at=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC))
        MembershipFactory(member=a, group=group1)
        MembershipFactory(member=b, group=group2)
        PublicOfficeFactory(member=b, kind=PublicOffice.Kind.DEPUTY)
        url = reverse("members:member_list")
        assert _names(staff_client.get(url, {"role": "vice_chair"})) == ["甲一"]
        assert _names(staff_client.get(url, {"group": group2.pk})) == ["乙二"]
        assert _names(staff_client.get(url, {"industry": "食品"})) == ["甲一"]
        assert _names(staff_client.get(url, {"township": "赛岐镇"})) == ["甲一"]
        assert _names(staff_client.get(url, {"office": "npc"})) == ["乙二"]
        assert _names(staff_client.get(url, {"status": "archived"})) == ["丙三"]
        assert "丙三" not in _names(staff_client.get(url))
        assert "丙三" in _names(staff_client.get(url, {"status": "all"}))
        # A group no longer current does not count.
        GroupMembership.objects.filter(member=b).update(end_date=datetime.date(2019, 6, 1))
        assert _names(staff_client.get(url, {"group": group2.pk})) == []

    def test_bookmarked_links_and_odd_values(self, staff_client, group1):
        """Links saved before the filters moved to django-filter still mean the same; a value
        that is not a choice is ignored, and status and order keep their defaults."""
        grouped = MemberFactory(name="甲一", role=FederationRole.STANDING)
        MembershipFactory(member=grouped, group=group1)
        MemberFactory(name="乙二", role=FederationRole.VICE_CHAIR)
        MemberFactory(name="丙三", archived_at=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC))
        url = reverse("members:member_list")
        assert _names(staff_client.get(url, {"group": "0"})) == ["乙二"]
        assert _names(staff_client.get(f"{url}?q=&role=standing&group={group1.pk}")) == ["甲一"]
        assert _names(staff_client.get(url, {"status": "bogus", "order": "bogus"})) == [
            "乙二",
            "甲一",
        ]
        response = staff_client.get(url, {"group": "99999", "role": "nobody"})
        assert response.status_code == 200
        assert _names(response) == ["乙二", "甲一"]
        assert response.context["filters_open"]

    def test_orderings(self, staff_client):
        # 丁 has 2 strokes, 王 4, 林 8; pinyin ding < lin < wang.
        MemberFactory(name="王五", role=FederationRole.VICE_CHAIR)
        MemberFactory(name="林八", role=FederationRole.STANDING)
        MemberFactory(name="丁二", role=FederationRole.STANDING)
        url = reverse("members:member_list")
        assert _names(staff_client.get(url, {"order": "strokes"})) == ["丁二", "王五", "林八"]
        assert _names(staff_client.get(url, {"order": "pinyin"})) == ["丁二", "林八", "王五"]
        assert _names(staff_client.get(url)) == ["王五", "丁二", "林八"]

    def test_paginates_by_fifty(self, staff_client):
        MemberFactory.create_batch(51)
        response = staff_client.get(reverse("members:member_list"))
        assert len(response.context["members"]) == 50
        assert response.context["page_obj"].paginator.num_pages == 2
        second = staff_client.get(reverse("members:member_list"), {"page": 2})
        assert len(second.context["members"]) == 1

    def test_mobile_masked_outside_own_group(self, member_client, member_user, group1, group2):
        same = MemberFactory(name="同组", mobile="13905930001")
        other = MemberFactory(name="别组", mobile="13905930002")
        MembershipFactory(member=same, group=group1)
        MembershipFactory(member=other, group=group2)
        html = member_client.get(reverse("members:member_list")).content.decode()
        assert "13905930001" in html
        assert "13905930002" not in html
        assert "139****0002" in html

    def test_staff_and_leadership_see_every_mobile(self, staff_client, leader_client, group2):
        other = MemberFactory(mobile="13905930002")
        MembershipFactory(member=other, group=group2)
        for client in (staff_client, leader_client):
            assert "13905930002" in client.get(reverse("members:member_list")).content.decode()

    def test_query_count_does_not_grow(self, staff_client, group1, group2):
        url = reverse("members:member_list")

        def populate(n):
            for i in range(n):
                member = MemberFactory()
                MembershipFactory(member=member, group=group1 if i % 2 else group2)
                PublicOfficeFactory(member=member)

        populate(3)
        with CaptureQueriesContext(connection) as small:
            assert staff_client.get(url).status_code == 200
        populate(40)
        with CaptureQueriesContext(connection) as large:
            assert staff_client.get(url).status_code == 200
        assert len(small) == len(large)
        assert len(large) <= 10


class TestMemberPage:
    def test_shows_group_offices_and_attendance_totals(self, staff_client, group1):
        member = MemberFactory(name="郑明")
        MembershipFactory(member=member, group=group1)
        PublicOfficeFactory(member=member, kind=PublicOffice.Kind.CPPCC)
        for day in (
            datetime.date(2018, 3, 1),
            datetime.date(2018, 8, 15),
            datetime.date(2019, 4, 2),
        ):
            AttendanceFactory(member=member, activity=ActivityFactory(group=group1, date=day))
        response = staff_client.get(reverse("members:member_detail", args=[member.pk]))
        assert response.status_code == 200
        totals = {row["year"]: row["count"] for row in response.context["totals_by_year"]}
        assert totals == {2018: 2, 2019: 1}
        html = response.content.decode()
        assert "2018年8月15日" in html
        assert "政协委员" in html
        assert "电机电器组" in html

    def test_query_count_does_not_grow(self, staff_client, group1):
        member = MemberFactory()
        MembershipFactory(member=member, group=group1)
        url = reverse("members:member_detail", args=[member.pk])
        AttendanceFactory(member=member, activity=ActivityFactory(group=group1))
        with CaptureQueriesContext(connection) as small:
            staff_client.get(url)
        for _ in range(15):
            AttendanceFactory(member=member, activity=ActivityFactory(group=group1))
        with CaptureQueriesContext(connection) as large:
            staff_client.get(url)
        assert len(small) == len(large)

    @pytest.mark.parametrize("who", ["leader_client", "convener_client", "member_client"])
    def test_read_only_roles_see_no_edit_buttons(self, request, who, group1):
        member = MemberFactory()
        html = (
            request.getfixturevalue(who)
            .get(reverse("members:member_detail", args=[member.pk]))
            .content.decode()
        )
        assert reverse("members:member_edit", args=[member.pk]) not in html
        assert reverse("members:member_archive", args=[member.pk]) not in html

    def test_member_sees_own_mobile_but_not_other_groups(self, member_client, member_user, group2):
        own = member_client.get(reverse("members:member_detail", args=[member_user.member_id]))
        assert member_user.member.mobile in own.content.decode()
        other = MemberFactory(mobile="13905930009")
        MembershipFactory(member=other, group=group2)
        html = member_client.get(reverse("members:member_detail", args=[other.pk])).content.decode()
        assert "13905930009" not in html
        assert "139****0009" in html


class TestMemberWrites:
    def test_staff_creates_a_member_with_offices(self, staff_client, staff_user):
        response = staff_client.post(reverse("members:member_create"), _member_data())
        member = Member.objects.get(name="林新华")
        assert response.status_code == 302
        assert response["Location"] == reverse("members:member_detail", args=[member.pk])
        assert [(o.kind, o.level) for o in member.offices.all()] == [("cppcc", "county")]
        assert member.history.first().history_user == staff_user

    def test_mobile_typed_with_spaces_and_prefix_is_normalised(self, staff_client):
        staff_client.post(
            reverse("members:member_create"), _member_data(mobile="+86 139 0593 1234")
        )
        assert Member.objects.get().mobile == "13905931234"

    @pytest.mark.parametrize(
        ("mobile", "message"),
        [
            ("1390593123", "手机号码应为11位数字"),
            ("12905931234", "不是中国大陆手机号码"),
        ],
    )
    def test_bad_mobile_is_explained_in_chinese_next_to_the_field(
        self, staff_client, mobile, message
    ):
        response = staff_client.post(reverse("members:member_create"), _member_data(mobile=mobile))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["mobile"])
        assert 'id="error_1_id_mobile"' in response.content.decode()
        assert not Member.objects.exists()

    def test_duplicate_mobile_is_refused_next_to_the_field(self, staff_client):
        MemberFactory(mobile="13905931234")
        response = staff_client.post(reverse("members:member_create"), _member_data())
        assert response.status_code == 200
        assert response.context["form"].errors["mobile"] == ["另一位成员已使用这个手机号码。"]
        assert Member.objects.count() == 1

    def test_staff_edits_member_and_offices(self, staff_client):
        member = MemberFactory(name="林新华", mobile="13905931234")
        PublicOfficeFactory(member=member, kind="cppcc", level="county")
        data = _member_data(company="新公司", offices=["npc:prefecture"])
        data["version"] = Member.objects.get(pk=member.pk).version
        response = staff_client.post(reverse("members:member_edit", args=[member.pk]), data)
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.company == "新公司"
        assert [(o.kind, o.level) for o in member.offices.all()] == [("npc", "prefecture")]

    def test_edit_keeps_own_mobile(self, staff_client):
        member = MemberFactory(mobile="13905931234")
        response = staff_client.post(
            reverse("members:member_edit", args=[member.pk]),
            _member_data(version=Member.objects.get(pk=member.pk).version),
        )
        assert response.status_code == 302

    def test_archive_keeps_history_and_ends_group(self, staff_client, group1):
        member = MemberFactory()
        MembershipFactory(member=member, group=group1)
        AttendanceFactory(member=member, activity=ActivityFactory(group=group1))
        response = staff_client.post(reverse("members:member_archive", args=[member.pk]))
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.is_archived
        assert not member.memberships.current().exists()
        assert member.attendances.count() == 1
        page = staff_client.get(reverse("members:member_detail", args=[member.pk]))
        assert page.status_code == 200
        staff_client.post(reverse("members:member_restore", args=[member.pk]))
        member.refresh_from_db()
        assert not member.is_archived

    def test_archive_needs_post(self, staff_client):
        member = MemberFactory()
        assert (
            staff_client.get(reverse("members:member_archive", args=[member.pk])).status_code == 405
        )
        member.refresh_from_db()
        assert not member.is_archived

    @pytest.mark.parametrize("who", ["leader_client", "convener_client", "member_client"])
    def test_non_staff_get_403_and_nothing_is_written(self, request, who):
        client = request.getfixturevalue(who)
        member = MemberFactory(name="原名")
        before = Member.objects.count()
        urls = [
            reverse("members:member_create"),
            reverse("members:member_edit", args=[member.pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == 403
            assert (
                client.post(url, _member_data(name="改名", mobile="13905939999")).status_code == 403
            )
        for url in (
            reverse("members:member_archive", args=[member.pk]),
            reverse("members:member_restore", args=[member.pk]),
        ):
            assert client.post(url).status_code == 403
        member.refresh_from_db()
        assert member.name == "原名"
        assert not member.is_archived
        assert Member.objects.count() == before
