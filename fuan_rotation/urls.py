from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from activities.roster import urls as roster_urls
from members import urls as members_urls
from members import views as members_views

urlpatterns = [
    # Only the auth views the office uses: no self-service password reset by email.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # 修改密码 in the app's own layout, throttled like the login (members/views.py).
    path("accounts/password/", members_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        members_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # 账号管理: staff manage the logins.
    path("", include((members_urls.account_urlpatterns, "accounts"))),
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("activities.urls")),
    path("", include((roster_urls.member_urlpatterns, "members"))),
    path("", include((roster_urls.file_urlpatterns, "roster"))),
    path("", include("activities.schedule.urls")),
    path("", include("activities.checkin.urls")),
    path("", include("activities.attachments.urls")),
    path("", include("reports.urls")),
    path("", include((members_urls.audit_urlpatterns, "audit"))),
]

# A lost database connection answers 503 with the site's page (fuan_rotation/errors.py).
handler500 = "fuan_rotation.errors.server_error"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
