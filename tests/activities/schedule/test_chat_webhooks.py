"""Group-chat reminders: posted to a local server that plays each platform's robot."""

import datetime
import json
import logging
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from activities.models import ChatDelivery, ChatWebhook
from activities.schedule.reminders import chat_webhook_test, reminders_send
from activities.schedule.services import (
    chat_webhook_create,
    chat_webhook_update,
    schedule_set_month,
)
from activities.schedule.webhooks import (
    ChatMessage,
    build_request,
    truncate_bytes,
    validate_webhook_url,
)
from fuan_rotation import settings as production_settings
from tests.activities.schedule.chat_robot import (
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    FEISHU_HOOK,
    FEISHU_SECRET,
    WECOM_KEY,
    Robot,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DUTY_DAY = datetime.date(2026, 11, 25)  # group 1 is on duty in December 2026
SECRETS = (WECOM_KEY, DINGTALK_TOKEN, FEISHU_HOOK, DINGTALK_SECRET, FEISHU_SECRET)


@pytest.fixture
def robot(settings):
    settings.CHAT_WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.CHAT_WEBHOOK_CONNECT_TIMEOUT = 1
    settings.CHAT_WEBHOOK_READ_TIMEOUT = 0.5
    settings.CHAT_WEBHOOK_MAX_ATTEMPTS = 4
    server = Robot().start()
    yield server
    server.stop()


@pytest.fixture
def duty(group1):
    MembershipFactory(group=group1, is_convener=True, member__name="郑兴", member__email="")
    schedule_set_month(year=2026, month=12, group=group1, by=None, note="据年度安排补录")


def _robot(robot, platform, staff, **kwargs):
    secret = {"dingtalk": DINGTALK_SECRET, "feishu": FEISHU_SECRET}.get(platform, "")
    return chat_webhook_create(
        by=staff,
        platform=platform,
        name=kwargs.pop("name", f"{platform}群"),
        url=robot.url(platform),
        secret=kwargs.pop("secret", secret),
        **kwargs,
    )


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
def test_a_reminder_reaches_each_platforms_robot_once(robot, duty, staff_user, platform):
    webhook = _robot(robot, platform, staff_user)
    report = reminders_send(today=DUTY_DAY)
    assert [(name, kind) for name, kind, _key in report.chat_sent] == [
        (webhook.name, "duty_upcoming")
    ]
    assert len(robot.accepted) == 1
    _platform, query, body = robot.accepted[0]
    if platform == "wecom":
        assert body["msgtype"] == "markdown"
        text = body["markdown"]["content"]
    elif platform == "dingtalk":
        assert body["msgtype"] == "markdown"
        assert "2026年12月" in body["markdown"]["title"]
        assert set(query) == {"access_token", "timestamp", "sign"}
        text = body["markdown"]["text"]
    else:
        assert body["msg_type"] == "text" and {"timestamp", "sign"} <= set(body)
        text = body["content"]["text"]
    assert "电机电器组" in text and "2026年12月" in text and "郑兴" in text
    assert "/my-group/" in text
    # The next runs of the cron job send nothing more.
    for day in (25, 26, 30):
        again = reminders_send(today=datetime.date(2026, 11, day))
        assert again.chat_sent == [] and again.chat_failed == []
    assert len(robot.received) == 1
    delivery = ChatDelivery.objects.get()
    assert delivery.status == ChatDelivery.Status.DELIVERED and delivery.attempts == 1
    webhook.refresh_from_db()
    assert webhook.last_delivered_at is not None and webhook.last_error == ""


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_wrong_signing_secret_is_refused_by_the_robot(robot, duty, staff_user, platform):
    _robot(robot, platform, staff_user, secret="SECwrong-secret")
    report = reminders_send(today=DUTY_DAY)
    assert report.chat_sent == []
    [(_name, _kind, _key, reason, attempts, given_up)] = report.chat_failed
    assert ("310000" if platform == "dingtalk" else "19021") in reason
    assert attempts == 1 and not given_up
    assert robot.accepted == []


def test_failures_are_retried_on_the_next_runs_and_never_sent_twice(robot, duty, staff_user):
    webhook = _robot(robot, "wecom", staff_user)
    robot.fail_next("500", "refuse", "timeout")
    reasons = []
    for day in (25, 26, 27):
        report = reminders_send(today=datetime.date(2026, 11, day))
        assert report.chat_sent == []
        reasons.append(report.chat_failed[0][3])
        delivery = ChatDelivery.objects.get()
        assert delivery.status == ChatDelivery.Status.PENDING
        assert delivery.last_error == reasons[-1]
    assert "HTTP 500" in reasons[0]
    assert "45009" in reasons[1]
    assert "未在规定时间内" in reasons[2] or "time" in reasons[2]
    webhook.refresh_from_db()
    assert webhook.last_error == reasons[2] and webhook.last_delivered_at is None
    # The fourth run gets through; the fifth has nothing left to send.
    assert len(reminders_send(today=datetime.date(2026, 11, 28)).chat_sent) == 1
    assert reminders_send(today=datetime.date(2026, 11, 29)).chat_sent == []
    assert len(robot.accepted) == 1
    assert ChatDelivery.objects.get().attempts == 4
    # Once the duty month has begun the reminder is no longer due: still nothing more.
    assert reminders_send(today=datetime.date(2026, 12, 2)).chat_sent == []
    assert len(robot.accepted) == 1


def test_a_robot_that_keeps_failing_is_given_up_after_a_few_attempts(robot, duty, staff_user):
    _robot(robot, "wecom", staff_user)
    robot.fail_next(*["500"] * 10)
    for day in range(20, 30):
        reminders_send(today=datetime.date(2026, 11, day))
    delivery = ChatDelivery.objects.get()
    assert delivery.status == ChatDelivery.Status.GAVE_UP
    assert delivery.attempts == 4  # CHAT_WEBHOOK_MAX_ATTEMPTS in the fixture
    assert len(robot.received) == 4


def test_a_delivery_claimed_by_another_run_is_not_sent_again(robot, duty, staff_user):
    """Two cron runs at once: the second finds the row claimed and leaves it alone; a claim
    left by a run that died is released after the claim timeout."""
    _robot(robot, "wecom", staff_user)
    robot.fail_next("500")
    reminders_send(today=DUTY_DAY)  # creates the delivery, the first attempt fails
    ChatDelivery.objects.update(
        status=ChatDelivery.Status.SENDING, last_attempt_at=datetime.datetime.now(datetime.UTC)
    )
    assert reminders_send(today=DUTY_DAY).chat_sent == []
    assert len(robot.received) == 1
    ChatDelivery.objects.update(
        last_attempt_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=11)
    )
    assert len(reminders_send(today=DUTY_DAY).chat_sent) == 1
    assert len(robot.accepted) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_post_each_reminder_once(robot, duty, staff_user):
    """Cron started twice (or a run still going when the next starts), real threads and
    connections: each robot still gets the reminder once."""
    if connection.vendor != "postgresql":
        # The in-memory test database of SQLite locks whole tables between threads.
        pytest.skip("real concurrent runs are tested on PostgreSQL (CI runs it)")
    for platform in ("wecom", "dingtalk", "feishu"):
        _robot(robot, platform, staff_user)
    robot.delay = 0.3
    barrier = threading.Barrier(3)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            reports.append(reminders_send(today=DUTY_DAY))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(p for p, _q, _b in robot.received) == ["dingtalk", "feishu", "wecom"]
    assert sum(len(report.chat_sent) for report in reports) == 3
    assert set(ChatDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_overdue_notice_goes_to_the_group_chat_without_any_email(robot, group1, staff_user):
    """No staff login has an e-mail address: the group chat still hears of the month."""
    schedule_set_month(year=2026, month=10, group=group1, by=None, note="据年度安排补录")
    _robot(robot, "feishu", staff_user)
    report = reminders_send(today=datetime.date(2026, 11, 3))
    assert [(kind, key) for _n, kind, key in report.chat_sent] == [("month_overdue", "2026-10")]
    text = robot.accepted[0][2]["content"]["text"]
    assert "2026年10月" in text and "电机电器组" in text


def test_inactive_robots_get_nothing(robot, duty, staff_user):
    _robot(robot, "wecom", staff_user, is_active=False)
    assert reminders_send(today=DUTY_DAY).chat_sent == []
    assert robot.received == [] and not ChatDelivery.objects.exists()


def test_a_post_left_waiting_too_long_is_not_sent_when_the_robot_returns(robot, duty, staff_user):
    webhook = _robot(robot, "wecom", staff_user)
    robot.fail_next("500")
    reminders_send(today=DUTY_DAY)
    ChatWebhook.objects.update(is_active=False)  # switched off for a while
    ChatDelivery.objects.update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=15)
    )
    ChatWebhook.objects.filter(pk=webhook.pk).update(is_active=True)
    assert reminders_send(today=datetime.date(2026, 12, 5)).chat_sent == []
    delivery = ChatDelivery.objects.get()
    assert delivery.status == ChatDelivery.Status.GAVE_UP and "14" in delivery.last_error
    assert len(robot.received) == 1


