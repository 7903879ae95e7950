"""URLs of the year's rotation, the conveners' pages and the calendar feeds."""

from django.urls import path

from activities import views as records
from activities.schedule import views

# The review queue and its approve/return actions are views of the activity records
# (activities/views.py); their URL names stay in this namespace so existing links keep working.
app_name = "schedule"

urlpatterns = [
    path("schedule/", views.ScheduleIndexView.as_view(), name="schedule_index"),
    path("schedule/<int:year>/", views.ScheduleYearView.as_view(), name="schedule_year"),
    path("schedule/<int:year>.xlsx", views.ScheduleWorkbookView.as_view(), name="schedule_xlsx"),
    path(
        "schedule/<int:year>/generate/",
        views.ScheduleGenerateView.as_view(),
        name="schedule_generate",
    ),
    path("schedule/<int:year>/swap/", views.ScheduleSwapView.as_view(), name="schedule_swap"),
    path(
        "schedule/<int:year>/<int:month>/edit/",
        views.ScheduleMonthEditView.as_view(),
        name="schedule_month_edit",
    ),
    path(
        "schedule/<int:year>/<int:month>/undo/<int:history_id>/",
        views.ScheduleChangeUndoView.as_view(),
        name="schedule_change_undo",
    ),
    path("schedule/feeds/", views.CalendarFeedListView.as_view(), name="feed_list"),
    path(
        "schedule/feeds/<int:pk>/revoke/",
        views.CalendarFeedRevokeView.as_view(),
        name="feed_revoke",
    ),
    path("schedule/robots/", views.ChatWebhookListView.as_view(), name="webhook_list"),
    path(
        "schedule/robots/<int:pk>/edit/", views.ChatWebhookEditView.as_view(), name="webhook_edit"
    ),
    path(
        "schedule/robots/<int:pk>/test/", views.ChatWebhookTestView.as_view(), name="webhook_test"
    ),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
    path("my-group/", views.MyGroupView.as_view(), name="my_group"),
    path("my-group/plan/", views.ActivityPlanView.as_view(), name="plan_create"),
    path("my-group/plan/<int:pk>/", views.ActivityPlanView.as_view(), name="plan_edit"),
    path("obligation/<int:year>/", views.ObligationView.as_view(), name="obligation"),
    path("review/", records.ReviewListView.as_view(), name="review_list"),
    path(
        "activities/<int:pk>/approve/",
        records.ActivityApproveView.as_view(),
        name="activity_approve",
    ),
    path(
        "activities/<int:pk>/return/", records.ActivityReturnView.as_view(), name="activity_return"
    ),
]
