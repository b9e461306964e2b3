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


#: a request's line, before the handler's format puts the time and level before it
LINE = "id=%s method=%s path=%s status=%d ms=%.1f user=%s addr=%s"


def log_answer(request_id: str, method: str, path: str, status: int, started: float, user: str,
               address: str) -> None:
    """The request's one line: `path` escaped already, `started` from time.perf_counter()."""
    if not log.isEnabledFor(logging.INFO):
        return
    values = (request_id, method, path, status, (time.perf_counter() - started) * 1000, user, address or "-")
    handler = _only_plain_handler()
    if handler is None:
        log.info(LINE, *values)
    else:
        handler.write_line(LINE % values)


def _only_plain_handler() -> "ErrorsStreamHandler | None":
    """The handler a request's line reaches when it is the only one, writes in Flask's format, and nothing filters
    the line on its way (the app as served: see `_log_without_proxy`); else None. Any other set-up (a handler or
    filter of the operator's, pytest's capture) gets its records through `logging` as usual."""
    if log.filters:  # (a logger's filters see only its own records: those of the loggers above never see these)
        return None
    found, logger = None, log
    while logger is not None:
        for handler in logger.handlers:
            if found is not None or type(handler) is not ErrorsStreamHandler or not handler.writes_plain_lines \
                    or handler.filters:
                return None
            found = handler
        if not logger.propagate:
            break
        logger = logger.parent
    return found


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
    there, 93,000 without the proxy.

    A request's line, the one written for every request, can also be written by `write_line`, as `emit` writes its
    record in Flask's format but without making one: a record's attributes, the logger's and the handler's
    passes over it and the formatter's steps cost a sign-on about a twentieth of its time (see `log_answer`)."""

    #: Flask's format (flask.logging.default_handler), which `write_line` writes for itself
    FLASK_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"

    def __init__(self):
        super().__init__()
        self.setFormatter(default_handler.formatter)
        #: the time of the last line written by `write_line`, to the second, and as the formatter writes it
        self._second = (None, "")

    def setFormatter(self, fmt: logging.Formatter | None) -> None:
        super().setFormatter(fmt)
        #: whether a request's line may be written by `write_line`: Flask's format with the formatter's own time
        self.writes_plain_lines = type(fmt) is logging.Formatter and fmt._fmt == self.FLASK_FORMAT \
            and type(fmt._style) is logging.PercentStyle and fmt.datefmt is None and fmt.converter is time.localtime \
            and fmt.default_time_format == "%Y-%m-%d %H:%M:%S" and fmt.default_msec_format == "%s,%03d"

    def _find_stream(self) -> None:
        self.stream = request.environ["wsgi.errors"] if has_request_context() else sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        # (`handle` holds the handler's lock around `emit`: no other thread writes between these two lines)
        self._find_stream()
        super().emit(record)

    def write_line(self, message: str) -> None:
        """Write an INFO line of this module's (`log_answer`'s) as `emit` would write its record, for a handler that
        `writes_plain_lines` and has no filter: the same bytes to the same stream, errors handled as `emit` handles
        them."""
        if self.level > logging.INFO:  # (as the logger passes a record over for such a handler)
            return
        line = f"[{self.formatted_time(time.time_ns())}] INFO in request_log: {message}{self.terminator}"
        self.acquire()
        try:
            self._find_stream()
            self.stream.write(line)
            self.stream.flush()
        except RecursionError:  # (as `emit` does)
            raise
        except Exception:  # noqa: BLE001 (a stream that fails: said as `emit` says it)
            self.handleError(log.makeRecord(log.name, logging.INFO, __file__, 0, message, None, None))
        finally:
            self.release()

    def formatted_time(self, created_ns: int) -> str:
        """A time as the formatter writes a record's (`asctime`): local time to the second, then milliseconds;
        the second's text made once a second."""
        second, nanoseconds = divmod(created_ns, 1_000_000_000)
        kept = self._second
        if kept[0] != second:
            kept = self._second = (second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second)))
        return f"{kept[1]},{nanoseconds // 1_000_000:03d}"


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
