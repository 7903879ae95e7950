"""Writes to the roster. Each service records who made the change (django-simple-history)."""

import logging
import secrets

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from members.history import authored_by
from members.locking import NOT_CHECKED, version_bump, version_claim
from members.models import Member, PersonalDataAccess, PublicOffice, User, new_session_token
from members.sorting import pinyin_key, pinyin_search_keys, stroke_key

security_logger = logging.getLogger("fuan_rotation.security")


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
        member.pinyin_compact, member.pinyin_initials = pinyin_search_keys(member.name)
        members.append(member)
    members = bulk_create_with_history(members, Member, batch_size=500, default_user=by)
    offices = [
        PublicOffice(member=member, kind=kind, level=level)
        for member, (_fields, member_offices) in zip(members, entries, strict=True)
        for kind, level in sorted(member_offices)
    ]
    bulk_create_with_history(offices, PublicOffice, batch_size=500, default_user=by)
    return members


# Logins ---------------------------------------------------------------------------------------
# Staff give each person a login with a one-time password that its owner must change at once
# (members.middleware). Every action is written to the "fuan_rotation.security" log with who
# did it: django-simple-history does not follow logins, whose rows hold password hashes.

# No 0/O, 1/l/I: the password is read out or copied from the screen.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def one_time_password():
    """A random password of three groups of four, e.g. ``k7mp-x3rt-9qwd`` (about 60 bits)."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def _log(action, user, by):
    security_logger.info(
        "%s username=%s by=%s", action, user.get_username(), by.get_username() if by else "-"
    )


@transaction.atomic
def login_create(*, member, username, role, by):
    """Give `member` a login with `role` (convener, member or leadership).

    Returns ``(user, password)``; the password is shown once and must be changed at the first
    login. Raises ValidationError if the username is taken or the member has a login already.
    """
    user = User(username=username, role=role, member=member, must_change_password=True)
    if member is not None:
        user.first_name = member.name
        user.email = member.email
    password = one_time_password()
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _log(f"login created role={role}", user, by)
    return user, password


@transaction.atomic
def login_password_reset(*, user, by):
    """Give `user` a new one-time password (returned, to be shown once); end its sessions."""
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_token = new_session_token()
    user.save(update_fields=["password", "must_change_password", "session_token"])
    _log("password reset", user, by)
    return password


@transaction.atomic
def login_deactivate(*, user, by):
    """Refuse `user` from now on and end every session it has, for good."""
    user.is_active = False
    # User.save() gives it a new session token: reactivating does not bring sessions back.
    user.save(update_fields=["is_active"])
    _log("login deactivated", user, by)
    return user


@transaction.atomic
def login_reactivate(*, user, by):
    """Let `user` log in again (with its password; no old session comes back)."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    _log("login reactivated", user, by)
    return user


def login_password_changed(*, user):
    """Its owner chose a password: no more sending them to the password page."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    security_logger.info("password changed username=%s", user.get_username())
    return user


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
