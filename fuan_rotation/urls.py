from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from activities.roster import urls as roster_urls

urlpatterns = [
    # Only the auth views the office uses: no self-service password reset by email.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("activities.urls")),
    path("", include((roster_urls.member_urlpatterns, "members"))),
    path("", include((roster_urls.file_urlpatterns, "roster"))),
    path("", include("activities.schedule.urls")),
    path("", include("reports.urls")),
    path("", include("members.urls")),
]

# A lost database connection answers 503 with the site's page (fuan_rotation/errors.py).
handler500 = "fuan_rotation.errors.server_error"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
