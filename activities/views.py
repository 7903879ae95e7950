"""Home, groups and activity records with their review: everyone logged in reads them; staff
record and change them, conveners record their own group's for the staff to approve."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from activities.attendance import member_json, member_search, script_text
from activities.export import activity_list_file_name, activity_list_workbook
from activities.filters import ActivityFilterSet
from activities.forms import (
    EDIT_VERSION_INVALID,
    REVIEW_STALE,
    REVIEW_VERSION_INVALID,
    REVIEW_VERSION_MISSING,
    ActivityForm,
    ConvenersForm,
    LeaderFormSet,
    MembershipAddForm,
    OutcomeFormSet,
    PublicityFormSet,
    ReturnForm,
    ReviewForm,
    kept_rows,
)
from activities.history import activity_changes, group_changes
from activities.models import (
    Activity,
    Attendance,
    GroupMembership,
    LeaderPresence,
    Outcome,
    RotationGroup,
    ScheduleEntry,
)
from activities.roster.mobiles import MobileVisibility
from activities.schedule.months import months_to_record, on_duty_rows, year_schedule
from activities.services import (
    activity_approve,
    activity_record,
    activity_return,
    convened_groups,
    group_conveners_set,
    member_group,
    membership_assign,
    membership_end,
)
from fuan_rotation import ratelimit
from fuan_rotation.formal import CONTENT_TYPE, spooled_output
from fuan_rotation.paging import ForgivingPaginationMixin, forgiving_page
from fuan_rotation.params import month_param, positive_int
from members.access import record_access
from members.locking import MissingVersionError, StaleEditError
from members.models import FederationRole, PersonalDataAccess
from members.permissions import StaffRequiredMixin

CONVENERS_USUAL = range(2, 4)  # 2–3 per group is the norm; outside it we warn, not refuse


class HomeView(TemplateView):
    template_name = "activities/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        held_this_year = Activity.objects.counted().in_year(today.year)
        recent = (
            Activity.objects.filter(archived_at__isnull=True)
            .exclude(status=Activity.Status.CANCELLED)
            .select_related("group")
            .order_by("-date", "-number")[:8]
        )
        user = self.request.user
        my_group = member_group(user.member_id) if user.member_id else None
        my_attendance = None
        if user.member_id:
            my_attendance = Attendance.objects.filter(
                member_id=user.member_id,
                activity__in=held_this_year,
            ).count()
        pending = None
        if user.is_office_staff:
            pending = Activity.objects.filter(review_status=Activity.Review.PENDING).count()
        this_year = year_schedule(today.year, today=today)
        to_record = None
        if user.is_office_staff:
            to_record = months_to_record(today, this_year=this_year)
        else:
            convened = list(convened_groups(user))
            if convened:
                to_record = months_to_record(today, groups=convened, this_year=this_year)
        return super().get_context_data(
            year=today.year,
            today=today,
            on_duty=on_duty_rows(today, this_year),
            this_month=next((m for m in to_record or () if m.is_current), None),
            overdue=[m for m in to_record or () if not m.is_current],
            pending_count=pending,
            recent_activities=recent,
            held_this_year=held_this_year.count(),
            person_times_this_year=held_this_year.person_times(),
            groups_active=held_this_year.values("group").distinct().count(),
            my_group=my_group,
            my_attendance=my_attendance,
            **kwargs,
        )


# Groups ---------------------------------------------------------------------------------


def _count_subquery(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("group").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


class GroupListView(ListView):
    model = RotationGroup
    template_name = "activities/group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        year = timezone.localdate().year
        return (
            RotationGroup.objects.active()
            .annotate(
                member_count=_count_subquery(
                    GroupMembership.objects.current().filter(group=OuterRef("pk"))
                ),
                held_this_year=_count_subquery(
                    Activity.objects.counted().in_year(year).filter(group=OuterRef("pk"))
                ),
            )
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=GroupMembership.objects.current()
                    .filter(is_convener=True)
                    .select_related("member")
                    .order_by("member__stroke_key"),
                    to_attr="convener_memberships",
                )
            )
            .order_by("number")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=timezone.localdate().year, **kwargs)


class GroupDetailView(DetailView):
    model = RotationGroup
    template_name = "activities/group_detail.html"
    context_object_name = "group"
    slug_field = "number"
    slug_url_kwarg = "number"

    MEMBERS_PER_PAGE = 50
    RECENT_SHOWN = 30

    def get_context_data(self, **kwargs):
        group = self.object
        # The current members are paged (conveners first): a province's group has a thousand.
        current = (
            group.memberships.current()
            .select_related("member")
            .order_by("-is_convener", "member__stroke_key", "pk")
        )
        page = forgiving_page(
            Paginator(current, self.MEMBERS_PER_PAGE), self.request.GET.get("page")
        )
        visibility = MobileVisibility(self.request.user)
        current = list(page.object_list)
        for membership in current:
            membership.shown_mobile = visibility.display(membership.member, group.pk)
        # The latest of the former members and of the activities; the activity list holds
        # the rest (one row more than shown says whether there is a rest).
        shown = self.RECENT_SHOWN
        past = list(
            group.memberships.filter(end_date__isnull=False)
            .select_related("member")
            .order_by("-end_date", "member__stroke_key", "pk")[: shown + 1]
        )
        activities = list(
            group.activities.filter(archived_at__isnull=True)
            .with_person_times()
            .order_by("-date", "-number")[: shown + 1]
        )
        return super().get_context_data(
            current_memberships=current,
            member_count=page.paginator.count,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            past_memberships=past[:shown],
            more_past_memberships=len(past) > shown,
            activities=activities[:shown],
            more_activities=len(activities) > shown,
            changes=group_changes(group) if self.request.user.is_office_staff else None,
            **kwargs,
        )


class GroupMembersEditView(StaffRequiredMixin, TemplateView):
    """Staff move members into the group, take them out, and appoint its conveners."""

    template_name = "activities/group_members_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.group = get_object_or_404(RotationGroup, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    MEMBERS_PER_PAGE = 50

    def memberships(self):
        """The group's current members who may convene, or convene: the conveners form's
        choices (the whole group is paged below it)."""
        return list(
            self.group.memberships.current()
            .filter(Q(is_convener=True) | Q(member__role__in=FederationRole.convener_roles()))
            .select_related("member")
            .order_by("-is_convener", "member__stroke_key")
        )

    def current_ids(self):
        return self.group.memberships.current().values_list("member_id", flat=True)

    def get_context_data(self, **kwargs):
        memberships = kwargs.pop("memberships", None) or self.memberships()
        search = self.request.GET.get("q", "")
        kwargs.setdefault(
            "add_form", MembershipAddForm(group=self.group, search=search, prefix="add")
        )
        kwargs.setdefault(
            "conveners_form",
            ConvenersForm(
                group=self.group,
                memberships=memberships,
                current_ids=self.current_ids(),
                prefix="conveners",
            ),
        )
        members_page = forgiving_page(
            Paginator(
                self.group.memberships.current()
                .select_related("member")
                .order_by("-is_convener", "member__stroke_key", "pk"),
                self.MEMBERS_PER_PAGE,
            ),
            self.request.GET.get("page"),
        )
        return super().get_context_data(
            group=self.group, members_page=members_page, search=search, **kwargs
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "add":
            return self._add()
        if action == "conveners":
            return self._conveners()
        if action == "remove":
            return self._remove()
        return self.render_to_response(self.get_context_data(), status=400)

    def _done(self):
        return HttpResponseRedirect(
            reverse("activities:group_members_edit", args=[self.group.number])
        )

    def _add(self):
        form = MembershipAddForm(self.request.POST, group=self.group, prefix="add")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(add_form=form))
        member = form.cleaned_data["member"]
        try:
            membership_assign(
                member=member,
                group=self.group,
                by=self.request.user,
                start=form.cleaned_data["start_date"],
                expected_group_id=member.current_group_id,
            )
        except ValidationError as error:
            # Someone else moved this member at the same moment (activities/services.py).
            form.add_error("member", error.messages)
            return self.render_to_response(self.get_context_data(add_form=form), status=409)
        messages.success(
            self.request,
            _("%(name)s is now in %(group)s.") % {"name": member.name, "group": self.group},
        )
        return self._done()

    def _conveners(self):
        memberships = self.memberships()
        form = ConvenersForm(
            self.request.POST,
            group=self.group,
            memberships=memberships,
            current_ids=self.current_ids(),
            prefix="conveners",
        )
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(conveners_form=form, memberships=memberships)
            )
        conveners = list(form.cleaned_data["conveners"])
        try:
            group_conveners_set(group=self.group, conveners=conveners, by=self.request.user)
        except ValidationError as error:
            form.add_error("conveners", error.messages)
            return self.render_to_response(
                self.get_context_data(conveners_form=form, memberships=memberships)
            )
        messages.success(self.request, _("The conveners were saved."))
        if len(conveners) not in CONVENERS_USUAL:
            messages.warning(
                self.request,
                _("%(group)s now has %(count)s conveners; a group usually has 2 or 3.")
                % {"group": self.group, "count": len(conveners)},
            )
        return self._done()

    def _remove(self):
        member_id = positive_int(self.request.POST.get("member", ""))
        membership = (
            self.group.memberships.current()
            .filter(member_id=member_id)
            .select_related("member")
            .first()
            if member_id
            else None
        )
        if membership is None:
            raise Http404
        membership_end(member=membership.member, by=self.request.user)
        messages.success(
            self.request,
            _("%(name)s was taken out of %(group)s; the history is kept.")
            % {"name": membership.member.name, "group": self.group},
        )
        return self._done()


# Activities -----------------------------------------------------------------------------


class ActivityListView(ForgivingPaginationMixin, ListView):
    model = Activity
    template_name = "activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = 25

    @cached_property
    def filterset(self):
        return ActivityFilterSet(self.request.GET)

    def get_queryset(self):
        return (
            self.filterset.qs.select_related("group")
            .with_person_times()
            .order_by("-date", "-number", "-pk")
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filterset.form,
            person_times=self.filterset.qs.person_times(),
            export_query=query.urlencode(),
            **kwargs,
        )


class ActivityListExportView(ActivityListView):
    """导出当前列表: the filtered list (every page of it) as a formal .xlsx; recorded in the
    access log with its filters and row count."""

    def get(self, request, *args, **kwargs):
        activities = list(self.get_queryset())
        record_access(request, PersonalDataAccess.Kind.ACTIVITY_EXPORT, rows=len(activities))
        return FileResponse(
            activity_list_workbook(
                activities, scope=self.filterset.description(), output=spooled_output()
            ),
            as_attachment=True,
            filename=activity_list_file_name(),
            content_type=CONTENT_TYPE,
        )


class ActivityDetailView(DetailView):
    model = Activity
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"

    def get_queryset(self):
        queryset = Activity.objects.select_related("group", "created_by").with_person_times()
        if not self.request.user.is_office_staff:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def get_context_data(self, **kwargs):
        activity = self.object
        # A return refused as out of date comes back with the staff's comment in its form.
        return_form = kwargs.pop("return_form", None) or ReturnForm()
        return super().get_context_data(
            attendances=activity.attendances.select_related("member").order_by(
                "member__stroke_key"
            ),
            leaders=activity.leaders.order_by("level", "pk"),
            four_bodies_level=LeaderPresence.Level.FOUR_BODIES,
            outcomes=activity.outcomes.select_related("member"),
            publicity=activity.publicity.all(),
            can_edit=self.request.user.is_office_staff
            or (
                activity.archived_at is None
                and convened_groups(self.request.user).filter(pk=activity.group_id).exists()
            ),
            return_form=return_form,
            changes=activity_changes(activity) if self.request.user.is_office_staff else None,
            **kwargs,
        )


class ActivityEditorRequiredMixin(UserPassesTestMixin):
    """Staff record any group's activity; a convener records their own group's (谁组织谁记录)."""

    raise_exception = True

    def test_func(self):
        user = self.request.user
        return user.is_office_staff or convened_groups(user).exists()

    def editable_groups(self):
        if self.request.user.is_office_staff:
            return None
        return convened_groups(self.request.user)


class ActivityFormView(ActivityEditorRequiredMixin, TemplateView):
    """The one page for recording an activity: details, attendance, leaders, outcomes, publicity.

    A convener's record of a held activity goes to the staff for approval when saved.
    """

    template_name = "activities/activity_form.html"

    def get_activity(self):
        return Activity()

    @cached_property
    def activity(self):
        # Looked up after the permission check, so a non-staff user learns nothing from a 404.
        return self.get_activity()

    def get_initial(self):
        return {}

    def build_forms(self, data=None):
        activity = self.activity
        form = ActivityForm(data, instance=activity, initial=self.get_initial())
        groups = self.editable_groups()
        if groups is not None:
            form.fields["group"].queryset = groups.order_by("number")
        return {
            "form": form,
            "leader_formset": LeaderFormSet(data, instance=activity, prefix="leaders"),
            "outcome_formset": OutcomeFormSet(data, instance=activity, prefix="outcomes"),
            "publicity_formset": PublicityFormSet(data, instance=activity, prefix="publicity"),
        }

    def get_context_data(self, **kwargs):
        forms = kwargs.pop("forms", None) or self.build_forms()
        search_text = kwargs.pop("search_text", "")
        return super().get_context_data(
            activity=self.activity if self.activity.pk else None,
            attendance=forms["form"].attendance_board(search_text=search_text),
            attendee_search_url=reverse("activities:attendee_search"),
            form_script_text=script_text(),
            **forms,
            **kwargs,
        )

    def search_without_script(self, request):
        """The attendance search's button in a browser without JavaScript: show the form
        again as it was typed, with the members found, and save nothing."""
        text = request.POST.get("attendee_search", "")
        if not _search_allowed(request):
            messages.error(request, _search_refusal())
            text = ""
        forms = self.build_forms(request.POST)
        for form in forms.values():
            quiet(form)
        return self.render_to_response(self.get_context_data(forms=forms, search_text=text))

    def already_submitted(self, token):
        """The record an earlier post of this same new-record form created, if any."""
        if self.activity.pk is not None or not token:
            return None
        activities = Activity.objects.filter(submission_token=token)
        groups = self.editable_groups()
        if groups is not None:
            activities = activities.filter(group__in=groups, archived_at__isnull=True)
        return activities.first()

    def redirect_to_earlier(self, activity):
        messages.info(
            self.request,
            _("This form was already sent and saved “%(title)s”; nothing was saved twice.")
            % {"title": activity.title},
        )
        return HttpResponseRedirect(reverse("activities:activity_detail", args=[activity.pk]))

    def needs_review(self, stored, activity):
        """A convener's record that counts, or would, waits for the staff (issue 12).

        `stored` is (status, review_status) before this save. Any change to a held record,
        approved or not, and any record now held goes back to review before it counts.
        """
        if self.request.user.is_office_staff:
            return False
        return Activity.Status.HELD in (stored[0], activity.status)

    def post(self, request, *args, **kwargs):
        if "attendee_search_submit" in request.POST:
            return self.search_without_script(request)
        token = request.POST.get("submission_token", "")
        earlier = self.already_submitted(token)
        if earlier is not None:
            return self.redirect_to_earlier(earlier)
        stored = (self.activity.status, self.activity.review_status)
        forms = self.build_forms(request.POST)
        if not all([f.is_valid() for f in forms.values()]):
            if getattr(forms["form"], "version_refused", False):
                # The form's own message says what is wrong; the fields are not to blame.
                return self.render_to_response(self.get_context_data(forms=forms, stale=True))
            hidden_errors_said(forms)
            if any_field_marked(forms):
                messages.error(request, _("Nothing was saved: please correct the marked fields."))
            else:
                messages.error(request, _("Nothing was saved: see the message in the form below."))
            return self.render_to_response(self.get_context_data(forms=forms))
        form = forms["form"]
        saved_state = (form.instance.pk, form.instance.number, form.instance.review_status)
        needs_approval = self.needs_review(stored, form.instance)
        if form.instance.pk is None:
            form.instance.submission_token = form.cleaned_data.get("submission_token") or None
        try:
            with transaction.atomic():
                activity = activity_record(
                    activity=form.instance,
                    attendees=form.cleaned_data["attendees"],
                    leaders=kept_rows(forms["leader_formset"]),
                    outcomes=kept_rows(forms["outcome_formset"]),
                    publicity=kept_rows(forms["publicity_formset"]),
                    by=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    for_review=needs_approval,
                    replaces_plan=form.cleaned_data.get("plan"),
                )
        except StaleEditError as stale:
            form.instance.pk, form.instance.number, form.instance.review_status = saved_state
            form.add_error(None, _edit_refusal(stale, form.cleaned_data.get("version")))
            return self.render_to_response(self.get_context_data(forms=forms, stale=True))
        except IntegrityError:
            # Two posts of one form at the same moment: the other one made the record.
            earlier = self.already_submitted(form.instance.submission_token)
            if earlier is None:
                raise
            return self.redirect_to_earlier(earlier)
        except ValidationError as error:
            # The transaction rolled back; forget the id and number it had handed out.
            form.instance.pk, form.instance.number, form.instance.review_status = saved_state
            form.add_error(None, error.messages)
            messages.error(request, _("Nothing was saved: please correct the marked fields."))
            return self.render_to_response(self.get_context_data(forms=forms))
        if activity.shown_number:
            text = _("Activity No. %(number)s “%(title)s” was saved.") % {
                "number": activity.number,
                "title": activity.title,
            }
        else:
            text = _("Activity “%(title)s” was saved.") % {"title": activity.title}
        messages.success(request, text)
        if needs_approval:
            messages.info(request, _("The record now awaits the staff's approval."))
        return HttpResponseRedirect(reverse("activities:activity_detail", args=[activity.pk]))


# A formset row whose hidden id or record no longer matches: deleted or moved since.
ROW_CHANGED = _(
    "This row was changed or removed by someone else since the page was opened, so nothing "
    "was saved: reload the page and make your changes again."
)

# Hidden data of the form itself that no page sends (the page was altered).
PAGE_ALTERED = _(
    "Part of this page's hidden data is not valid (the page may have been altered), so nothing "
    "was saved: open the form again and re-enter the record."
)


def _rows(forms):
    for form in forms.values():
        if isinstance(form, BaseFormSet):
            yield from form.forms
        else:
            yield form


def hidden_errors_said(forms):
    """Errors on hidden fields (which nobody sees marked) moved above their form or row.

    `forms` is build_forms()'s dict, validated. The main form's own hidden fields mostly say
    theirs in ActivityForm.clean (anything else: PAGE_ALTERED); a formset row's id or parent
    field fails when the row was deleted or the page altered, said as ROW_CHANGED.
    """
    for form in _rows(forms):
        hidden = [f.name for f in form.hidden_fields() if form.errors.get(f.name)]
        for name in hidden:
            del form.errors[name]
        if hidden and not form.non_field_errors():
            form.add_error(None, ROW_CHANGED if form is not forms["form"] else PAGE_ALTERED)


def any_field_marked(forms):
    """Whether some visible field of `forms` (build_forms()'s dict) carries an error."""
    return any(
        name != NON_FIELD_ERRORS and errors
        for form in _rows(forms)
        for name, errors in form.errors.items()
    )


def _edit_refusal(stale, posted_version):
    """The message refusing an edit at `posted_version` (an int or None) that StaleEditError
    `stale` stopped: saved by someone since, or a version ahead of the stored one, which no
    page ever showed (an altered form)."""
    if not isinstance(stale, MissingVersionError) and posted_version is not None:
        stored = Activity.objects.filter(pk=stale.record.pk).values_list("version", flat=True)
        if posted_version > (stored.first() or 0):
            return str(EDIT_VERSION_INVALID)
    return str(stale)


class ActivityCreateView(ActivityFormView):
    def get_initial(self):
        from_month = self.initial_from_month()
        if from_month:
            return from_month
        # "Record an activity" from a group's page comes with ?group=<number>.
        number = positive_int(self.request.GET.get("group", ""))
        groups = self.editable_groups()
        if groups is None:
            groups = RotationGroup.objects.active()
        group = groups.filter(number=number).first() if number else None
        if group is None and self.editable_groups() is not None:
            group = groups.order_by("number").first()
        return {"group": group.pk} if group else {}

    def initial_from_month(self):
        """ "Record this month's activity" comes with ?month=YYYY-MM: the month's on-duty group,
        its plan (date, title, theme, place) and the status held, as initial values only.

        A malformed month, one without an on-duty group, or (for a convener) another group's
        month is ignored: the form opens as it would without it.
        """
        month = month_param(self.request.GET.get("month", ""))
        if month is None:
            return {}
        entry = (
            ScheduleEntry.objects.filter(
                year=month.year, month=month.month, no_activity=False, group__isnull=False
            )
            .select_related("group")
            .first()
        )
        groups = self.editable_groups()
        if entry is None or entry.group.is_archived:
            return {}
        if groups is not None and not groups.filter(pk=entry.group_id).exists():
            return {}
        initial = {"group": entry.group_id, "status": Activity.Status.HELD}
        plan = (
            Activity.objects.filter(
                group=entry.group_id,
                status=Activity.Status.PLANNED,
                archived_at__isnull=True,
                date__year=month.year,
                date__month=month.month,
            )
            .order_by("date", "pk")
            .first()
        )
        today = timezone.localdate()
        if plan is not None:
            initial.update(
                plan=plan.pk,
                date=plan.date,
                title=plan.title,
                theme=plan.theme,
                place=plan.place,
                host_enterprise=plan.host_enterprise,
                start_time=plan.start_time,
            )
        elif (month.year, month.month) == (today.year, today.month):
            initial["date"] = today
        return initial


class ActivityUpdateView(ActivityFormView):
    def get_activity(self):
        activities = Activity.objects.select_related("group")
        groups = self.editable_groups()
        if groups is not None:
            # Another group's record is simply not found.
            activities = activities.filter(group__in=groups, archived_at__isnull=True)
        return get_object_or_404(activities, pk=self.kwargs["pk"])


def quiet(form):
    """Keep a bound form or formset from validating: it is shown again, not checked."""
    form._errors = ErrorDict() if isinstance(form, BaseForm) else []
    if isinstance(form, BaseFormSet):
        form._non_form_errors = form.error_class()
        for row in form.forms:
            quiet(row)


def _search_allowed(request):
    return ratelimit.allow(
        f"attendee-search:{request.user.pk}",
        limit=settings.ATTENDEE_SEARCH_LIMIT,
        window=settings.ATTENDEE_SEARCH_WINDOW,
    )


def _search_refusal():
    return _("Too many searches in a short time. Please wait a minute and search again.")


class AttendeeSearchView(ActivityEditorRequiredMixin, View):
    """Members for the attendance checklist, as JSON, for those who record activities.

    ``?q=`` searches the active roster (name, company, pinyin with or without spaces,
    initials); ``?group=<id>`` lists a group's members in the sign-in sheet's order. Both on
    ``?day=`` (the activity's date, default today). Names, companies and groups only: never a
    mobile. Counted against a per-login limit like the roster search.
    """

    def get(self, request):
        if not _search_allowed(request):
            return JsonResponse({"error": _search_refusal()}, status=429)
        try:
            day = datetime.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        group_id = positive_int(request.GET.get("group", ""))
        if group_id:
            group = RotationGroup.objects.filter(pk=group_id).first()
            if group is None:
                return JsonResponse({"error": _("There is no such group.")}, status=404)
            results = [member_json(m, group=group) for m in group.members_on(day)]
        else:
            results = [member_json(m) for m in member_search(request.GET.get("q", ""), day=day)]
        response = JsonResponse({"results": results})
        patch_cache_control(response, private=True, no_store=True)
        return response


def messages_from_form(request, form):
    """Show a bound form's errors as messages (for actions posted from another page)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


# --- Records conveners submit and staff approve (/review/) ---------------------------------


class ReviewListView(StaffRequiredMixin, ListView):
    template_name = "schedule/review_list.html"
    context_object_name = "activities"

    def get_queryset(self):
        # Each record's content is shown, so staff can approve without opening it:
        # a fixed number of queries whatever the number of records.
        return (
            Activity.objects.filter(review_status=Activity.Review.PENDING)
            .select_related("group", "created_by")
            .with_person_times()
            .prefetch_related(
                Prefetch("leaders", queryset=LeaderPresence.objects.order_by("level", "pk")),
                Prefetch("outcomes", queryset=Outcome.objects.select_related("member")),
                "publicity",
            )
            .order_by("submitted_at", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(return_form=ReturnForm(), **kwargs)


def _safe_next(request):
    """The form's ``next`` when it is a path on this site; an outside address is ignored."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _review_refusal(stale, posted_version):
    """The message refusing an approval or return at `posted_version` (an int) that
    StaleEditError `stale` stopped: the record changed since, or the page's version is one it
    never had (a version ahead of the stored one was not shown by any page)."""
    if isinstance(stale, MissingVersionError):
        return str(REVIEW_VERSION_MISSING)
    stored = Activity.objects.filter(pk=stale.record.pk).values_list("version", flat=True)
    if posted_version is not None and posted_version > (stored.first() or 0):
        return str(REVIEW_VERSION_INVALID)
    return str(REVIEW_STALE)


class ActivityApproveView(StaffRequiredMixin, View):
    """Approve a pending record at the version the page showed; a record changed since is
    refused and shown as it is now (the activity page), never approved unseen."""

    def post(self, request, pk):
        activity = get_object_or_404(Activity, pk=pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages_from_form(request, form)
            return redirect("activities:activity_detail", pk=pk)
        version = form.cleaned_data["version"]
        try:
            activity_approve(activity=activity, by=request.user, expected_version=version)
        except StaleEditError as stale:
            messages.error(request, _review_refusal(stale, version))
            return redirect("activities:activity_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Approved: %(activity)s") % {"activity": activity})
        return redirect(_safe_next(request) or reverse("schedule:review_list"))


class ActivityReturnView(StaffRequiredMixin, View):
    """Return a pending record to its convener, at the version the page showed. Refused, the
    activity page shows the record as it is now with the comment kept in the form."""

    def post(self, request, pk):
        activity = get_object_or_404(Activity, pk=pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            # The page comes back with the comment typed, its error on the field (400).
            for field, errors in form.errors.items():
                if field != "comment":
                    messages.error(request, " ".join(errors))
            if "comment" in form.errors:
                messages.error(request, _("The record was not returned: see the comment below."))
            return self.current_record(request, pk, form=form, status=400)
        version = form.cleaned_data["version"]
        try:
            activity_return(
                activity=activity,
                by=request.user,
                comment=form.cleaned_data["comment"],
                expected_version=version,
            )
        except StaleEditError as stale:
            messages.error(request, _review_refusal(stale, version))
            kept = ReturnForm(initial={"comment": form.cleaned_data["comment"]})
            return self.current_record(request, pk, form=kept, status=409)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Returned to the convener: %(activity)s") % {"activity": activity}
            )
        return redirect("schedule:review_list")

    def current_record(self, request, pk, *, form, status):
        """The activity page as it is now, with HTTP `status` (409: changed since; 400: the
        comment refused), the staff's comment kept in `form` (a ReturnForm, bound or not)."""
        page = ActivityDetailView()
        page.setup(request, pk=pk)
        page.object = page.get_object()
        context = page.get_context_data(return_form=form)
        return page.render_to_response(context, status=status)
