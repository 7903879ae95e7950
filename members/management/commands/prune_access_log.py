"""Delete personal-data access-log entries older than the retention period (for cron).

crontab: ``30 3 * * * cd /srv/rotation && .venv/bin/python manage.py prune_access_log``
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from members.services import access_log_prune


class Command(BaseCommand):
    help = "Delete access-log entries older than ACCESS_LOG_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of ACCESS_LOG_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        with translation.override("zh-hans"):
            self._prune(days)

    def _prune(self, days):
        days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError(_("--days must be at least 1."))
        deleted = access_log_prune(older_than_days=days)
        self.stdout.write(
            _("Deleted %(count)s access-log entries older than %(days)s days.")
            % {"count": deleted, "days": days}
        )
