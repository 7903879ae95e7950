"""Issue 12, item 6: query strings that never give a 500, request bodies refused before they
are read, no-store on personal data, a clean calendar feed, and lockout per address."""

import datetime
import threading
from unittest import mock
from wsgiref.util import is_hop_by_hop

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from activities.models import Activity, GroupMembership
from activities.schedule.services import calendar_feed_create
from activities.services import membership_assign
from fuan_rotation.params import positive_int
from members.models import Role
from tests.factories import ActivityFactory, MemberFactory, RotationGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNK = ["abc", "-1", "0", "99999999999999999999999", "١٢", "1e3", "%00", "\x00", "' OR 1=1", ""]
YEAR = timezone.localdate().year


def test_positive_int():
    assert positive_int("12") == 12
    for bad in [*JUNK, None, 12, "2147483648"]:
        assert positive_int(bad) is None, bad


# Query strings -----------------------------------------------------------------------------

GET_PAGES = [
    ("schedule:plan_create", (), ["group"]),
    ("activities:activity_create", (), ["group"]),
    ("activities:activity_list", (), ["year", "group", "theme", "status", "page"]),
    ("members:member_list", (), ["q", "role", "group", "industry", "office", "order", "page"]),
    ("reports:report_period", (), ["from", "to"]),
    ("reports:report_period_export", (), ["from", "to"]),
    ("audit:access_log_list", (), ["user", "kind", "start", "end", "page"]),
    ("schedule:obligation", (YEAR,), ["group"]),
    ("schedule:my_group", (), ["group"]),
]


