import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activities.schedule.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send due reminders by e-mail and to the group-chat robots (for cron, e.g. daily). "
        "Each reminder is sent once only; failed group-chat posts are retried on the next run."
    )

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
        for robot, kind, key in report.chat_sent:
            self.stdout.write(
                _("Posted %(kind)s %(key)s to the group-chat robot %(robot)s")
                % {"kind": kind, "key": key, "robot": robot}
            )
        for robot, kind, key, reason, attempts, given_up in report.chat_failed:
            values = {
                "kind": kind,
                "key": key,
                "robot": robot,
                "reason": reason,
                "attempts": attempts,
            }
            if given_up:
                message = _(
                    "Not posted to the group-chat robot %(robot)s: %(kind)s %(key)s "
                    "(%(reason)s); given up after %(attempts)s attempts."
                )
            else:
                message = _(
                    "Not posted to the group-chat robot %(robot)s: %(kind)s %(key)s "
                    "(%(reason)s); attempt %(attempts)s, retried on the next run."
                )
            self.stderr.write(message % values)
        self.stdout.write(
            _("%(sent)s sent, %(skipped)s already sent before.")
            % {"sent": len(report.sent), "skipped": report.already_sent}
        )
        if report.chat_sent or report.chat_failed or report.chat_already_sent:
            self.stdout.write(
                _(
                    "Group chats: %(sent)s posted, %(failed)s failed, %(skipped)s already "
                    "posted before."
                )
                % {
                    "sent": len(report.chat_sent),
                    "failed": len(report.chat_failed),
                    "skipped": report.chat_already_sent,
                }
            )