def test_the_command_reports_posts_and_failures(robot, duty, staff_user):
    _robot(robot, "wecom", staff_user)
    robot.fail_next("500")
    out, err = StringIO(), StringIO()
    call_command("send_reminders", "--today", "2026-11-25", stdout=out, stderr=err)
    assert "wecom群" in err.getvalue() and "HTTP 500" in err.getvalue()
    assert "下次运行时重试" in err.getvalue()
    out, err = StringIO(), StringIO()
    call_command("send_reminders", "--today", "2026-11-26", stdout=out, stderr=err)
    assert "wecom群" in out.getvalue() and "群机器人" in out.getvalue()
    assert "群机器人" not in err.getvalue()
    for secret in SECRETS:
        assert secret not in out.getvalue() + err.getvalue()


def test_nothing_logs_the_address(robot, duty, staff_user, caplog):
    caplog.set_level(logging.DEBUG)
    # The level production gives urllib3, which logs each request's path at DEBUG.
    level = production_settings.LOGGING["loggers"]["urllib3"]["level"]
    caplog.set_level(level, logger="urllib3")
    _robot(robot, "wecom", staff_user)
    robot.fail_next("500")
    reminders_send(today=DUTY_DAY)
    reminders_send(today=datetime.date(2026, 11, 26))
    assert len(robot.received) == 2
    assert WECOM_KEY not in caplog.text


