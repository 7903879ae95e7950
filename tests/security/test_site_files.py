"""Hygiene: the favicon is served from the site's root, and every 404 carries the policy."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_the_icons(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'img/favicon.svg" type="image/svg+xml"' in html
    assert finders.find("img/favicon.svg")


@pytest.mark.parametrize("debug", [True, False])
def test_a_404_carries_the_content_security_policy(settings, staff_user, debug):
    settings.DEBUG = debug
    client = Client()
    client.force_login(staff_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "default-src 'self'" in response["Content-Security-Policy"]
