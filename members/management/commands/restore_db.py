from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fuan_rotation.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a SQLite backup made by backup_db into this (SQLite) database. Stop the "
        "application first. Refuses a database that holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Backup file written by backup_db.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already holds data."
        )

    def handle(self, *args, file, force, **options):
        try:
            backup_restore(source=file, force=force)
        except BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(_("Database restored from %(path)s.") % {"path": file})
