"""A real Chromium uploads a roster, checks the preview and confirms it."""

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import RotationGroup
from members.models import Member
from tests.factories import UserFactory
from tests.members.roster_workbooks import seed_roster_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page, live_server_closes_connections):
    live_server = live_server_closes_connections
    user = UserFactory(username="browser-staff", role="staff", is_staff=True)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_upload_preview_confirm_in_the_browser(staff_page, live_server, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(seed_roster_bytes())
    page = staff_page

    page.goto(live_server.url + reverse("roster:roster_import"))
    page.set_input_files("input[type=file]", str(path))
    page.locator("#roster-upload-form button[type=submit]").click()

    page.wait_for_url("**/members/import/preview/")
    assert page.locator("[data-count=created]").inner_text() == "132"
    assert page.locator("[data-count=groups]").inner_text() == "12"
    assert page.locator("#roster-created tbody tr").count() == 132
    assert Member.objects.count() == 0

    page.locator("#roster-confirm").click()
    page.wait_for_url("**/members/import/")
    assert page.locator(".alert-success").count() == 1
    assert Member.objects.count() == 132
    assert RotationGroup.objects.count() == 12


def test_a_bad_file_is_refused_next_to_the_field(staff_page, live_server, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    page = staff_page
    page.goto(live_server.url + reverse("roster:roster_import"))
    page.set_input_files("input[type=file]", str(path))
    page.locator("#roster-upload-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "97–2003" in page.locator("main .invalid-feedback, main .text-danger").first.inner_text()
    assert Member.objects.count() == 0
