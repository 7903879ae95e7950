"""Security events: who logged in, who failed, who was locked out or refused.

Every line goes to the "fuan_rotation.security" logger with the username and the client's
address, never a password. The receivers are connected by MembersConfig.ready().
"""

import logging

import csp.middleware
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger("fuan_rotation.security")


def client_ip_address(request):
    """The address the request came from, as seen by the first trusted proxy.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the
    one our own proxy saw; anything left of it is what the client claims and is ignored.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def failure_limit(request, credentials):
    """AXES_FAILURE_LIMIT: 5 failures per (username, address), 30 per address over any names.

    django-axes compares one limit with the largest count over its lockout parameters
    ([["username", "ip_address"], "ip_address"]). So: when this pair has already failed
    AXES_USERNAME_FAILURE_LIMIT times, that limit applies (the pair is locked); otherwise the
    higher AXES_ADDRESS_FAILURE_LIMIT applies, and only the address's total can reach it. An
    office behind one NAT address is not locked out by one colleague's typos.
    """
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    per_user = settings.AXES_USERNAME_FAILURE_LIMIT
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_ip_address(request)
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    pair_failures = (
        AccessAttempt.objects.filter(
            username=username, ip_address=address, attempt_time__gte=cutoff
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    return per_user if pair_failures >= per_user else settings.AXES_ADDRESS_FAILURE_LIMIT


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: the site's own page, in Chinese, with 429 Too Many Requests."""
    context = {
        "by_address": failure_limit(request, credentials) != settings.AXES_USERNAME_FAILURE_LIMIT,
        "failure_limit": settings.AXES_USERNAME_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "axes/lockout.html", context, status=429)


def _username(user):
    return getattr(user, "get_username", lambda: "")() if user is not None else ""


@receiver(user_logged_in, dispatch_uid="security_log_login")
def log_login(sender, request, user, **kwargs):
    logger.info("login username=%s ip=%s", _username(user), client_ip_address(request))


@receiver(user_logged_in, dispatch_uid="security_reset_pair_on_login")
def reset_pair_on_login(sender, request, user, **kwargs):
    """A success clears this (username, address) pair's failures, and only those: the other
    names' failures from the address still count towards its limit (see failure_limit)."""
    from axes.models import AccessAttempt

    if request is None:
        return
    address = getattr(request, "axes_ip_address", None) or client_ip_address(request)
    AccessAttempt.objects.filter(username=_username(user), ip_address=address).delete()


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def log_logout(sender, request, user, **kwargs):
    logger.info("logout username=%s ip=%s", _username(user), client_ip_address(request))


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` with asterisks.
    logger.warning(
        "login failed username=%s ip=%s",
        credentials.get("username", ""),
        client_ip_address(request),
    )


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def log_locked_out(sender, request, username, ip_address, **kwargs):
    logger.warning("lockout username=%s ip=%s", username, ip_address)


class RefusalLogMiddleware:
    """Log every 403: a role refused by a permission mixin, a failed CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            logger.warning(
                "refused username=%s ip=%s method=%s path=%s",
                _username(user) if user is not None and user.is_authenticated else "-",
                client_ip_address(request),
                request.method,
                request.path,
            )
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the header on 404 pages when DEBUG is on too.

    django-csp leaves 404 and 500 responses bare under DEBUG, for Django's technical pages
    and their inline style. A 404 page without the policy hides, during development, what the
    policy does to the page (the production 404 carries it); Django's technical 404 page
    stays readable without its inline style. The technical 500 page keeps its exemption: it
    needs its inline script to show the traceback.
    """

    def process_response(self, request, response):
        if response.status_code != 404 or not settings.DEBUG:
            return super().process_response(request, response)
        # The parent's only use of the status is that exemption.
        response.status_code = 200
        try:
            return super().process_response(request, response)
        finally:
            response.status_code = 404
