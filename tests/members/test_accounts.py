"""Logins: the first staff login, 账号管理, one-time passwords that must be changed, 修改密码
throttled like the login, and deactivation that ends sessions for good."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import Role, User
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quite different passphrase 42"


def _login(client, username, password, ip="10.0.0.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _change(client, old, new=NEW_PASSWORD, ip="10.0.0.5"):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(reverse("password_change"), data, REMOTE_ADDR=ip)


def _shown_password(response):
    return re.search(r"data-password>([^<]+)<", response.content.decode()).group(1)


# The first staff login ------------------------------------------------------------------------


def test_createsuperuser_noinput_makes_a_staff_login(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        "--noinput",
        "--username=office",
        "--email=office@example.org",
        stdout=StringIO(),
    )
    office = User.objects.get(username="office")
    assert (office.role, office.is_superuser, office.is_staff) == (Role.STAFF, True, True)
    assert office.member is None and office.is_office_staff
    client = Client()
    assert _login(client, "office", PASSWORD).status_code == 302
    assert client.get(reverse("accounts:user_list")).status_code == 200


class _Terminal:
    """createsuperuser asks only when its input is a terminal."""

    def isatty(self):
        return True


def test_createsuperuser_interactive_makes_a_staff_login(monkeypatch):
    answers = iter(["chief", "chief@example.org"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command("createsuperuser", interactive=True, stdout=StringIO(), stdin=_Terminal())
    chief = User.objects.get(username="chief")
    assert chief.role == Role.STAFF and chief.is_superuser
    assert chief.check_password(PASSWORD)
    assert not chief.must_change_password


# 账号管理 -------------------------------------------------------------------------------------


def test_staff_create_a_convener_login_from_the_member_page(staff_client):
    person = MemberFactory(name="林晓东", mobile="13905931234")
    page = staff_client.get(reverse("members:member_detail", args=[person.pk])).content.decode()
    create = reverse("accounts:user_create", args=[person.pk])
    assert create in page
    form = staff_client.get(create)
    assert form.context["form"].initial["username"] == "13905931234"
    response = staff_client.post(create, {"username": "linxd", "role": "convener"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _shown_password(response)
    login = User.objects.get(username="linxd")
    assert (login.role, login.member, login.must_change_password) == (Role.CONVENER, person, True)
    assert login.check_password(password)
    # The list shows it with its role and member; the member page no longer offers a new login.
    listing = staff_client.get(reverse("accounts:user_list")).content.decode()
    assert "linxd" in listing and "林晓东" in listing and "召集人" in listing
    again = staff_client.get(create)
    assert again.status_code == 302 and again["Location"] == reverse("accounts:user_list")


def test_a_taken_login_name_is_refused_in_chinese(staff_client, leader_user):
    person = MemberFactory()
    create = reverse("accounts:user_create", args=[person.pk])
    response = staff_client.post(create, {"username": "LEADER", "role": "member"})
    assert response.status_code == 200
    assert "已被占用" in response.content.decode()
    assert not User.objects.filter(member=person).exists()


def test_a_new_login_must_change_its_password_before_anything_else(staff_client):
    person = MemberFactory(name="陈一")
    response = staff_client.post(
        reverse("accounts:user_create", args=[person.pk]), {"username": "chenyi", "role": "member"}
    )
    one_time = _shown_password(response)
    client = Client()
    assert _login(client, "chenyi", one_time).status_code == 302
    for path in ("/", reverse("members:member_list"), "/admin/", reverse("accounts:user_list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("password_change"), path
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "data-must-change" in page.content.decode()
    assert _change(client, one_time).status_code == 302
    assert client.get("/").status_code == 200
    assert not User.objects.get(username="chenyi").must_change_password


def test_reset_shows_a_new_password_once_and_ends_the_sessions(staff_client):
    person = MemberFactory()
    login = UserFactory(username="zhang", role=Role.MEMBER, member=person)
    theirs = Client()
    theirs.force_login(login)
    reset = reverse("accounts:user_password_reset", args=[login.pk])
    assert staff_client.get(reset).status_code == 200
    response = staff_client.post(reset)
    password = _shown_password(response)
    login.refresh_from_db()
    assert login.check_password(password) and not login.check_password(PASSWORD)
    assert login.must_change_password
    assert theirs.get("/").status_code == 302


def test_deactivation_ends_sessions_for_good(staff_client):
    login = UserFactory(username="wang", role=Role.LEADERSHIP)
    theirs = Client()
    theirs.force_login(login)
    assert theirs.get("/").status_code == 200
    staff_client.post(reverse("accounts:user_deactivate", args=[login.pk]))
    assert theirs.get("/").status_code == 302
    staff_client.post(reverse("accounts:user_reactivate", args=[login.pk]))
    login.refresh_from_db()
    assert login.is_active
    # The old session stays dead; a fresh login with the password works.
    response = theirs.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    fresh = Client()
    assert _login(fresh, "wang", PASSWORD).status_code == 302
    assert fresh.get("/").status_code == 200


def test_staff_cannot_deactivate_themselves(staff_client, staff_user):
    response = staff_client.post(reverse("accounts:user_deactivate", args=[staff_user.pk]))
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.is_active


@pytest.mark.parametrize("logins", [3, 30])
def test_login_list_queries_do_not_grow(staff_client, django_assert_num_queries, logins):
    for _ in range(logins):
        UserFactory(role=Role.MEMBER, member=MemberFactory())
    # session, user, the list with its members
    with django_assert_num_queries(3):
        response = staff_client.get(reverse("accounts:user_list"))
    assert len(response.context["logins"]) == logins + 1


# 修改密码 -------------------------------------------------------------------------------------


def test_password_page_is_the_apps_own(member_client):
    page = member_client.get(reverse("password_change")).content.decode()
    assert "修改密码" in page and "Django 管理" not in page and "/admin/" not in page
    assert reverse("password_change") in member_client.get("/").content.decode()


def test_wrong_old_passwords_lock_the_change_like_logins(member_user):
    client = Client()
    client.force_login(member_user)
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT - 1):
        response = _change(client, "not my password")
        assert response.status_code == 200
        assert "旧密码不正确" in response.content.decode()
    assert _change(client, "not my password").status_code == 429
    # Locked out: even the right old password is refused, and nothing changed.
    assert _change(client, PASSWORD).status_code == 429
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)


def test_the_right_old_password_changes_it(member_user):
    client = Client()
    client.force_login(member_user)
    assert _change(client, PASSWORD).status_code == 302
    assert get_user_model().objects.get(pk=member_user.pk).check_password(NEW_PASSWORD)


def test_deactivating_in_the_admin_also_ends_sessions_for_good(staff_user):
    login = UserFactory(username="zhao", role=Role.LEADERSHIP)
    theirs = Client()
    theirs.force_login(login)
    login = User.objects.get(pk=login.pk)  # as the admin loads it
    login.is_active = False
    login.save()
    login.is_active = True
    login.save()
    assert theirs.get("/").status_code == 302
