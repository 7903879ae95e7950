"""Writes for attachments: add (checked file → private storage → row), archive, restore.

Every change is a django-simple-history version with who and when. A convener's attachment
change to an approved held record sends the record back to review, as a convener's edit of it
does (activities.views.ActivityFormView.needs_review): a changed record stops counting until
the staff approve it again. The staff's own changes need no review.
"""

import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.attachments.files import (
    attachment_file_check,
    attachment_upload_read,
    display_name,
)
from activities.models import Activity, Attachment
from activities.services import activity_submit

STORAGE_ALIAS = "attachments"


def attachment_storage():
    """The private storage (settings.STORAGES["attachments"]): local disk or S3-compatible."""
    return storages[STORAGE_ALIAS]


@dataclass(frozen=True)
class Added:
    attachment: Attachment
    already_there: bool  # the same file was attached before (double submit, repeated upload)
    sent_for_review: bool = False  # the approved record now awaits the staff's approval


def _review_again(activity, by):
    """Send `activity` back to review when `by` (a convener, not the staff) changes an approved
    held record; return True when it did. Call inside the change's transaction.

    The record is re-read under a row lock, so a concurrent approval or edit is seen.
    """
    if by is None or by.is_office_staff:
        return False
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    if current.status != Activity.Status.HELD or current.review_status != (
        Activity.Review.APPROVED
    ):
        return False
    activity_submit(activity=current, by=by)
    activity.review_status, activity.submitted_at = current.review_status, current.submitted_at
    activity.version = current.version
    return True


def attachment_add(*, activity, upload, caption="", by):
    """Check `upload` and attach it to `activity`; return Added.

    Raises files.AttachmentRefused (nothing stored) when the file is not kept. The same bytes
    attached twice to one activity make one attachment (a unique constraint backs the check,
    for two posts at the same moment); a repeat changes nothing and is recognised by its
    SHA-256 before it is decoded. A photo is kept at most files.MAX_STORED_SIDE px long. A new
    attachment by a convener on an approved held record sends the record back to review
    (module docstring), in the same transaction as the attachment's row.
    """
    # The repeat is recognised by the upload's hash, before the costly decode and re-encode.
    read = attachment_upload_read(upload)
    existing = _already_attached(activity, read.sha256)
    if existing is not None:
        return Added(existing, True)
    checked = attachment_file_check(read=read)
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
            sent_for_review = _review_again(activity, by)
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
    return Added(attachment, False, sent_for_review)


def _already_attached(activity, digest):
    return Attachment.objects.active().filter(activity=activity, upload_sha256=digest).first()


def _save(storage, name, content):
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # a generated name never collides; if it did, do not keep a stray copy
        storage.delete(saved)
        raise IntegrityError(f"attachment name {name} is taken")
    return saved


@transaction.atomic
def attachment_archive(*, attachment, by):
    """Hide an attachment (staff still see it); its files and history stay. Returns it.

    A convener's archive on an approved held record sends the record back to review (module
    docstring); `attachment.sent_for_review` says whether it did.
    """
    attachment.sent_for_review = False
    if attachment.archived_at is not None:
        return attachment
    attachment.archived_at = timezone.now()
    attachment.archived_by = by
    attachment._history_user = by
    attachment.save(update_fields=["archived_at", "archived_by"])
    attachment.sent_for_review = _review_again(attachment.activity, by)
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
