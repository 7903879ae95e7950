"""URLs of members/ pages: the personal-data access log (数据访问记录)."""

from django.urls import path

from members import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.PersonalDataAccessListView.as_view(), name="access_log_list"),
]
