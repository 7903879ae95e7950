"""Group and activity pages: the permission matrix, what each page shows, query budgets."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities.models import Activity, GroupMembership, LeaderPresence, Publicity
from members.models import FederationRole, Member
from tests.activities.helpers import activity_data
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    RotationGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "leader", "convener", "member"]
READ = {"anonymous": 302, "staff": 200, "leader": 200, "convener": 200, "member": 200}
WRITE = {"anonymous": 302, "staff": 200, "leader": 403, "convener": 403, "member": 403}
# Conveners record their own group's activities (the world's activity is in their group 1).
GROUP_WRITE = {"anonymous": 302, "staff": 200, "leader": 403, "convener": 200, "member": 403}
POST_ONLY = {"anonymous": 302, "staff": 405, "leader": 403, "convener": 403, "member": 403}

# (namespaced URL name, which object's key it takes, expected GET status per role)
MATRIX = [
    ("activities:home", None, READ),
    ("activities:activity_list", None, READ),
    ("activities:activity_export", None, READ),
    ("activities:activity_detail", "activity", READ),
    ("activities:activity_create", None, GROUP_WRITE),
    ("activities:activity_edit", "activity", GROUP_WRITE),
    ("activities:activity_sign_in_sheet", "activity", READ),
    ("activities:activity_sign_in_sheet_xlsx", "activity", READ),
    ("activities:activity_print", "activity", READ),
    ("activities:attendee_search", None, GROUP_WRITE),
    ("activities:group_list", None, READ),
    ("activities:group_detail", "group", READ),
    ("activities:group_members_edit", "group", WRITE),
    ("members:member_list", None, READ),
    ("members:member_detail", "member", READ),
    ("members:member_create", None, WRITE),
    ("members:member_edit", "member", WRITE),
    ("members:member_archive", "member", POST_ONLY),
    ("members:member_restore", "member", POST_ONLY),
]


@pytest.fixture
def world(group1, staff_user, leader_user, convener_user, member_user):
    member = MemberFactory(name="林测试")
    MembershipFactory(member=member, group=group1)
    activity = ActivityFactory(group=group1, title="法治教育讲座")
    AttendanceFactory(activity=activity, member=member)
    clients = {"anonymous": Client()}
    for role, user in {
        "staff": staff_user,
        "leader": leader_user,
        "convener": convener_user,
        "member": member_user,
    }.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return {
        "activity": activity.pk,
        "group": group1.number,
        "member": member.pk,
        "clients": clients,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "key", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(world, name, key, expected, role):
    url = reverse(name, args=[world[key]] if key else [])
    response = world["clients"][role].get(url)
    assert response.status_code == expected[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def _named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace:
            yield f"{namespace}:{pattern.name}"


def test_every_page_of_these_apps_is_in_the_matrix():
    names = {
        name
        for name in _named_urls(get_resolver().url_patterns)
        if name.split(":")[0] in ("activities", "members")
    }
    assert names == {m[0] for m in MATRIX}


# Activities -------------------------------------------------------------------------------


class TestActivityList:
    def test_shows_number_group_theme_and_person_times(self, staff_client, group1):
        activity = ActivityFactory(group=group1, title="银企对接会", other_participants=4)
        AttendanceFactory.create_batch(3, activity=activity)
        html = staff_client.get(reverse("activities:activity_list")).content.decode()
        assert f"第{activity.number}次" in html
        assert "银企对接会" in html
        assert "座谈讲座" in html
        row = next(
            a for a in staff_client.get(reverse("activities:activity_list")).context["activities"]
        )
        assert row.person_times == 7

    def test_filters(self, staff_client, group1, group2):
        a = ActivityFactory(group=group1, date=datetime.date(2018, 8, 15), theme="research")
        b = ActivityFactory(group=group2, date=datetime.date(2019, 3, 1), theme="charity")
        c = ActivityFactory(
            group=group2,
            date=datetime.date(2019, 5, 1),
            status=Activity.Status.CANCELLED,
            cancel_reason="天气原因",
        )
        url = reverse("activities:activity_list")

        def titles(**params):
            return [x.pk for x in staff_client.get(url, params).context["activities"]]

        assert titles(year=2018) == [a.pk]
        assert titles(group=group2.pk) == [c.pk, b.pk]
        assert titles(theme="charity") == [b.pk]
        assert titles(status="cancelled") == [c.pk]
        assert titles(year=2019, status="held") == [b.pk]
        # Values that are not choices are ignored rather than emptying the list.
        assert titles(year="abc", group="x", theme="nope") == [c.pk, b.pk, a.pk]

    def test_archived_activities_are_not_listed(self, staff_client, group1):
        ActivityFactory(
            group=group1,
            title="已归档活动",
            archived_at=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC),
        )
        assert (
            "已归档活动"
            not in staff_client.get(reverse("activities:activity_list")).content.decode()
        )

    def test_query_count_does_not_grow(self, staff_client, group1, group2):
        url = reverse("activities:activity_list")

        def populate(n):
            for i in range(n):
                activity = ActivityFactory(group=group1 if i % 2 else group2)
                AttendanceFactory.create_batch(2, activity=activity)

        populate(2)
        with CaptureQueriesContext(connection) as small:
            assert staff_client.get(url).status_code == 200
        populate(20)
        with CaptureQueriesContext(connection) as large:
            assert staff_client.get(url).status_code == 200
        assert len(small) == len(large)
        assert len(large) <= 8


class TestActivityDetail:
    def test_shows_everything_recorded(self, leader_client, group1):
        activity = ActivityFactory(
            group=group1,
            title="健康产业座谈会",
            place="市医院",
            host_enterprise="福安康宁医药有限公司",
            summary="形成调研报告。",
            other_participants=6,
        )
        member = MemberFactory(name="郑康宁")
        AttendanceFactory(activity=activity, member=member)
        LeaderFactory(activity=activity, name="李领导", title="市政协副主席")
        OutcomeFactory(
            activity=activity, title="关于健康产业发展的调研报告", kind="research_report"
        )
        PublicityFactory(activity=activity, channel=Publicity.Channel.NEWSPAPER, title="报道")
        response = leader_client.get(reverse("activities:activity_detail", args=[activity.pk]))
        html = response.content.decode()
        for text in (
            f"第{activity.number}次",
            "健康产业座谈会",
            "市医院",
            "福安康宁医药有限公司",
            "形成调研报告。",
            "郑康宁",
            "李领导",
            "四套班子处级领导",
            "关于健康产业发展的调研报告",
            "闽东日报",
        ):
            assert text in html, text
        assert response.context["activity"].person_times == 7
        assert reverse("activities:activity_edit", args=[activity.pk]) not in html

    def test_cancelled_shows_the_reason(self, member_client, group1):
        activity = ActivityFactory(group=group1, status="cancelled", cancel_reason="台风停课")
        html = member_client.get(
            reverse("activities:activity_detail", args=[activity.pk])
        ).content.decode()
        assert "台风停课" in html
        assert "已取消" in html

    def test_archived_is_hidden_from_non_staff(self, member_client, staff_client, group1):
        activity = ActivityFactory(
            group=group1, archived_at=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
        )
        url = reverse("activities:activity_detail", args=[activity.pk])
        assert member_client.get(url).status_code == 404
        assert staff_client.get(url).status_code == 200

    def test_query_count_does_not_grow(self, staff_client, group1):
        activity = ActivityFactory(group=group1)
        url = reverse("activities:activity_detail", args=[activity.pk])
        AttendanceFactory(activity=activity)
        LeaderFactory(activity=activity)
        with CaptureQueriesContext(connection) as small:
            staff_client.get(url)
        AttendanceFactory.create_batch(30, activity=activity)
        LeaderFactory.create_batch(5, activity=activity)
        PublicityFactory.create_batch(3, activity=activity)
        with CaptureQueriesContext(connection) as large:
            staff_client.get(url)
        assert len(small) == len(large)


class TestActivityForm:
    def test_host_group_members_come_first(self, staff_client, group1, group2):
        host = MemberFactory(name="东道主")
        MembershipFactory(member=host, group=group2)
        MembershipFactory(member=MemberFactory(name="一组成员"), group=group1)
        activity = ActivityFactory(group=group2)
        response = staff_client.get(reverse("activities:activity_edit", args=[activity.pk]))
        board = response.context["attendance"]
        assert board.host == group2
        assert [m.name for m in board.host_members] == ["东道主"]
        assert "全选本组" in response.content.decode()
        # Other groups' members are found by the search, not listed.
        assert "一组成员" not in response.content.decode()

    def test_staff_records_an_activity_with_everything(self, staff_client, staff_user, group1):
        members = MemberFactory.create_batch(3)
        for m in members:
            MembershipFactory(member=m, group=group1)
        data = activity_data(
            group1,
            attendees=members[:2],
            leaders=[{"name": "张领导", "title": "市委常委", "level": "four_bodies"}],
            outcomes=[
                {
                    "kind": "research_report",
                    "title": "调研报告",
                    "submitted_to": "cppcc",
                    "year": "2019",
                }
            ],
            publicity=[
                {
                    "channel": "website",
                    "date": "",
                    "title": "工商联网站报道",
                    "link": "https://example.org/a",
                }
            ],
        )
        response = staff_client.post(reverse("activities:activity_create"), data)
        activity = Activity.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("activities:activity_detail", args=[activity.pk])
        assert activity.number == 1
        assert activity.review_status == Activity.Review.APPROVED
        assert activity.created_by == staff_user
        assert set(activity.attendees.all()) == set(members[:2])
        assert [leader.name for leader in activity.leaders.all()] == ["张领导"]
        assert activity.outcomes.get().title == "调研报告"
        assert activity.publicity.get().title == "工商联网站报道"
        assert Activity.objects.with_person_times().get().person_times == 7
        assert activity.history.first().history_user == staff_user

    def test_empty_extra_rows_are_ignored(self, staff_client, group1):
        data = activity_data(group1, leaders=[{"name": "", "title": "", "level": ""}])
        assert staff_client.post(reverse("activities:activity_create"), data).status_code == 302
        assert not LeaderPresence.objects.exists()

    def test_planned_activity_has_no_number_until_held(self, staff_client, group1):
        future = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
        staff_client.post(
            reverse("activities:activity_create"),
            activity_data(group1, status="planned", date=future),
        )
        activity = Activity.objects.get()
        assert activity.number is None
        past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        staff_client.post(
            reverse("activities:activity_edit", args=[activity.pk]),
            activity_data(group1, status="held", date=past, version=activity.version),
        )
        activity.refresh_from_db()
        assert activity.number == 1

    def test_edit_changes_attendance_and_removes_rows(self, staff_client, group1):
        activity = ActivityFactory(group=group1)
        old, new = MemberFactory.create_batch(2)
        AttendanceFactory(activity=activity, member=old)
        leader = LeaderFactory(activity=activity)
        data = activity_data(group1, attendees=[new], title="改过的标题", version=activity.version)
        data.update(
            {
                "leaders-TOTAL_FORMS": "1",
                "leaders-INITIAL_FORMS": "1",
                "leaders-0-id": str(leader.pk),
                "leaders-0-activity": str(activity.pk),
                "leaders-0-name": leader.name,
                "leaders-0-title": leader.title,
                "leaders-0-level": leader.level,
                "leaders-0-DELETE": "on",
            }
        )
        response = staff_client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.title == "改过的标题"
        assert list(activity.attendees.all()) == [new]
        assert not activity.leaders.exists()

    def test_query_count_does_not_grow(self, staff_client, group1, group2):
        activity = ActivityFactory(group=group1)
        url = reverse("activities:activity_edit", args=[activity.pk])

        def populate(n):
            for i in range(n):
                member = MemberFactory()
                MembershipFactory(member=member, group=group1 if i % 2 else group2)
                AttendanceFactory(activity=activity, member=member)
            LeaderFactory(activity=activity)
            PublicityFactory(activity=activity)

        populate(2)
        with CaptureQueriesContext(connection) as small:
            assert staff_client.get(url).status_code == 200
        populate(40)
        with CaptureQueriesContext(connection) as large:
            assert staff_client.get(url).status_code == 200
        assert len(small) == len(large)
        with CaptureQueriesContext(connection) as create:
            assert staff_client.get(reverse("activities:activity_create")).status_code == 200
        assert len(create) <= len(large)

    @pytest.mark.parametrize("who", ["leader_client", "member_client"])
    def test_non_staff_get_403_and_nothing_is_written(self, request, who, group1):
        client = request.getfixturevalue(who)
        activity = ActivityFactory(group=group1, title="原标题")
        member = MemberFactory()
        data = activity_data(
            group1,
            attendees=[member],
            leaders=[{"name": "张领导", "title": "", "level": "other"}],
            title="改过的标题",
        )
        assert client.post(reverse("activities:activity_create"), data).status_code == 403
        assert (
            client.post(reverse("activities:activity_edit", args=[activity.pk]), data).status_code
            == 403
        )
        assert Activity.objects.count() == 1
        activity.refresh_from_db()
        assert activity.title == "原标题"
        assert not activity.attendances.exists()
        assert not LeaderPresence.objects.exists()

    def test_convener_of_another_group_finds_nothing_and_writes_nothing(
        self, other_convener_user, group1, group2
    ):
        client = Client()
        client.force_login(other_convener_user)
        activity = ActivityFactory(group=group1, title="原标题")
        data = activity_data(group1, attendees=[MemberFactory()], title="改过的标题")
        url = reverse("activities:activity_edit", args=[activity.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        response = client.post(reverse("activities:activity_create"), data)
        assert response.status_code == 200  # group 1 is not among the choices
        assert "group" in response.context["form"].errors
        assert Activity.objects.count() == 1
        activity.refresh_from_db()
        assert activity.title == "原标题" and not activity.attendances.exists()

    def test_convener_record_awaits_approval(self, convener_client, group1):
        member = MemberFactory()
        data = activity_data(group1, attendees=[member], title="本组座谈会")
        response = convener_client.post(reverse("activities:activity_create"), data, follow=True)
        assert response.status_code == 200
        activity = Activity.objects.get()
        assert activity.review_status == Activity.Review.PENDING
        # Numbers are given when a record counts: on approval (issue 12).
        assert activity.number is None
        page = response.content.decode()
        assert "等待机关工作人员审核" in page and "activity-number" in page
        assert not Activity.objects.counted().exists()


# Groups -----------------------------------------------------------------------------------


class TestGroups:
    def test_list_shows_conveners_counts_and_this_years_activities(
        self, member_client, group1, convener_user
    ):
        MembershipFactory.create_batch(3, group=group1)
        ActivityFactory(group=group1, date=timezone.localdate())
        ActivityFactory(group=group1, date=datetime.date(2018, 5, 1))
        response = member_client.get(reverse("activities:group_list"))
        group = next(g for g in response.context["groups"] if g.pk == group1.pk)
        # convener + member_user + 3
        assert group.member_count == 5
        assert group.held_this_year == 1
        assert [m.member.name for m in group.convener_memberships] == ["召集人甲"]
        assert "召集人甲" in response.content.decode()

    def test_list_query_count_does_not_grow(self, staff_client):
        url = reverse("activities:group_list")
        groups = [RotationGroupFactory(number=n) for n in range(1, 13)]
        for g in groups[:2]:
            MembershipFactory(
                group=g, is_convener=True, member=MemberFactory(role=FederationRole.VICE_CHAIR)
            )
        with CaptureQueriesContext(connection) as small:
            staff_client.get(url)
        for g in groups:
            MembershipFactory.create_batch(3, group=g)
            MembershipFactory(
                group=g, is_convener=True, member=MemberFactory(role=FederationRole.VICE_PRESIDENT)
            )
            ActivityFactory(group=g)
        with CaptureQueriesContext(connection) as large:
            staff_client.get(url)
        assert len(small) == len(large)
        assert len(large) <= 5

    def test_detail_lists_members_history_and_masks_other_groups_mobiles(
        self, member_client, other_convener_user, group1, group2
    ):
        activity = ActivityFactory(group=group2, title="二组活动")
        mate = MemberFactory(mobile="13905937777")
        MembershipFactory(member=mate, group=group2)
        left = MemberFactory(name="已调出")
        MembershipFactory(member=left, group=group2, end_date=datetime.date(2018, 12, 31))
        html = member_client.get(
            reverse("activities:group_detail", args=[group2.number])
        ).content.decode()
        assert "召集人乙" in html
        assert "二组活动" in html
        assert f"第{activity.number}次" in html
        assert "已调出" in html
        assert "13905937777" not in html
        assert "139****7777" in html

    def test_detail_shows_mobiles_to_own_group(self, member_client, group1):
        mate = MemberFactory(mobile="13905938888")
        MembershipFactory(member=mate, group=group1)
        html = member_client.get(
            reverse("activities:group_detail", args=[group1.number])
        ).content.decode()
        assert "13905938888" in html

    def test_detail_query_count_does_not_grow(self, staff_client, group1):
        url = reverse("activities:group_detail", args=[group1.number])
        MembershipFactory(group=group1)
        ActivityFactory(group=group1)
        with CaptureQueriesContext(connection) as small:
            staff_client.get(url)
        MembershipFactory.create_batch(10, group=group1)
        for _ in range(5):
            AttendanceFactory(activity=ActivityFactory(group=group1))
        with CaptureQueriesContext(connection) as large:
            staff_client.get(url)
        assert len(small) == len(large)

    def test_unknown_group_is_404_in_chinese(self, staff_client):
        response = staff_client.get(reverse("activities:group_detail", args=[11]))
        assert response.status_code == 404
        assert "找不到页面" in response.content.decode()


class TestGroupMembersEdit:
    def url(self, group):
        return reverse("activities:group_members_edit", args=[group.number])

    def test_move_member_keeps_history(self, staff_client, staff_user, group1, group2):
        member = MemberFactory()
        MembershipFactory(member=member, group=group1)
        response = staff_client.post(
            self.url(group2),
            {"action": "add", "add-member": member.pk, "add-start_date": "2019-03-01"},
        )
        assert response.status_code == 302
        memberships = list(member.memberships.order_by("start_date"))
        assert [(m.group_id, m.end_date) for m in memberships] == [
            (group1.pk, datetime.date(2019, 3, 1)),
            (group2.pk, None),
        ]
        assert memberships[1].history.first().history_user == staff_user

    def test_add_member_already_in_group_is_refused(self, staff_client, group1):
        member = MemberFactory()
        MembershipFactory(member=member, group=group1)
        response = staff_client.post(
            self.url(group1),
            {"action": "add", "add-member": member.pk, "add-start_date": "2019-03-01"},
        )
        assert response.status_code == 200
        assert response.context["add_form"].errors["member"] == [f"{member.name} 已在本组。"]

    def test_remove_member(self, staff_client, group1):
        member = MemberFactory()
        MembershipFactory(member=member, group=group1)
        response = staff_client.post(self.url(group1), {"action": "remove", "member": member.pk})
        assert response.status_code == 302
        assert not member.memberships.current().exists()
        assert member.memberships.count() == 1

    def test_member_to_add_is_found_by_search_not_listed(self, staff_client, group1, group2):
        wanted = MemberFactory(name="郑寻找", company="寻找电机有限公司")
        MembershipFactory(member=wanted, group=group2)
        MemberFactory(name="王不相干", company="别的公司")
        in_group = MemberFactory(name="郑已在组")
        MembershipFactory(member=in_group, group=group1)

        page = staff_client.get(self.url(group1)).context["add_form"]["member"]
        assert [value for value, _label in page.field.widget.choices] == [""]

        response = staff_client.get(self.url(group1), {"q": "郑"})
        choices = dict(response.context["add_form"].fields["member"].widget.choices)
        assert set(choices) == {"", wanted.pk}
        assert "现属第2组" in choices[wanted.pk]
        assert "郑寻找" in response.content.decode()
        assert "王不相干" not in response.content.decode()

        by_company = staff_client.get(self.url(group1), {"q": "寻找电机"}).context["add_form"]
        assert wanted.pk in dict(by_company.fields["member"].widget.choices)

    def test_search_offers_at_most_thirty_and_says_so(self, staff_client, group1):
        for i in range(31):
            MemberFactory(name=f"陈{i:02d}")
        response = staff_client.get(self.url(group1), {"q": "陈"})
        assert len(response.context["add_form"].fields["member"].widget.choices) == 31
        assert "超过30位" in response.content.decode()

    def test_current_members_are_paged(self, staff_client, group1):
        for _ in range(55):
            MembershipFactory(member=MemberFactory(role=FederationRole.STANDING), group=group1)
        first = staff_client.get(self.url(group1))
        assert len(first.context["members_page"]) == 50
        assert "共55" in first.content.decode().replace(" ", "")
        second = staff_client.get(self.url(group1), {"page": 2})
        assert len(second.context["members_page"]) == 5
        # Convener choices are the members who may convene, not the whole group.
        assert list(first.context["conveners_form"].fields["conveners"].choices) == []

    def _vice(self, group, role=FederationRole.VICE_PRESIDENT):
        member = MemberFactory(role=role)
        MembershipFactory(member=member, group=group)
        return member

    def test_appoint_conveners(self, staff_client, convener_user, group1):
        a = self._vice(group1)
        b = self._vice(group1, FederationRole.VICE_CHAIR)
        response = staff_client.post(
            self.url(group1),
            {"action": "conveners", "conveners-conveners": [a.pk, b.pk]},
            follow=True,
        )
        assert response.status_code == 200
        current = GroupMembership.objects.current().filter(group=group1, is_convener=True)
        assert {m.member_id for m in current} == {a.pk, b.pk}
        assert not [m for m in response.context["messages"] if m.level_tag == "warning"]

    def test_one_convener_is_saved_with_a_warning(self, staff_client, group1):
        a = self._vice(group1)
        response = staff_client.post(
            self.url(group1), {"action": "conveners", "conveners-conveners": [a.pk]}, follow=True
        )
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        assert warnings == ["第1组 · 电机电器组 现有召集人1名；每组一般为2至3名。"]
        assert GroupMembership.objects.current().get(member=a).is_convener

    def test_four_conveners_warn_too(self, staff_client, group1):
        vices = [self._vice(group1) for _ in range(4)]
        response = staff_client.post(
            self.url(group1),
            {"action": "conveners", "conveners-conveners": [v.pk for v in vices]},
            follow=True,
        )
        assert any(m.level_tag == "warning" for m in response.context["messages"])

    def test_standing_member_cannot_convene(self, staff_client, group1):
        standing = MemberFactory(name="常委丁", role=FederationRole.STANDING)
        MembershipFactory(member=standing, group=group1)
        response = staff_client.post(
            self.url(group1), {"action": "conveners", "conveners-conveners": [standing.pk]}
        )
        assert response.status_code == 200
        assert response.context["conveners_form"].errors["conveners"] == [
            "只有兼职副主席和副会长可以担任召集人；常委丁 是常执委。"
        ]
        assert not GroupMembership.objects.get(member=standing).is_convener

    def test_convener_from_another_group_is_refused(self, staff_client, group1, group2):
        outsider = MemberFactory(name="外组副会长", role=FederationRole.VICE_PRESIDENT)
        MembershipFactory(member=outsider, group=group2)
        response = staff_client.post(
            self.url(group1), {"action": "conveners", "conveners-conveners": [outsider.pk]}
        )
        assert response.status_code == 200
        assert response.context["conveners_form"].errors["conveners"] == [
            "外组副会长 不是本组成员；请先将其调入本组，再任命为召集人。"
        ]
        assert "外组副会长 不是本组成员" in response.content.decode()
        assert not GroupMembership.objects.filter(is_convener=True, member=outsider).exists()

    @pytest.mark.parametrize("who", ["leader_client", "convener_client", "member_client"])
    def test_non_staff_get_403_and_nothing_is_written(self, request, who, group1, group2):
        client = request.getfixturevalue(who)
        member = MemberFactory(role=FederationRole.VICE_PRESIDENT)
        MembershipFactory(member=member, group=group1)
        url = self.url(group1)
        before = list(
            GroupMembership.objects.values_list("pk", "group_id", "is_convener", "end_date")
        )
        assert client.get(url).status_code == 403
        for data in (
            {"action": "conveners", "conveners-conveners": [member.pk]},
            {"action": "remove", "member": member.pk},
            {"action": "add", "add-member": member.pk, "add-start_date": "2019-03-01"},
        ):
            assert client.post(self.url(group2), data).status_code == 403
            assert client.post(url, data).status_code == 403
        after = list(
            GroupMembership.objects.values_list("pk", "group_id", "is_convener", "end_date")
        )
        assert before == after


def test_home_shows_this_years_counts_and_staff_shortcuts(staff_client, member_client, group1):
    # Today in the site's time zone (Asia/Shanghai): the machine's date is a day behind from
    # 16:00 UTC, and on 31 December that is last year.
    activity = ActivityFactory(group=group1, date=timezone.localdate(), other_participants=2)
    AttendanceFactory(activity=activity)
    staff_html = staff_client.get(reverse("activities:home")).content.decode()
    assert reverse("activities:activity_create") in staff_html
    assert activity.title in staff_html
    response = member_client.get(reverse("activities:home"))
    assert response.context["held_this_year"] == 1
    assert response.context["person_times_this_year"] == 3
    assert reverse("activities:activity_create") not in response.content.decode()


def test_error_pages_render(client, staff_client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "系统出现错误" in html
    assert "!!INVALID" not in html
    assert "找不到页面" in staff_client.get("/no-such-page/").content.decode()
    member = UserFactory(username="plain", role="leadership")
    plain = Client()
    plain.force_login(member)
    response = plain.get(reverse("members:member_create"))
    assert response.status_code == 403
    assert "您无权查看此页面" in response.content.decode()  # a page they may not open
    response = plain.post(reverse("members:member_create"), {"name": "越权新增"})
    assert response.status_code == 403
    assert "您无权进行此操作" in response.content.decode()  # a change they may not make
    assert Member.objects.count() == 0


def test_record_from_a_group_page_preselects_the_group(staff_client, group1, group2):
    member = MemberFactory(name="二组成员")
    MembershipFactory(member=member, group=group2)
    response = staff_client.get(reverse("activities:activity_create"), {"group": group2.number})
    assert response.context["form"]["group"].value() == group2.pk
    assert response.context["attendance"].host == group2
    page = staff_client.get(reverse("activities:group_detail", args=[group2.number]))
    assert f"{reverse('activities:activity_create')}?group=2" in page.content.decode()
    assert (
        staff_client.get(reverse("activities:activity_create"), {"group": "x"}).status_code == 200
    )


class TestMoveDates:
    def url(self, group):
        return reverse("activities:group_members_edit", args=[group.number])

    def test_move_cannot_predate_the_current_group(self, staff_client, group1, group2):
        member = MemberFactory(name="周测试")
        MembershipFactory(member=member, group=group1, start_date=datetime.date(2019, 1, 1))
        response = staff_client.post(
            self.url(group2),
            {"action": "add", "add-member": member.pk, "add-start_date": "2018-06-01"},
        )
        assert response.status_code == 200
        assert response.context["add_form"].errors["start_date"] == [
            "周测试 于2019-01-01加入第1组，调动日期不能早于此日。"
        ]
        assert member.memberships.get().group == group1

    def test_move_cannot_be_in_the_future(self, staff_client, group2):
        member = MemberFactory()
        later = timezone.localdate() + datetime.timedelta(days=1)
        response = staff_client.post(
            self.url(group2),
            {"action": "add", "add-member": member.pk, "add-start_date": later.isoformat()},
        )
        assert response.context["add_form"].errors["start_date"] == [
            "调动在发生时登记，不能提前登记。"
        ]
        assert not member.memberships.exists()
