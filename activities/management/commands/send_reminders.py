import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activities.schedule.reminders import reminders_send


class Command(BaseCommand):
    help = "Send due reminders (for cron, e.g. daily). Each reminder is sent once only."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for checking).")
        parser.add_argument("--days-before", type=int, default=None)

    def handle(self, *args, today=None, days_before=None, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(_("--today must be a date like 2026-11-25.")) from exc
        report = reminders_send(today=today, days_before=days_before)
        for kind, key, recipients in report.sent:
            self.stdout.write(
                _("Sent %(kind)s %(key)s to %(to)s")
                % {"kind": kind, "key": key, "to": ", ".join(recipients)}
            )
        for member in report.without_email:
            self.stdout.write(
                _("No email address: %(name)s %(mobile)s")
                % {"name": member.name, "mobile": member.mobile}
            )
        for _kind, _key, subject in report.undelivered:
            self.stderr.write(
                _(
                    "Not sent, nobody to send it to (give the staff logins an e-mail "
                    "address): %(subject)s"
                )
                % {"subject": subject}
            )
        self.stdout.write(
            _("%(sent)s sent, %(skipped)s already sent before.")
            % {"sent": len(report.sent), "skipped": report.already_sent}
        )
