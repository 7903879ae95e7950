"""The rotation schedule, the conveners' side (my group, their month's plan, the yearly
obligation) and calendar feeds."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from activities.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    Attendance,
    CalendarFeed,
    ChatDelivery,
    ChatWebhook,
    RotationGroup,
    ScheduleEntry,
)
from activities.obligation import obligation_page, obligation_rows
from activities.roster.mobiles import ContactVisibility
from activities.schedule.export import feed_calendar, schedule_file_name, schedule_workbook
from activities.schedule.forms import (
    ActivityPlanForm,
    CalendarFeedForm,
    ChatWebhookForm,
    ScheduleGenerateForm,
    ScheduleMonthForm,
    ScheduleSwapForm,
)
from activities.schedule.months import group_months, year_schedule
from activities.schedule.reminders import chat_webhook_test
from activities.schedule.services import (
    BACKFILL,
    calendar_feed_create,
    calendar_feed_revoke,
    chat_webhook_create,
    chat_webhook_update,
    entry_is_filled,
    is_past_month,
    locked_months,
    month_locked_reason,
    schedule_change_undo,
    schedule_change_undoable,
    schedule_generate,
    schedule_set_month,
    schedule_swap,
)
from activities.services import (
    activity_save,
    convened_groups,
    member_group,
)
from activities.views import messages_from_form
from fuan_rotation.params import positive_int
from members.history import changes_of
from members.locking import StaleEditError, version_claim
from members.permissions import StaffRequiredMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The years a schedule may be for: the reports' (activities.models.FIRST_YEAR, LAST_YEAR).
MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _check_year(year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(_("No schedule for that year."))
    return year


class ScheduleIndexView(View):
    def get(self, request):
        return redirect("schedule:schedule_year", year=timezone.localdate().year)


class ScheduleYearView(TemplateView):
    """Everyone logged in reads the schedule; staff get the tools to change it."""

    template_name = "schedule/year.html"

    def get_context_data(self, **kwargs):
        year = _check_year(self.kwargs["year"])
        rows = year_schedule(year)
        context = super().get_context_data(**kwargs)
        context.update(
            year=year,
            rows=rows,
            has_schedule=any(row.entry for row in rows),
            previous_year=year - 1,
            next_year=year + 1,
            today=timezone.localdate(),
        )
        if self.request.user.is_office_staff:
            locked = locked_months(year)
            for row in rows:
                filled = entry_is_filled(row.entry)
                row.locked_reason = locked.get(row.month) if filled else None
            locked = {m: r for m, r in locked.items() if entry_is_filled(rows[m - 1].entry)}
            context.update(
                generate_form=ScheduleGenerateForm(), swap_form=ScheduleSwapForm(locked=locked)
            )
        return context


class ScheduleWorkbookView(View):
    def get(self, request, year):
        year = _check_year(year)
        content = schedule_workbook(year, year_schedule(year))
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=schedule_file_name(year)
        )
        return response


class ScheduleGenerateView(StaffRequiredMixin, View):
    def post(self, request, year):
        year = _check_year(year)
        form = ScheduleGenerateForm(request.POST)
        if form.is_valid():
            try:
                schedule_generate(
                    year=year,
                    by=request.user,
                    no_activity_months=form.cleaned_data["no_activity_months"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request, _("The %(year)s schedule was generated.") % {"year": year}
                )
        else:
            messages_from_form(request, form)
        return redirect("schedule:schedule_year", year=year)


def _expected_group(value):
    """A group pk (or None for no group) from a confirmation page's hidden field."""
    value = (value or "").strip()
    if value == "":
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        raise ValidationError(_("The confirmation was damaged; start again from the schedule."))
    return int(value)


