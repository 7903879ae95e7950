"""Issue 12, items 1, 2 and 5: masking that holds on every path, the search oracle, the
personal-data access log and its page, and who sees who has not yet taken part."""

import datetime
import io

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from activities.history import member_changes
from activities.models import Activity
from members.models import PersonalDataAccess
from members.services import access_record, member_update
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = "13955550058"
HIDDEN_MAIL = "wangsan@example.com"


@pytest.fixture
def stranger(group2):
    """A member of another group than the member and convener fixtures (group 1)."""
    member = MemberFactory(
        name="王叁", company="福安远方贸易有限公司", mobile=HIDDEN, email=HIDDEN_MAIL
    )
    MembershipFactory(member=member, group=group2)
    return member


def _names(response):
    return [m.name for m in response.context["members"]]


def _search(client, text):
    return client.get(reverse("members:member_list"), {"q": text})


class TestMasking:
    def test_roster_list_masks_another_groups_mobile(self, member_client, stranger):
        page = member_client.get(reverse("members:member_list")).content.decode()
        assert "139****0058" in page
        assert HIDDEN not in page

    def test_member_page_masks_mobile_and_email(self, member_client, stranger):
        page = member_client.get(reverse("members:member_detail", args=[stranger.pk]))
        text = page.content.decode()
        assert HIDDEN not in text and HIDDEN_MAIL not in text
        assert "w***@example.com" in text

    def test_staff_and_leadership_see_everything(self, staff_client, leader_client, stranger):
        for client in (staff_client, leader_client):
            text = client.get(reverse("members:member_detail", args=[stranger.pk])).content
            assert HIDDEN in text.decode() and HIDDEN_MAIL in text.decode()

    def test_own_group_is_shown_in_full(self, member_client, convener_user):
        mobile = convener_user.member.mobile
        page = member_client.get(reverse("schedule:my_group")).content.decode()
        assert f'href="tel:{mobile}"' in page

    def test_group_page_masks_other_groups(self, member_client, stranger, group2):
        page = member_client.get(reverse("activities:group_detail", args=[group2.number]))
        assert HIDDEN not in page.content.decode()

    def test_history_masks_old_and_new_mobiles_for_a_reader_who_may_not_see_them(
        self, staff_user, stranger
    ):
        member_update(member=stranger, by=staff_user, mobile="13966660077")
        masked = member_changes(stranger, shows_contact=False)
        shown = [
            value for change in masked for _label, *values in change.fields for value in values
        ]
        assert "139****0058" in shown and "139****0077" in shown
        assert HIDDEN not in shown and "13966660077" not in shown
        full = member_changes(stranger)
        assert HIDDEN in [v for c in full for _l, *vs in c.fields for v in vs]

    def test_admin_masks_for_a_login_that_does_not_read_everything(self, stranger, member_user):
        member_user.is_staff = True  # a misconfigured admin login
        request = RequestFactory().get("/admin/members/member/")
        request.user = member_user
        model_admin = admin_site._registry[type(stranger)]
        assert "mobile" not in model_admin.get_list_display(request)
        assert model_admin.masked_mobile(stranger) == "139****0058"
        assert "mobile" not in model_admin.get_search_fields(request)
        assert {"mobile", "email"} <= set(model_admin.get_exclude(request) or [])


