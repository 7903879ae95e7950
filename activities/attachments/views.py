"""Upload, archive and restore attachments; give out their files to logins that may see them.

The files are never on a public URL: AttachmentFileView checks the login against the
activity each time, and answers with the private headers (no caching, no sniffing).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from activities.attachments.files import AttachmentRefused, display_name
from activities.attachments.gallery import editable_activities, visible_attachments
from activities.attachments.services import (
    attachment_add,
    attachment_archive,
    attachment_restore,
    attachment_storage,
)
from activities.models import Attachment
from activities.services import convened_groups

logger = logging.getLogger(__name__)

FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _may_edit_some(user):
    return user.is_office_staff or convened_groups(user).exists()


def _to_gallery(activity):
    return HttpResponseRedirect(
        reverse("activities:activity_detail", args=[activity.pk]) + "#attachments"
    )


class AttachmentUploadView(View):
    """POST one or more files (field "files") to an activity, from a phone camera or a PC.

    A convener's new file on an approved held record sends the record back to review
    (activities.attachments.services)."""

    http_method_names = ["post"]

    @classmethod
    def request_body_limit(cls, request, pk):
        """Consulted by fuan_rotation.middleware before the body is read: several photos."""
        if editable_activities(request.user).filter(pk=pk).exists():
            return settings.ATTACHMENT_REQUEST_BODY_LIMIT
        return 0

    def dispatch(self, request, pk):
        if not _may_edit_some(request.user):
            raise PermissionDenied
        # Looked up after the role check; another group's record is simply not found.
        self.activity = get_object_or_404(editable_activities(request.user), pk=pk)
        return super().dispatch(request, pk)

    def post(self, request, pk):
        uploads = request.FILES.getlist("files")
        if not uploads:
            messages.error(request, _("Choose the photos or PDF files to upload."))
            return _to_gallery(self.activity)
        if len(uploads) > settings.ATTACHMENT_MAX_FILES:
            messages.error(
                request,
                _("At most %(limit)s files at a time; nothing was uploaded.")
                % {"limit": settings.ATTACHMENT_MAX_FILES},
            )
            return _to_gallery(self.activity)
        caption = request.POST.get("caption", "")
        added = repeated = 0
        sent_for_review = False
        for upload in uploads:
            try:
                result = attachment_add(
                    activity=self.activity, upload=upload, caption=caption, by=request.user
                )
            except AttachmentRefused as refusal:
                messages.error(request, _("Not uploaded: %(reason)s") % {"reason": refusal})
                continue
            except OSError:
                # The storage failed (disk full, object storage unreachable): nothing was kept.
                logger.exception("attachment could not be stored")
                messages.error(
                    request,
                    _("“%(name)s” could not be stored; try again later or tell the office.")
                    % {"name": display_name(upload.name)},
                )
                continue
            if result.already_there:
                repeated += 1
            else:
                added += 1
                sent_for_review = sent_for_review or result.sent_for_review
        if added:
            messages.success(
                request,
                ngettext("%(count)s file was attached.", "%(count)s files were attached.", added)
                % {"count": added},
            )
        if repeated:
            messages.info(
                request,
                ngettext(
                    "%(count)s file was attached already and is kept once.",
                    "%(count)s files were attached already and are kept once.",
                    repeated,
                )
                % {"count": repeated},
            )
        if sent_for_review:
            messages.info(request, _("The record now awaits the staff's approval."))
        return _to_gallery(self.activity)


class AttachmentFileView(View):
    """The file (variant "file") or its thumbnail, to a login that may see the activity."""

    variant = "file"
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        attachment = get_object_or_404(visible_attachments(request.user), pk=pk)
        if self.variant == "thumbnail":
            if not attachment.thumbnail_name:
                raise Http404
            name, content_type = attachment.thumbnail_name, "image/jpeg"
        else:
            name, content_type = attachment.file_name, attachment.content_type
        try:
            handle = attachment_storage().open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle,
            content_type=content_type,
            # A PDF is only ever downloaded: never opened inside the site's origin.
            as_attachment=not attachment.is_image,
            filename=_download_name(attachment, name),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = FILE_CSP
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


def _download_name(attachment, stored_name):
    """The user's own name for the file, with the extension of what is actually stored."""
    stem = (
        attachment.original_name.rsplit(".", 1)[0]
        if "." in attachment.original_name
        else (attachment.original_name)
    )
    return f"{stem or _('attachment')}.{stored_name.rsplit('.', 1)[-1]}"


class _AttachmentActionView(View):
    http_method_names = ["post"]

    def attachments(self):
        raise NotImplementedError

    def dispatch(self, request, pk):
        if not self.allowed(request.user):
            raise PermissionDenied
        self.attachment = get_object_or_404(self.attachments().select_related("activity"), pk=pk)
        return super().dispatch(request, pk)


class AttachmentArchiveView(_AttachmentActionView):
    """Archive (hide) an attachment: whoever may edit the activity. Staff still see it; a
    convener's archive on an approved record sends it back to review (services)."""

    def allowed(self, user):
        return _may_edit_some(user)

    def attachments(self):
        return Attachment.objects.filter(activity__in=editable_activities(self.request.user))

    def post(self, request, pk):
        attachment = attachment_archive(attachment=self.attachment, by=request.user)
        messages.success(request, _("“%(name)s” was archived.") % {"name": attachment})
        if attachment.sent_for_review:
            messages.info(request, _("The record now awaits the staff's approval."))
        return _to_gallery(self.attachment.activity)


class AttachmentRestoreView(_AttachmentActionView):
    """Show an archived attachment again: staff."""

    def allowed(self, user):
        return user.is_office_staff

    def attachments(self):
        return Attachment.objects.all()

    def post(self, request, pk):
        attachment = attachment_restore(attachment=self.attachment, by=request.user)
        if attachment.archived_at is None:
            messages.success(request, _("“%(name)s” is shown again.") % {"name": attachment})
        else:
            messages.error(
                request,
                _("“%(name)s” stays archived: the same file is attached again.")
                % {"name": attachment},
            )
        return _to_gallery(attachment.activity)