class ScheduleSwapView(StaffRequiredMixin, TemplateView):
    """Swap two months: the first post shows what will change (both groups and months), the
    confirmed post swaps them. Months that cannot change are refused (services)."""

    template_name = "schedule/swap_confirm.html"
    http_method_names = ["post"]

    def post(self, request, year):
        year = _check_year(year)
        form = ScheduleSwapForm(request.POST, locked=locked_months(year))
        if not form.is_valid():
            messages_from_form(request, form)
            return redirect("schedule:schedule_year", year=year)
        a, b = form.cleaned_data["month_a"], form.cleaned_data["month_b"]
        entries = {
            e.month: e
            for e in ScheduleEntry.objects.filter(year=year, month__in=[a, b]).select_related(
                "group"
            )
        }
        if len(entries) != 2:
            messages.error(
                request, _("Both months must be in the schedule before they can be swapped.")
            )
            return redirect("schedule:schedule_year", year=year)
        if "confirm" not in request.POST:
            return self.render_to_response(
                self.get_context_data(year=year, first=entries[a], second=entries[b])
            )
        try:
            expected = {
                a: _expected_group(request.POST.get("expected_a")),
                b: _expected_group(request.POST.get("expected_b")),
            }
            first, second = schedule_swap(
                year=year, month_a=a, month_b=b, by=request.user, expected=expected
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("schedule:schedule_year", year=year)
        messages.success(
            request,
            _(
                "Swapped: month %(a)s now has %(group_a)s, month %(b)s has %(group_b)s. "
                "Each month's page can undo it."
            )
            % {
                "a": a,
                "b": b,
                "group_a": first.group or _("no activity"),
                "group_b": second.group or _("no activity"),
            },
        )
        return redirect("schedule:schedule_year", year=year)


class ScheduleMonthEditView(StaffRequiredMixin, FormView):
    template_name = "schedule/month_form.html"
    form_class = ScheduleMonthForm

    def dispatch(self, request, *args, **kwargs):
        self.year = _check_year(kwargs["year"])
        self.month = kwargs["month"]
        if not 1 <= self.month <= 12:
            raise Http404
        self.entry = (
            ScheduleEntry.objects.filter(year=self.year, month=self.month)
            .select_related("group")
            .first()
        )
        # A month missing from the schedule can still be filled in; a past one only as a
        # back-fill whose note says where it comes from (services.schedule_set_month).
        filled = entry_is_filled(self.entry)
        self.locked_reason = filled and month_locked_reason(self.year, self.month)
        self.backfill = not filled and is_past_month(self.year, self.month)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "backfill": self.backfill}

    def post(self, request, *args, **kwargs):
        if self.locked_reason:
            messages.error(request, self.locked_reason)
            return redirect("schedule:schedule_month_edit", year=self.year, month=self.month)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        if self.entry is None:
            return {}
        return {
            "group": self.entry.group,
            "no_activity": self.entry.no_activity,
            "note": self.entry.note,
        }

    def get_context_data(self, **kwargs):
        changes = changes_of(self.entry.history.all()) if self.entry else []
        if changes and changes[0].history_id:
            # Only the latest change can be undone; the page says why when it cannot.
            latest = ScheduleEntry.history.get(history_id=changes[0].history_id)
            if latest.history_type == "~" or latest.history_change_reason == BACKFILL:
                changes[0].undo_refusal = schedule_change_undoable(latest)
                changes[0].can_undo = changes[0].undo_refusal is None
        return super().get_context_data(
            year=self.year,
            month=self.month,
            entry=self.entry,
            changes=changes,
            locked_reason=self.locked_reason,
            backfill=self.backfill,
            **kwargs,
        )

    def form_valid(self, form):
        group = form.cleaned_data["group"]
        no_activity = form.cleaned_data["no_activity"]
        if "confirm" not in self.request.POST:
            # Name what changes, and to what, before anything is written.
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    confirming=True,
                    new_group=None if no_activity else group,
                    new_no_activity=no_activity,
                )
            )
        other = (
            ScheduleEntry.objects.filter(year=self.year, group=group)
            .exclude(month=self.month)
            .values_list("month", flat=True)
        )
        try:
            schedule_set_month(
                year=self.year,
                month=self.month,
                by=self.request.user,
                group=group,
                no_activity=no_activity,
                note=form.cleaned_data["note"],
                expected=_expected_group(self.request.POST.get("expected")),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return redirect("schedule:schedule_month_edit", year=self.year, month=self.month)
        messages.success(self.request, _("The schedule was updated."))
        if group and other and not form.cleaned_data["no_activity"]:
            messages.warning(
                self.request,
                _("%(group)s is also on duty in month %(months)s this year.")
                % {"group": group, "months": "、".join(str(m) for m in other)},
            )
        return redirect("schedule:schedule_year", year=self.year)


class ScheduleChangeUndoView(StaffRequiredMixin, View):
    """Undo a schedule change from the month's page (the change history shows it)."""

    def post(self, request, year, month, history_id):
        year = _check_year(year)
        row = get_object_or_404(
            ScheduleEntry.history, history_id=history_id, year=year, month=month
        )
        try:
            schedule_change_undo(history_id=row.history_id, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The change was undone; the history keeps both."))
        return redirect("schedule:schedule_month_edit", year=year, month=month)


class MyGroupView(TemplateView):
    """For conveners and members: their group's people, months and activities."""

    template_name = "schedule/my_group.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        group = member_group(user.member_id, on=today) if user.member_id else None
        context.update(group=group, year=today.year, today=today)
        if group is None:
            return context
        memberships = group.current_memberships().order_by("-is_convener", "member__stroke_key")
        visibility = ContactVisibility(user)
        for membership in memberships:
            membership.shown_mobile = visibility.display(membership.member, group.pk)
        is_convener = convened_groups(user).filter(pk=group.pk).exists()
        # Who has not yet taken part is for the group's conveners, leadership and staff
        # (issue 12, item 5); a member sees only their own participation.
        if is_convener or user.can_read_all:
            not_yet = [m for m in obligation_rows(today.year, groups=[group]) if m.attended == 0]
            own_count = None
        else:
            not_yet = None
            own_count = Attendance.objects.filter(
                member_id=user.member_id,
                activity__in=Activity.objects.counted().in_year(today.year),
            ).count()
        context.update(
            memberships=memberships,
            is_convener=is_convener,
            own_count=own_count,
            months=group_months(group, today.year),
            activities=group.activities.filter(archived_at__isnull=True)
            .exclude(status=Activity.Status.CANCELLED)
            .order_by("-date")[:20],
            not_yet=not_yet,
        )
        return context


class ObligationView(UserPassesTestMixin, TemplateView):
    """Standing members who have not yet taken part in a rotation activity this year, paged;
    ``?show=all`` lists every member the obligation binds (those who have not taken part
    first), ``?page=N`` pages either list.

    Staff and leadership see every group; a convener sees their own group.
    """

    template_name = "schedule/obligation.html"
    raise_exception = True

    def test_func(self):
        user = self.request.user
        return user.can_read_all or convened_groups(user).exists()

    def get_context_data(self, **kwargs):
        year = _check_year(self.kwargs["year"])
        user = self.request.user
        if user.can_read_all:
            groups = None
        else:
            groups = list(convened_groups(user))
        # The members who have not taken part are the list that matters; everyone bound is
        # one click away. Both are paged: at a province's size they are thousands of rows.
        show_all = self.request.GET.get("show") == "all"
        counts, page = obligation_page(
            year, groups=groups, missing_only=not show_all, page=self.request.GET.get("page")
        )
        kwargs["year"] = year
        return super().get_context_data(
            rows=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            bound_count=counts["bound"],
            missing_count=counts["missing"],
            show_all=show_all,
            groups=groups,
            **kwargs,
        )


class ConvenerPlanMixin:
    """Conveners plan for their own group; staff for any. Another group's plan is not found."""

    def editable_groups(self):
        if self.request.user.is_office_staff:
            return RotationGroup.objects.active()
        groups = convened_groups(self.request.user)
        if not groups.exists():
            raise PermissionDenied
        return groups


def same_month_plans(activity):
    """The group's other plans dated in the activity's month (not archived)."""
    return list(
        Activity.objects.filter(
            group_id=activity.group_id,
            status=Activity.Status.PLANNED,
            archived_at__isnull=True,
            date__year=activity.date.year,
            date__month=activity.date.month,
        )
        .exclude(pk=activity.pk)
        .order_by("date", "pk")
    )


class ActivityPlanView(ConvenerPlanMixin, FormView):
    template_name = "schedule/plan_form.html"
    form_class = ActivityPlanForm

    def dispatch(self, request, *args, **kwargs):
        groups = self.editable_groups()
        self.activity = None
        if "pk" in kwargs:
            plans = Activity.objects.filter(group__in=groups, status=Activity.Status.PLANNED)
            if not request.user.is_office_staff:
                # Archived plans are read-only for conveners: simply not found here.
                plans = plans.filter(archived_at__isnull=True)
            self.activity = get_object_or_404(plans, pk=kwargs["pk"])
            self.group = self.activity.group
        else:
            number = request.GET.get("group") or request.POST.get("group")
            if number:
                # ?group=abc is a group that does not exist, not a 500.
                self.group = get_object_or_404(groups, number=positive_int(number) or 0)
            else:
                self.group = groups.order_by("number").first()
            if self.group is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.activity or Activity(
            group=self.group, status=Activity.Status.PLANNED
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            group=self.group,
            activity=self.activity,
            other_plans=same_month_plans(self.activity) if self.activity else [],
            **kwargs,
        )

    def earlier_plan(self, token):
        """The plan an earlier post of this same new-plan form made, if any."""
        if self.activity is not None or not token:
            return None
        return Activity.objects.filter(
            submission_token=token, group__in=self.editable_groups()
        ).first()

    def post(self, request, *args, **kwargs):
        earlier = self.earlier_plan(request.POST.get("submission_token", ""))
        if earlier is not None:
            messages.info(request, _("This form was already sent; nothing was saved twice."))
            return redirect("activities:activity_detail", pk=earlier.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        activity = form.save(commit=False)
        activity.group = self.group
        activity.status = Activity.Status.PLANNED
        if activity.pk is None:
            activity.submission_token = form.cleaned_data.get("submission_token") or None
        try:
            with transaction.atomic():
                version_claim(activity, form.cleaned_data.get("version"))
                activity_save(activity=activity, by=self.request.user)
        except IntegrityError:
            # The same form posted twice at once: the other post made the plan.
            earlier = self.earlier_plan(activity.submission_token)
            if earlier is None:
                raise
            return redirect("activities:activity_detail", pk=earlier.pk)
        except StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, stale=True))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan was saved."))
        for other in same_month_plans(activity):
            messages.warning(
                self.request,
                _(
                    "%(group)s already has a plan in %(month)s: “%(title)s” on %(date)s. "
                    "A group holds one activity a month; archive the plan that is not needed."
                )
                % {
                    "group": activity.group,
                    "month": date_format(activity.date, "YEAR_MONTH_FORMAT"),
                    "title": other.title,
                    "date": date_format(other.date, "DATE_FORMAT"),
                },
            )
        return redirect("activities:activity_detail", pk=activity.pk)


class CalendarFeedListView(StaffRequiredMixin, FormView):
    template_name = "schedule/feeds.html"
    form_class = CalendarFeedForm

    def get_context_data(self, **kwargs):
        feeds = CalendarFeed.objects.select_related("group", "created_by")
        return super().get_context_data(feeds=feeds, **kwargs)

    def form_valid(self, form):
        feed = calendar_feed_create(
            by=self.request.user, group=form.cleaned_data["group"], label=form.cleaned_data["label"]
        )
        messages.success(
            self.request,
            _("New subscription address: %(url)s")
            % {
                "url": self.request.build_absolute_uri(
                    reverse("schedule:calendar_feed", args=[feed.token])
                )
            },
        )
        return redirect("schedule:feed_list")


class CalendarFeedRevokeView(StaffRequiredMixin, View):
    def post(self, request, pk):
        feed = get_object_or_404(CalendarFeed, pk=pk)
        calendar_feed_revoke(feed=feed, by=request.user)
        messages.success(request, _("The address was revoked; calendars using it stop updating."))
        return redirect("schedule:feed_list")


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The feed itself: a phone calendar cannot log in, so the secret address is the key."""

    def get(self, request, token):
        # A token is URL-safe base64; anything else (a NUL byte breaks PostgreSQL) is unknown.
        if not FEED_TOKEN.fullmatch(token):
            raise Http404
        feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).first()
        if feed is None:
            raise Http404
        name = _("Rotation activities")
        if feed.group_id:
            name = f"{name} · {feed.group}"
        response = HttpResponse(
            feed_calendar(group=feed.group, name=name), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="rotation.ics"'
        response["Cache-Control"] = "private, max-age=900"
        return response


# --- Group-chat robots (/schedule/robots/) --------------------------------------------------


def _form_errors_from(form, error):
    """Put a service's ValidationError on the form's fields (or the form when it names none)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ChatWebhookListView(StaffRequiredMixin, FormView):
    """The robots reminders are posted to, their last outcome, and a form for a new one."""

    template_name = "schedule/webhooks.html"
    form_class = ChatWebhookForm

    def get_context_data(self, **kwargs):
        waiting = Q(deliveries__status=ChatDelivery.Status.PENDING)
        given_up = Q(deliveries__status=ChatDelivery.Status.GAVE_UP)
        webhooks = ChatWebhook.objects.annotate(
            waiting=Count("deliveries", filter=waiting),
            given_up=Count("deliveries", filter=given_up),
        )
        return super().get_context_data(webhooks=webhooks, **kwargs)

    def form_valid(self, form):
        try:
            webhook = chat_webhook_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Saved %(name)s. Send a test message to check that it reaches the group.")
            % {"name": webhook.name},
        )
        return redirect("schedule:webhook_list")


