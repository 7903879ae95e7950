"""Every URL × every role × GET and POST, against one table of expected outcomes.

Roles: anonymous, staff, leadership, the convener of the object's group, a convener of another
group, a plain member, and a deactivated login. A refused POST changes nothing in the
database. A second test walks the URL resolver and fails when a URL is missing here.
"""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities.attachments.services import attachment_add, attachment_archive
from activities.checkin.services import checkin_open
from activities.models import Activity, ChatWebhook, CheckIn, ScheduleEntry
from activities.schedule.services import calendar_feed_create, schedule_set_month
from members.models import PersonalDataAccess, Role
from tests.activities.attachments import samples as attachment_samples
from tests.activities.helpers import activity_data
from tests.factories import (
    ActivityFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    UserFactory,
)

ROLES = ["anonymous", "staff", "leader", "convener", "other_convener", "member", "inactive"]
YEAR = timezone.localdate().year

# Expected GET status for the logged-in roles (anonymous and inactive go to the login page).
ALL = dict.fromkeys(["staff", "leader", "convener", "other_convener", "member"], 200)
STAFF = {"staff": 200, "leader": 403, "convener": 403, "other_convener": 403, "member": 403}
READERS = {"staff": 200, "leader": 200, "convener": 200, "other_convener": 200, "member": 403}
EDITORS = {"staff": 200, "leader": 403, "convener": 200, "other_convener": 200, "member": 403}
OWN_GROUP = {"staff": 200, "leader": 403, "convener": 200, "other_convener": 404, "member": 403}
# POST-only actions on one activity's record: its editors (staff, the group's conveners).
OWN_GROUP_POST_ONLY = {
    "staff": 405,
    "leader": 403,
    "convener": 405,
    "other_convener": 404,
    "member": 403,
}
STAFF_POST_ONLY = {
    "staff": 405,
    "leader": 403,
    "convener": 403,
    "other_convener": 403,
    "member": 403,
}

