"""Report pages and workbook downloads. They only render reports.tallies.tally()."""

import calendar
import datetime
from functools import cached_property
from urllib.parse import urlencode

from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from activities.models import Activity, LeaderPresence, Outcome, RotationGroup
from activities.roster.filters import (
    DID_NOT_TAKE_PART,
    OBLIGATION_BOUND,
    OBLIGATION_MET,
    OBLIGATION_MISSING,
    TOOK_PART,
    VISITOR,
)
from activities.services import convened_groups
from fuan_rotation.formal import spooled_output
from fuan_rotation.paging import ForgivingPaginationMixin
from members.access import record_access
from members.models import PersonalDataAccess, Role
from reports import charts, document
from reports.excel import CONTENT_TYPE, file_name, write_workbook
from reports.filters import KEY_YES, NOT_GIVEN, OutcomeFilterSet, PublicityFilterSet
from reports.forms import PeriodForm
from reports.list_exports import (
    list_file_name,
    outcome_list_title,
    outcome_list_workbook,
    publicity_list_title,
    publicity_list_workbook,
)
from reports.tallies import Period, PeriodError, tally


class ReportAccessMixin(UserPassesTestMixin):
    """Staff and leadership read every group's tallies; a convener reads their own groups'.

    Committee members get 403: the tallies name who did not take part, which is for the
    office and the group's convener, not for other members.
    """

    raise_exception = True

    @cached_property
    def scope_groups(self):
        """None for every group; else the groups this login may see (empty: none)."""
        user = self.request.user
        if user.can_read_all:
            return None
        if user.is_active and user.role == Role.CONVENER:
            return list(convened_groups(user).order_by("number"))
        return []

    def test_func(self):
        return self.scope_groups is None or bool(self.scope_groups)


class FigureLinks:
    """The list behind each figure of a report: the activity list or the roster, filtered to
    the report's period and scope with the lists' own query parameters, so that a figure and
    its list agree to the digit (tests/reports/test_figure_links.py)."""

    def __init__(self, report, scope_groups):
        period = report.period
        self.period = {"from": period.start.isoformat(), "to": period.end.isoformat()}
        self.scope = {"scope": [g.pk for g in scope_groups]} if scope_groups else {}
        self.group_pks = dict(RotationGroup.objects.values_list("number", "pk"))
        self.report = report

    def activities(self, **extra):
        query = {
            **self.period,
            "status": Activity.Status.HELD,
            "review": Activity.Review.APPROVED,
            **self.scope,
            **extra,
        }
        return f"{reverse('activities:activity_list')}?{urlencode(query, doseq=True)}"

    def members(self, **extra):
        query = {**self.period, "status": "all", **self.scope, **extra}
        return f"{reverse('members:member_list')}?{urlencode(query, doseq=True)}"

    def outcomes(self, **extra):
        query = {**self.period, **self.scope, **extra}
        return f"{reverse('reports:outcome_list')}?{urlencode(query, doseq=True)}"

    def publicity(self, **extra):
        query = {**self.period, **self.scope, **extra}
        return f"{reverse('reports:publicity_list')}?{urlencode(query, doseq=True)}"

    def month(self, year, month):
        """The activity list for one month of the month chart: its first to its last day,
        within the report's period (a period that starts or ends mid-month counts part of
        that month), same scope."""
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        period = self.report.period
        return self.activities(
            **{
                "from": max(first, period.start).isoformat(),
                "to": min(last, period.end).isoformat(),
            }
        )

    def context(self):
        report = self.report
        group_pk = self.group_pks.get
        return {
            "activities": self.activities(),
            "four_bodies": self.activities(leaders=LeaderPresence.Level.FOUR_BODIES),
            "department": self.activities(leaders=LeaderPresence.Level.DEPARTMENT),
            "members": self.members(),
            "participants": self.members(took_part=TOOK_PART),
            "non_participants": self.members(took_part=DID_NOT_TAKE_PART),
            "visitors": self.members(visitor=VISITOR),
            "obligation_bound": self.members(obligation=OBLIGATION_BOUND),
            "obligation_met": self.members(obligation=OBLIGATION_MET),
            "obligation_missing": self.members(obligation=OBLIGATION_MISSING),
            "themes": [(t, self.activities(theme=t.key)) for t in report.themes],
            "groups": [
                (
                    g,
                    self.activities(group=group_pk(g.number)),
                    self.members(in_group=group_pk(g.number)),
                    self.members(in_group=group_pk(g.number), took_part=TOOK_PART),
                )
                for g in report.groups
            ],
            "roles": [
                (r, self.members(role=r.key), self.members(role=r.key, took_part=TOOK_PART))
                for r in report.by_role
                if r.members
            ],
            "offices": [
                (r, self.members(office=r.key), self.members(office=r.key, took_part=TOOK_PART))
                for r in report.by_office
            ],
            "channels": [
                (c, self.activities(channel=c.channel), self.publicity(channel=c.channel))
                for c in report.channels
            ],
            "publicity": self.publicity(),
            "outcomes": self.outcomes(),
            "key_outcomes": self.outcomes(key=KEY_YES),
            "outcome_kinds": [
                (
                    label,
                    count,
                    key,
                    self.outcomes(kind=kind.value),
                    self.outcomes(kind=kind.value, key=KEY_YES),
                )
                for kind, label, count, key in report.outcome_kinds
            ],
            "outcome_summary": [
                (
                    row,
                    self.outcomes(
                        year=row.year, submitted_to=row.submitted_to or NOT_GIVEN, kind=row.kind
                    ),
                    self.outcomes(
                        year=row.year,
                        submitted_to=row.submitted_to or NOT_GIVEN,
                        kind=row.kind,
                        key=KEY_YES,
                    ),
                )
                for row in report.outcome_summary
            ],
        }