@pytest.mark.parametrize("name,args,params", GET_PAGES)
def test_no_query_string_value_gives_a_500(name, args, params, staff_user, convener_user):
    url = reverse(name, args=args)
    for user in (staff_user, convener_user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for value in JUNK:
            response = client.get(url, dict.fromkeys(params, value))
            assert response.status_code < 500, (user, url, params, value)


HUGE = "9" * 25
PATHS = [
    f"/members/{HUGE}/",
    f"/groups/{HUGE}/",
    f"/groups/{HUGE}/members/",
    f"/activities/{HUGE}/",
    f"/activities/{HUGE}/edit/",
    f"/schedule/{HUGE}/",
    f"/schedule/{HUGE}.xlsx",
    f"/schedule/{YEAR}/13/edit/",
    f"/schedule/{YEAR}/0/edit/",
    f"/schedule/{HUGE}/1/edit/",
    f"/obligation/{HUGE}/",
    f"/reports/{HUGE}/",
    f"/reports/{HUGE}/export.xlsx",
    f"/my-group/plan/{HUGE}/",
    "/calendar/%00.ics",
]


@pytest.mark.parametrize("path", PATHS)
def test_absurd_numbers_in_paths_are_not_a_500(path, staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    assert client.get(path).status_code < 500


def test_plan_for_a_group_named_abc_is_not_found(convener_client):
    # The report: /my-group/plan/?group=abc answered 500.
    response = convener_client.get(reverse("schedule:plan_create"), {"group": "abc"})
    assert response.status_code == 404


def test_removing_a_member_named_by_junk_is_not_found(staff_client, group1):
    url = reverse("activities:group_members_edit", args=[group1.number])
    for value in ["abc", "١٢", "9" * 30]:
        response = staff_client.post(url, {"action": "remove", "member": value})
        assert response.status_code == 404


def test_approval_does_not_redirect_to_another_site(staff_client, group1):
    activity = ActivityFactory(group=group1, review_status=Activity.Review.PENDING)
    response = staff_client.post(
        reverse("schedule:activity_approve", args=[activity.pk]),
        {"next": "https://evil.example.org/", "version": activity.version},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("schedule:review_list")


# Request bodies ----------------------------------------------------------------------------


@pytest.fixture
def no_body_reading():
    """Fails the test if anything parses a request body."""
    with mock.patch(
        "django.http.request.HttpRequest._load_post_and_files",
        side_effect=AssertionError("the body was read"),
    ) as patched:
        yield patched


def _post_declaring(client, url, size):
    return client.post(
        url, data=b"x" * 10, content_type="application/octet-stream", CONTENT_LENGTH=str(size)
    )


def test_anonymous_upload_of_200_mb_is_refused_unread(client, no_body_reading):
    response = _post_declaring(client, reverse("roster:roster_import"), 200 * 1024 * 1024)
    assert response.status_code == 413
    assert "太大" in response.content.decode()
    assert not no_body_reading.called
    # WSGI servers refuse hop-by-hop headers (Connection: close) from the application.
    assert not [name for name in response.headers if is_hop_by_hop(name)]


def test_anonymous_limit_is_small(client, no_body_reading):
    assert _post_declaring(client, reverse("login"), 100 * 1024).status_code == 413


def test_a_login_may_send_a_roster_workbook_but_not_more(staff_client, no_body_reading):
    url = reverse("roster:roster_import")
    assert _post_declaring(staff_client, url, 7 * 1024 * 1024).status_code == 413
    with pytest.raises(AssertionError, match="the body was read"):
        # 5 MiB and its form pass the limit, and only then is the body read.
        _post_declaring(staff_client, url, 5 * 1024 * 1024 + 4096)


def test_login_form_still_works(client):
    UserFactory(username="clerk", role=Role.STAFF)
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200


# Cache-Control -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/members/",
        "/members/export.xlsx",
        f"/reports/{YEAR}/export.xlsx",
        f"/schedule/{YEAR}.xlsx",
        "/access-log/",
    ],
)
def test_personal_data_is_never_cached(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_member_page_for_a_member_is_not_cached(member_client, member_user):
    response = member_client.get(reverse("members:member_detail", args=[member_user.member_id]))
    assert "no-store" in response["Cache-Control"]


# Calendar feed -----------------------------------------------------------------------------

CONTROL = "\x0b\x1b\x7f\u2028\u2029\u0085\u202e"  # NUL cannot be stored in PostgreSQL


def test_feed_strips_control_characters(client, group1, staff_user):
    ActivityFactory(
        group=group1,
        date=datetime.date(YEAR, 6, 1),
        start_time=datetime.time(9, 0),
        title=f"座谈{CONTROL}会",
        place=f"会议室{CONTROL}三楼",
        summary=f"第一行\n第二行{CONTROL}",
    )
    feed = calendar_feed_create(by=staff_user)
    body = client.get(reverse("schedule:calendar_feed", args=[feed.token])).content
    text = body.decode()
    for ch in CONTROL:
        assert ch not in text, repr(ch)
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).endswith("座谈会")
    assert str(event["LOCATION"]) == "会议室三楼"
    assert "第一行\n第二行" in str(event["DESCRIPTION"])


def test_feed_timezone_carries_only_the_rule_in_force(client, group1, staff_user):
    ActivityFactory(group=group1, date=datetime.date(YEAR, 6, 1), start_time=datetime.time(14, 30))
    feed = calendar_feed_create(by=staff_user)
    body = client.get(reverse("schedule:calendar_feed", args=[feed.token])).content
    cal = Calendar.from_ical(body)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    assert "RDATE" not in body.decode() and "DAYLIGHT" not in body.decode()
    (standard,) = zone.walk("STANDARD")
    assert standard.decoded("TZOFFSETTO") == datetime.timedelta(hours=8)
    event = cal.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(hours=8)
    assert start.astimezone(datetime.UTC).hour == 6


# Logins ------------------------------------------------------------------------------------

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"


def _login(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sixty_failures_over_fifteen_usernames_from_one_address_are_blocked(settings):
    UserFactory(username="clerk", role=Role.STAFF)
    attacker = Client()
    statuses = []
    for attempt in range(60):
        username = f"user{attempt % 15:02d}"
        statuses.append(_login(attacker, username, "guess", "10.9.9.9").status_code)
    # No (username, address) pair reached 5 failures; the address did reach its limit.
    assert statuses[: settings.AXES_ADDRESS_FAILURE_LIMIT - 1] == [200] * 29
    assert statuses[-1] == 429
    assert statuses.count(429) >= 60 - settings.AXES_ADDRESS_FAILURE_LIMIT
    locked = _login(Client(), "clerk", PASSWORD, "10.9.9.9")
    assert locked.status_code == 429
    assert "此电脑" in locked.content.decode()
    # Another address is not affected.
    assert _login(Client(), "clerk", PASSWORD, "10.0.0.5").status_code == 302


def test_a_colleagues_typos_do_not_lock_the_office_address():
    UserFactory(username="clerk", role=Role.STAFF)
    for name in ("wang", "li", "chen"):
        for _ in range(4):
            _login(Client(), name, "typo", "10.0.0.5")
    assert _login(Client(), "clerk", PASSWORD, "10.0.0.5").status_code == 302


def test_a_valid_login_does_not_clear_the_addresses_other_failures():
    UserFactory(username="clerk", role=Role.STAFF)
    UserFactory(username="insider", role=Role.STAFF)
    assert _login(Client(), "clerk", "x", "10.9.9.9").status_code == 200
    for _ in range(4):
        _login(Client(), "clerk", "x", "10.9.9.9")
    assert _login(Client(), "clerk", PASSWORD, "10.9.9.9").status_code == 429
    # The insider's success from the same address does not unlock the clerk.
    assert _login(Client(), "insider", PASSWORD, "10.9.9.9").status_code == 302
    assert _login(Client(), "clerk", PASSWORD, "10.9.9.9").status_code == 429


# Concurrent writes -------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_adding_one_member_to_two_groups_at_once_get_a_clear_message():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    staff = [UserFactory(username=f"staff{i}", role=Role.STAFF, is_staff=True) for i in (1, 2)]
    groups = [RotationGroupFactory(number=n, name=f"第{n}测试组") for n in (1, 2)]
    member = MemberFactory(name="新成员")
    barrier = threading.Barrier(2)
    real_assign = membership_assign
    results = []

    def assign_after_both_validated(**kwargs):
        # Both forms were validated (the member had no group) before either writes.
        barrier.wait(timeout=10)
        return real_assign(**kwargs)

    def add(user, group):
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            response = client.post(
                reverse("activities:group_members_edit", args=[group.number]),
                {
                    "action": "add",
                    "add-member": member.pk,
                    "add-start_date": timezone.localdate().isoformat(),
                },
            )
            results.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    with mock.patch("activities.views.membership_assign", assign_after_both_validated):
        threads = [
            threading.Thread(target=add, args=pair) for pair in zip(staff, groups, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    statuses = sorted(status for status, _page in results)
    assert statuses == [302, 409], statuses
    refused = next(page for status, page in results if status == 409)
    assert "刚被他人调整" in refused
    assert GroupMembership.objects.filter(member=member, end_date__isnull=True).count() == 1
