"""Roster pages (/members/): they show groups and attendance, so they live beside them."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import ExtractYear
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView, View

from activities.history import member_changes

# The roster shows each person's group and attendance, which live in the activities app.
from activities.models import Activity, Attendance, GroupMembership, RotationGroup
from activities.services import member_archive, member_group
from members.forms import MemberFilterForm, MemberForm
from members.locking import StaleEditError
from members.models import Member, PublicOffice
from members.permissions import StaffRequiredMixin
from members.services import member_create, member_edit, member_restore


def mask_mobile(mobile):
    """139****1234: enough to recognise a number without being able to call it."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


class MobileVisibility:
    """Staff and leadership see every mobile; others only those of their own group."""

    def __init__(self, user):
        self.user = user
        self.all = user.can_read_all
        self.own_member_id = user.member_id
        self.group_id = None
        if not self.all and user.member_id:
            group = member_group(user.member_id)
            self.group_id = group.pk if group else None

    def shows(self, member, group_id):
        if self.all or member.pk == self.own_member_id:
            return True
        return self.group_id is not None and group_id == self.group_id

    def display(self, member, group_id):
        return member.mobile if self.shows(member, group_id) else mask_mobile(member.mobile)


def _current_membership():
    return GroupMembership.objects.filter(member=OuterRef("pk"), end_date__isnull=True)


def with_current_group(queryset):
    current = _current_membership()
    return queryset.annotate(
        group_id=Subquery(current.values("group_id")[:1]),
        group_number=Subquery(current.values("group__number")[:1]),
        group_name=Subquery(current.values("group__name")[:1]),
        is_convener=Subquery(current.values("is_convener")[:1]),
    )


class MemberListView(ListView):
    model = Member
    template_name = "members/member_list.html"
    context_object_name = "members"
    paginate_by = 50

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            active = Member.objects.active()
            self._filter_form = MemberFilterForm(
                self.request.GET or None,
                groups=RotationGroup.objects.active(),
                industries=active.exclude(industry="")
                .order_by("industry")
                .values_list("industry", flat=True)
                .distinct(),
                townships=active.exclude(township="")
                .order_by("township")
                .values_list("township", flat=True)
                .distinct(),
            )
        return self._filter_form

    def get_queryset(self):
        queryset = self.get_filter_form().filter(Member.objects.all())
        return with_current_group(queryset).prefetch_related(
            Prefetch("offices", queryset=PublicOffice.objects.order_by("kind", "level"))
        )

    def get_context_data(self, **kwargs):
        form = self.get_filter_form()
        context = super().get_context_data(
            filter_form=form, filters_open=form.extra_filters_used(), **kwargs
        )
        visibility = MobileVisibility(self.request.user)
        for member in context["members"]:
            member.shown_mobile = visibility.display(member, member.group_id)
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
        totals = (
            Attendance.objects.filter(
                member=member,
                activity__status=Activity.Status.HELD,
                activity__archived_at__isnull=True,
            )
            .annotate(year=ExtractYear("activity__date"))
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        memberships = member.memberships.select_related("group").order_by("-start_date", "-pk")
        visibility = MobileVisibility(self.request.user)
        return super().get_context_data(
            offices=member.offices.order_by("kind", "level"),
            memberships=memberships,
            attendances=attendances,
            totals_by_year=totals,
            shown_mobile=visibility.display(member, member.group_id),
            changes=member_changes(member) if self.request.user.is_office_staff else None,
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
