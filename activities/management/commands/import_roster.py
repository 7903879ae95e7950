"""python manage.py import_roster FILE [--dry-run] [--archive-missing] [--user USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.roster.planner import plan_file, plan_report_lines, roster_apply
from members.roster import RosterFileError


class Command(BaseCommand):
    help = "Import the executive-committee roster from an Excel workbook (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster workbook (.xlsx)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help="archive active members who are not in the file",
        )
        parser.add_argument("--user", help="username recorded as the author of the changes")

    def handle(self, *args, file, dry_run, archive_missing, user, **options):
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user named “%(user)s”.") % {"user": user}) from None
        try:
            open(file, "rb").close()
        except OSError as error:
            raise CommandError(
                _("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        # Plan and write under one transaction, so nothing changes between the two.
        with transaction.atomic():
            try:
                plan = plan_file(file, archive_missing=archive_missing)
            except RosterFileError as error:
                raise CommandError(error.message) from None
            for line in plan_report_lines(plan):
                self.stdout.write(line)
            if not plan.ok:
                raise CommandError(
                    _("%(count)s errors in the roster; nothing was written.")
                    % {"count": len(plan.errors)}
                )
            if dry_run:
                self.stdout.write(_("Dry run: nothing was written."))
                return
            result = roster_apply(plan=plan, by=by)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Roster imported: %(created)s created, %(updated)s updated, "
                    "%(archived)s archived, %(groups)s groups created."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "archived": result.archived,
                    "groups": result.groups_created,
                }
            )
        )
