"""Roster import and export pages, mounted under /members/."""

from django.urls import path

from activities import roster_views

app_name = "roster"

urlpatterns = [
    path("members/import/", roster_views.RosterImportView.as_view(), name="roster_import"),
    path(
        "members/import/preview/",
        roster_views.RosterImportPreviewView.as_view(),
        name="roster_import_preview",
    ),
    path("members/export.xlsx", roster_views.RosterExportView.as_view(), name="roster_export"),
    path(
        "members/template.xlsx", roster_views.RosterTemplateView.as_view(), name="roster_template"
    ),
]