# --- The message formats ------------------------------------------------------------------


def test_wecom_markdown_stays_within_4096_bytes():
    message = ChatMessage(title="轮值提醒", text="长" * 3000, link="https://example.org/x/")
    _url, body = build_request(
        platform="wecom", url="https://qyapi.weixin.qq.com/x", secret="", message=message
    )
    content = body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert content.startswith("**轮值提醒**") and content.endswith("(https://example.org/x/)")
    assert "…" in content
    assert truncate_bytes("郑兴", 5) == "…"  # never half a character
    assert truncate_bytes("郑兴", 6) == "郑兴"


def test_dingtalk_and_feishu_signatures_as_documented():
    """The expected values come from each platform's documented Python example: DingTalk
    signs "timestamp\\nsecret" with the secret as key and URL-encodes the base64; Feishu signs
    an empty message with "timestamp\\nsecret" as key."""
    message = ChatMessage(title="t", text="x")
    url, _body = build_request(
        platform="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="this is secret",
        message=message,
        now=1_577_836_800.0,
    )
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=")
    assert "timestamp=1577836800000&sign=" in url
    assert "sign=fFV9t5lBS7KH4%2B5B0JjR99ab%2BAJkXFauQXycgTkS%2Ftc%3D" in url
    _url, body = build_request(
        platform="feishu",
        url="https://open.feishu.cn/open-apis/bot/v2/hook/x",
        secret="demo",
        message=message,
        now=1_599_360_473.0,
    )
    assert body["timestamp"] == "1599360473"
    assert body["sign"] == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
    assert body["msg_type"] == "text" and body["content"] == {"text": "t\nx"}


# --- Addresses: validation and masking ----------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "url", "fragment"),
    [
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "https://"),
        ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=1", "qyapi.weixin.qq.com"),
        ("dingtalk", "https://127.0.0.1/robot/send", "oapi.dingtalk.com"),
        ("feishu", "https://169.254.169.254/latest/meta-data", "open.feishu.cn"),
        ("feishu", "https://open.feishu.cn.evil.example/hook/x", "open.feishu.cn"),
        ("feishu", "https://user:pw@open.feishu.cn/hook/x", "用户名"),
        ("dingtalk", "https://oapi.dingtalk.com:8443/robot/send", "8443"),
        ("wecom", "https://qyapi.weixin.qq.com:80/cgi-bin/webhook/send?key=1", "端口"),
        ("feishu", "https://evil.example:8443/hook/x", "open.feishu.cn"),
        ("wecom", "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "https://"),
    ],
)
def test_only_the_platforms_own_https_host_is_accepted(platform, url, fragment):
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url(platform, url)
    assert fragment in " ".join(caught.value.messages)


def test_a_robot_address_on_another_port_names_the_port():
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url("dingtalk", "https://oapi.dingtalk.com:8443/robot/send")
    assert caught.value.error_list[0].code == "port"
    message = " ".join(caught.value.messages)
    assert "8443" in message and "443" in message
    # The default port written out is the same address.
    validate_webhook_url("dingtalk", "https://oapi.dingtalk.com:443/robot/send")


def test_the_setting_allows_another_host(settings):
    validate_webhook_url("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/x")
    with pytest.raises(ValidationError):
        validate_webhook_url("wecom", "http://gateway.office.lan:8080/wecom")
    settings.CHAT_WEBHOOK_EXTRA_HOSTS = ["gateway.office.lan:8080"]
    validate_webhook_url("wecom", "http://gateway.office.lan:8080/wecom")


