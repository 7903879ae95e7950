from django.urls import path

from activities import member_views as views

app_name = "members"

urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_edit"),
    path("members/<int:pk>/archive/", views.MemberArchiveView.as_view(), name="member_archive"),
    path("members/<int:pk>/restore/", views.MemberRestoreView.as_view(), name="member_restore"),
]
