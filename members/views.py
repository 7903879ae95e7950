"""账号管理 (logins) for the staff, 修改密码 for everyone, in the app's own layout; and
数据访问记录, the staff's page over the personal-data access log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from fuan_rotation.paging import ForgivingPaginationMixin
from members import services
from members.filters import PersonalDataAccessFilterSet
from members.forms import LoginCreateForm, ThrottledPasswordChangeForm
from members.models import Member, PersonalDataAccess, Role, User
from members.permissions import StaffRequiredMixin

PASSWORD_SHOWN_TEMPLATE = "accounts/password_shown.html"


class UserListView(StaffRequiredMixin, ListView):
    """Every login with its role, linked member and state; active ones first."""

    template_name = "accounts/user_list.html"
    context_object_name = "logins"

    def get_queryset(self):
        role_rank = Case(
            *[When(role=value, then=Value(i)) for i, value in enumerate(Role.values)],
            output_field=IntegerField(),
        )
        return (
            User.objects.select_related("member")
            .annotate(role_rank=role_rank)
            .order_by("-is_active", "role_rank", "username")
        )


class UserCreateView(StaffRequiredMixin, FormView):
    """A login for one member, from the member's page; its password is shown once."""

    form_class = LoginCreateForm
    template_name = "accounts/user_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.test_func():
            return self.handle_no_permission()
        self.member = get_object_or_404(Member.objects.active(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        existing = User.objects.filter(member=self.member).first()
        if existing is not None:
            messages.info(
                request,
                _("%(name)s already has the login “%(username)s”.")
                % {"name": self.member.name, "username": existing.username},
            )
            return redirect("accounts:user_list")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        # The mobile is what the office already knows each person by.
        taken = User.objects.filter(username=self.member.mobile).exists()
        return {"username": "" if taken else self.member.mobile}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)

    def form_valid(self, form):
        if User.objects.filter(member=self.member).exists():
            form.add_error(None, _("This member already has a login."))
            return self.form_invalid(form)
        user, password = services.login_create(
            member=self.member,
            username=form.cleaned_data["username"],
            role=form.cleaned_data["role"],
            by=self.request.user,
        )
        return _password_shown(self.request, user, password, created=True)


def _password_shown(request, login, password, *, created):
    # Rendered, not redirected to: the password exists only in this answer.
    response = render(
        request,
        PASSWORD_SHOWN_TEMPLATE,
        {"login": login, "password": password, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


class _LoginActionView(StaffRequiredMixin, View):
    """Staff act on another login (never their own: they would lock themselves out)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.test_func():
            return self.handle_no_permission()
        self.login = get_object_or_404(User.objects.select_related("member"), pk=kwargs["pk"])
        if self.login.pk == request.user.pk:
            messages.error(
                request, _("Change your own password with “Change password” in the menu.")
            )
            return redirect("accounts:user_list")
        return super().dispatch(request, *args, **kwargs)


class UserPasswordResetView(_LoginActionView):
    def get(self, request, *args, **kwargs):
        return render(request, "accounts/user_password_reset.html", {"login": self.login})

    def post(self, request, *args, **kwargs):
        password = services.login_password_reset(user=self.login, by=request.user)
        return _password_shown(request, self.login, password, created=False)


class UserDeactivateView(_LoginActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.login_deactivate(user=self.login, by=request.user)
        messages.success(
            request,
            _("“%(username)s” can no longer log in; its sessions have ended.")
            % {"username": self.login.username},
        )
        return redirect("accounts:user_list")


class UserReactivateView(_LoginActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.login_reactivate(user=self.login, by=request.user)
        messages.success(
            request,
            _("“%(username)s” can log in again with its password.")
            % {"username": self.login.username},
        )
        return redirect("accounts:user_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the old password counts as a login attempt (django-axes)."""

    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- 数据访问记录 ------------------------------------------------------------------------------


class PersonalDataAccessListView(StaffRequiredMixin, ForgivingPaginationMixin, ListView):
    model = PersonalDataAccess
    template_name = "members/access_log_list.html"
    context_object_name = "entries"
    paginate_by = 50

    @cached_property
    def filterset(self):
        return PersonalDataAccessFilterSet(self.request.GET)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filterset.form,
            retention_days=settings.ACCESS_LOG_RETENTION_DAYS,
            **kwargs,
        )
