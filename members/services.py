"""Writes to the roster. Each service records who made the change (django-simple-history)."""

from django.db import transaction

from members.models import Member, PublicOffice


def _as(obj, by):
    obj._history_user = by
    return obj


@transaction.atomic
def member_create(*, by, offices=(), **fields):
    member = _as(Member(**fields), by)
    member.full_clean()
    member.save()
    for kind, level in offices:
        office = _as(PublicOffice(member=member, kind=kind, level=level), by)
        office.full_clean()
        office.save()
    return member


@transaction.atomic
def member_update(*, member, by, **fields):
    for name, value in fields.items():
        setattr(member, name, value)
    _as(member, by)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_restore(*, member, by):
    if member.archived_at is not None:
        member.archived_at = None
        _as(member, by).save(update_fields=["archived_at", "updated_at"])
    return member


@transaction.atomic
def member_offices_set(*, member, offices, by):
    """Make the member's public offices exactly `offices`, a set of (kind, level) pairs."""
    wanted = set(offices)
    current = {(o.kind, o.level): o for o in member.offices.all()}
    for key in set(current) - wanted:
        _as(current[key], by).delete()
    for kind, level in sorted(wanted - set(current)):
        office = _as(PublicOffice(member=member, kind=kind, level=level), by)
        office.full_clean()
        office.save()
    return member
