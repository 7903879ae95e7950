"""Attachment URLs: upload to an activity; each file behind a login check; archive, restore."""

from django.urls import path

from activities.attachments import views

app_name = "attachments"

urlpatterns = [
    path(
        "activities/<int:pk>/attachments/",
        views.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", views.AttachmentFileView.as_view(), name="attachment_file"),
    path(
        "attachments/<int:pk>/thumbnail/",
        views.AttachmentFileView.as_view(variant="thumbnail"),
        name="attachment_thumbnail",
    ),
    path(
        "attachments/<int:pk>/archive/",
        views.AttachmentArchiveView.as_view(),
        name="attachment_archive",
    ),
    path(
        "attachments/<int:pk>/restore/",
        views.AttachmentRestoreView.as_view(),
        name="attachment_restore",
    ),
]
