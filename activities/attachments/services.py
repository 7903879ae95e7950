"""Writes for attachments: add (checked file → private storage → row), archive, restore.

Every change is a django-simple-history version with who and when.
"""

import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.attachments.files import attachment_file_check, display_name
from activities.models import Attachment

STORAGE_ALIAS = "attachments"


def attachment_storage():
    """The private storage (settings.STORAGES["attachments"]): local disk or S3-compatible."""
    return storages[STORAGE_ALIAS]


@dataclass(frozen=True)
class Added:
    attachment: Attachment
    already_there: bool  # the same file was attached before (double submit, repeated upload)


def attachment_add(*, activity, upload, caption="", by):
    """Check `upload` and attach it to `activity`; return Added.

    Raises files.AttachmentRefused (nothing stored) when the file is not kept. The same bytes
    attached twice to one activity make one attachment (a unique constraint backs the check,
    for two posts at the same moment).
    """
    checked = attachment_file_check(upload=upload)
    existing = _already_attached(activity, checked.upload_sha256)
    if existing is not None:
        return Added(existing, True)
    storage = attachment_storage()
    stem = f"{activity.pk}/{uuid.uuid4().hex}"
    stored = [_save(storage, f"{stem}.{checked.extension}", checked.content)]
    if checked.thumbnail is not None:
        stored.append(_save(storage, f"{stem}.thumb.jpg", checked.thumbnail))
    attachment = Attachment(
        activity=activity,
        kind=checked.kind,
        original_name=display_name(upload.name),
        caption=" ".join(caption.split())[:200],
        file_name=stored[0],
        thumbnail_name=stored[1] if len(stored) > 1 else "",
        content_type=checked.content_type,
        size=len(checked.content),
        width=checked.width,
        height=checked.height,
        upload_sha256=checked.upload_sha256,
        uploaded_by=by,
    )
    attachment._history_user = by
    try:
        with transaction.atomic():
            attachment.save()
    except IntegrityError:
        # The same file posted twice at the same moment: the other post attached it.
        for name in stored:
            storage.delete(name)
        existing = _already_attached(activity, checked.upload_sha256)
        if existing is None:
            raise
        return Added(existing, True)
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return Added(attachment, False)


def _already_attached(activity, digest):
    return Attachment.objects.active().filter(activity=activity, upload_sha256=digest).first()


def _save(storage, name, content):
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # a generated name never collides; if it did, do not keep a stray copy
        storage.delete(saved)
        raise IntegrityError(f"attachment name {name} is taken")
    return saved


def attachment_archive(*, attachment, by):
    """Hide an attachment (staff still see it); its files and history stay."""
    if attachment.archived_at is not None:
        return attachment
    attachment.archived_at = timezone.now()
    attachment.archived_by = by
    attachment._history_user = by
    attachment.save(update_fields=["archived_at", "archived_by"])
    return attachment


def attachment_restore(*, attachment, by):
    """Show an archived attachment again, unless the same file is attached again meanwhile."""
    if attachment.archived_at is None:
        return attachment
    if _already_attached(attachment.activity, attachment.upload_sha256) is not None:
        return attachment
    attachment.archived_at = None
    attachment.archived_by = None
    attachment._history_user = by
    attachment.save(update_fields=["archived_at", "archived_by"])
    return attachment