# name: (URL arguments from the world, expected GET by role, POST data or None)
MATRIX = {
    "activities:home": ((), ALL, None),
    "activities:group_list": ((), ALL, None),
    "activities:group_detail": (("group_number",), ALL, None),
    "activities:group_members_edit": (("group_number",), STAFF, {"action": "add"}),
    "activities:activity_list": ((), ALL, None),
    "activities:activity_export": ((), ALL, None),
    "activities:activity_detail": (("activity",), ALL, None),
    "activities:activity_create": ((), EDITORS, "activity"),
    "activities:activity_edit": (("activity",), OWN_GROUP, "activity"),
    # Printouts: whoever may see the activity (names and companies, no contact details).
    "activities:activity_sign_in_sheet": (("activity",), ALL, None),
    "activities:activity_sign_in_sheet_xlsx": (("activity",), ALL, None),
    "activities:activity_print": (("activity",), ALL, None),
    # Names, companies and groups for the attendance checklist: those who record activities.
    "activities:attendee_search": ((), EDITORS, None),
    "members:member_list": ((), ALL, None),
    "members:member_detail": (("member",), ALL, None),
    "members:member_create": ((), STAFF, {"name": "新成员", "role": "standing"}),
    "members:member_edit": (("member",), STAFF, {"name": "改名", "role": "standing"}),
    "members:member_archive": (("member",), STAFF_POST_ONLY, {}),
    "members:member_restore": (("member",), STAFF_POST_ONLY, {}),
    "roster:roster_import": ((), STAFF, {}),
    "roster:roster_import_preview": ((), {**STAFF, "staff": 302}, {"confirm": "1"}),
    "roster:roster_export": ((), STAFF, None),
    "roster:roster_template": ((), STAFF, None),
    "audit:access_log_list": ((), STAFF, None),
    "schedule:schedule_index": ((), dict.fromkeys(ALL, 302), None),
    "schedule:schedule_year": (("year",), ALL, None),
    "schedule:schedule_xlsx": (("year",), ALL, None),
    "schedule:schedule_generate": (("next_year",), STAFF_POST_ONLY, {}),
    "schedule:schedule_swap": (("year",), STAFF_POST_ONLY, {"month_a": 1, "month_b": 2}),
    "schedule:schedule_month_edit": (("year", "month"), STAFF, {"no_activity": "on"}),
    "schedule:schedule_change_undo": (
        ("year", "month", "schedule_change"),
        STAFF_POST_ONLY,
        {},
    ),
    "schedule:feed_list": ((), STAFF, {"label": "新地址"}),
    "schedule:feed_revoke": (("feed",), STAFF_POST_ONLY, {}),
    "schedule:webhook_list": (
        (),
        STAFF,
        {
            "platform": "wecom",
            "name": "新群",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new-key-1234",
            "is_active": "on",
        },
    ),
    "schedule:webhook_edit": (("webhook",), STAFF, {"platform": "wecom", "name": "改名"}),
    # Staff's test post goes nowhere: the robot's address is not allowed by the settings.
    "schedule:webhook_test": (("webhook",), STAFF_POST_ONLY, {}),
    "schedule:my_group": ((), ALL, None),
    "schedule:plan_create": ((), EDITORS, "plan"),
    "schedule:plan_edit": (("plan",), OWN_GROUP, "plan"),
    "schedule:obligation": (("year",), READERS, None),
    "schedule:review_list": ((), STAFF, None),
    "schedule:activity_approve": (("pending",), STAFF_POST_ONLY, {}),
    "schedule:activity_return": (("pending",), STAFF_POST_ONLY, {"comment": "请补充"}),
    "reports:report_period": ((), READERS, None),
    "reports:report_year": (("report_year",), READERS, None),
    "reports:report_year_export": (("report_year",), READERS, None),
    "reports:report_period_export": ((), READERS, None),
    "reports:report_year_summary": (("report_year",), READERS, None),
    "reports:report_period_summary": ((), READERS, None),
    # The lists behind the report's outcome and publicity figures: the report's readers,
    # a convener limited to their groups (tests/reports/test_figure_lists.py).
    "reports:outcome_list": ((), READERS, None),
    "reports:outcome_export": ((), READERS, None),
    "reports:publicity_list": ((), READERS, None),
    "reports:publicity_export": ((), READERS, None),
    "password_change": ((), ALL, {"old_password": "x", "new_password1": "y", "new_password2": "y"}),
    "password_change_done": ((), ALL, None),
    "accounts:user_list": ((), STAFF, None),
    "accounts:user_create": (("member",), STAFF, {"username": "newlogin", "role": "member"}),
    "accounts:user_password_reset": (("login",), STAFF, {}),
    "accounts:user_deactivate": (("login",), STAFF_POST_ONLY, {}),
    "accounts:user_reactivate": (("login",), STAFF_POST_ONLY, {}),
    "logout": ((), dict.fromkeys(ALL, 405), {}),
    "checkin:checkin_manage": (("activity",), OWN_GROUP, {"action": "open"}),
    "checkin:checkin_apply": (("activity",), STAFF_POST_ONLY, {}),
    # Attachments: everyone who may see the activity opens its files; its editors upload and
    # archive; the staff restore (tests/activities/attachments/ for archived records).
    "attachments:attachment_upload": (("activity",), OWN_GROUP_POST_ONLY, "attachment_upload"),
    "attachments:attachment_file": (("attachment",), ALL, None),
    "attachments:attachment_thumbnail": (("attachment",), ALL, None),
    "attachments:attachment_archive": (("attachment",), OWN_GROUP_POST_ONLY, {}),
    "attachments:attachment_restore": (("archived_attachment",), STAFF_POST_ONLY, {}),
}
# Pages that answer without a login, each for its own reason.
PUBLIC = {
    "login": "the login page",
    "set_language": "the language switch on the login page",
    "schedule:calendar_feed": "phone calendars cannot log in: the secret token is the key",
    "checkin:checkin_public": "phones at the event check in without a login: the token is the key",
}


