"""Roster import (upload → preview → confirm), export and template download. Staff only.

The uploaded workbook is kept on the server under a random token held in the session, with
the rows read from it (parsed once, at upload: the preview and the confirmation reuse them
after checking the file's SHA-256). The confirmation re-plans against the database and writes
only if the plan is the one the user saw (its fingerprint was in the confirmation form).
Nothing from the client is trusted as a plan.
"""

import hashlib
import io
import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from activities.roster.export import (
    roster_export_workbook,
    roster_template_workbook,
)
from activities.roster.filters import MemberFilterSet
from activities.roster.mobiles import ContactVisibility
from activities.roster.planner import plan_import, roster_apply
from activities.roster.printable import roster_file_name
from fuan_rotation.formal import spooled_output
from members.access import record_access
from members.locking import StaleEditError
from members.models import PersonalDataAccess
from members.permissions import StaffRequiredMixin
from members.roster import MAX_FILE_SIZE, RosterBook, RosterFileError, read_roster

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "roster_import"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
UPLOAD_MAX_AGE = 24 * 60 * 60


def upload_dir():
    path = Path(
        getattr(settings, "ROSTER_UPLOAD_DIR", "")
        or Path(tempfile.gettempdir()) / "fuan-rotation-roster-uploads"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _upload_path(token):
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return upload_dir() / f"{token}.xlsx"


def save_upload(data, book=None):
    """Keep an uploaded workbook (and the RosterBook read from it) under a fresh random
    token; forget day-old ones."""
    directory = upload_dir()
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in [*directory.glob("*.xlsx"), *directory.glob("*.json")]:
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(32)
    descriptor = os.open(directory / f"{token}.xlsx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    if book is not None:
        descriptor = os.open(
            directory / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(book.to_data(), handle, ensure_ascii=False)
    return token


def load_book(token, data):
    """The RosterBook parsed at upload, if it was parsed from exactly these bytes; else the
    file is read again (RosterFileError as from read_roster)."""
    path = _upload_path(token)
    if path is not None:
        try:
            stored = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            if stored.get("sha256") == hashlib.sha256(data).hexdigest():
                return RosterBook.from_data(stored)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return read_roster(data)


def load_upload(token):
    path = _upload_path(token)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def discard_upload(token):
    path = _upload_path(token)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster workbook (.xlsx)"),
        error_messages={"empty": gettext_lazy("The file is empty.")},
        help_text=gettext_lazy(
            "Up to 5 MB and 10000 rows. Visible sheets with a header row are read, the active "
            "one first; hidden sheets never."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    archive_missing = forms.BooleanField(
        label=gettext_lazy("Archive members who are not in the file"),
        help_text=gettext_lazy(
            "Use this for a new term's complete roster. Archived members keep their history."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _(
                    "The file is larger than %(limit)s, far more than a roster needs. Save the "
                    "roster sheet on its own, without pictures, and upload that."
                )
                % {"limit": f"{MAX_FILE_SIZE / 1024 / 1024:.1f} MB"}
            )
        upload.seek(0)
        data = upload.read(MAX_FILE_SIZE + 1)
        try:
            self.cleaned_data["book"] = read_roster(data)
        except RosterFileError as error:
            raise ValidationError(error.message) from None
        self.cleaned_data["data"] = data
        return upload


class RosterImportView(StaffRequiredMixin, FormView):
    template_name = "roster/import.html"
    form_class = RosterUploadForm

    def form_valid(self, form):
        previous = self.request.session.get(SESSION_KEY)
        if previous:
            discard_upload(previous.get("token"))
        self.request.session[SESSION_KEY] = {
            "token": save_upload(form.cleaned_data["data"], form.cleaned_data["book"]),
            "filename": os.path.basename(form.cleaned_data["file"].name)[:200],
            "archive_missing": form.cleaned_data["archive_missing"],
        }
        return redirect("roster:roster_import_preview")


class RosterImportPreviewView(StaffRequiredMixin, TemplateView):
    template_name = "roster/preview.html"

    def pending(self):
        pending = self.request.session.get(SESSION_KEY) or {}
        data = load_upload(pending.get("token"))
        return pending, data

    def _start_again(self, message):
        pending = self.request.session.pop(SESSION_KEY, None)
        if pending:
            discard_upload(pending.get("token"))
        messages.warning(self.request, message)
        return redirect("roster:roster_import")

    def _plan(self, pending, data):
        book = load_book(pending.get("token"), data)
        return plan_import(book, archive_missing=bool(pending.get("archive_missing")))

    def get(self, request, *args, **kwargs):
        pending, data = self.pending()
        if data is None:
            return self._start_again(_("No roster is waiting for confirmation; upload it again."))
        try:
            plan = self._plan(pending, data)
        except RosterFileError as error:
            return self._start_again(error.message)
        return self.render_to_response(
            self.get_context_data(plan=plan, filename=pending.get("filename", ""))
        )

    def post(self, request, *args, **kwargs):
        pending, data = self.pending()
        if "cancel" in request.POST:
            self.request.session.pop(SESSION_KEY, None)
            discard_upload(pending.get("token"))
            messages.info(request, _("Import cancelled; nothing was written."))
            return redirect("roster:roster_import")
        if data is None:
            return self._start_again(_("No roster is waiting for confirmation; upload it again."))
        try:
            with transaction.atomic():
                plan = self._plan(pending, data)
                if not plan.ok or plan.fingerprint() != request.POST.get("fingerprint"):
                    messages.warning(
                        request,
                        _(
                            "The members changed since this preview was made. Check the new "
                            "preview before confirming."
                        ),
                    )
                    return redirect("roster:roster_import_preview")
                result = roster_apply(plan=plan, by=request.user)
        except RosterFileError as error:
            return self._start_again(error.message)
        except StaleEditError:
            # Someone saved a member between this preview and the write: nothing was written.
            messages.warning(
                request,
                _(
                    "The members changed since this preview was made. Check the new "
                    "preview before confirming."
                ),
            )
            return redirect("roster:roster_import_preview")
        self.request.session.pop(SESSION_KEY, None)
        discard_upload(pending.get("token"))
        messages.success(
            request,
            _(
                "Roster imported: %(created)s created, %(updated)s updated, %(archived)s "
                "archived, %(groups)s groups created."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "archived": result.archived,
                "groups": result.groups_created,
            },
        )
        return redirect(reverse("roster:roster_import"))


class RosterExportView(StaffRequiredMixin, View):
    """下载当前名册: the roster as filtered on the page (the same query parameters)."""

    def get(self, request, *args, **kwargs):
        filterset = MemberFilterSet(request.GET, request=request)
        members = filterset.qs
        rows = members.count()
        record_access(request, PersonalDataAccess.Kind.ROSTER_EXPORT, rows=rows)
        # Written to a temporary file and streamed from it: memory stays flat however long
        # the roster.
        return FileResponse(
            roster_export_workbook(
                members,
                scope=filterset.description(),
                visibility=ContactVisibility(request.user),
                output=spooled_output(),
            ),
            as_attachment=True,
            filename=roster_file_name(),
            content_type=XLSX_TYPE,
        )


class RosterTemplateView(StaffRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return FileResponse(
            io.BytesIO(roster_template_workbook()),
            as_attachment=True,
            filename="执委会成员名册模板.xlsx",
            content_type=XLSX_TYPE,
        )