class _ReportView(ReportAccessMixin, View):
    template_name = "reports/report.html"

    def get_period(self):
        """(period, form, error): period is None when the request cannot be reported on."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        period, form, error = self.get_period()
        if period is None:
            context = {"form": form, "error": error, "report": None}
            return render(request, self.template_name, context, status=400)
        report = tally(period, self.scope_groups, now=timezone.now())
        return self.respond(report, form)

    def respond(self, report, form):
        links = FigureLinks(report, self.scope_groups)
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "report": report,
                "export_url": self.export_url(report.period),
                "summary_url": self.export_url(report.period, summary=True),
                "theme_chart": charts.theme_chart(report),
                "month_chart": charts.month_chart(report, month_url=links.month),
                "group_chart": charts.group_chart(report),
                "this_year": timezone.localdate().year,
                "awaiting_review": self.awaiting_review(report.period),
                "links": links.context(),
            },
        )

    def awaiting_review(self, period):
        """The period's records waiting for approval, which the figures leave out for now."""
        records = Activity.objects.awaiting_review().in_period(period.start, period.end)
        if self.scope_groups is not None:
            records = records.filter(group__in=self.scope_groups)
        return list(records.select_related("group").order_by("date", "pk"))

    @staticmethod
    def export_url(period, *, summary=False):
        """The workbook's address for the period, or the written summary's (summary=True)."""
        kind = "summary" if summary else "export"
        if period.year:
            return reverse(f"reports:report_year_{kind}", args=[period.year])
        query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
        return f"{reverse(f'reports:report_period_{kind}')}?{query}"


class _ExportMixin:
    def respond(self, report, form):
        name = file_name(report)
        # Written to a temporary file and streamed from it: memory stays flat at any size.
        response = FileResponse(
            write_workbook(report, spooled_output()),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPE,
        )
        self.downloaded(report, name)
        return response

    def downloaded(self, report, name):
        """Record the download in the personal-data access log: the workbook names every
        member and their attendance."""
        record_access(
            self.request, PersonalDataAccess.Kind.REPORT_WORKBOOK, rows=len(report.members)
        )


class ReportPeriodView(_ReportView):
    """/reports/?from=YYYY-MM-DD&to=YYYY-MM-DD; without a query, the current year."""

    def get_period(self):
        if "from" not in self.request.GET and "to" not in self.request.GET:
            period = Period.for_year(timezone.localdate().year)
            return period, PeriodForm.for_period(period), None
        form = PeriodForm(self.request.GET)
        if form.is_valid():
            return form.cleaned_data["period"], form, None
        return None, form, None


class ReportYearView(_ReportView):
    def get_period(self):
        try:
            period = Period.for_year(self.kwargs["year"])
        except PeriodError as error:
            return None, PeriodForm(), str(error)
        return period, PeriodForm.for_period(period), None


class ReportPeriodExportView(_ExportMixin, ReportPeriodView):
    pass


