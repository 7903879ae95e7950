from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from activities.demo import DEFAULT_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo committee, groups and activities of Nov 2017 – Jul 2019 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help=(
                f"Password for the demo logins (default for new ones: {DEFAULT_PASSWORD}); "
                "without it, an existing demo login keeps its password."
            ),
        )

    def handle(self, *args, password=None, **options):
        summary = demo_load(password=password)
        self.stdout.write(
            _("Demo data: %(members)s members and %(activities)s activities added.")
            % {"members": summary.members_created, "activities": summary.activities_created}
        )
        if password:
            heading = _("Demo logins (password: %(password)s):") % {"password": password}
        else:
            heading = _(
                "Demo logins (new ones get the password %(password)s; existing ones keep theirs):"
            ) % {"password": DEFAULT_PASSWORD}
        self.stdout.write(heading)
        for username, role, member in summary.logins:
            line = f"  {username:<10} {role}"
            if member:
                line += f" · {member}"
            self.stdout.write(line)
