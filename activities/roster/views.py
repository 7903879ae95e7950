"""The 名册 pages (/members/): list, member page, create, edit, archive and restore.

They live in activities/roster/ because they show each member's rotation group and attendance.
"""

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import ExtractYear
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView, View

from activities.history import member_changes
from activities.models import Activity, Attendance, GroupMembership
from activities.obligation import member_years
from activities.roster.filters import MemberFilterSet
from activities.roster.mobiles import ContactVisibility, looks_like_number
from activities.services import member_archive
from fuan_rotation import ratelimit
from fuan_rotation.paging import ForgivingPaginationMixin
from members.access import record_access
from members.forms import MemberForm
from members.locking import StaleEditError
from members.models import Member, PersonalDataAccess, PublicOffice, User
from members.permissions import StaffRequiredMixin
from members.services import member_create, member_edit, member_restore


def _current_membership():
    # GroupMembership's own ordering without its last key (the member's strokes): within one
    # member's memberships it decides nothing, and it joined the member table in each subquery.
    return GroupMembership.objects.filter(member=OuterRef("pk"), end_date__isnull=True).order_by(
        "group__number", "-is_convener"
    )


def with_current_group(queryset, *, name=True):
    """Members with their current group (the first by group number, a convener's first):
    ``group_id``, ``group_number``, ``is_convener`` and, unless ``name=False`` (the roster
    does not show it), ``group_name``; None when in no group. One subquery per value."""
    current = _current_membership()
    annotations = {
        "group_id": Subquery(current.values("group_id")[:1]),
        "group_number": Subquery(current.values("group__number")[:1]),
        "is_convener": Subquery(current.values("is_convener")[:1]),
    }
    if name:
        annotations["group_name"] = Subquery(current.values("group__name")[:1])
    return queryset.annotate(**annotations)


def url_for_pk(viewname):
    """A function from an int to ``reverse(viewname, args=[n])``: reversed once with a
    placeholder, then filled in per row (a list of 50 rows reversed two URLs a row, a tenth
    of the roster's CPU time). For URL patterns whose only argument is an int."""
    marker = 918273645
    prefix, suffix = reverse(viewname, args=[marker]).split(str(marker))
    return lambda n: f"{prefix}{int(n)}{suffix}"


def list_query(request):
    """The list's filters as a query string without the page (for its export link)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class MemberListView(ForgivingPaginationMixin, ListView):
    """The roster. Searches count against a per-login limit (ROSTER_SEARCH_LIMIT per
    ROSTER_SEARCH_WINDOW seconds); a search by number is written to the access log."""

    model = Member
    template_name = "members/member_list.html"
    context_object_name = "members"
    paginate_by = 50

    @cached_property
    def filterset(self):
        return MemberFilterSet(self.request.GET, request=self.request)

    @cached_property
    def search_text(self):
        return (self.request.GET.get("q") or "").strip()

    def get(self, request, *args, **kwargs):
        if self.search_text and not ratelimit.allow(
            f"roster-search:{request.user.pk}",
            limit=settings.ROSTER_SEARCH_LIMIT,
            window=settings.ROSTER_SEARCH_WINDOW,
        ):
            messages.error(
                request,
                _("Too many searches in a short time. Please wait a minute and search again."),
            )
            self.object_list = Member.objects.none()
            context = self.get_context_data()
            return self.render_to_response(context, status=429)
        response = super().get(request, *args, **kwargs)
        if looks_like_number(self.search_text):
            record_access(
                request,
                PersonalDataAccess.Kind.NUMBER_SEARCH,
                rows=response.context_data["paginator"].count
                if response.context_data.get("paginator")
                else len(response.context_data["members"]),
            )
        return response

    def get_queryset(self):
        """The filtered, ordered members, without their groups: the paginator counts and
        slices this; only the page's rows get their group and offices (paginate_queryset)."""
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """Django's pagination, then the page's rows again with their current group (three
        correlated subqueries) and offices. The same queries as annotating the whole list,
        but the subqueries run for the 50 rows shown, not for every member the filters
        select (13,200 at 100x the seed, issue 18): the outer query keeps the filters and
        ordering and takes the rows whose pk is in the page's slice."""
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = with_current_group(
            queryset.filter(pk__in=rows.values("pk")), name=False
        ).prefetch_related(
            Prefetch("offices", queryset=PublicOffice.objects.order_by("kind", "level"))
        )
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter_form=self.filterset.form,
            filters_open=self.filterset.extra_filters_used(),
            period_description=self.filterset.period_description(),
            export_query=list_query(self.request),
            **kwargs,
        )
        visibility = ContactVisibility(self.request.user)
        member_url = url_for_pk("members:member_detail")
        group_url = url_for_pk("activities:group_detail")
        for member in context["members"]:
            member.shown_mobile = visibility.display(member, member.group_id)
            member.detail_url = member_url(member.pk)
            member.group_url = group_url(member.group_number) if member.group_number else None
        return context


