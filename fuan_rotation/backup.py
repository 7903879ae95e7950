"""Backup and restore of the database (the backup_db and restore_db commands).

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps running,
and restores the same way into the live database file. PostgreSQL: pg_dump (custom format);
restoring goes through pg_restore by hand, as docs/operations.md describes.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

SQLITE_HEADER = b"SQLite format 3\x00"
# A row in any of these makes a database "not empty": every record people enter hangs off one
# of them (migrations alone create none, unlike the one-row activity counter).
DATA_MODELS = ("members.User", "members.Member", "activities.RotationGroup", "activities.Activity")
REQUIRED_TABLES = {"django_migrations", "members_user", "members_member", "activities_activity"}


class BackupError(Exception):
    """A backup or restore that must not go ahead; the message says why."""


def database_vendor(using=DEFAULT_DB_ALIAS):
    return connections[using].vendor


def backup_create(*, output, force=False, using=DEFAULT_DB_ALIAS):
    """Write a backup of the database to `output`; return the path written."""
    output = Path(output)
    if output.exists() and not force:
        raise BackupError(_("%(path)s exists already; choose another name.") % {"path": output})
    vendor = database_vendor(using)
    if vendor == "sqlite":
        _sqlite_backup(output, using)
    elif vendor == "postgresql":
        _pg_dump(output, using)
    else:
        raise BackupError(_("No backup method for a %(vendor)s database.") % {"vendor": vendor})
    return output


# SQLite keeps a database's write-ahead log, shared memory and rollback journal beside it.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _remove_partial(partial, *, side_files_only=False):
    """Remove an unfinished backup `partial` (unless `side_files_only`) and SQLite's side files."""
    for suffix in SQLITE_SIDE_FILES:
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    if not side_files_only:
        partial.unlink(missing_ok=True)


def _sqlite_backup(output, using):
    connection = connections[using]
    connection.ensure_connection()
    sqlite_copy(source=connection.connection, output=output)


def _private_file(path):
    """Create `path` empty, readable and writable by its owner only (mode 0600): a backup
    holds every member's mobile number and must not be readable by other users."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


def sqlite_copy(*, source, output):
    """Copy the open sqlite3 connection `source` to the file `output` (a Path), checked.

    The copy is written to ``output.part`` and renamed when sound; on any failure it and its
    side files (``.part-wal``, ``.part-shm``, ``.part-journal``) are removed, so nothing but a
    whole backup is ever left. Raises BackupError when the copy fails its check.
    """
    partial = output.with_name(output.name + ".part")
    _remove_partial(partial)
    try:
        _private_file(partial)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            # The copy inherits the live database's WAL mode; a backup file stands alone.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        backup_check(path=partial)
    except BaseException:
        _remove_partial(partial)
        raise
    _remove_partial(partial, side_files_only=True)
    partial.replace(output)


def _pg_dump(output, using):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            _("pg_dump is not installed here; run pg_dump as docs/operations.md describes.")
        )
    db = connections[using].settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    partial = output.with_name(output.name + ".part")
    _remove_partial(partial)
    _private_file(partial)
    result = subprocess.run(
        [pg_dump, "--format=custom", f"--file={partial}"],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    partial.replace(output)


def backup_check(*, path):
    """Refuse anything that is not a sound SQLite backup of this application."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": path})
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(_("%(path)s is not a SQLite database.") % {"path": path})
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(_("%(path)s is damaged.") % {"path": path})
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
            if not REQUIRED_TABLES <= tables:
                raise BackupError(
                    _("%(path)s is not a database of this application.") % {"path": path}
                )
            applied = set(source.execute("SELECT app, name FROM django_migrations"))
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from error
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    if applied - known:
        raise BackupError(
            _("%(path)s comes from a newer version of the application; update it first.")
            % {"path": path}
        )


def database_has_data(using=DEFAULT_DB_ALIAS):
    """True when the database holds a login, a member, a group or an activity."""
    tables = set(connections[using].introspection.table_names())
    for label in DATA_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.using(using).exists():
            return True
    return False


def backup_restore(*, source, force=False, using=DEFAULT_DB_ALIAS):
    """Replace the SQLite database's whole content with the backup `source`."""
    vendor = database_vendor(using)
    if vendor != "sqlite":
        raise BackupError(
            _("This database is %(vendor)s: restore it with pg_restore (docs/operations.md).")
            % {"vendor": vendor}
        )
    backup_check(path=source)
    if not force and database_has_data(using):
        raise BackupError(_("The database is not empty; add --force to replace everything in it."))
    connection = connections[using]
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()
        # The next query reopens the file and sees the restored schema.
        connection.close()