class ChatWebhookEditView(StaffRequiredMixin, FormView):
    template_name = "schedule/webhook_form.html"
    form_class = ChatWebhookForm

    def dispatch(self, request, *args, **kwargs):
        self.webhook = get_object_or_404(ChatWebhook, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "platform": self.webhook.platform,
            "name": self.webhook.name,
            "is_active": self.webhook.is_active,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "webhook": self.webhook}

    def get_context_data(self, **kwargs):
        changes = changes_of(self.webhook.history.all(), subject=lambda row, related: row.name)
        deliveries = self.webhook.deliveries.all()[:20]
        return super().get_context_data(
            webhook=self.webhook, changes=changes, deliveries=deliveries, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            chat_webhook_update(
                webhook=self.webhook,
                by=self.request.user,
                platform=data["platform"],
                name=data["name"],
                is_active=data["is_active"],
                url=data["url"],
                secret=data["secret"],
                remove_secret=data.get("remove_secret", False),
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("schedule:webhook_list")


class ChatWebhookTestView(StaffRequiredMixin, View):
    def post(self, request, pk):
        webhook = get_object_or_404(ChatWebhook, pk=pk)
        error = chat_webhook_test(webhook=webhook)
        if error:
            messages.error(
                request,
                _("The test message did not reach %(name)s: %(reason)s")
                % {"name": webhook.name, "reason": error},
            )
        else:
            messages.success(request, _("Test message sent to %(name)s.") % {"name": webhook.name})
        return redirect("schedule:webhook_list")