class MemberDetailView(DetailView):
    model = Member
    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return with_current_group(Member.objects.all())

    def get_context_data(self, **kwargs):
        member = self.object
        attendances = (
            Attendance.objects.filter(member=member)
            .select_related("activity__group")
            .order_by("-activity__date", "-activity__number")
        )
        # Only counted records (held and approved): one awaiting approval is not held yet.
        totals = list(
            Attendance.objects.filter(member=member, activity__in=Activity.objects.counted())
            .annotate(year=ExtractYear("activity__date"))
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        # The yearly obligation as every page judges it (activities.obligation).
        bound = member_years(member)
        for row in totals:
            row["obligation_met"] = bound.get(row["year"])
        obligation_missing = sorted(year for year, met in bound.items() if not met)
        memberships = member.memberships.select_related("group").order_by("-start_date", "-pk")
        visibility = ContactVisibility(self.request.user)
        shows_contact = visibility.shows(member, member.group_id)
        if not self.request.user.is_office_staff:
            record_access(self.request, PersonalDataAccess.Kind.MEMBER_PAGE, rows=1)
        return super().get_context_data(
            offices=member.offices.order_by("kind", "level"),
            memberships=memberships,
            attendances=attendances,
            totals_by_year=totals,
            obligation_missing=obligation_missing,
            shown_mobile=visibility.display(member, member.group_id),
            shown_email=visibility.display_email(member, member.group_id),
            changes=member_changes(member, shows_contact=shows_contact)
            if self.request.user.is_office_staff
            else None,
            login=User.objects.filter(member=member).first()
            if self.request.user.is_office_staff
            else None,
            **kwargs,
        )


class MemberCreateView(StaffRequiredMixin, CreateView):
    model = Member
    form_class = MemberForm
    template_name = "members/member_form.html"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = member_create(
                    by=self.request.user, offices=form.office_pairs(), **form.member_fields()
                )
        except IntegrityError:
            # Another office saved the same mobile a moment ago.
            form.add_duplicate_mobile_error()
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s was added to the roster.") % {"name": self.object}
        )
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("members:member_detail", args=[self.object.pk])


class MemberUpdateView(StaffRequiredMixin, UpdateView):
    model = Member
    form_class = MemberForm
    template_name = "members/member_form.html"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = member_edit(
                    member=form.instance,
                    offices=form.office_pairs(),
                    by=self.request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.member_fields(),
                )
        except IntegrityError:
            form.add_duplicate_mobile_error()
            return self.form_invalid(form)
        except StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, stale=True))
        messages.success(self.request, _("Changes to %(name)s were saved.") % {"name": self.object})
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("members:member_detail", args=[self.object.pk])


class MemberArchiveView(StaffRequiredMixin, View):
    """Archive (POST): the person leaves the roster and their group; history stays."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = get_object_or_404(Member, pk=pk)
        if member.is_archived:
            messages.info(request, _("%(name)s is already archived.") % {"name": member})
        else:
            member_archive(member=member, by=request.user)
            messages.success(
                request,
                _("%(name)s was archived; their attendance history is kept.") % {"name": member},
            )
        return HttpResponseRedirect(reverse("members:member_detail", args=[member.pk]))


class MemberRestoreView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        member = get_object_or_404(Member, pk=pk)
        member_restore(member=member, by=request.user)
        messages.success(
            request,
            _("%(name)s is back on the roster. Put them in a group from the group's page.")
            % {"name": member},
        )
        return HttpResponseRedirect(reverse("members:member_detail", args=[member.pk]))