class ReportYearExportView(_ExportMixin, ReportYearView):
    pass


class _SummaryMixin:
    """The written summary (.docx) instead of the page: same period, checks and scope."""

    def respond(self, report, form):
        return FileResponse(
            document.write_summary(report, spooled_output()),
            as_attachment=True,
            filename=document.file_name(report),
            content_type=document.CONTENT_TYPE,
        )


class ReportPeriodSummaryView(_SummaryMixin, ReportPeriodView):
    pass


class ReportYearSummaryView(_SummaryMixin, ReportYearView):
    pass


# The lists behind the outcome and publicity figures ------------------------------------------


class _FigureListView(ReportAccessMixin, ForgivingPaginationMixin, ListView):
    """A list behind report figures, for whoever may read the report, limited to the groups
    they may read (reports/filters.py); it pages, and ``export.xlsx`` beside it downloads the
    filtered list whole."""

    paginate_by = 25
    filterset_class = None
    export_url_name = None

    @cached_property
    def filterset(self):
        return self.filterset_class(self.request.GET, scope_groups=self.scope_groups)

    def export_scope(self):
        """Whose rows and which filters, in words, for the export's subtitle: a convener's
        groups first (第1组 · 电机电器一组), as the report workbook names its scope, unless a
        group filter already names them; then the filters (filterset.description)."""
        description = self.filterset.description()
        chosen = self.filterset.form.cleaned_data
        if self.scope_groups is None or chosen.get("group") or chosen.get("scope"):
            return description
        groups = "、".join(str(g) for g in self.scope_groups)
        return "；".join(part for part in (groups, description) if part)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        export = reverse(self.export_url_name)
        return super().get_context_data(
            filter_form=self.filterset.form,
            description=self.filterset.description(),
            export_url=f"{export}?{query.urlencode()}" if query else export,
            scope_label="、".join(str(g) for g in self.scope_groups or ()),
            **kwargs,
        )


class OutcomeListView(_FigureListView):
    """/outcomes/ (履职成果一览): the outcomes the report counts, filtered by period, group,
    year, kind, key-proposal flag and where they were submitted."""

    template_name = "reports/outcome_list.html"
    context_object_name = "outcomes"
    filterset_class = OutcomeFilterSet
    export_url_name = "reports:outcome_export"

    def get_queryset(self):
        kind_order = Case(
            *[When(kind=k, then=Value(i)) for i, k in enumerate(Outcome.Kind.values)],
            default=Value(len(Outcome.Kind.values)),
            output_field=IntegerField(),
        )
        return (
            self.filterset.qs.select_related("activity__group", "member")
            .annotate(kind_order=kind_order)
            .order_by("-year", "kind_order", "-is_key", "pk")
        )


class OutcomeExportView(OutcomeListView):
    """/outcomes/export.xlsx: the filtered outcome list, every page; in the access log (it
    names the authors) with its filters and row count."""

    def get(self, request, *args, **kwargs):
        outcomes = list(self.get_queryset())
        record_access(request, PersonalDataAccess.Kind.OUTCOME_EXPORT, rows=len(outcomes))
        return FileResponse(
            outcome_list_workbook(outcomes, scope=self.export_scope(), output=spooled_output()),
            as_attachment=True,
            filename=list_file_name(outcome_list_title()),
            content_type=CONTENT_TYPE,
        )


class PublicityListView(_FigureListView):
    """/publicity/ (宣传报道一览): the publicity items of the activities the report counts,
    filtered by period, group and channel."""

    template_name = "reports/publicity_list.html"
    context_object_name = "items"
    filterset_class = PublicityFilterSet
    export_url_name = "reports:publicity_export"

    def get_queryset(self):
        return self.filterset.qs.select_related("activity__group").order_by(
            "-activity__date", "-activity__pk", "channel", "pk"
        )


class PublicityExportView(PublicityListView):
    """/publicity/export.xlsx: the filtered publicity list, every page; in the access log."""

    def get(self, request, *args, **kwargs):
        items = list(self.get_queryset())
        record_access(request, PersonalDataAccess.Kind.PUBLICITY_EXPORT, rows=len(items))
        return FileResponse(
            publicity_list_workbook(items, scope=self.export_scope(), output=spooled_output()),
            as_attachment=True,
            filename=list_file_name(publicity_list_title()),
            content_type=CONTENT_TYPE,
        )
