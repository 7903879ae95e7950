from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template import loader
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


class RequestBodyLimitMiddleware:
    """Refuse (413) a request whose declared body is too large, before anything reads it.

    CsrfViewMiddleware reads request.POST (and a multipart upload is spooled to disk) before
    LoginRequiredMiddleware turns an anonymous visitor away, so the size is checked here, on
    CONTENT_LENGTH alone: REQUEST_BODY_LIMIT for a login, ANONYMOUS_REQUEST_BODY_LIMIT for
    everyone else (the login form is small). Without CONTENT_LENGTH Django reads no body.
    Placed after AuthenticationMiddleware, which only reads the session.
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
            limit = settings.REQUEST_BODY_LIMIT
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


class ReflectionFreeGZipMiddleware(GZipMiddleware):
    """Compress HTML and other text, but not a response that may echo what the request sent.

    BREACH (Django's GZipMiddleware documentation): when a compressed response carries a
    secret next to text an attacker chose, its length tells the attacker how much they
    guessed. Django already masks the CSRF token per response and pads every compressed
    response with random bytes (Heal The Breach). On top of that, a page answering a query
    string (a search, a filter) or a POST (a form coming back with its input) is sent as is:
    what stays compressed are the plain pages, the bulk of the bytes. (Behind nginx, the
    same rule is `gzip on; gzip_types text/html …` only where no query string is echoed.)
    """

    def process_response(self, request, response):
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return response
        if not response.get("Content-Type", "").startswith(("text/", "application/json")):
            return response  # workbooks and documents are zip files already
        return super().process_response(request, response)
