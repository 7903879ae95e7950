"""A database that cannot be reached gives the site's 503 page, never a traceback."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from activities.views import HomeView

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


def _assert_clean_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Content-Security-Policy" in response
    page = response.content.decode()
    assert "系统暂时无法使用" in page
    assert "请稍候一分钟" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert 'href="/static/css/bootstrap.min.css"' in page  # the site's own look


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_lost_during_a_page_gives_503(client_for, monkeypatch, error):
    def broken(self, **kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(HomeView, "get_context_data", broken)
    _assert_clean_503(client_for.get("/"))


def test_database_down_before_the_view_gives_503(client_for, monkeypatch):
    # The first query of a request is the session lookup in the login check.
    def broken(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5544 failed')

    monkeypatch.setattr(SessionStore, "_get_session_from_db", broken)
    _assert_clean_503(client_for.get("/"))


def test_other_errors_stay_500(client_for, monkeypatch):
    def broken(self, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(HomeView, "get_context_data", broken)
    response = client_for.get("/")
    assert response.status_code == 500
    assert "a bug" not in response.content.decode()
