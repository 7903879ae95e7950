"""Records that cannot be bent (issue 12): review before a convener's change counts, numbers
on approval, the version check on every path, and a form that is submitted once."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityCounter
from activities.roster.planner import plan_file, roster_apply
from activities.schedule.months import MonthStatus, year_schedule
from activities.schedule.services import schedule_set_month
from activities.services import activity_approve, activity_archive
from members.models import FederationRole, Member, Role
from tests.activities.helpers import activity_data
from tests.factories import ActivityFactory, MemberFactory, MembershipFactory, UserFactory
from tests.members.roster_workbooks import person, workbook_bytes

STALE = "在您编辑期间已有他人保存了这条记录"
NO_VERSION = "没有注明打开时的版本"
TODAY = timezone.localdate()


def _edit(client, activity, **fields):
    """Post the edit form of `activity` with `fields` changed; its date stays unless given (the
    form's default date is three days ago, which may be another month or year)."""
    fields.setdefault("version", Activity.objects.get(pk=activity.pk).version)
    fields.setdefault("date", Activity.objects.get(pk=activity.pk).date.isoformat())
    return client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_data(activity.group, **fields),
    )


# --- A convener's change to an approved record goes back to review ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"status": "cancelled", "cancel_reason": "改期"},
        {"status": "planned", "date": (TODAY + timezone.timedelta(days=5)).isoformat()},
        {"title": "改过的标题", "other_participants": "40"},
    ],
    ids=["cancelled", "planned", "details"],
)
def test_convener_change_to_an_approved_record_waits_for_review(
    convener_client, staff_user, group1, change
):
    activity = ActivityFactory(group=group1, title="法治教育讲座")
    number = activity.number
    assert list(Activity.objects.counted()) == [activity]

    assert _edit(convener_client, activity, **change).status_code == 302
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING
    assert not Activity.objects.counted().exists()  # it counts again only when approved
    assert activity.number == number  # kept, never reused, but not shown while pending
    page = convener_client.get(reverse("activities:activity_detail", args=[activity.pk]))
    assert f"第{number}次" not in page.content.decode()
    assert activity in Activity.objects.filter(review_status=Activity.Review.PENDING)

    activity_approve(activity=activity, by=staff_user)
    activity.refresh_from_db()
    assert activity.number == number and activity.review_status == Activity.Review.APPROVED


@pytest.mark.django_db
def test_staff_change_to_an_approved_record_counts_at_once(staff_client, group1):
    activity = ActivityFactory(group=group1)
    assert _edit(staff_client, activity, title="机关修改").status_code == 302
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED
    assert list(Activity.objects.counted()) == [activity]


@pytest.mark.django_db
def test_archived_plans_and_records_are_read_only_for_conveners(
    convener_client, staff_client, staff_user, group1
):
    plan = ActivityFactory(
        group=group1,
        status=Activity.Status.PLANNED,
        date=TODAY + timezone.timedelta(days=9),
    )
    record = ActivityFactory(group=group1)
    for activity in (plan, record):
        activity_archive(activity=activity, by=staff_user)
    plan_url = reverse("schedule:plan_edit", args=[plan.pk])
    assert convener_client.get(plan_url).status_code == 404
    posted = {"date": plan.date.isoformat(), "theme": "visit", "title": "改", "version": 99}
    assert convener_client.post(plan_url, posted).status_code == 404
    assert _edit(convener_client, record, title="改").status_code == 404
    assert Activity.objects.get(pk=plan.pk).title == plan.title
    assert Activity.objects.get(pk=record.pk).title == record.title
    assert staff_client.get(plan_url).status_code == 200


# --- Numbers when a record counts; pending records are never shown as held -------------------


