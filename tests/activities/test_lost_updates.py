"""Two people edit the same record: the second save is refused, never silently overwriting."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from activities.services import activity_record
from members.locking import StaleEditError
from members.models import Member, Role
from tests.activities.helpers import activity_data
from tests.factories import ActivityFactory, MemberFactory, UserFactory

STALE = "在您编辑期间已有他人保存了这条记录"


def _two_staff():
    clients = []
    for name in ("staff_a", "staff_b"):
        client = Client()
        client.force_login(UserFactory(username=name, role=Role.STAFF))
        clients.append(client)
    return clients


@pytest.mark.django_db
def test_second_activity_save_is_refused_with_a_way_to_reload(group1):
    activity = ActivityFactory(group=group1, title="原标题")
    first, second = _two_staff()
    url = reverse("activities:activity_edit", args=[activity.pk])
    opened_version = first.get(url).context["form"]["version"].value()
    assert second.get(url).context["form"]["version"].value() == opened_version

    saved = first.post(url, activity_data(group1, title="甲的修改", version=opened_version))
    assert saved.status_code == 302
    refused = second.post(url, activity_data(group1, title="乙的修改", version=opened_version))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert STALE in page
    assert "data-stale-edit" in page and f'href="{url}"' in page
    assert "乙的修改" in page  # the refused changes stay in the form
    activity.refresh_from_db()
    assert activity.title == "甲的修改"
    assert activity.version == opened_version + 1

    reloaded = second.get(url).context["form"]["version"].value()
    retry = second.post(url, activity_data(group1, title="乙的修改", version=reloaded))
    assert retry.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "乙的修改"


ALTERED = "此表单的版本号无效（页面可能被改动过），因此未保存任何内容：请重新载入页面后再修改。"
MISSING = "此表单没有注明打开时的版本"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "version, message",
    [
        ("abc", ALTERED),
        ("1.5", ALTERED),
        ("0", ALTERED),
        ("-1", ALTERED),
        ("9" * 30, ALTERED),
        ("999", ALTERED),  # ahead of the record's own: no page showed it
        ("", MISSING),
    ],
)
def test_an_altered_version_says_what_is_wrong(staff_client, group1, version, message):
    activity = ActivityFactory(group=group1, title="原标题")
    url = reverse("activities:activity_edit", args=[activity.pk])
    response = staff_client.post(url, activity_data(group1, title="新标题", version=version))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "data-form-errors" in page and "data-stale-edit" in page
    # Not the generic message: no field is to blame.
    assert "请修改标出的栏目后再保存" not in page
    assert "新标题" in page
    activity.refresh_from_db()
    assert activity.title == "原标题"


@pytest.mark.django_db
def test_second_member_save_is_refused():
    member = MemberFactory(name="林测试", mobile="13959301111")
    first, second = _two_staff()
    url = reverse("members:member_edit", args=[member.pk])
    form = first.get(url).context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in ((f.name, f.value()) for f in form)
        if name != "offices"
    }
    assert first.post(url, {**data, "company": "甲公司"}).status_code == 302
    refused = second.post(url, {**data, "company": "乙公司"})
    assert refused.status_code == 200
    assert STALE in refused.content.decode()
    assert Member.objects.get(pk=member.pk).company == "甲公司"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_on_postgresql_one_wins(group1):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    activity = ActivityFactory(group=group1, title="原标题")
    version = activity.version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(title):
        try:
            mine = Activity.objects.get(pk=activity.pk)
            mine.title = title
            barrier.wait(timeout=10)
            activity_record(activity=mine, attendees=[], by=None, expected_version=version)
            outcomes.append(("saved", title))
        except StaleEditError:
            outcomes.append(("stale", title))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _title in outcomes) == ["saved", "stale"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    activity.refresh_from_db()
    assert activity.title == winner and activity.version == version + 1
