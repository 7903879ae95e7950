from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC
    with an English Windows would open the product in English; the federation works in
    Chinese, so only the explicit choice (the language cookie) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _signed_in(request):
    """Whether the request has a logged-in user; False when the session cannot be read (the
    database is down: fuan_rotation/errors.py answers 503 and must not be disturbed)."""
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:
        return False


def _view_body_limit(request):
    """The larger body limit the requested view grants this request, or 0."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return 0
    view = getattr(match.func, "view_class", match.func)
    grant = getattr(view, "request_body_limit", None)
    if grant is None:
        return 0
    return grant(request, **match.kwargs) or 0


class RequestBodyLimitMiddleware:
    """Refuse (413) a request whose declared body is too large, before anything reads it.

    CsrfViewMiddleware reads request.POST (and a multipart upload is spooled to disk) before
    LoginRequiredMiddleware turns an anonymous visitor away, so the size is checked here, on
    CONTENT_LENGTH alone: REQUEST_BODY_LIMIT for a login, ANONYMOUS_REQUEST_BODY_LIMIT for
    everyone else (the login form is small). Without CONTENT_LENGTH Django reads no body.
    Placed after AuthenticationMiddleware, which only reads the session.

    A view that takes larger files (the attachments' upload) says so with a
    ``request_body_limit(request)`` method on its class (or attribute on its function): it is
    asked only for a signed-in request, and may grant more to the logins it accepts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.ANONYMOUS_REQUEST_BODY_LIMIT
        # Only a body above the small limit needs to know who is asking (a session look-up).
        if declared > limit and _signed_in(request):
            limit = max(settings.REQUEST_BODY_LIMIT, _view_body_limit(request))
        if declared > limit:
            body = loader.render_to_string(
                "413.html", {"limit_mib": round(limit / 1024 / 1024, 1)}, request=request
            )
            # No Connection header: WSGI servers refuse hop-by-hop headers from the application;
            # the server itself deals with the unread body.
            return HttpResponse(body, status=413)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user.

    Every page and download a login sees may carry personal data (mobiles, attendance, the
    workbooks), and office PCs and proxies are shared: none of it may be kept in a cache.
    Anonymous responses (the login page, static files, the calendar feed) keep their headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