@pytest.fixture
def world(group1, group2, staff_user, leader_user, convener_user, other_convener_user, member_user):
    member = MemberFactory(name="林测试")
    MembershipFactory(member=member, group=group1)
    today = timezone.localdate()
    # Held last week: in February that is group 2's month below, so each says why (a reason
    # is dropped in group 1's own month); the matrix tests permissions, not the duty month.
    activity = ActivityFactory(group=group1, title="法治教育讲座", off_duty_reason="swap")
    plan = ActivityFactory(
        group=group1,
        status=Activity.Status.PLANNED,
        date=today + datetime.timedelta(days=5),
        title="计划中的活动",
    )
    pending = ActivityFactory(
        group=group1, review_status=Activity.Review.PENDING, title="待审", off_duty_reason="swap"
    )
    schedule_set_month(year=YEAR, month=1, group=group1, by=None, note="据年度安排补录")
    schedule_set_month(year=YEAR, month=2, group=group2, by=None, note="据年度安排补录")
    feed = calendar_feed_create(by=staff_user)
    webhook = ChatWebhook.objects.create(
        platform="wecom", name="执委群", url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k"
    )
    # Opened on the activity's day (a day that has passed takes no new check-in), and
    # reopened by the staff for a late list: open now.
    checkin_open(
        activity=activity,
        by=staff_user,
        now=datetime.datetime.combine(
            activity.date, datetime.time(9), timezone.get_default_timezone()
        ),
    )
    checkin = checkin_open(activity=activity, by=staff_user)
    OutcomeFactory(activity=activity, year=activity.date.year, title="关于电机产业的建议")
    PublicityFactory(activity=activity, title="电机电器组开展法治教育")
    inactive = UserFactory(username="gone", role=Role.STAFF, is_active=False)
    attachment = attachment_add(
        activity=activity,
        upload=attachment_samples.upload("a.png", attachment_samples.png()),
        by=None,
    ).attachment
    archived_attachment = attachment_add(
        activity=activity,
        upload=attachment_samples.upload("b.png", attachment_samples.png((30, 20))),
        by=None,
    ).attachment
    attachment_archive(attachment=archived_attachment, by=staff_user)
    users = {
        "staff": staff_user,
        "leader": leader_user,
        "convener": convener_user,
        "other_convener": other_convener_user,
        "member": member_user,
        "inactive": inactive,
    }
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return {
        "clients": clients,
        "group1": group1,
        "group_number": group1.number,
        "activity": activity.pk,
        "plan": plan.pk,
        "pending": pending.pk,
        "member": member.pk,
        "feed": feed.pk,
        "webhook": webhook.pk,
        "login": UserFactory(username="colleague", role=Role.LEADERSHIP).pk,
        "token": feed.token,
        "checkin_token": checkin.token,
        "year": YEAR,
        "next_year": YEAR + 1,
        "month": 1,
        "schedule_change": ScheduleEntry.history.filter(year=YEAR, month=1).first().history_id,
        "report_year": 2018,
        "attachment": attachment.pk,
        "archived_attachment": archived_attachment.pk,
    }


def _url(name, args, world):
    return reverse(name, args=[world[a] for a in args])


def _post_data(kind, world):
    if kind == "activity":
        return activity_data(world["group1"], title="越权修改", off_duty_reason="swap")
    if kind == "attachment_upload":
        return {"files": [attachment_samples.upload("c.png", attachment_samples.png((40, 20)))]}
    if kind == "plan":
        return {
            "date": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
            "theme": "visit",
            "title": "越权计划",
        }
    return kind or {}


