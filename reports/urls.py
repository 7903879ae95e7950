from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportPeriodView.as_view(), name="report_period"),
    path(
        "reports/export.xlsx",
        views.ReportPeriodExportView.as_view(),
        name="report_period_export",
    ),
    path(
        "reports/summary.docx",
        views.ReportPeriodSummaryView.as_view(),
        name="report_period_summary",
    ),
    path("outcomes/", views.OutcomeListView.as_view(), name="outcome_list"),
    path("outcomes/export.xlsx", views.OutcomeExportView.as_view(), name="outcome_export"),
    path("publicity/", views.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/export.xlsx", views.PublicityExportView.as_view(), name="publicity_export"),
    path("reports/<int:year>/", views.ReportYearView.as_view(), name="report_year"),
    path(
        "reports/<int:year>/export.xlsx",
        views.ReportYearExportView.as_view(),
        name="report_year_export",
    ),
    path(
        "reports/<int:year>/summary.docx",
        views.ReportYearSummaryView.as_view(),
        name="report_year_summary",
    ),
]
