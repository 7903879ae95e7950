"""Uploading from the activity's page, giving the files out only to logins that may see them,
archiving with history."""

import io
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities.attachments.services import attachment_add, attachment_archive
from activities.models import Attachment
from tests.activities.attachments import samples
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _upload_url(activity):
    return reverse("attachments:attachment_upload", args=[activity.pk])


def _post(client, activity, *files, caption=""):
    return client.post(
        _upload_url(activity),
        {"files": [samples.upload(name, data) for name, data in files], "caption": caption},
    )


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def _stored_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_staff_upload_several_files_at_once(staff_client, staff_user, activity, attachments_dir):
    response = _post(
        staff_client,
        activity,
        ("IMG_0001.jpg", samples.jpeg_with_gps()),
        ("议程.png", samples.png()),
        ("签到表.pdf", samples.pdf()),
        caption="签到表与现场照片",
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/activities/{activity.pk}/#attachments")
    assert _messages(response) == ["已上传 3 个文件。"]
    attachments = list(activity.attachments.order_by("pk"))
    assert [a.kind for a in attachments] == ["image", "image", "pdf"]
    assert [a.original_name for a in attachments] == ["IMG_0001.jpg", "议程.png", "签到表.pdf"]
    assert {a.caption for a in attachments} == {"签到表与现场照片"}
    assert {a.uploaded_by for a in attachments} == {staff_user}
    # Stored under generated names in the activity's folder, never under the user's names.
    stored = _stored_files(attachments_dir)
    assert len(stored) == 5  # two images with their thumbnails, one PDF
    assert all(
        re.fullmatch(rf"{activity.pk}/[0-9a-f]{{32}}(\.thumb)?\.(jpg|png|pdf)", n) for n in stored
    )
    assert not any("IMG_0001" in n or "签到表" in n for n in stored)
    # Files readable by the service's user only.
    assert {(attachments_dir / n).stat().st_mode & 0o777 for n in stored} == {0o600}


def test_the_activity_page_shows_the_gallery_and_the_form_to_its_editors(
    staff_client, convener_client, member_client, staff_user, activity
):
    attachment_add(
        activity=activity, upload=samples.upload("a.jpg", samples.jpeg_with_gps()), by=staff_user
    )
    url = reverse("activities:activity_detail", args=[activity.pk])
    for client, may_upload in (
        (staff_client, True),
        (convener_client, True),
        (member_client, False),
    ):
        page = client.get(url).content.decode()
        assert "照片与扫描件" in page
        assert (
            reverse("attachments:attachment_thumbnail", args=[activity.attachments.get().pk])
            in page
        )
        assert (_upload_url(activity) in page) is may_upload
        assert ('capture="environment"' in page) is may_upload
        assert ('accept="image/*,application/pdf" multiple' in page) is may_upload


def test_the_detail_page_costs_the_same_queries_for_one_or_many_attachments(
    staff_client, staff_user, activity, django_assert_max_num_queries
):
    url = reverse("activities:activity_detail", args=[activity.pk])

    sizes = iter(range(20, 40))

    def add(n):
        for i in range(n):
            buffer = io.BytesIO()
            Image.new("RGB", (next(sizes), 20), "red").save(buffer, "PNG")
            added = attachment_add(
                activity=activity,
                upload=samples.upload(f"{i}.png", buffer.getvalue()),
                by=staff_user,
            )
            attachment_archive(attachment=added.attachment, by=staff_user) if i == 0 else None

    add(2)
    staff_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff_client.get(url)
    assert page.content.decode().count("data-attachment=") == 8


def test_a_convener_uploads_to_their_own_group_only(
    convener_client, group2, activity, attachments_dir
):
    response = _post(convener_client, activity, ("photo.jpg", samples.jpeg_with_gps()))
    assert response.status_code == 302 and activity.attachments.count() == 1
    other = ActivityFactory(group=group2)
    assert _post(convener_client, other, ("photo.jpg", samples.jpeg_with_gps())).status_code == 404
    assert other.attachments.count() == 0


@pytest.mark.parametrize("role", ["leader_client", "member_client"])
def test_readers_cannot_upload(request, role, activity, attachments_dir):
    client = request.getfixturevalue(role)
    assert _post(client, activity, ("photo.jpg", samples.jpeg_with_gps())).status_code == 403
    assert Attachment.objects.count() == 0 and _stored_files(attachments_dir) == []


def test_a_bad_file_is_named_and_the_good_ones_are_kept(staff_client, activity, attachments_dir):
    response = _post(
        staff_client,
        activity,
        ("photo.jpg", b"These are the minutes, not a photo.\n" * 40),
        ("good.png", samples.png()),
    )
    assert _messages(response) == [
        "未上传：“photo.jpg”不是照片或 PDF：只能上传 JPEG、PNG、WebP、HEIC 图片和 PDF 文件。",
        "已上传 1 个文件。",
    ]
    assert [a.original_name for a in activity.attachments.all()] == ["good.png"]
    assert len(_stored_files(attachments_dir)) == 2


def test_a_decompression_bomb_upload_is_refused_in_chinese(staff_client, activity, settings):
    settings.ATTACHMENT_MAX_PIXELS = 50_000_000
    response = _post(staff_client, activity, ("bomb.png", samples.bomb_png(8000)))
    assert response.status_code == 302
    (message,) = _messages(response)
    assert message.startswith("未上传：“bomb.png”像素过多（最多5000万像素）")
    assert activity.attachments.count() == 0


def test_an_oversized_file_is_refused_and_nothing_is_kept(
    staff_client, activity, settings, attachments_dir
):
    settings.ATTACHMENT_MAX_FILE_SIZE = 100 * 1024
    response = _post(staff_client, activity, ("large.jpg", samples.noisy_jpeg((400, 300))))
    (message,) = _messages(response)
    assert "“large.jpg”" in message and "每个文件最大 0.1 MB" in message
    assert activity.attachments.count() == 0 and _stored_files(attachments_dir) == []


def test_too_many_files_at_once_are_refused(staff_client, activity, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = [(f"{i}.png", samples.png((10 + i, 10))) for i in range(3)]
    response = _post(staff_client, activity, *files)
    assert _messages(response) == ["一次最多上传 2 个文件；本次未上传任何文件。"]
    assert activity.attachments.count() == 0


def test_an_empty_upload_asks_for_files(staff_client, activity):
    response = staff_client.post(_upload_url(activity), {})
    assert _messages(response) == ["请选择要上传的照片或 PDF 文件。"]


def test_a_double_submit_keeps_one_copy(staff_client, activity, attachments_dir):
    photo = samples.jpeg_with_gps()
    first = _post(staff_client, activity, ("IMG_1.jpg", photo))
    assert _messages(first) == ["已上传 1 个文件。"]
    staff_client.get(first["Location"])  # the page shows the message
    second = _post(staff_client, activity, ("IMG_1.jpg", photo))
    assert _messages(second) == ["1 个文件此前已上传，只保留一份。"]
    assert activity.attachments.count() == 1
    assert len(_stored_files(attachments_dir)) == 2


def test_two_posts_at_the_same_moment_leave_one_row_and_no_stray_files(
    staff_user, activity, attachments_dir, monkeypatch
):
    photo = samples.jpeg_with_gps()
    first = attachment_add(activity=activity, upload=samples.upload("a.jpg", photo), by=staff_user)
    # The second post checked before the first one's row existed: the constraint decides.
    monkeypatch.setattr("activities.attachments.services._already_attached", _late_check())
    second = attachment_add(activity=activity, upload=samples.upload("a.jpg", photo), by=staff_user)
    assert second.already_there and second.attachment == first.attachment
    assert activity.attachments.count() == 1
    assert len(_stored_files(attachments_dir)) == 2


def _late_check():
    calls = []

    def already_attached(activity, digest):
        calls.append(digest)
        if len(calls) == 1:
            return None
        return Attachment.objects.active().get(activity=activity, upload_sha256=digest)

    return already_attached


# --- Giving the files out -------------------------------------------------------------------


@pytest.fixture
def pdf_attachment(staff_user, activity):
    return attachment_add(
        activity=activity, upload=samples.upload("签到表（已签）.pdf", samples.pdf()), by=staff_user
    ).attachment


@pytest.fixture
def photo(staff_user, activity):
    return attachment_add(
        activity=activity,
        upload=samples.upload("IMG_0001.HEIC.jpg", samples.jpeg_with_gps()),
        by=staff_user,
    ).attachment


def test_a_pdf_is_downloaded_with_its_name_and_private_headers(member_client, pdf_attachment):
    response = member_client.get(reverse("attachments:attachment_file", args=[pdf_attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # RFC 5987: the Chinese name, percent-encoded UTF-8.
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "签到表（已签）.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == _stored_bytes(pdf_attachment)


def _stored_bytes(attachment):
    from activities.attachments.services import attachment_storage

    with attachment_storage().open(attachment.file_name, "rb") as f:
        return f.read()


def test_a_photo_and_its_thumbnail_are_shown_inline(member_client, photo):
    response = member_client.get(reverse("attachments:attachment_file", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="IMG_0001.HEIC.jpg"'
    data = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(data)).size == (200, 300)
    assert b"Exif" not in data
    thumbnail = member_client.get(reverse("attachments:attachment_thumbnail", args=[photo.pk]))
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["Content-Disposition"].startswith("inline")
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).format == "JPEG"


def test_a_pdf_has_no_thumbnail(member_client, pdf_attachment):
    url = reverse("attachments:attachment_thumbnail", args=[pdf_attachment.pk])
    assert member_client.get(url).status_code == 404


def test_anonymous_requests_go_to_the_login_page(photo):
    for name in ("attachments:attachment_file", "attachments:attachment_thumbnail"):
        response = Client().get(reverse(name, args=[photo.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_archived_activitys_files_are_for_the_staff_only(
    staff_client, convener_client, member_client, leader_client, photo
):
    activity = photo.activity
    activity.archived_at = timezone.now()
    activity.save(update_fields=["archived_at"])
    url = reverse("attachments:attachment_file", args=[photo.pk])
    assert staff_client.get(url).status_code == 200
    for client in (convener_client, member_client, leader_client):
        assert client.get(url).status_code == 404


def test_archived_attachments_are_hidden_but_kept_for_the_staff_with_history(
    staff_client, convener_client, member_client, convener_user, photo, attachments_dir
):
    response = convener_client.post(reverse("attachments:attachment_archive", args=[photo.pk]))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.archived_at is not None and photo.archived_by == convener_user
    last = photo.history.first()
    assert last.history_type == "~" and last.history_user == convener_user
    assert last.archived_at is not None
    # Files stay; only the staff see them and the archived list.
    assert len(_stored_files(attachments_dir)) == 2
    url = reverse("attachments:attachment_file", args=[photo.pk])
    assert member_client.get(url).status_code == 404
    assert convener_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200
    detail = reverse("activities:activity_detail", args=[photo.activity_id])
    assert "data-attachments-archived" not in member_client.get(detail).content.decode()
    staff_page = staff_client.get(detail).content.decode()
    assert "1 个已归档的附件" in staff_page
    # The staff show it again.
    assert (
        staff_client.post(reverse("attachments:attachment_restore", args=[photo.pk])).status_code
        == 302
    )
    photo.refresh_from_db()
    assert photo.archived_at is None
    assert photo.history.count() == 3


def test_an_attachment_cannot_be_deleted(photo):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        photo.delete()
    assert Attachment.objects.filter(pk=photo.pk).exists()


def test_the_attachments_folder_is_outside_every_served_folder():
    from pathlib import Path

    from django.conf import settings

    from fuan_rotation.settings import ATTACHMENTS_DIR, BASE_DIR

    # The production default, and the folder this run uses.
    for folder in (Path(ATTACHMENTS_DIR), Path(settings.ATTACHMENTS_DIR)):
        folder = folder.resolve()
        served = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS, BASE_DIR / "templates"]
        for root in served:
            assert not folder.is_relative_to(Path(root).resolve())
    assert not settings.MEDIA_ROOT  # nothing in this site is published as media


def test_the_admin_lists_attachments_and_deletes_none(photo):
    from members.models import Role
    from tests.factories import UserFactory

    staff_client = Client()
    staff_client.force_login(
        UserFactory(username="root", role=Role.STAFF, is_staff=True, is_superuser=True)
    )
    assert staff_client.get(reverse("admin:activities_attachment_changelist")).status_code == 200
    change = staff_client.get(reverse("admin:activities_attachment_change", args=[photo.pk]))
    assert change.status_code == 200 and "IMG_0001.HEIC.jpg" in change.content.decode()
    delete = staff_client.post(reverse("admin:activities_attachment_delete", args=[photo.pk]))
    assert delete.status_code == 403
    assert Attachment.objects.filter(pk=photo.pk).exists()


def test_a_storage_failure_is_a_message_and_keeps_nothing(staff_client, activity, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def disk_full(self, name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = _post(staff_client, activity, ("photo.jpg", samples.jpeg_with_gps()))
    assert response.status_code == 302
    assert _messages(response) == ["“photo.jpg”未能保存，请稍后再试或告知会员部。"]
    assert activity.attachments.count() == 0


def test_a_repeated_upload_is_recognised_before_it_is_decoded(
    staff_client, activity, attachments_dir, monkeypatch
):
    from PIL import ImageFile

    data = samples.jpeg_with_gps(size=(1200, 900))
    assert _post(staff_client, activity, ("photo.jpg", data)).status_code == 302
    stored = _stored_files(attachments_dir)
    decoded = []
    original_load = ImageFile.ImageFile.load

    def load(self):
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    response = _post(staff_client, activity, ("again.jpg", data))
    assert response.status_code == 302
    assert "1 个文件此前已上传，只保留一份。" in _messages(response)
    assert decoded == []  # the hash found it: no decode, no re-encode
    assert activity.attachments.count() == 1 and _stored_files(attachments_dir) == stored
