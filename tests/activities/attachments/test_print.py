"""The filing copy's photos (templates/activities/attachments/_print.html): images only, not
archived, in upload order, each with its caption, two to a row."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from activities.attachments.gallery import activity_print_photos
from activities.attachments.services import attachment_add, attachment_archive
from tests.activities.attachments import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(activity, staff_user):
    def add(name, data, caption=""):
        return attach(activity, staff_user, name, data, caption)

    first = add("a.jpg", samples.jpeg_with_gps(), "集体合影")
    add("签到表.pdf", samples.pdf(), "签到表")
    archived = add("b.png", samples.png((50, 40)), "已归档的照片")
    attachment_archive(attachment=archived, by=staff_user)
    second = add("c.png", samples.png((60, 40)))
    return first, second


def attach(activity, user, name, data, caption):
    upload = samples.upload(name, data)
    return attachment_add(activity=activity, upload=upload, caption=caption, by=user).attachment


def test_the_print_photos_are_the_active_images_in_upload_order(activity, attached):
    assert activity_print_photos(activity) == list(attached)


def test_the_partial_renders_each_photo_with_its_caption(activity, attached, staff_user):
    request = RequestFactory().get("/")
    request.user = staff_user
    html = render_to_string(
        "activities/attachments/_print.html", {"activity": activity}, request=request
    )
    assert 'class="print-photos"' in html
    figures = re.findall(r"<figure>.*?</figure>", html, re.S)
    assert len(figures) == 2
    assert f"/attachments/{attached[0].pk}/thumbnail/" in figures[0]
    assert "集体合影" in figures[0]
    assert "照片2" in figures[1]  # no caption: numbered
    assert "签到表" not in html and "已归档的照片" not in html
    assert "!!INVALID" not in html


def test_the_partial_prints_nothing_without_photos(activity, staff_user):
    html = render_to_string("activities/attachments/_print.html", {"activity": activity})
    assert html.strip() == ""


def test_two_photos_a_row_on_paper():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/attachments.css").read_text()
    rule = re.search(r"\.print-photos \{(.*?)\}", css, re.S).group(1)
    assert "grid-template-columns: 1fr 1fr" in rule
    assert "break-inside: avoid" in css


def test_the_filing_copy_prints_the_photos(activity, attached, client, staff_user):
    client.force_login(staff_user)
    html = client.get(f"/activities/{activity.pk}/print/").content.decode()
    assert f"/attachments/{attached[0].pk}/thumbnail/" in html
    assert f"/attachments/{attached[1].pk}/thumbnail/" in html
    assert "集体合影" in html and "已归档的照片" not in html
