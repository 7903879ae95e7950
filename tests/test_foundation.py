"""Project-wide guarantees: deny by default, migrations in step, settings refuse bad secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent

# Sample values for URL parameters, by name.
SAMPLE_KWARGS = {"pk": 1, "number": 1, "year": 2018, "token": "x" * 32, "id": 1}
PUBLIC = {"/accounts/login/", "/i18n/setlang/"}
# Calendar feeds: a phone calendar cannot log in; the secret token in the address is the key.
# The same for the QR check-in page (/c/<token>/) that phones at an event open.
TOKEN_URLS = ("/calendar/", "/c/")


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin has its own login, tested below
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _example_url(route):
    import re

    def fill(match):
        name = match.group(2)
        return str(SAMPLE_KWARGS.get(name, 1))

    url = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    url = url.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + url


def all_urls():
    return sorted({_example_url(route) for route, _entry in _walk(get_resolver())})


@pytest.mark.django_db
def test_every_url_sends_anonymous_users_to_login(client):
    urls = all_urls()
    assert "/" in urls
    for url in urls:
        if url in PUBLIC:
            continue
        if url.startswith(TOKEN_URLS):
            assert client.get(url).status_code == 404, url  # a wrong token finds nothing
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_admin_needs_a_staff_login(client, leader_client):
    assert client.get("/admin/").status_code == 302
    assert leader_client.get("/admin/").status_code == 302  # not is_staff


@pytest.mark.django_db
def test_login_page_is_public_and_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _settings_import(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import fuan_rotation.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "false"},
        {"DEBUG": "false", "SECRET_KEY": "django-insecure-development-only-key-abcdefghijk"},
        {"DEBUG": "false", "SECRET_KEY": "short"},
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(env):
    result = _settings_import(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _settings_import({"DEBUG": "false", "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr


def test_development_may_run_without_a_key():
    assert _settings_import({"DEBUG": "true"}).returncode == 0


def test_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


@pytest.mark.django_db
def test_chinese_whatever_the_browser_says_until_english_is_chosen(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302  # the switch works before login
    page = client.get("/accounts/login/")
    assert "Log in" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录" in client.get("/accounts/login/").content.decode()
