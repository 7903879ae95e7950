"""Writes to the roster. Each service records who made the change (django-simple-history)."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from members.history import authored_by
from members.locking import NOT_CHECKED, version_bump, version_claim
from members.models import Member, PublicOffice
from members.sorting import pinyin_key, stroke_key


@transaction.atomic
def member_create(*, by, offices=(), **fields):
    member = authored_by(Member(**fields), by)
    member.full_clean()
    member.save()
    for kind, level in offices:
        office = authored_by(PublicOffice(member=member, kind=kind, level=level), by)
        office.full_clean()
        office.save()
    return member


@transaction.atomic
def member_update(*, member, by, **fields):
    for name, value in fields.items():
        setattr(member, name, value)
    authored_by(member, by)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_restore(*, member, by):
    if member.archived_at is not None:
        member.archived_at = None
        authored_by(member, by).save(update_fields=["archived_at", "updated_at"])
    return member


@transaction.atomic
def member_offices_set(*, member, offices, by):
    """Make the member's public offices exactly `offices` (pairs of kind and level).

    Offices that stay keep their row (and its term); the others are removed or added.
    """
    wanted = {(kind, level) for kind, level in offices}
    current = {(o.kind, o.level): o for o in member.offices.all()}
    for key, office in current.items():
        if key not in wanted:
            authored_by(office, by).delete()
    for kind, level in sorted(wanted - set(current)):
        office = authored_by(PublicOffice(member=member, kind=kind, level=level), by)
        office.full_clean()
        office.save()
    if wanted != set(current):
        # The offices are part of the member's form: a form opened before this is stale.
        version_bump(member)
    return member


@transaction.atomic
def member_edit(*, member, offices, by, expected_version=NOT_CHECKED, **fields):
    """Update a member's details and public offices together: both or neither.

    With `expected_version` (the version the form was opened at) a save over someone
    else's is refused with StaleEditError, a missing one (None) with MissingVersionError.
    The member's version rises even when only the offices change.
    """
    version_claim(member, expected_version)
    member_update(member=member, by=by, **fields)
    member_offices_set(member=member, offices=offices, by=by)
    return member


def member_bulk_create(*, entries, by):
    """Create many new members with their offices in a few queries (the roster import).

    `entries` are (fields, offices) pairs whose values were already validated one by one
    (members.roster); the database constraints still guard uniqueness. Sort keys and history
    are set as member_create would set them. Returns the members in the order given.
    """
    members = []
    for fields, _offices in entries:
        member = Member(**fields)
        member.clean()
        member.pinyin_key = pinyin_key(member.name)
        member.stroke_key = stroke_key(member.name)
        members.append(member)
    members = bulk_create_with_history(members, Member, batch_size=500, default_user=by)
    offices = [
        PublicOffice(member=member, kind=kind, level=level)
        for member, (_fields, member_offices) in zip(members, entries, strict=True)
        for kind, level in sorted(member_offices)
    ]
    bulk_create_with_history(offices, PublicOffice, batch_size=500, default_user=by)
    return members
