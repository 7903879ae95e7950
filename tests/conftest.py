"""One fixture per role (staff, leadership, convener of group 1, member of group 1), and the
browser: Playwright on Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the browser tests skip and say how to install it, unless
REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

import datetime
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from members.models import FederationRole, Role
from tests.factories import MemberFactory, MembershipFactory, RotationGroupFactory, UserFactory


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The roster search's per-login counter lives in the cache: each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group1(db):
    return RotationGroupFactory(number=1, name="电机电器组")


@pytest.fixture
def group2(db):
    return RotationGroupFactory(number=2, name="商贸物流组")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", role=Role.STAFF, is_staff=True)


@pytest.fixture
def leader_user(db):
    return UserFactory(username="leader", role=Role.LEADERSHIP)


@pytest.fixture
def convener_user(group1):
    member = MemberFactory(name="召集人甲", role=FederationRole.VICE_PRESIDENT)
    MembershipFactory(member=member, group=group1, is_convener=True)
    return UserFactory(username="convener", role=Role.CONVENER, member=member)


@pytest.fixture
def other_convener_user(group2):
    member = MemberFactory(name="召集人乙", role=FederationRole.VICE_CHAIR)
    MembershipFactory(member=member, group=group2, is_convener=True)
    return UserFactory(username="convener2", role=Role.CONVENER, member=member)


@pytest.fixture
def member_user(group1):
    member = MemberFactory(name="常执委丙", role=FederationRole.STANDING)
    MembershipFactory(member=member, group=group1, start_date=datetime.date(2017, 1, 1))
    return UserFactory(username="member", role=Role.MEMBER, member=member)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def leader_client(leader_user):
    return _client_for(leader_user)


@pytest.fixture
def convener_client(convener_user):
    return _client_for(convener_user)


@pytest.fixture
def member_client(member_user):
    return _client_for(member_user)


CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium`."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # The browser's own clock is Fu'an's, like an office PC's, for every context (a test's
        # browser.new_context() does not get browser_context_args): on a UTC machine its
        # "today" would be a day behind the server's from 16:00 UTC, and the activity form
        # would take today's date for a future one.
        "env": {**os.environ, "TZ": "Asia/Shanghai"},
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An office PC in Fu'an: a Chinese browser.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def login_as(live_server):
    """Put a logged-in session for `user` into a browser context (skips the login form)."""

    def login(context, user):
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context

    return login
