from django.urls import path

from activities import views
from activities.printouts import views as printouts

app_name = "activities"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/<int:number>/", views.GroupDetailView.as_view(), name="group_detail"),
    path(
        "groups/<int:number>/members/",
        views.GroupMembersEditView.as_view(),
        name="group_members_edit",
    ),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/export.xlsx", views.ActivityListExportView.as_view(), name="activity_export"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/attendees/", views.AttendeeSearchView.as_view(), name="attendee_search"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity_edit"),
    path(
        "activities/<int:pk>/sign-in-sheet/",
        printouts.SignInSheetView.as_view(),
        name="activity_sign_in_sheet",
    ),
    path(
        "activities/<int:pk>/sign-in-sheet.xlsx",
        printouts.SignInSheetView.as_view(xlsx=True),
        name="activity_sign_in_sheet_xlsx",
    ),
    path("activities/<int:pk>/print/", printouts.FilingCopyView.as_view(), name="activity_print"),
]
