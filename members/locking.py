"""Optimistic locking: an edit saves only if nobody saved the record since the form was opened.

Two rules, for Activity and Member (the models with a ``version``):

* Every save of a stored row raises its version (:class:`VersionedSave`), whatever the path:
  the pages, the plan page, the admin, the roster import, a management command. A change of
  an activity's attendance alone (applying check-ins) raises it too, once per save
  (activities.services.attendance_set). A form opened before any of them is then refused.
* An edit opened at version v (a form, the admin, an import preview) first claims the row with
  :func:`version_claim`: a conditional ``UPDATE … WHERE version = v`` that takes the row's
  write lock. Two saves of the same version cannot both succeed: on PostgreSQL the second
  UPDATE waits for the first transaction, then matches no row. A form without a version is
  refused, never waved through.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleEditError(Exception):
    """Someone saved the record after this form was opened; nothing was written."""

    message = _(
        "Someone else saved this record while you were editing it. Nothing was saved, so "
        "their changes are kept: reload the page to see them, then make your changes again."
    )

    def __init__(self, record=None):
        super().__init__(str(self.message))
        self.record = record


class MissingVersionError(StaleEditError):
    """An edit of a stored record came without the version it was opened at."""

    message = _(
        "This form does not say which version of the record it was opened at, so it could "
        "overwrite someone else's changes. Nothing was saved: reload the page and try again."
    )


# The default of services' `expected_version`: a write not opened from a form (a command, a
# test, the seed) is not checked, but still raises the version when it saves.
NOT_CHECKED = object()


def version_claim(record, expected):
    """Claim a stored `record` for an edit opened at version `expected` (an int).

    Raises MissingVersionError when `expected` is None and StaleEditError when the row's
    version is no longer `expected` (someone saved since). A new record (no pk), or
    `expected` NOT_CHECKED (a write that no form opened), needs no claim. Call inside the
    transaction that saves the record, before writing anything else; the row stays locked
    until that transaction ends, and the save itself raises the version.
    """
    if record.pk is None or expected is NOT_CHECKED:
        return
    if expected is None or expected == "":
        raise MissingVersionError(record)
    model = type(record)
    # Setting version to itself takes the row's write lock without changing it.
    claimed = model.objects.filter(pk=record.pk, version=expected).update(
        version=models.F("version")
    )
    if not claimed:
        raise StaleEditError(record)


def version_bump(record):
    """Raise a stored record's version by one in the database and on `record`.

    The UPDATE takes the row lock first, so two writers never hand out the same version.
    """
    model = type(record)
    model.objects.filter(pk=record.pk).update(version=models.F("version") + 1)
    stored = model.objects.filter(pk=record.pk).values_list("version", flat=True).first()
    if stored is not None:
        record.version = stored


class VersionedSave:
    """Model mixin: every save of a stored row raises its ``version`` (see the module doc)."""

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            version_bump(self)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)
