from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("activities.urls")),
    path("", include("members.urls")),
    path("", include("activities.roster_urls")),
    path("", include("reports.urls")),
]

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
