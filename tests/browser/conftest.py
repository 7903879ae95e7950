"""Playwright on Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the browser tests skip and say how to install it, unless
REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

import os

import pytest
from django.conf import settings
from django.test import Client

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
