"""manage.py export_summary (--year Y | --from D --to D) [--group N …] --output FILE.docx"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import RotationGroup
from reports.document import summary_docx
from reports.management.commands import export_report
from reports.tallies import tally


class Command(export_report.Command):
    """The workbook command's arguments and checks (``--year`` or ``--from``/``--to``,
    ``--group``), writing the summary document instead; nothing is written on bad input."""

    help = "Write the year-end written summary (.docx, official-document format) for a period."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "output":
                action.help = "The .docx file to write."

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
            if path.suffix.lower() != ".docx":
                raise CommandError(_("The output file must end in .docx."))
            report = tally(period, scope, now=timezone.now())
            try:
                path.write_bytes(summary_docx(report))
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
