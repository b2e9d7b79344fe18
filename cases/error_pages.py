"""Answers for requests a page cannot serve as asked: bad input, a spent budget, no database.

Each speaks the visitor's language (LocaleMiddleware has chosen it by then) and says what to do.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

# What a client that spent its budget of rendered pages is told to wait: the budget's window.
BUDGET_RETRY_SECONDS = 60
# A database restart or fail-over takes seconds; a form sent again after this usually lands.
DATABASE_RETRY_SECONDS = 10
# Errors that mean "the database is not answering now", not "this request is wrong".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def retry_after(response, seconds: int):
    response["Retry-After"] = str(seconds)
    return response


def bad_request(request):
    """An address holding something no page can answer, e.g. a search of 10,000 characters."""
    return render(request, "400.html", status=400)


def too_many_pages(request):
    response = render(request, "cases/too_many_pages.html", status=429)
    return retry_after(response, BUDGET_RETRY_SECONDS)


def server_error(request):
    """handler500: a database that stopped answering is a 503 to try again, not a failure.

    Django calls this while it handles the exception, so that exception is the current one here,
    whichever middleware or view raised it. The 503 page, like the 500 one, extends nothing and
    runs no context processor, so that it renders without the database.
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        return retry_after(response, DATABASE_RETRY_SECONDS)
    return defaults.server_error(request)