def _fingerprint():
    """Row counts of every model (historical ones included: any write leaves a record)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "activities", "auth", "sessions"}
        and model._meta.model_name != "session"
    }


def _expected(role, table):
    if role in ("anonymous", "inactive"):
        return 302
    return table[role]


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_get(world, name, role):
    args, table, _data = MATRIX[name]
    response = world["clients"][role].get(_url(name, args, world))
    expected = _expected(role, table)
    assert response.status_code == expected
    if role in ("anonymous", "inactive"):
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_post(world, name, role):
    args, table, data = MATRIX[name]
    before = _fingerprint()
    response = world["clients"][role].post(_url(name, args, world), _post_data(data, world))
    expected = _expected(role, table)
    if role in ("anonymous", "inactive") or expected in (403, 404):
        # Refused: the same answer as GET, and nothing written.
        assert response.status_code == expected
        assert _fingerprint() == before
    elif data is None:
        # A page that only reads.
        assert response.status_code == 405
        assert _fingerprint() == before
    else:
        assert response.status_code not in (403, 404, 405, 500)


# The list exports: what the filtered list shows, never cached, each in the access log with
# its filters and row count.
EXPORTS = {
    "activities:activity_export": ("group", "activity_export"),
    "roster:roster_export": ("group", "roster_export"),
    "reports:outcome_export": ("group", "outcome_export"),
    "reports:publicity_export": ("group", "publicity_export"),
}
# Exports limited to the groups the login reads: another group's convener gets none of group 1's
# rows, whatever the query asks.
SCOPED_EXPORTS = {"reports:outcome_export", "reports:publicity_export"}
EXPORT_CASES = [(name, role) for name in EXPORTS for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), EXPORT_CASES, ids=[f"{n}-{r}" for n, r in EXPORT_CASES])
def test_list_exports_are_private_and_logged(world, name, role):
    _args, table, _data = MATRIX[name]
    param, kind = EXPORTS[name]
    response = world["clients"][role].get(reverse(name), {param: world["group1"].pk})
    expected = _expected(role, table)
    assert response.status_code == expected
    logged = PersonalDataAccess.objects.filter(kind=kind)
    if expected != 200:
        assert not logged.exists()
        return
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment")
    entry = logged.get()
    assert f"{param}={world['group1'].pk}" in entry.what
    if name in SCOPED_EXPORTS and role == "other_convener":
        assert entry.rows == 0
    else:
        assert entry.rows > 0


@pytest.mark.django_db
def test_public_pages(world):
    anonymous = world["clients"]["anonymous"]
    assert anonymous.get(reverse("login")).status_code == 200
    assert anonymous.post(reverse("set_language"), {"language": "en"}).status_code in (302, 204)
    feed = reverse("schedule:calendar_feed", args=[world["token"]])
    assert anonymous.get(feed).status_code == 200
    assert anonymous.get(reverse("schedule:calendar_feed", args=["wrong"])).status_code == 404
    assert anonymous.post(feed).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_checkin_public_page_answers_every_role_alike(world, role):
    """/c/<token>/ needs no login: every role, anonymous included, gets the same page."""
    cache.clear()  # the per-address rate limit counts every POST from the test client
    client = world["clients"][role]
    url = reverse("checkin:checkin_public", args=[world["checkin_token"]])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "guest", "name": f"来宾{role}", "company": "测试单位"})
    assert response.status_code == 200
    assert CheckIn.objects.filter(name=f"来宾{role}").count() == 1
    unknown = reverse("checkin:checkin_public", args=["x" * 22])
    assert client.get(unknown).status_code == 404
    assert client.post(unknown, {"kind": "guest"}).status_code == 404


@pytest.mark.django_db
def test_admin_is_for_staff_logins_only(world):
    assert world["clients"]["staff"].get("/admin/").status_code == 200
    for role in ("anonymous", "leader", "convener", "member", "inactive"):
        response = world["clients"][role].get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _named_urls(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_named_urls(get_resolver().url_patterns))
    assert names == set(MATRIX) | set(PUBLIC)
