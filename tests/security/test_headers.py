"""Security headers on real responses, the Host check, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client

from members.models import Role
from tests.factories import ActivityFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_pages_carry_a_strict_content_security_policy(staff_client):
    response = staff_client.get("/")
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce was asked for, so none is offered
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_other_security_headers(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_https_responses_carry_hsts(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_plain_http_is_redirected_to_https_in_production(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_proxy_header_marks_a_request_as_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def test_wrong_host_gets_400(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "evil.example.com" not in response.content.decode()


def test_session_and_csrf_cookies_are_http_only_or_secure_in_production():
    # tests/settings.py turns Secure off for the plain-http test client; production keeps it.
    env = _production_env()
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000"]


def _production_env(**extra):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="fuan_rotation.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="rotation.example.org",
        CSRF_TRUSTED_ORIGINS="https://rotation.example.org",
        DATABASE_URL="postgres://rotation:password@127.0.0.1:5432/rotation",
        **extra,
    )
    return env


@pytest.mark.parametrize(
    "extra",
    [{}, {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https", "TRUSTED_PROXY_COUNT": "1"}],
    ids=["direct", "behind-proxy"],
)
def test_check_deploy_passes_with_the_documented_production_settings(extra):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_switched_off():
    # The check above can fail: turning off the redirect and HSTS is reported.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


# The admin and the site under the policy ------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle=\"([^\"]*)\"")
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
# Measured: django-simple-history's history page sets one border on its paginator. The policy
# drops it (a thin line is missing); nothing else in the admin needs an inline style.
KNOWN_STYLE_ATTRIBUTES = {"border-top: 0"}


def _admin_urls():
    urls = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, base + "add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
    return urls


# The admin's forms for Publicity build a URLField without assume_scheme (Django 6.0 notice):
# not a CSP matter, reported to be fixed in activities/admin.py.
def test_admin_and_site_pages_need_no_inline_script_or_style():
    ActivityFactory()
    MemberFactory()
    root = UserFactory(username="root", role=Role.STAFF, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    urls = ["/", "/accounts/password/", *_admin_urls()]
    assert len(urls) > 30
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 403:
            continue  # read-only admin pages (no add permission)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response, url
        html = response.content.decode()
        if INLINE_SCRIPT.search(html):
            problems.append((url, "inline script"))
        if STYLE_ELEMENT.search(html):
            problems.append((url, "style element"))
        if EVENT_HANDLER.search(html):
            problems.append((url, "event handler attribute"))
        for style in STYLE_ATTRIBUTE.findall(html):
            if style not in KNOWN_STYLE_ATTRIBUTES:
                problems.append((url, f"style attribute {style!r}"))
    assert problems == []


def test_a_nonce_is_offered_when_a_template_asks_for_one(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}" src="/static/x.js"></script>')

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _directives(response)["script-src"]
