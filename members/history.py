"""Who changed what and when, read from django-simple-history's records for an item's page."""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuan_rotation.formal import chinese_date

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
SKIPPED_FIELDS = {"updated_at", "created_at", "pinyin_key", "stroke_key", "version"}


def authored_by(obj, user):
    """Mark `obj` so django-simple-history records `user` as the author of its next save.

    Returns `obj`, so a service can write ``authored_by(entry, by).save()``.
    """
    obj._history_user = user
    return obj


@dataclass
class Change:
    when: object
    who: object
    action: str
    subject: str
    fields: list = field(default_factory=list)  # (label, old, new)
    history_id: int | None = None  # the historical row, for pages that act on a change
    details: list = field(default_factory=list)  # plain lines, e.g. who was added

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)


def _display(model, name, value, related):
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), value))
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    return _display_moment(value)


def _display_moment(value):
    """A value as the office reads it: a datetime in local time to the minute (2026年11月30日
    20:48), a date as 2026年11月30日, a time as 20:48; anything else as str()."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{chinese_date(value)} {value:%H:%M}"
    if isinstance(value, datetime.date):
        return chinese_date(value)
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    return str(value)


def _related_names(model, rows, parent):
    """Names of the objects foreign keys point at, one query per related model.

    The `parent` key (the item whose page this is) needs no look-up.
    """
    wanted = {}
    for row in rows:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.name != parent:
                value = getattr(row, model_field.attname, None)
                if value is not None:
                    wanted.setdefault(model_field.related_model, set()).add(value)
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._base_manager.filter(pk__in=ids):
            names[(related_model, obj.pk)] = obj
    return names


def changes_of(history_queryset, *, subject=None, parent=None, limit=50, masks=None):
    """Changes recorded in `history_queryset` (one model's historical rows), newest first.

    `masks` maps a field name to a function applied to its old and new values before they are
    shown (e.g. a mobile number the reader may not see, activities/roster/mobiles.py).

    Each row is compared with the previous row of the same object, in memory, so the number
    of queries does not depend on the number of changes.
    """
    rows = list(history_queryset.select_related("history_user").order_by("history_date", "pk"))
    if not rows:
        return []
    model = rows[0].instance_type
    related = _related_names(model, rows, parent)
    previous = {}
    changes = []
    for row in rows:
        before = previous.get(row.id)
        fields = []
        if before is not None and row.history_type == "~":
            delta = row.diff_against(before)
            for change in delta.changes:
                if change.field in SKIPPED_FIELDS:
                    continue
                label = model._meta.get_field(change.field).verbose_name
                old, new = change.old, change.new
                if masks and change.field in masks:
                    old, new = masks[change.field](old), masks[change.field](new)
                shown_old = _display(model, change.field, old, related)
                shown_new = _display(model, change.field, new, related)
                if shown_old == shown_new:
                    # Seconds cut off a time (say by a form's widget): nothing a reader sees.
                    continue
                fields.append((label, shown_old, shown_new))
            if not fields:
                previous[row.id] = row
                continue
        changes.append(
            Change(
                when=row.history_date,
                who=row.history_user,
                action=row.history_type,
                subject=subject(row, related) if subject else str(model._meta.verbose_name),
                fields=fields,
                history_id=row.history_id,
            )
        )
        previous[row.id] = row
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def merged(*change_lists, limit=50):
    result = [c for changes in change_lists for c in changes]
    result.sort(key=lambda c: c.when, reverse=True)
    return result[:limit]
