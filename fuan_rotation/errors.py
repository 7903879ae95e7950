"""Error pages: a database that cannot be reached gets a calm 503 page, not a 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request, template_name="500.html"):
    """handler500: a lost database connection (server stopped, restarting, unreachable) is a
    temporary outage: answer 503 with the site's page so that people retry, and the app
    reconnects by itself when the database is back (CONN_HEALTH_CHECKS)."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return defaults.server_error(request, template_name=template_name)


def database_unavailable(request):
    # Rendered without the request's context processors: they would read the session and the
    # user, which need the database that is missing.
    body = loader.render_to_string("503.html", {"request": request})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
