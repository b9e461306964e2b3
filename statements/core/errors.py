"""The project's own errors, raised by services and turned into pages in one place."""

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

#: how long a page asks browsers and clients to wait when the database cannot be reached
DATABASE_RETRY_SECONDS = 30


class DomainError(Exception):
    """A refusal with a message that says what was wrong and what to do."""

    status_code = 400
    title = _l("That could not be done")

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status_code = 400
    title = _l("Please check what you entered")


class NotAllowed(DomainError):
    status_code = 403
    title = _l("You do not have access to this")


class NotFound(DomainError):
    status_code = 404
    title = _l("Page not found")


class Conflict(DomainError):
    status_code = 409
    title = _l("Someone changed this first")


class InvalidToken(DomainError):
    status_code = 400
    title = _l("This link cannot be used")


#: the title and message of each error page, lazy: read in the language of whoever meets the error
HTTP_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, check the form and try again.")),
    403: (_l("You do not have access to this"),
          _l("Your role does not allow this. Ask a coordinator or network staff if you need access.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it. Check the address: a "
                                   "link copied from an email or a message may have been cut short.")),
    405: (_l("Not allowed here"),
          _l("This address cannot be used that way. Go back and use the buttons on the page.")),
    413: (_l("Too large"), _l("What you sent is too large. Shorten it and try again.")),
    429: (_l("Too many attempts"),
          _l("You have tried this too many times in a short while. Wait a minute and try again.")),
    500: (_l("Something went wrong on our side"), _l("Nothing you did caused this, and it has been logged. Try again "
                                                     "in a moment; if it keeps happening, tell network staff.")),
    503: (_l("Temporarily unavailable"), _l("The service cannot reach its database for a moment, so what you asked "
                                            "for could not be done. Nothing you did caused this. Wait half a minute "
                                            "and try again; if you sent a form, send it again.")),
}


def render_error(status: int, title: str | None = None, message: str | None = None, reference: str | None = None):
    """Render the friendly error page for a status code (with a reference to quote to staff, if given)."""
    default_title, default_message = HTTP_MESSAGES.get(status, HTTP_MESSAGES[400])
    return (
        render_template("errors/error.html", status=status, title=str(title or default_title),
                        message=str(message or default_message), reference=reference),
        status,
    )


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors, HTTP errors and crashes into friendly pages."""
    from statements.extensions import db

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        db.session.rollback()
        return render_error(error.status_code, error.title, error.message)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return render_error(
            400,
            _("This form has expired"),
            _("The page was open too long or was sent twice, so it was not accepted. "
              "Go back, reload the page and send it again."),
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        if error.response is not None:  # a page made for this refusal, such as the login form's rate limit
            return error.response
        body, status = render_error(error.code or 500)
        # keep the headers the error carries, such as Allow on a 405; the page brings its own Content-Type
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(OperationalError)
    def handle_database_unavailable(error: OperationalError):
        # a database restarting or out of reach: say so and when to retry, rather than a crash page
        try:
            db.session.rollback()
        except OperationalError:  # the connection is gone; the pool replaces it on the next request
            pass
        from statements.core.request_log import logged_path, request_id, user_label

        app.logger.warning("Database unavailable id=%s user=%s method=%s path=%s: %s", request_id(), user_label(),
                           request.method, logged_path(), error.orig)
        # The page must not ask the database who is logged in (or reload them): it shows the header
        # of a visitor for this one answer. The session is untouched, so nobody is logged out.
        g._login_user = app.login_manager.anonymous_user()
        body, status = render_error(503, reference=request_id())
        return body, status, {"Retry-After": str(DATABASE_RETRY_SECONDS)}

    @app.errorhandler(Exception)
    def handle_crash(error: Exception):
        from statements.core.request_log import logged_path, request_id, user_label

        db.session.rollback()
        app.logger.exception("Unhandled error id=%s user=%s method=%s path=%s", request_id(), user_label(),
                             request.method, logged_path())
        return render_error(500, reference=request_id())
