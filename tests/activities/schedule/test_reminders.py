import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from activities.models import Activity, ReminderLog
from activities.schedule.reminders import reminders_send
from activities.schedule.services import schedule_set_month
from activities.services import activity_submit
from members.models import FederationRole
from tests.factories import ActivityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conveners(group1):
    with_email = MembershipFactory(
        group=group1,
        is_convener=True,
        member__role=FederationRole.VICE_CHAIR,
        member__email="a@example.com",
        member__name="召集人甲",
    )
    without = MembershipFactory(
        group=group1,
        is_convener=True,
        member__role=FederationRole.VICE_PRESIDENT,
        member__email="",
        member__name="召集人乙",
    )
    return with_email.member, without.member


@pytest.fixture
def staff_with_email(db):
    return UserFactory(username="office", role="staff", email="office@example.com")


def test_conveners_are_reminded_once_before_their_month(group1, conveners, staff_with_email):
    schedule_set_month(year=2026, month=12, group=group1, by=None, note="据年度安排补录")
    assert reminders_send(today=datetime.date(2026, 11, 20), days_before=7).sent == []
    report = reminders_send(today=datetime.date(2026, 11, 25), days_before=7)
    kinds = sorted(kind for kind, _key, _to in report.sent)
    assert kinds == ["duty_no_email", "duty_upcoming"]
    assert [m.name for m in report.without_email] == ["召集人乙"]
    duty = next(m for m in mail.outbox if m.to == ["a@example.com"])
    assert "2026年12月" in duty.subject
    staff_mail = next(m for m in mail.outbox if m.to == ["office@example.com"])
    assert "召集人乙" in staff_mail.body
    # Cron runs again the next days: nothing more is sent.
    for day in (25, 26, 30):
        assert reminders_send(today=datetime.date(2026, 11, day), days_before=7).sent == []
    assert len(mail.outbox) == 2


def test_staff_hear_of_a_month_that_passed_with_nothing_held(group1, staff_with_email):
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    report = reminders_send(today=datetime.date(2026, 11, 3))
    assert [(k, key) for k, key, _ in report.sent] == [("month_overdue", "2026-10")]
    assert reminders_send(today=datetime.date(2026, 11, 4)).sent == []


def test_a_notice_nobody_can_receive_is_said_and_kept_for_later(group1):
    """No staff login has an e-mail address: the command says so, and the notice goes out on
    the first run after one has."""
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    out, err = StringIO(), StringIO()
    call_command("send_reminders", "--today", "2026-11-03", stdout=out, stderr=err)
    assert "未发送" in err.getvalue() and "电子邮箱" in err.getvalue()
    assert not ReminderLog.objects.filter(kind="month_overdue").exists()
    UserFactory(role="staff", email="office@example.org")
    report = reminders_send(today=datetime.date(2026, 11, 4))
    assert [(k, key) for k, key, _ in report.sent] == [("month_overdue", "2026-10")]


def test_no_overdue_reminder_when_the_month_was_held(group1, staff_with_email):
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    ActivityFactory(group=group1, date=datetime.date(2026, 10, 17))
    assert reminders_send(today=datetime.date(2026, 11, 3)).sent == []


def test_no_overdue_reminder_when_the_group_held_it_early(group1, group2, staff_with_email):
    """第1组 held October's activity in September, 第2组's month, and said so (提前): the
    schedule files it under October, and no notice says October was missed."""
    schedule_set_month(year=2026, month=9, group=group2, by=None, note="据年度安排补录")
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    ActivityFactory(group=group1, date=datetime.date(2026, 9, 24), off_duty_reason="early")
    ActivityFactory(group=group2, date=datetime.date(2026, 9, 10))
    assert reminders_send(today=datetime.date(2026, 11, 3)).sent == []


def test_staff_hear_of_records_awaiting_approval(group1, staff_with_email, convener_user):
    activity = ActivityFactory(group=group1)
    activity_submit(activity=activity, by=convener_user)
    first = reminders_send(today=datetime.date(2026, 11, 3))
    assert [k for k, _key, _to in first.sent] == ["awaiting_approval"]
    assert reminders_send(today=datetime.date(2026, 11, 4)).sent == []
    # Returned and submitted again: a new reminder.
    Activity.objects.filter(pk=activity.pk).update(
        submitted_at=activity.submitted_at + datetime.timedelta(days=1)
    )
    again = reminders_send(today=datetime.date(2026, 11, 5))
    assert [k for k, _key, _to in again.sent] == ["awaiting_approval"]


def test_a_failed_send_is_retried(group1, conveners, settings):
    schedule_set_month(year=2026, month=12, group=group1, by=None, note="据年度安排补录")
    settings.EMAIL_BACKEND = "tests.activities.schedule.test_reminders.FailingBackend"
    with pytest.raises(ConnectionError):
        reminders_send(today=datetime.date(2026, 11, 25))
    assert not ReminderLog.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(reminders_send(today=datetime.date(2026, 11, 25)).sent) == 1


def test_command_prints_what_it_did(group1, conveners):
    schedule_set_month(year=2026, month=12, group=group1, by=None, note="据年度安排补录")
    out = StringIO()
    call_command("send_reminders", "--today", "2026-11-25", stdout=out)
    text = out.getvalue()
    assert "a@example.com" in text
    assert "召集人乙" in text


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")
