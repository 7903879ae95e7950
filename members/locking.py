"""Optimistic locking: an edit saves only if nobody saved the record since the form was opened.

Forms carry the version they were opened at; the save claims the next version with a
conditional UPDATE … WHERE version = v. Two saves of the same version cannot both succeed:
on PostgreSQL the second UPDATE waits for the first transaction, then matches no row.
"""

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


def version_claim(record, expected):
    """Take the next version of `record` if it is still at `expected`; else StaleEditError.

    Call inside the transaction that saves the record, before writing anything else.
    """
    if record.pk is None or expected is None:
        return
    model = type(record)
    claimed = model.objects.filter(pk=record.pk, version=expected).update(version=expected + 1)
    if not claimed:
        raise StaleEditError(record)
    record.version = expected + 1
