"""Writes to the roster. Each service records who made the change (django-simple-history)."""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from members.history import authored_by
from members.locking import version_claim
from members.models import Member, PersonalDataAccess, PublicOffice
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
    return member


@transaction.atomic
def member_edit(*, member, offices, by, expected_version=None, **fields):
    """Update a member's details and public offices together: both or neither.

    With `expected_version` (the version the form was opened at) a save over someone
    else's is refused with StaleEditError.
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


def access_record(*, by, kind, what, rows, address=None, at=None):
    """Write one entry of the personal-data access log (members.models.PersonalDataAccess).

    ``kind`` is a ``PersonalDataAccess.Kind``; ``what`` a short description (a path with its
    query, cut to 300 characters); ``rows`` how many members' data were shown or written;
    ``address`` the client's IP address as fuan_rotation.security.client_ip_address gives it.
    """
    return PersonalDataAccess.objects.create(
        at=at or timezone.now(),
        user=by if getattr(by, "pk", None) else None,
        username=getattr(by, "username", "") or "",
        kind=kind,
        what=(what or "")[:300],
        rows=max(int(rows or 0), 0),
        address=address or None,
    )


def access_log_prune(*, older_than_days, now=None):
    """Delete access-log entries older than ``older_than_days`` days; returns how many.

    The retention rule (settings.ACCESS_LOG_RETENTION_DAYS) is the one exception to "never
    delete history": the log holds who read whose data, and is kept no longer than needed.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    deleted, _ = PersonalDataAccess.objects.older_than(
        older_than_days, now=now or timezone.now()
    ).delete()
    return deleted
