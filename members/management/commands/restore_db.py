from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fuan_rotation.backup import (
    FILES_SUFFIX,
    BackupError,
    backup_restore,
    files_archive_path,
    files_archive_read,
    files_restore,
)


class Command(BaseCommand):
    help = (
        "Restore a SQLite backup made by backup_db into this (SQLite) database, with the stored "
        "files (photos and scans) from FILE.files.tar beside it. Stop the application first. "
        "Refuses a database that holds data unless --force. After a pg_restore, --files-only "
        "puts back the stored files alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Backup file written by backup_db.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds data."
        )
        parser.add_argument(
            "--without-files",
            action="store_true",
            help="Restore the database even though its stored files' archive is missing.",
        )
        parser.add_argument(
            "--files-only",
            action="store_true",
            help="Put back only the stored files (e.g. after pg_restore on PostgreSQL).",
        )

    def handle(self, *args, file, force, without_files, files_only, **options):
        try:
            if files_only:
                archive = Path(file)
                if not archive.name.endswith(FILES_SUFFIX):
                    archive = files_archive_path(archive)
                written = files_restore(contents=files_archive_read(archive))
            else:
                written = backup_restore(source=file, force=force, without_files=without_files)
        except BackupError as error:
            raise CommandError(error) from error
        if not files_only:
            self.stdout.write(_("Database restored from %(path)s.") % {"path": file})
        if written:
            self.stdout.write(_("%(count)s stored files restored.") % {"count": written})
