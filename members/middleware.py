"""A password set by staff (a new login, a reset) must be replaced before anything else."""

from django.shortcuts import redirect

# The pages such a login may still reach: the change page itself, logging out, the language.
ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "set_language"}


class PasswordChangeRequiredMiddleware:
    """Send a login with `must_change_password` to the password page from every other page.

    Static files never reach Django in production (WhiteNoise answers first); the admin is no
    exception, so the rule cannot be stepped around there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES and not match.namespace:
            return None
        return redirect("password_change")