@pytest.mark.django_db
def test_a_conveners_record_is_numbered_on_approval(convener_client, staff_client, group1):
    ActivityFactory(group=group1)  # 第1次
    response = convener_client.post(
        reverse("activities:activity_create"), activity_data(group1, title="本组座谈会")
    )
    assert response.status_code == 302
    pending = Activity.objects.get(title="本组座谈会")
    assert pending.number is None and pending.review_status == Activity.Review.PENDING
    staff_record = staff_client.post(
        reverse("activities:activity_create"), activity_data(group1, title="机关登记")
    )
    assert staff_record.status_code == 302
    assert Activity.objects.get(title="机关登记").number == 2  # staff's counts at once
    staff_client.post(
        reverse("schedule:activity_approve", args=[pending.pk]), {"version": pending.version}
    )
    pending.refresh_from_db()
    assert pending.number == 3  # given when it counts, after the staff's own record


@pytest.mark.django_db
def test_no_page_counts_a_pending_record_as_held(convener_user, staff_client, group1):
    schedule_set_month(year=TODAY.year, month=TODAY.month, group=group1, by=None)
    day = TODAY.replace(day=1)
    activity = ActivityFactory(
        group=group1, date=day, review_status=Activity.Review.PENDING, title="待审的活动"
    )
    row = year_schedule(TODAY.year)[TODAY.month - 1]
    assert row.status == MonthStatus.PENDING and row.held == [] and row.pending == [activity]
    home = staff_client.get("/")
    assert home.context["held_this_year"] == 0
    content = home.content.decode()
    panel = content[content.index("data-on-duty") :]
    assert "待审核" in panel and "已举办" not in panel.split("data-pending")[0].split("badge")[1]
    report = staff_client.get(reverse("reports:report_year", args=[TODAY.year]))
    assert report.context["report"].activity_count == 0


# --- The version check on every path, and every write raises the version ---------------------


@pytest.mark.django_db
def test_an_edit_without_a_version_is_refused(staff_client, group1):
    activity = ActivityFactory(group=group1, title="原标题")
    data = activity_data(group1, title="无版本的修改")
    response = staff_client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 200 and NO_VERSION in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).title == "原标题"

    member = MemberFactory(name="林测试", mobile="13959301111")
    form = staff_client.get(reverse("members:member_edit", args=[member.pk])).context["form"]
    data = {f.name: ("" if f.value() is None else f.value()) for f in form if f.name != "offices"}
    data["company"] = "无版本公司"
    del data["version"]
    response = staff_client.post(reverse("members:member_edit", args=[member.pk]), data)
    assert NO_VERSION in response.content.decode()
    assert Member.objects.get(pk=member.pk).company != "无版本公司"


@pytest.mark.django_db
def test_the_plan_page_checks_and_raises_the_version(convener_client, staff_client, group1):
    plan = ActivityFactory(
        group=group1, status=Activity.Status.PLANNED, date=TODAY + timezone.timedelta(days=9)
    )
    record_form_version = plan.version  # a staff member opens the record form
    url = reverse("schedule:plan_edit", args=[plan.pk])
    opened = convener_client.get(url).context["form"]["version"].value()
    data = {"date": plan.date.isoformat(), "theme": "visit", "title": "新计划"}
    assert convener_client.post(url, {**data, "version": opened}).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "新计划" and plan.version == opened + 1
    # The older plan form and the older record form are both refused now.
    again = convener_client.post(url, {**data, "title": "旧表单", "version": opened})
    assert STALE in again.content.decode()
    missing = convener_client.post(url, {**data, "title": "无版本"})
    assert NO_VERSION in missing.content.decode()
    refused = _edit(
        staff_client, plan, status="planned", date=data["date"], version=record_form_version
    )
    assert STALE in refused.content.decode()
    assert Activity.objects.get(pk=plan.pk).title == "新计划"


