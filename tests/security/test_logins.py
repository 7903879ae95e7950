"""Logins: lockout by (username, address), sessions that end, and a log line for each event.

The login form is posted for real here (the password is what is under test); elsewhere the
suite uses force_login.
"""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from members.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"
OFFICE_PC = "10.0.0.5"
OTHER_PC = "10.0.0.9"


@pytest.fixture
def clerk():
    return UserFactory(username="clerk", role=Role.STAFF)


def _login(client, username, password, ip=OFFICE_PC):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, times, username="clerk", ip=OFFICE_PC):
    for _ in range(times):
        response = _login(client, username, "wrong password", ip=ip)
    return response


def test_settings_lock_five_failures_for_fifteen_minutes_by_username_and_address():
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_four_failures_still_show_the_login_form_and_the_right_password_works(client, clerk):
    response = _fail(client, 4)
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()  # Django's own wrong-password message
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    # A success clears the count: four more failures do not lock.
    assert _fail(Client(), 4).status_code == 200


def test_fifth_failure_locks_out_with_a_chinese_page(client, clerk):
    response = _fail(client, 5)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已锁定" in page
    assert "15 分钟" in page
    assert 'href="/accounts/login/"' in page
    # The right password no longer helps from this address.
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_reach_a_colleague_on_another_pc(clerk):
    attacker = Client()
    assert _fail(attacker, 5).status_code == 429
    colleague = Client()
    response = _login(colleague, "clerk", PASSWORD, ip=OTHER_PC)
    assert response.status_code == 302
    assert colleague.get("/").status_code == 200
    # Nor does it lock another login from the attacker's address.
    other = UserFactory(username="other", role=Role.STAFF)
    assert _login(Client(), other.username, PASSWORD).status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, clerk):
    assert _fail(client, 5).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert _login(client, "clerk", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _login(client, "clerk", PASSWORD).status_code == 302


def test_addresses_behind_a_trusted_proxy_are_told_apart(settings, clerk):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        response = attacker.post(
            LOGIN,
            {"username": "clerk", "password": "wrong"},
            # A client-supplied address on the left is ignored; nginx appends the real one.
            HTTP_X_FORWARDED_FOR=f"{OTHER_PC}, {OFFICE_PC}",
            REMOTE_ADDR="127.0.0.1",
        )
    assert response.status_code == 429
    colleague = Client()
    response = colleague.post(
        LOGIN,
        {"username": "clerk", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=OTHER_PC,
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 302


# Sessions ------------------------------------------------------------------------------------


def test_session_lasts_twelve_hours_at_most_and_ends_with_the_browser(client, clerk):
    response = _login(client, "clerk", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=11, minutes=59) < lifetime <= datetime.timedelta(hours=12)


def test_expired_session_sends_back_to_login(client, clerk):
    _login(client, "clerk", PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_ends_the_session(client, clerk):
    _login(client, "clerk", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/").status_code == 302


def test_deactivated_login_is_refused_on_the_next_request(clerk):
    client = Client()
    client.force_login(clerk)
    assert client.get("/").status_code == 200
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_ends_the_other_sessions_but_not_this_one(clerk):
    here, elsewhere = Client(), Client()
    here.force_login(clerk)
    elsewhere.force_login(clerk)
    response = here.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a quite different passphrase 42",
            "new_password2": "a quite different passphrase 42",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    response = elsewhere.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_validators_refuse_a_weak_password(clerk):
    client = Client()
    client.force_login(clerk)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


# Security log --------------------------------------------------------------------------------


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="fuan_rotation.security")
    return caplog


def _lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "fuan_rotation.security"]


def test_login_logout_failure_and_lockout_are_logged(client, clerk, security_log):
    _login(client, "clerk", PASSWORD)
    client.post("/accounts/logout/", REMOTE_ADDR=OFFICE_PC)
    _fail(client, 5)
    lines = _lines(security_log)
    assert lines[0] == f"login username=clerk ip={OFFICE_PC}"
    assert lines[1] == f"logout username=clerk ip={OFFICE_PC}"
    assert lines.count(f"login failed username=clerk ip={OFFICE_PC}") == 5
    assert f"lockout username=clerk ip={OFFICE_PC}" in lines
    assert not any("wrong password" in line or PASSWORD in line for line in lines)


@pytest.mark.urls("tests.security.urls")
def test_refused_request_is_logged(leader_client, staff_client, security_log):
    assert staff_client.get("/security-test/staff-only/").status_code == 200
    assert _lines(security_log) == []
    assert leader_client.get("/security-test/staff-only/").status_code == 403
    assert _lines(security_log) == [
        "refused username=leader ip=127.0.0.1 method=GET path=/security-test/staff-only/"
    ]


def test_csrf_failure_is_logged(clerk, security_log):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "clerk", PASSWORD).status_code == 403
    assert _lines(security_log) == [
        f"refused username=- ip={OFFICE_PC} method=POST path=/accounts/login/"
    ]
