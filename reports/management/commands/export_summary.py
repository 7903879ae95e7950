"""manage.py export_summary (--year Y | --from D --to D) [--group N …] --output FILE.docx"""

from django.utils.translation import gettext as _

from reports.document import summary_docx
from reports.management.commands import export_report


class Command(export_report.Command):
    """The workbook command's arguments and checks (``--year`` or ``--from``/``--to``,
    ``--group``), writing the summary document instead; nothing is written on bad input."""

    help = "Write the year-end written summary (.docx, official-document format) for a period."
    suffix = ".docx"

    def render(self, report):
        return summary_docx(report)

    def wrong_suffix_message(self):
        return _("The output file must end in .docx.")