class TestSearchOracle:
    """A member's searches for digits of a masked number find nothing (issue 12)."""

    def test_digit_by_digit_search_learns_nothing(self, member_client, stranger):
        prefixes = [HIDDEN[:n] for n in range(3, 12)]
        suffixes = [HIDDEN[-n:] for n in range(1, 9)]
        guesses = [*prefixes, *suffixes, "5555", "139 5555 0058", "+86" + HIDDEN]
        for guess in guesses:
            assert "王叁" not in _names(_search(member_client, guess)), guess

    def test_a_member_still_finds_people_by_name_and_company(self, member_client, stranger):
        assert _names(_search(member_client, "王叁")) == ["王叁"]
        assert _names(_search(member_client, "远方贸易")) == ["王叁"]

    def test_a_member_finds_their_own_group_by_number(self, member_client, convener_user):
        mobile = convener_user.member.mobile
        assert _names(_search(member_client, mobile[-6:])) == ["召集人甲"]

    def test_staff_search_by_number_keeps_working(self, staff_client, stranger):
        assert _names(_search(staff_client, "55550058")) == ["王叁"]
        assert _names(_search(staff_client, HIDDEN)) == ["王叁"]

    def test_searches_are_limited_per_login(self, settings, member_client, staff_client, stranger):
        settings.ROSTER_SEARCH_LIMIT = 3
        for _ in range(3):
            assert _search(member_client, "王").status_code == 200
        refused = _search(member_client, "王")
        assert refused.status_code == 429
        assert "搜索过于频繁" in refused.content.decode()
        assert _names(refused) == []
        # Another login has its own count; the list without a search still opens.
        assert _search(staff_client, "王").status_code == 200
        assert member_client.get(reverse("members:member_list")).status_code == 200


class TestAccessLog:
    def test_number_search_is_recorded_with_its_row_count(self, staff_client, staff_user, stranger):
        _search(staff_client, "55550058")
        _search(staff_client, "王叁")  # a search by name is not a search by number
        entry = PersonalDataAccess.objects.get()
        assert entry.user == staff_user and entry.username == "staff"
        assert entry.kind == PersonalDataAccess.Kind.NUMBER_SEARCH
        assert entry.rows == 1
        assert "q=55550058" in entry.what
        assert entry.address == "127.0.0.1"
        _search(staff_client, "王叁 139")
        assert PersonalDataAccess.objects.filter(what__contains="q=王叁+139").exists()

    def test_member_page_by_a_non_staff_login_is_recorded(
        self, member_client, staff_client, stranger
    ):
        url = reverse("members:member_detail", args=[stranger.pk])
        staff_client.get(url)
        assert not PersonalDataAccess.objects.exists()
        member_client.get(url)
        entry = PersonalDataAccess.objects.get()
        assert (entry.username, entry.kind, entry.what, entry.rows) == (
            "member",
            PersonalDataAccess.Kind.MEMBER_PAGE,
            url,
            1,
        )

    def test_roster_export_is_recorded(self, staff_client, stranger, member_user):
        response = staff_client.get(reverse("roster:roster_export"))
        assert response.status_code == 200
        entry = PersonalDataAccess.objects.get()
        assert entry.kind == PersonalDataAccess.Kind.ROSTER_EXPORT
        assert entry.rows == 2  # the stranger and the member

    def test_report_workbook_is_recorded(self, leader_client):
        year = timezone.localdate().year
        response = leader_client.get(reverse("reports:report_year_export", args=[year]))
        assert response.status_code == 200
        entry = PersonalDataAccess.objects.get()
        assert (entry.username, entry.kind) == ("leader", PersonalDataAccess.Kind.REPORT_WORKBOOK)

    def test_staff_read_and_filter_the_log(self, staff_client, staff_user, member_user):
        day = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC)
        access_record(
            by=member_user,
            kind="member_page",
            what="/members/1/",
            rows=1,
            address="10.0.0.7",
            at=day,
        )
        access_record(by=staff_user, kind="roster_export", what="/members/export.xlsx", rows=132)
        url = reverse("audit:access_log_list")
        page = staff_client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "数据访问记录" in text and "/members/export.xlsx" in text and "10.0.0.7" in text
        assert "2026年3月5日" in text
        only_pages = staff_client.get(url, {"kind": "member_page"}).context["entries"]
        assert [e.username for e in only_pages] == ["member"]
        by_login = staff_client.get(url, {"user": "staf"}).context["entries"]
        assert [e.kind for e in by_login] == ["roster_export"]
        in_march = staff_client.get(url, {"start": "2026-03-05", "end": "2026-03-05"})
        assert [e.username for e in in_march.context["entries"]] == ["member"]
        # A bad date is ignored with the field marked, never a 500 or an empty page.
        bad = staff_client.get(url, {"start": "not-a-date"})
        assert bad.status_code == 200 and len(bad.context["entries"]) == 2

    def test_old_entries_are_pruned_after_the_retention_period(self, settings, staff_user):
        settings.ACCESS_LOG_RETENTION_DAYS = 30
        now = timezone.now()
        old = access_record(
            by=staff_user, kind="roster_export", what="old", rows=1, at=now - datetime.timedelta(31)
        )
        kept = access_record(
            by=staff_user,
            kind="roster_export",
            what="kept",
            rows=1,
            at=now - datetime.timedelta(29),
        )
        out = io.StringIO()
        call_command("prune_access_log", stdout=out)
        assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [kept.pk]
        assert "已删除1条" in out.getvalue()
        assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()


