"""URLs of the 名册 pages under /members/, in two namespaces kept from before the move.

``members:`` names the roster pages (list, member page, edit, archive), ``roster:`` the import
and the workbook downloads. fuan_rotation/urls.py mounts both.
"""

from django.urls import path

from activities.roster import import_views, views

member_urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_edit"),
    path("members/<int:pk>/archive/", views.MemberArchiveView.as_view(), name="member_archive"),
    path("members/<int:pk>/restore/", views.MemberRestoreView.as_view(), name="member_restore"),
]

file_urlpatterns = [
    path("members/import/", import_views.RosterImportView.as_view(), name="roster_import"),
    path(
        "members/import/preview/",
        import_views.RosterImportPreviewView.as_view(),
        name="roster_import_preview",
    ),
    path("members/export.xlsx", import_views.RosterExportView.as_view(), name="roster_export"),
    path(
        "members/template.xlsx",
        import_views.RosterTemplateView.as_view(),
        name="roster_template",
    ),
]
