"""The check-in pages: the staff's and conveners' page with the QR code and the live list,
the one-click apply, and the public phone page (no login: the secret token is the key)."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from activities.checkin.forms import GuestCheckInForm, MemberCheckInForm
from activities.checkin.public import (
    member_matching,
    name_locked,
    name_missed,
    open_session,
    rate_limited,
)
from activities.checkin.qr import qr_svg
from activities.checkin.services import (
    checkin_apply,
    checkin_close,
    checkin_guest_record,
    checkin_log_only,
    checkin_member_record,
    checkin_open,
    checkin_open_refusal,
)
from activities.models import Activity, CheckInLog, CheckInSession
from activities.services import convened_groups
from fuan_rotation.security import client_ip_address
from members.permissions import StaffRequiredMixin

logger = logging.getLogger("fuan_rotation.security")


class CheckInManagerRequiredMixin(UserPassesTestMixin):
    """Staff, and the conveners of the activity's group (another group's is not found)."""

    raise_exception = True

    def test_func(self):
        user = self.request.user
        return user.is_office_staff or convened_groups(user).exists()

    @cached_property
    def activity(self):
        activities = Activity.objects.select_related("group").filter(archived_at__isnull=True)
        if not self.request.user.is_office_staff:
            activities = activities.filter(group__in=convened_groups(self.request.user))
        return get_object_or_404(activities, pk=self.kwargs["pk"])


class CheckInManageView(CheckInManagerRequiredMixin, TemplateView):
    """Open, close and reopen check-in; the QR code, the short link and who has checked in."""

    template_name = "checkin/manage.html"

    def get_context_data(self, **kwargs):
        activity = self.activity
        session = CheckInSession.objects.filter(activity=activity).first()
        context = {
            "activity": activity,
            "session": session,
            "now": timezone.now(),
            "open_refusal": checkin_open_refusal(activity, by=self.request.user, session=session),
        }
        if session is not None:
            link = self.request.build_absolute_uri(
                reverse("checkin:checkin_public", args=[session.token])
            )
            checkins = list(activity.checkins.select_related("member").order_by("checked_in_at"))
            context.update(
                link=link,
                qr=qr_svg(link),
                is_open=session.is_open(),
                not_yet_open=session.closed_at is None and timezone.now() < session.opens_at,
                member_checkins=[c for c in checkins if c.kind == "member"],
                guest_checkins=[c for c in checkins if c.kind == "guest"],
            )
        return super().get_context_data(**context, **kwargs)

    def post(self, request, pk):
        action = request.POST.get("action")
        activity = self.activity
        if action == "open":
            try:
                checkin_open(activity=activity, by=request.user)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(request, _("Check-in is open."))
        elif action == "close":
            session = get_object_or_404(CheckInSession, activity=activity)
            checkin_close(session=session, by=request.user)
            messages.success(request, _("Check-in is closed; the link no longer works."))
        else:
            messages.error(request, _("Choose whether to open or close check-in."))
        return redirect("checkin:checkin_manage", pk=activity.pk)


def _posted_ids(values):
    """Check-in ids posted by the apply form, as a set of ints; None if one is not an id."""
    ids = set()
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            return None
        ids.add(int(value))
    return ids


class CheckInApplyView(StaffRequiredMixin, View):
    """One click: the check-ins the page listed are applied (checked-in members ticked,
    guests added to other participants), never ones that arrived after the page was drawn:
    those stay listed for the next click, and the message says how many."""

    def post(self, request, pk):
        activity = get_object_or_404(Activity, pk=pk, archived_at__isnull=True)
        shown = _posted_ids(request.POST.getlist("shown"))
        confirmed = _posted_ids(request.POST.getlist("confirmed"))
        if not shown or confirmed is None:
            messages.error(
                request,
                _(
                    "This apply button did not say which check-ins it showed, so nothing was "
                    "applied: look at the list below and apply again."
                ),
            )
            return redirect("activities:activity_detail", pk=activity.pk)
        applied = checkin_apply(
            activity=activity, by=request.user, shown=shown, confirmed=confirmed
        )
        messages.success(
            request,
            _(
                "Check-ins applied: %(members)s members ticked, %(guests)s guests added to "
                "other participants."
            )
            % {"members": applied.members_added, "guests": applied.guests_added},
        )
        if applied.arrived_later:
            messages.warning(
                request,
                _(
                    "%(count)s check-ins arrived after the page was opened and were not "
                    "applied: they are listed below; apply again to add them."
                )
                % {"count": applied.arrived_later},
            )
        if applied.same_name_left:
            messages.warning(
                request,
                _(
                    "%(count)s guests with the name of a checked-in member were not "
                    "counted. Tick one before applying only if it is another person."
                )
                % {"count": applied.same_name_left},
            )
        return redirect("activities:activity_detail", pk=activity.pk)


# The page names the person who checked in: no shared cache may keep it.
@method_decorator([login_not_required, never_cache], name="dispatch")
class PublicCheckInView(View):
    """/c/<token>/ on a phone. A closed, expired or unknown token answers one and the same
    page; the page shows only the activity's title, date and place."""

    def unavailable(self, status=404):
        return render(self.request, "checkin/public_unavailable.html", status=status)

    def page(
        self,
        session,
        *,
        member_form=None,
        guest_form=None,
        mismatch=False,
        name_locked=False,
        status=200,
    ):
        context = {
            "activity": session.activity,
            "member_form": member_form or MemberCheckInForm(),
            "guest_form": guest_form or GuestCheckInForm(),
            "mismatch": mismatch,
            "name_locked": name_locked,
            "guest_open": guest_form is not None,
        }
        return render(self.request, "checkin/public.html", context, status=status)

    def get(self, request, token):
        session = open_session(token)
        if session is None:
            return self.unavailable()
        return self.page(session)

    def post(self, request, token):
        address = client_ip_address(request)
        if rate_limited(address=address, token=token):
            logger.warning("check-in rate limit ip=%s", address)
            return render(request, "checkin/public_unavailable.html", {"busy": True}, status=429)
        session = open_session(token)
        if session is None:
            checkin_log_only(session=None, address=address, outcome=CheckInLog.Outcome.UNAVAILABLE)
            return self.unavailable()
        if request.POST.get("kind") == "guest":
            return self.post_guest(session, address)
        return self.post_member(session, address)

    def post_member(self, session, address):
        form = MemberCheckInForm(self.request.POST)
        if not form.is_valid():
            checkin_log_only(
                session=session, address=address, outcome=CheckInLog.Outcome.INVALID, kind="member"
            )
            return self.page(session, member_form=form)
        name = form.cleaned_data["name"]
        if name_locked(token=session.token, name=name):
            checkin_log_only(
                session=session,
                address=address,
                outcome=CheckInLog.Outcome.RATE_LIMITED,
                kind="member",
            )
            return self.page(session, member_form=form, name_locked=True, status=429)
        member = member_matching(name=name, mobile=form.cleaned_data["mobile"])
        if member is None:
            name_missed(token=session.token, name=name)
            checkin_log_only(
                session=session, address=address, outcome=CheckInLog.Outcome.MISMATCH, kind="member"
            )
            return self.page(session, member_form=form, mismatch=True)
        checkin, _created = checkin_member_record(session=session, member=member, address=address)
        return self.done(session, checkin)

    def post_guest(self, session, address):
        form = GuestCheckInForm(self.request.POST)
        if not form.is_valid():
            checkin_log_only(
                session=session, address=address, outcome=CheckInLog.Outcome.INVALID, kind="guest"
            )
            return self.page(session, guest_form=form)
        checkin, _created = checkin_guest_record(
            session=session,
            name=form.cleaned_data["name"],
            company=form.cleaned_data["company"],
            title=form.cleaned_data["title"],
            address=address,
        )
        return self.done(session, checkin)

    def done(self, session, checkin):
        # The same answer for a first and a repeated check-in (idempotent).
        return render(
            self.request,
            "checkin/public_done.html",
            {"activity": session.activity, "name": checkin.name},
        )
