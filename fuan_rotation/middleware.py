import logging

from django.conf import settings
from django.db import DatabaseError, DataError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


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


def _mib(size):
    """Bytes as MiB for a message: 201, or 0.5 (one decimal only when not whole)."""
    mib = round(size / 1024 / 1024, 1)
    return int(mib) if mib == int(mib) else mib


def _upload_kind(request):
    """Which advice the 413 page gives: "attachments" (the photo upload), "roster" (the roster
    workbook import) or "other", by the URL that was posted to."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "other"
    if match.view_name == "attachments:attachment_upload":
        return "attachments"
    if match.view_name == "roster:roster_import":
        return "roster"
    return "other"


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
                "413.html",
                {
                    "limit_mib": _mib(limit),
                    "upload_kind": _upload_kind(request),
                    "max_files": settings.ATTACHMENT_MAX_FILES,
                    "max_file_mib": _mib(settings.ATTACHMENT_MAX_FILE_SIZE),
                },
                request=request,
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


def _bad_query_string(request):
    body = loader.render_to_string("400.html", {"query_string": True}, request=request)
    return HttpResponse(body, status=400)


class QueryStringGuardMiddleware:
    """A query string the database cannot take is the asker's error (400), never a 500.

    - A NUL character is refused before any view: no text column can hold one, and
      PostgreSQL's driver raises on it wherever a list is filtered by the value.
    - A number beyond the database's range (SQLite: "Python int too large to convert to
      SQLite INTEGER"; a year beyond Python's dates) raises OverflowError, or DataError on
      PostgreSQL, when the query runs, which for a list is while its template renders. The
      admin's list filters take any lookup from the query string, so for a read (GET or HEAD)
      that carries a query string these become a 400 too. Placed after
      AuthenticationMiddleware so that the 400 page shows the user's menu. In the admin a
      ValueError from the query string (a year before 1 in the date drill-down) is one too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return _bad_query_string(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method not in ("GET", "HEAD") or not request.GET:
            return None
        refused = (OverflowError, DataError)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "admin":
            # The admin's date drill-down turns ?date__year=-1 into a date: ValueError.
            refused += (ValueError,)
        if isinstance(exception, refused):
            logger.warning("Query string refused (%r): %s", exception, request.get_full_path())
            return _bad_query_string(request)
        return None


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
