"""QR check-in URLs (DESIGN.md): the staff's page and the public phone page."""

from django.urls import path

from activities.checkin import views

app_name = "checkin"

urlpatterns = [
    path("activities/<int:pk>/check-in/", views.CheckInManageView.as_view(), name="checkin_manage"),
    path(
        "activities/<int:pk>/check-in/apply/",
        views.CheckInApplyView.as_view(),
        name="checkin_apply",
    ),
    path("c/<str:token>/", views.PublicCheckInView.as_view(), name="checkin_public"),
]
