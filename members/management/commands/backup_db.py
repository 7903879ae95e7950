from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fuan_rotation.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database to a file while the application runs: SQLite through its "
        "online backup, PostgreSQL through pg_dump (custom format). The stored files (photos "
        "and scans) go beside it, into FILE.files.tar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args, output, force, **options):
        try:
            result = backup_create(output=output, force=force)
        except BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(_("Backup written to %(path)s.") % {"path": result.path})
        if result.files_path is not None:
            self.stdout.write(
                _("%(count)s stored files written to %(path)s.")
                % {"count": result.files, "path": result.files_path}
            )
        for name in result.missing:
            self.stderr.write(
                _("Stored file %(name)s is missing from the storage; it is not in the backup.")
                % {"name": name}
            )
