"""One log line per request, under an id that the person, the proxy and the logs share."""

import logging
import re
import secrets
import sys
import time
from urllib.parse import quote

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

log = logging.getLogger("statements.requests")

REQUEST_ID_HEADER = "X-Request-ID"
#: an id given by the proxy in front is kept when it is plainly an id: nothing that could forge a log line
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
#: what a path may show as is in a log line; anything else (spaces, line breaks, quotes) is %-escaped
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
#: route arguments that carry a secret (links sent by email), logged as HIDDEN, never as given
SECRET_ARGUMENTS = frozenset({"token"})
HIDDEN = "(token)"
#: an argument in a route's rule: <slug>, <int:statement_id>
_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")
#: the shape of a signed token (core.tokens: payload.timestamp.signature, URL-safe base64)
_SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}")


def request_id() -> str:
    """Return the current request's id, or "-" when there is none."""
    return g.get("request_id", "-")


def user_label() -> str:
    """Return the id of the person this request already loaded, or "-" for nobody.

    A request that never looked at its user (static files, some open data) logs "-" too: looking now
    would cost a query, and after a commit even reading user.id would reload the row.
    """
    user = g.get("_login_user")  # where Flask-Login keeps the user once a request has asked for it
    # by its type: an anonymous visitor is not a row, and neither is a proxy stored there by mistake
    if inspect(type(user), raiseerr=False) is None:
        return "-"
    identity = inspect(user).identity
    return str(identity[0]) if identity else "-"


def logged_path() -> str:
    """Return the request's path, escaped so that it cannot break or forge a log line, its secrets left out."""
    return quote(_without_secrets(request.path), safe=_PATH_SAFE)


def escaped_path(path: str) -> str:
    """A path no route has read, as `logged_path` writes it: escaped, any link token hidden by its shape."""
    return quote(_SIGNED_TOKEN.sub(HIDDEN, path), safe=_PATH_SAFE)


def _without_secrets(path: str) -> str:
    """The path with each link token replaced: by the route's argument when the path matched a route,
    and anywhere else by its shape (a token opened at the wrong address or with the wrong method).

    Tokens are the keys of links sent by email (to confirm, to withdraw a signature, to reset a password):
    whoever reads the logs must not be able to use them.
    """
    rule, values = request.url_rule, request.view_args or {}
    if rule is not None and any(name in values for name in SECRET_ARGUMENTS):
        path = _ARGUMENT.sub(lambda found: _filled(found.group(1), values), rule.rule)
    return _SIGNED_TOKEN.sub(HIDDEN, path)


def _filled(name: str, values: dict) -> str:
    return HIDDEN if name in SECRET_ARGUMENTS else str(values.get(name, ""))


def request_id_of(environ: dict) -> str:
    """The id a request goes by: the proxy's, when it is plainly an id, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")  # REQUEST_ID_HEADER, read without parsing headers
    return incoming if _SANE_ID.fullmatch(incoming) else secrets.token_hex(8)


def log_answer(request_id: str, method: str, path: str, status: int, started: float, user: str,
               address: str) -> None:
    """The request's one line: `path` escaped already, `started` from time.perf_counter()."""
    if log.isEnabledFor(logging.INFO):
        log.info("id=%s method=%s path=%s status=%d ms=%.1f user=%s addr=%s", request_id, method, path, status,
                 (time.perf_counter() - started) * 1000, user, address or "-")


def _start_request() -> None:
    g.request_id = request_id_of(request.environ)
    g.request_started = time.perf_counter()


def _finish_request(response):
    if "request_id" not in g:  # a request that failed before any before_request ran
        _start_request()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    if log.isEnabledFor(logging.INFO):
        log_answer(g.request_id, request.method, logged_path(), response.status_code, g.request_started,
                   user_label(), request.remote_addr)
    return response


class ErrorsStreamHandler(logging.StreamHandler):
    """Flask's default handler, writing to the request's `wsgi.errors`, else to stderr, with Flask's format; its
    stream found once for each line. Flask's handler reaches its stream through a proxy that looks for a request
    each of the four times a line touches it, and outside a request (the answers given without the framework: the
    busiest, a sign-on's page and form) each look raised and caught an exception: a line cost 157,000 instructions
    there, 93,000 without the proxy."""

    def __init__(self):
        super().__init__()
        self.setFormatter(default_handler.formatter)

    def emit(self, record: logging.LogRecord) -> None:
        # (`handle` holds the handler's lock around `emit`: no other thread writes between these two lines)
        self.stream = request.environ["wsgi.errors"] if has_request_context() else sys.stderr
        super().emit(record)


def _log_without_proxy(logger: logging.Logger) -> None:
    """Put `ErrorsStreamHandler` in the place of Flask's default handler, where Flask put it (when nothing else
    handles the app's lines)."""
    if default_handler in logger.handlers:
        logger.removeHandler(default_handler)
        logger.addHandler(ErrorsStreamHandler())


def register_request_log(app: Flask) -> None:
    """Give every request an id, return it in X-Request-ID, and log one line when it is answered."""
    logging.getLogger("statements").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # (making `app.logger` gives "statements" Flask's stderr handler when nothing else logs; ours takes its place)
    _log_without_proxy(app.logger)
    # first of all: a request turned away by the rate limiter or the CSRF check still gets its id and timing
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
