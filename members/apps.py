from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Roster")

    def ready(self):
        # Log logins, failures, lockouts and refusals (fuan_rotation/security.py).
        from fuan_rotation import security  # noqa: F401
