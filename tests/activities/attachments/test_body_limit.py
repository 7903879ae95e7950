"""The request body limit (fuan_rotation/middleware.py) lets an editor's upload through, and
only there: everyone else keeps the small limits, before anything reads the body."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.activities.attachments import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.ANONYMOUS_REQUEST_BODY_LIMIT = 64 * 1024
    settings.REQUEST_BODY_LIMIT = 200 * 1024
    settings.ATTACHMENT_REQUEST_BODY_LIMIT = 2 * 1024 * 1024
    settings.ATTACHMENT_MAX_FILE_SIZE = 1024 * 1024


@pytest.fixture
def large_photo():
    data = samples.noisy_jpeg((500, 400))
    assert 200 * 1024 < len(data) < 1024 * 1024
    return data


def _post(client, url, data):
    return client.post(url, {"files": [samples.upload("photo.jpg", data)]})


def test_an_editor_uploads_more_than_the_usual_limit(
    limits, large_photo, staff_client, convener_client, activity
):
    url = reverse("attachments:attachment_upload", args=[activity.pk])
    assert _post(staff_client, url, large_photo).status_code == 302
    assert activity.attachments.count() == 1
    activity.attachments.update(upload_sha256="x")  # let the same photo count as new
    assert _post(convener_client, url, large_photo).status_code == 302
    assert activity.attachments.count() == 2


def test_the_editors_limit_is_a_limit_too(limits, staff_client, activity, settings):
    settings.ATTACHMENT_REQUEST_BODY_LIMIT = 300 * 1024
    url = reverse("attachments:attachment_upload", args=[activity.pk])
    response = _post(staff_client, url, samples.noisy_jpeg((600, 500)))
    assert response.status_code == 413
    assert activity.attachments.count() == 0


@pytest.mark.parametrize("role", ["leader_client", "member_client", "other"])
def test_logins_that_may_not_edit_keep_the_usual_limit(
    request, role, limits, large_photo, activity, other_convener_user
):
    client = Client()
    if role == "other":
        client.force_login(other_convener_user)
    else:
        client = request.getfixturevalue(role)
    url = reverse("attachments:attachment_upload", args=[activity.pk])
    assert _post(client, url, large_photo).status_code == 413
    assert activity.attachments.count() == 0


def test_anonymous_keeps_the_small_limit(limits, activity):
    url = reverse("attachments:attachment_upload", args=[activity.pk])
    data = samples.noisy_jpeg((300, 200))
    assert len(data) > 64 * 1024
    assert _post(Client(), url, data).status_code == 413


def test_other_pages_keep_the_usual_limit(limits, large_photo, staff_client, activity):
    url = reverse("activities:activity_edit", args=[activity.pk])
    assert _post(staff_client, url, large_photo).status_code == 413
