"""Who may do what. Views declare one of these mixins; object checks live in get_queryset()."""

from django.contrib.auth.mixins import UserPassesTestMixin


class _RoleRequiredMixin(UserPassesTestMixin):
    # LoginRequiredMiddleware sends anonymous users to the login page before we get here;
    # a logged-in user without the role gets 403, not a login loop.
    raise_exception = True


class StaffRequiredMixin(_RoleRequiredMixin):
    """Federation staff (and superusers): the only ones who create and edit records."""

    def test_func(self):
        return self.request.user.is_office_staff


class ReadAllRequiredMixin(_RoleRequiredMixin):
    """Staff and leadership: read every group's records and the tallies."""

    def test_func(self):
        return self.request.user.can_read_all