def test_wecom_has_no_signing_secret(staff_user):
    with pytest.raises(ValidationError) as caught:
        chat_webhook_create(
            by=staff_user,
            platform="wecom",
            name="群",
            url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}",
            secret="SECabc",
        )
    assert "secret" in caught.value.message_dict
    assert not ChatWebhook.objects.exists()


def test_the_address_and_secret_stay_out_of_history(staff_user):
    webhook = chat_webhook_create(
        by=staff_user,
        platform="dingtalk",
        name="执委群",
        url=f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}",
        secret=DINGTALK_SECRET,
    )
    assert webhook.url_masked == "https://oapi.dingtalk.com/…07f5"
    assert webhook.secret_masked == "…d3c2"
    chat_webhook_update(
        webhook=webhook,
        by=staff_user,
        platform="dingtalk",
        name="执委群",
        is_active=True,
        url="https://oapi.dingtalk.com/robot/send?access_token=newtoken9876",
    )
    history = webhook.history.order_by("history_date")
    assert [h.url_masked for h in history] == [
        "https://oapi.dingtalk.com/…07f5",
        "https://oapi.dingtalk.com/…9876",
    ]
    stored = json.dumps([vars(h) for h in history], default=str)
    assert DINGTALK_TOKEN not in stored and "newtoken9876" not in stored
    assert DINGTALK_SECRET not in stored
    webhook.refresh_from_db()
    assert webhook.secret == DINGTALK_SECRET  # an empty secret keeps the saved one


# --- The staff page -------------------------------------------------------------------------


def test_staff_add_a_robot_and_see_it_masked(robot, staff_client):
    url = robot.url("dingtalk")
    response = staff_client.post(
        reverse("schedule:webhook_list"),
        {
            "platform": "dingtalk",
            "name": "福安工商联执委群",
            "url": url,
            "secret": DINGTALK_SECRET,
            "is_active": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "福安工商联执委群" in page and "…07f5" in page and "…d3c2" in page
    assert DINGTALK_TOKEN not in page and DINGTALK_SECRET not in page
    webhook = ChatWebhook.objects.get()
    assert webhook.url == url and webhook.history.get().history_user.username == "staff"
    edit = staff_client.get(reverse("schedule:webhook_edit", args=[webhook.pk])).content.decode()
    assert DINGTALK_TOKEN not in edit and DINGTALK_SECRET not in edit and "…07f5" in edit


def test_a_bad_address_is_refused_on_the_page_in_chinese(staff_client):
    response = staff_client.post(
        reverse("schedule:webhook_list"),
        {
            "platform": "wecom",
            "name": "群",
            "url": "https://10.0.0.5/cgi-bin/webhook/send?key=1",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "企业微信" in response.content.decode() and "10.0.0.5" in response.content.decode()
    assert not ChatWebhook.objects.exists()


def test_the_test_button_posts_and_says_what_happened(robot, staff_client, staff_user):
    webhook = _robot(robot, "wecom", staff_user)
    test_url = reverse("schedule:webhook_test", args=[webhook.pk])
    page = staff_client.post(test_url, follow=True).content.decode()
    assert "测试消息已发送" in page
    assert len(robot.accepted) == 1
    assert "测试消息" in robot.accepted[0][2]["markdown"]["content"]
    robot.fail_next("refuse")
    page = staff_client.post(test_url, follow=True).content.decode()
    assert "45009" in page and WECOM_KEY not in page
    webhook.refresh_from_db()
    assert webhook.last_delivered_at and "45009" in webhook.last_error
    assert not ChatDelivery.objects.exists()  # a test message is not a reminder


def test_an_unreachable_robot_is_a_failure_not_a_500(settings, staff_user):
    settings.CHAT_WEBHOOK_EXTRA_HOSTS = ["127.0.0.1:9"]
    webhook = chat_webhook_create(
        by=staff_user, platform="wecom", name="群", url="http://127.0.0.1:9/cgi-bin/webhook/send"
    )
    assert "连接" in chat_webhook_test(webhook=webhook)
    settings.CHAT_WEBHOOK_EXTRA_HOSTS = []  # the setting changed after saving: not posted
    assert "不允许" in chat_webhook_test(webhook=webhook)


def test_list_page_query_count(robot, staff_client, staff_user, django_assert_num_queries):
    for platform in ("wecom", "dingtalk", "feishu"):
        _robot(robot, platform, staff_user)
    url = reverse("schedule:webhook_list")
    staff_client.get(url)  # session and login
    with django_assert_num_queries(3) as small:
        staff_client.get(url)
    for n in range(5):
        _robot(robot, "wecom", staff_user, name=f"群{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        assert staff_client.get(url).status_code == 200
