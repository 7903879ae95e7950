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


def test_the_default_limits_add_up():
    """A user who sends what the form allows (the most files, each of the largest size) is
    never refused for the whole: the upload's body limit holds them and the form around."""
    from django.conf import settings

    assert settings.ATTACHMENT_MAX_FILES == 10
    assert settings.ATTACHMENT_MAX_FILE_SIZE == 20 * 1024 * 1024
    assert (
        settings.ATTACHMENT_REQUEST_BODY_LIMIT
        >= settings.ATTACHMENT_MAX_FILES * settings.ATTACHMENT_MAX_FILE_SIZE + 64 * 1024
    )
    # Django's own limit on the form's other fields does not cut in before ours.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 64 * 1024


@pytest.mark.parametrize(
    ("upload_mb", "files", "expected_files"), [("", "10", 10), ("100", "10", 4), ("50", "1", 1)]
)
def test_a_lower_upload_cap_takes_fewer_files_at_a_time(upload_mb, files, expected_files):
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fuan_rotation.settings';"
        "from django.conf import settings as s;"
        "print(s.ATTACHMENT_MAX_FILES, s.ATTACHMENT_REQUEST_BODY_LIMIT)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV_FILE": "",
        "DEBUG": "true",
        "SECRET_KEY": "x" * 50,
        "ATTACHMENT_UPLOAD_MB": upload_mb,
        "ATTACHMENT_MAX_FILES": files,
        "ATTACHMENT_MAX_FILE_MB": "20",
    }
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    max_files, body = map(int, done.stdout.split())
    assert max_files == expected_files
    assert body == max_files * 20 * 1024 * 1024 + 1024 * 1024
    if upload_mb:
        assert body <= int(upload_mb) * 1024 * 1024


def test_the_413_page_gives_the_advice_of_the_page_posted_to(limits, staff_client, activity):
    import re

    def advice(url):
        response = staff_client.post(
            url, data=b"x", content_type="application/octet-stream", CONTENT_LENGTH=str(10**9)
        )
        assert response.status_code == 413
        found = re.findall(r'<p data-advice="(\w+)">(.*?)</p>', response.content.decode(), re.S)
        assert len(found) == 1
        return found[0]

    kind, text = advice(reverse("attachments:attachment_upload", args=[activity.pk]))
    assert kind == "attachments" and "名册" not in text
    assert "2 MiB" in text and "每次最多上传 10 个文件，每个不超过 1 MiB" in text
    kind, text = advice(reverse("roster:roster_import"))
    assert kind == "roster" and "名册工作簿最大 5 MiB" in text
    kind, text = advice(reverse("activities:activity_edit", args=[activity.pk]))
    assert kind == "other" and "名册" not in text and "照片" not in text
    assert "0.2 MiB" in text  # REQUEST_BODY_LIMIT of the fixture: 200 KiB