@pytest.mark.django_db
def test_the_admin_checks_and_raises_the_member_version(staff_client):
    member = MemberFactory(name="林测试", mobile="13959302222", company="原公司")
    admin_user = UserFactory(username="admin", role=Role.STAFF, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:members_member_change", args=[member.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((f.html_name, f.value()) for f in form)
    }
    data.update(
        {
            "offices-TOTAL_FORMS": "0",
            "offices-INITIAL_FORMS": "0",
            "offices-MIN_NUM_FORMS": "0",
            "offices-MAX_NUM_FORMS": "1000",
        }
    )
    opened = data["opened_version"]
    # Someone saves the member on the roster page meanwhile.
    edit = reverse("members:member_edit", args=[member.pk])
    roster_form = staff_client.get(edit).context["form"]
    roster = {f.name: ("" if f.value() is None else f.value()) for f in roster_form}
    roster.pop("offices")
    assert staff_client.post(edit, {**roster, "company": "名册页的修改"}).status_code == 302
    refused = client.post(url, {**data, "company": "后台的旧修改"})
    assert refused.status_code == 200 and STALE in refused.content.decode()
    assert Member.objects.get(pk=member.pk).company == "名册页的修改"
    # Reopened, the admin saves, and the roster page's older form is refused in turn.
    data = {**data, "opened_version": Member.objects.get(pk=member.pk).version}
    saved = client.post(url, {**data, "company": "后台的修改"})
    assert saved.status_code == 302
    assert Member.objects.get(pk=member.pk).version > int(opened) + 1
    again = staff_client.post(edit, {**roster, "company": "旧的名册表单"})
    assert STALE in again.content.decode()


@pytest.mark.django_db
def test_the_roster_import_raises_the_version_of_every_member_it_writes(staff_client, group1):
    member = MemberFactory(name="成员0007", mobile="13900000007", role=FederationRole.STANDING)
    MembershipFactory(member=member, group=group1)
    edit = reverse("members:member_edit", args=[member.pk])
    form = staff_client.get(edit).context["form"]
    data = {f.name: ("" if f.value() is None else f.value()) for f in form}
    data.pop("offices")
    roster_apply(plan=plan_file(workbook_bytes([person(7, 工作单位="导入的新单位")])), by=None)
    assert Member.objects.get(pk=member.pk).company == "导入的新单位"
    refused = staff_client.post(edit, {**data, "company": "旧表单"})
    assert STALE in refused.content.decode()
    assert Member.objects.get(pk=member.pk).company == "导入的新单位"


@pytest.mark.django_db
def test_the_roster_import_refuses_members_changed_since_it_was_planned(staff_user):
    from members.locking import StaleEditError
    from members.services import member_update

    member = MemberFactory(name="成员0007", mobile="13900000007", role=FederationRole.STANDING)
    plan = plan_file(workbook_bytes([person(7, 工作单位="导入的新单位")]))
    member_update(member=Member.objects.get(pk=member.pk), by=staff_user, company="刚改的")
    with pytest.raises(StaleEditError):
        roster_apply(plan=plan, by=None)
    assert Member.objects.get(pk=member.pk).company == "刚改的"


