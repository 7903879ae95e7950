"""manage.py export_report (--year Y | --from D --to D) --output FILE"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import RotationGroup
from reports.excel import workbook_bytes
from reports.tallies import Period, PeriodError, tally


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": text}
        ) from error


class Command(BaseCommand):
    """The year-end workbook; export_summary is the same command writing the .docx summary."""

    help = "Write the year-end workbook of rotation-activity tallies for a year or a period."
    suffix = ".xlsx"

    def render(self, report):
        """The file's bytes for `report` (a reports.tallies.Report)."""
        return workbook_bytes(report)

    def wrong_suffix_message(self):
        return _("The output file must end in .xlsx.")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int, help="A calendar year, e.g. 2018.")
        which.add_argument("--from", dest="start", help="First day, YYYY-MM-DD (with --to).")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD (with --from).")
        parser.add_argument(
            "--group",
            type=int,
            action="append",
            dest="groups",
            help="Only this rotation group (its number); repeat for several.",
        )
        parser.add_argument(
            "--output", "-o", required=True, help=f"The {self.suffix} file to write."
        )

    def handle(self, *args, year, start, end, groups, output, **options):
        with translation.override("zh-hans"):
            period = self._period(year, start, end)
            scope = None
            if groups:
                scope = list(RotationGroup.objects.filter(number__in=groups))
                missing = sorted(set(groups) - {g.number for g in scope})
                if missing:
                    raise CommandError(
                        _("No rotation group numbered %(numbers)s.")
                        % {"numbers": ", ".join(map(str, missing))}
                    )
            path = Path(output)
            if path.suffix.lower() != self.suffix:
                raise CommandError(self.wrong_suffix_message())
            report = tally(period, scope, now=timezone.now())
            try:
                path.write_bytes(self.render(report))
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
                ) from error
            self.stdout.write(
                _(
                    "%(path)s written: %(period)s, %(activities)s activities, "
                    "%(person_times)s person-times."
                )
                % {
                    "path": path,
                    "period": report.period.label,
                    "activities": report.activity_count,
                    "person_times": report.person_times,
                }
            )

    def _period(self, year, start, end):
        try:
            if year is not None:
                if end:
                    raise CommandError(_("Give either --year or --from and --to, not both."))
                return Period.for_year(year)
            if not end:
                raise CommandError(_("--from needs --to."))
            return Period(_date(start), _date(end))
        except PeriodError as error:
            raise CommandError(str(error)) from error
