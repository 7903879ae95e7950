from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fuan_rotation.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database to a file while the application runs: SQLite through its "
        "online backup, PostgreSQL through pg_dump (custom format)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args, output, force, **options):
        try:
            path = backup_create(output=output, force=force)
        except BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(_("Backup written to %(path)s.") % {"path": path})