# --- Submit once ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_posting_the_same_new_record_form_twice_makes_one_record(staff_client, group1):
    url = reverse("activities:activity_create")
    token = staff_client.get(url).context["form"]["submission_token"].value()
    data = activity_data(group1, title="只登记一次", submission_token=token)
    first = staff_client.post(url, data)
    second = staff_client.post(url, data, follow=True)
    assert Activity.objects.filter(title="只登记一次").count() == 1
    activity = Activity.objects.get(title="只登记一次")
    assert first["Location"] == reverse("activities:activity_detail", args=[activity.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "没有重复保存" in second.content.decode()
    # A fresh form is a new record.
    fresh = staff_client.get(url).context["form"]["submission_token"].value()
    assert fresh != token


@pytest.mark.django_db
def test_posting_the_same_new_plan_twice_makes_one_plan(convener_client, group1):
    url = reverse("schedule:plan_create")
    token = convener_client.get(url).context["form"]["submission_token"].value()
    data = {
        "date": (TODAY + timezone.timedelta(days=9)).isoformat(),
        "theme": "visit",
        "title": "只计划一次",
        "submission_token": token,
    }
    first = convener_client.post(url, data)
    second = convener_client.post(url, data)
    assert Activity.objects.filter(title="只计划一次").count() == 1
    assert first["Location"] == second["Location"]


def _concurrently(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _staff_client(name):
    client = Client()
    client.force_login(UserFactory(username=name, role=Role.STAFF))
    return client


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_make_one_activity_and_one_number(group1):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    clients = [_staff_client("staff_a"), _staff_client("staff_b")]
    token = (
        clients[0]
        .get(reverse("activities:activity_create"))
        .context["form"]["submission_token"]
        .value()
    )
    data = activity_data(group1, title="双击登记", submission_token=token)
    url = reverse("activities:activity_create")
    results = _concurrently(*[lambda c=c: c.post(url, data).status_code for c in clients])
    assert results == [302, 302]
    assert Activity.objects.filter(title="双击登记").count() == 1
    activity = Activity.objects.get(title="双击登记")
    assert activity.number == 1 and ActivityCounter.objects.get().last_number == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_version_at_once_one_wins(group1):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    activity = ActivityFactory(group=group1, title="原标题")
    clients = [_staff_client("staff_a"), _staff_client("staff_b")]
    url = reverse("activities:activity_edit", args=[activity.pk])
    posts = [activity_data(group1, title=title, version=activity.version) for title in ("甲", "乙")]
    results = _concurrently(
        *[lambda c=c, d=d: c.post(url, d).status_code for c, d in zip(clients, posts, strict=True)]
    )
    assert sorted(results) == [200, 302]  # one saved, the other told to reload
    activity.refresh_from_db()
    assert activity.title in ("甲", "乙") and activity.version == posts[0]["version"] + 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_import_and_a_member_form_at_once_never_lose_either(staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    member = MemberFactory(name="成员0007", mobile="13900000007", role=FederationRole.STANDING)
    client = _staff_client("staff_a")
    edit = reverse("members:member_edit", args=[member.pk])
    form = client.get(edit).context["form"]
    data = {f.name: ("" if f.value() is None else f.value()) for f in form}
    data.pop("offices")
    plan = plan_file(workbook_bytes([person(7, 工作单位="导入的新单位")]))

    def form_post():
        return client.post(edit, {**data, "notes": "表单的备注"}).status_code

    def import_apply():
        return roster_apply(plan=plan, by=None).updated

    results = _concurrently(form_post, import_apply)
    member.refresh_from_db()
    outcomes = [
        results[0] == 302,
        results[1] == 1,
    ]
    # Exactly one of the two writes went through; the other was refused, not overwritten.
    assert outcomes.count(True) == 1, results
    if results[0] == 302:
        assert member.notes == "表单的备注" and member.company != "导入的新单位"
    else:
        assert member.company == "导入的新单位" and member.notes != "表单的备注"


@pytest.mark.django_db
@pytest.mark.parametrize("token", [None, ""])
def test_a_new_record_without_its_one_time_token_is_refused(staff_client, group1, token):
    """Without the token a repost could not be recognised, so two posts would make two."""
    data = activity_data(group1)
    if token is None:
        del data["submission_token"]
    else:
        data["submission_token"] = token
    for _ in range(2):
        response = staff_client.post(reverse("activities:activity_create"), data)
        assert response.status_code == 200
        assert "表单" in response.content.decode()
    assert Activity.objects.count() == 0


@pytest.mark.django_db
def test_other_participants_are_bounded_so_the_tallies_stay_in_range(staff_client, group1):
    data = activity_data(group1, other_participants=str(2**63 - 1))
    response = staff_client.post(reverse("activities:activity_create"), data)
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    assert (
        staff_client.post(
            reverse("activities:activity_create"), activity_data(group1, other_participants="9999")
        ).status_code
        == 302
    )
    year = int(Activity.objects.get().date.year)
    assert staff_client.get(reverse("reports:report_year", args=[year])).status_code == 200
