"""On a 375-px phone a convener attaches the event's photo and the signed sheet; the gallery
shows them; a browser without a login gets neither."""

import os

import pytest
from playwright.sync_api import expect

from activities.models import Attachment
from tests.activities.attachments import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def test_a_convener_uploads_photos_from_a_phone(
    browser, live_server, login_as, convener_user, activity, tmp_path
):
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(samples.jpeg_with_gps(size=(1200, 900)))
    sheet = tmp_path / "签到表（已签）.pdf"
    sheet.write_bytes(samples.pdf())
    camera_shot = tmp_path / "image.jpg"
    camera_shot.write_bytes(samples.jpeg_with_gps(size=(900, 1200), orientation=1))

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = login_as(phone, convener_user).new_page()
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    form = page.locator("[data-attachment-upload]")
    expect(form).to_be_visible()
    form.scroll_into_view_if_needed()
    page.locator('input[name="files"][multiple]').set_input_files([str(photo), str(sheet)])
    page.locator('input[name="files"][capture]').set_input_files(str(camera_shot))
    expect(page.locator("[data-attachment-chosen]")).to_contain_text("IMG_2041.jpg")
    page.fill("#id_attachment_caption", "现场照片")
    page.get_by_role("button", name="上传").click()

    expect(page.locator(".alert-success")).to_contain_text("已上传 3 个文件")
    cards = page.locator("[data-attachment-list] [data-attachment]")
    expect(cards).to_have_count(3)
    thumbnails = page.locator("[data-attachment-list] img")
    expect(thumbnails).to_have_count(2)
    thumbnails.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-attachment-list] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOTS:
        page.locator("#attachments").screenshot(path=f"{SCREENSHOTS}/attachments-375.png")
    assert Attachment.objects.filter(activity=activity).count() == 3
    thumbnail_url = thumbnails.first.get_attribute("src")
    phone.close()

    if SCREENSHOTS:
        desktop = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = login_as(desktop, convener_user).new_page()
        page.goto(f"{live_server.url}/activities/{activity.pk}/#attachments")
        page.wait_for_function(
            "[...document.querySelectorAll('[data-attachment-list] img')]"
            ".every(img => img.complete && img.naturalWidth > 0)"
        )
        page.screenshot(path=f"{SCREENSHOTS}/attachments-1366.png", full_page=True)
        desktop.close()

    # Without a login the photo is not given out: the login page answers instead.
    stranger = browser.new_context()
    response = stranger.new_page().goto(live_server.url + thumbnail_url)
    assert "/accounts/login/" in response.url
    assert response.headers["content-type"].startswith("text/html")
    stranger.close()
