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
from members.locking import StaleEditError
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


class CheckInApplyView(StaffRequiredMixin, View):
    """One click: checked-in members are ticked, guests added to other participants."""

    def post(self, request, pk):
        activity = get_object_or_404(Activity, pk=pk, archived_at__isnull=True)
        try:
            applied = checkin_apply(activity=activity, by=request.user)
        except StaleEditError as stale:
            messages.error(request, str(stale))
        else:
            messages.success(
                request,
                _(
                    "Check-ins applied: %(members)s members ticked, %(guests)s guests added to "
                    "other participants."
                )
                % {"members": applied.members_added, "guests": applied.guests_added},
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