class TestMyGroupParticipation:
    """Members see only their own participation; conveners, leadership, staff see who not."""

    @pytest.fixture
    def held(self, group1, member_user):
        today = timezone.localdate()
        activity = ActivityFactory(
            group=group1, date=today.replace(day=1), status=Activity.Status.HELD
        )
        AttendanceFactory(activity=activity, member=member_user.member)
        MembershipFactory(member=MemberFactory(name="未参加丁"), group=group1)
        return activity

    def test_member_sees_own_count_not_the_others(self, member_client, held):
        response = member_client.get(reverse("schedule:my_group"))
        page = response.content.decode()
        assert response.context["not_yet"] is None
        assert response.context["own_count"] == 1
        assert "data-not-yet" not in page

    def test_convener_sees_who_has_not_taken_part(self, convener_client, held):
        response = convener_client.get(reverse("schedule:my_group"))
        assert "未参加丁" in [m.name for m in response.context["not_yet"]]


@pytest.mark.parametrize("size", [2, 40])
def test_access_log_page_queries_do_not_grow(staff_client, member_user, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(size):
        access_record(by=member_user, kind="member_page", what=f"/members/{i}/", rows=1)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("audit:access_log_list"))
    assert len(response.context["entries"]) == size
    # session, user, count, page (the login of each entry joined in)
    assert len(queries) == 4, [q["sql"] for q in queries]


class TestReportListsOnTheRoster:
    """The roster's report parameters (from/to, scope, in_group, took_part, obligation) list
    who missed the obligation or took no part: the report's readers only, a convener for their
    own groups whatever ``scope`` asks, a committee member not at all."""

    @pytest.fixture
    def year(self, group1, group2, member_user, stranger):
        """2025: group 1's activity, which nobody attended; both groups' standing members
        (the member fixture, 王叁) are bound and missed the obligation."""
        stranger.role = "standing"
        stranger.save()
        ActivityFactory(group=group1, date=datetime.date(2025, 6, 1), status=Activity.Status.HELD)
        return {"from": "2025-01-01", "to": "2025-12-31", "obligation": "missing"}

    def names(self, client, params):
        response = client.get(reverse("members:member_list"), params)
        assert response.status_code == 200
        return {m.name for m in response.context["members"]}, response.context

    def test_staff_and_leaders_list_every_group(self, staff_client, leader_client, year):
        for client in (staff_client, leader_client):
            names, context = self.names(client, year)
            assert names == {"常执委丙", "王叁"}
            assert context["period_description"].startswith("2025年1月1日")

    def test_a_convener_lists_their_own_groups_whatever_scope_asks(
        self, convener_client, group1, group2, year
    ):
        for scope in ({}, {"scope": [group2.pk]}, {"scope": [group1.pk, group2.pk]}):
            names, context = self.names(convener_client, {**year, **scope})
            assert names == {"常执委丙"}, scope
            assert str(group1) in context["period_description"]
            assert str(group2) not in context["period_description"]

    def test_a_member_gets_the_plain_roster(self, member_client, year):
        everyone, _context = self.names(member_client, {})
        for params in (year, {**year, "obligation": "", "took_part": "no"}):
            names, context = self.names(member_client, params)
            assert context["period_description"] is None
            assert names == everyone
        page = member_client.get(reverse("members:member_list"), year).content.decode()
        assert "未履行年度义务" not in page and "按统计报表口径" not in page
