"""A sign-on sent from a public page found open in the last few seconds, taken without the framework's
per-request work.

During a campaign most requests are sign-ons from one statement's page. The checks and the storing of a
sign-on cost less than what Flask does around them on every request (its request context, the hooks before
and after each view, the limiter's pass through its tables, the response object). For a sign-on sent to an
address whose page the app found open within the last few seconds (`signons.views.public`), this middleware
runs the sign-on's own checks and the one function that stores it (`signons.views.store_signon`), with the
app's settings and in the page's language, and answers as the app answered the last sign-on it accepted at
that address: the same redirect to the check-your-email page, with a session of the signer's own.

Every check the app makes still runs, in the same code: the session signed by the app, the CSRF token as
Flask-WTF checks it (the referrer too, over HTTPS), no NUL character, the signed start time and the empty
honeypot (`signons.views.sent_by_a_person`), the form's rules (`SignOnForm`), the per-address limit counted
in the limiter's own storage under the route's own key, and the statement still open at the revision shown
(in the INSERT). Any request this middleware cannot answer exactly as the app would, and every one the app
would refuse, goes to the app untouched, which checks it again and answers: a refusal is said beside its
field, with the signer's answers kept, by the app's own pages.
"""

import hmac
import io
import time
from collections.abc import Callable
from functools import cache
from typing import NamedTuple
from urllib.parse import parse_qsl

from babel import Locale
from flask import Flask, request
from flask_babel import force_locale
from flask_compress.flask_compress import _choose_algorithm
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.http import http_date
from werkzeug.wsgi import get_host

from statements.core.compression import compress
from statements.core.i18n import supported
from statements.core.input import NUL
from statements.core.page_cache import PageCache
from statements.core.recent_answers import start_answer
from statements.core.request_log import REQUEST_ID_HEADER
from statements.signons.recent_pages import RecentAddresses

#: where the sign view says it accepted a sign-on at an address found in the last few seconds
ACCEPTED_SIGNON = "statements.accepted_signon"
#: where the address a signer gave waits for the check-your-email page: in the session, never in a URL (which
#: logs, browser history and the Referer header would keep)
SIGNER_ADDRESS = "signon_check_email"
#: the session keys a visitor may hold for this middleware to answer (anything else: the app answers); "_fresh" is
#: Flask-Login's mark, False on the session of anyone not signed in once a page of the app has looked for a person
_SESSION_KEYS = frozenset({"csrf_token", SIGNER_ADDRESS, "_fresh"})
_NOT_KEPT = frozenset({REQUEST_ID_HEADER.lower(), "date", "set-cookie", "content-length"})
#: a sign-on form is a few kilobytes; a larger body is left to the app and its limits
_LARGEST_BODY = 64 * 1024


#: what takes a sign-on (`signons.views.take_recent_signon`): given what the page found, the form, the language
#: and the sender's address, the address the signer gave once stored, or None
Take = Callable[[dict, MultiDict, str, str], "str | None"]


class SignedAnswer(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]
    cookie: tuple[str, str]  # the session cookie's header around its value
    body: bytes
    dated: bool


def address_kept_for(statement_slug: str, email: str | None) -> dict:
    """What the session keeps of a signer's sign-on for the check-your-email page."""
    return {"slug": statement_slug, "email": (email or "").strip()[:254]}


def accepted_signon_here() -> None:
    """Say that the request being answered is a sign-on accepted (`signons.views.sign`)."""
    request.environ[ACCEPTED_SIGNON] = True


@cache
def _locale(language: str) -> Locale:
    """A supported language's locale, read once (`force_locale` reads a code again each time)."""
    return Locale.parse(language)


def sign_slug(environ: dict) -> str | None:
    """The slug of a sign-on address, /s/<slug>/sign, for a POST without a query; None for anything else."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
        return None
    parts = environ.get("PATH_INFO", "").split("/")
    return parts[2] if len(parts) == 4 and parts[:2] == ["", "s"] and parts[2] and parts[3] == "sign" else None


class RecentSignOns(RecentAddresses):
    """WSGI middleware around the app: see the module's docstring."""

    def __init__(self, app: Flask, pages: PageCache, max_age: Callable[[], float],
                 before_deadline: Callable[[dict | None], bool], take: Take,
                 started: Callable[[str], URLSafeTimedSerializer]):
        super().__init__(app, pages, max_age, before_deadline, started)
        self.take = take

    def __call__(self, environ: dict, start_response):
        slug = sign_slug(environ)
        if slug is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        found = self.pages.recent_address(slug, self.max_age())
        if not (self.before_deadline(found) and found.get("open")):
            return self.wsgi_app(environ, start_response)
        encoding = _choose_algorithm(compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", ""))
        where = (environ.get("wsgi.url_scheme"), encoding)
        answer = found.get("signed", {}).get(where)
        if answer is not None:
            given = self._take(environ, start_response, found, answer, started)
            if given is not None:
                return given
        return self._answered_by_app(environ, start_response, found, where)

    # --- a sign-on taken here ---------------------------------------------------------------------

    def _take(self, environ: dict, start_response, found: dict, answer: SignedAnswer, started: float):
        """Check and store the sign-on, and answer as the app did; None (the request as it came, for the app)
        when anything is not as the app would take it at once."""
        language = supported(found["language"])
        session = self._session_of(environ)
        if language is None or session is None:
            return None
        form = self._form(environ)
        if form is None or not self._csrf_valid(environ, form, session):
            return None
        with self.app.app_context(), force_locale(_locale(language)):
            try:
                email = self.take(found, form, language, environ.get("REMOTE_ADDR") or "")
            except Exception:  # noqa: BLE001 (the database or Redis failing: the app answers, with its own page)
                self.app.logger.warning("a sign-on goes on to the app after an error", exc_info=True)
                return None
            if email is None:
                return None
            kept = address_kept_for(found["source_slug"], email)
            cookie = self.signers.session.dumps({**session, SIGNER_ADDRESS: kept})
        headers = [*answer.headers, ("Content-Length", str(len(answer.body))),
                   ("Set-Cookie", answer.cookie[0] + cookie + answer.cookie[1])]
        if answer.dated:
            headers.append(("Date", http_date()))
        start_answer(environ, start_response, answer.status, headers, started, method="POST")
        return [answer.body]

    def _session_of(self, environ: dict) -> dict | None:
        """The visitor's session when it is the only cookie sent, signed by the app, holding its CSRF secret and
        nothing the app would answer otherwise (a language chosen, a person signed in, a message waiting)."""
        name, _, value = environ.get("HTTP_COOKIE", "").strip().partition("=")
        if name != self.app.config["SESSION_COOKIE_NAME"] or ";" in value or not value:
            return None
        try:
            session = self.signers.session.loads(
                value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadData:
            return None
        if not isinstance(session, dict) or not isinstance(session.get("csrf_token"), str) \
                or not set(session) <= _SESSION_KEYS or session.get("_fresh", False) is not False:
            return None
        return session

    def _form(self, environ: dict) -> MultiDict | None:
        """The form's fields, when the body is an ordinary form in UTF-8 without a NUL. The body is put back for
        the app, which reads it if this request goes on to it."""
        if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= _LARGEST_BODY:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            fields = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None
        if any(NUL in key or NUL in value for key, value in fields):
            return None
        return MultiDict(fields)

    def _csrf_valid(self, environ: dict, form: MultiDict, session: dict) -> bool:
        """The form's CSRF token checked as Flask-WTF checks it, and over HTTPS the referrer as it checks it."""
        config = self.app.config
        token = form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if not token or not config.get("WTF_CSRF_ENABLED", True):
            return False  # (without the check the app answers: it knows what it does then)
        try:
            signed = self.signers.csrf.loads(token, max_age=config.get("WTF_CSRF_TIME_LIMIT", 3600))
        except BadData:
            return False
        if not isinstance(signed, str) or not hmac.compare_digest(session["csrf_token"], signed):
            return False
        if environ.get("wsgi.url_scheme") == "https" and config.get("WTF_CSRF_SSL_STRICT", True):
            return same_origin(environ.get("HTTP_REFERER", ""), f"https://{get_host(environ)}/")
        return True

    # --- the app's own answer, kept ----------------------------------------------------------------

    def _answered_by_app(self, environ: dict, start_response, found: dict, where: tuple):
        """The app's answer; kept when it accepted the sign-on at this recent address (a short redirect)."""
        heard = []

        def keeping(status: str, headers: list, exc_info=None):
            if environ.get(ACCEPTED_SIGNON) and status.startswith("302 ") and exc_info is None:
                heard.append(self._answer(status, headers))
            return start_response(status, headers, exc_info)

        if self._session_of(environ) is None:  # (only a plain visitor's answer is the one to give again)
            return self.wsgi_app(environ, start_response)
        result = self.wsgi_app(environ, keeping)
        if not heard or heard[0] is None:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, cookie, dated = heard[0]
        found.setdefault("signed", {})[where] = SignedAnswer(status, headers, cookie, body, dated)
        return [body]

    def _answer(self, status: str, headers: list) -> tuple | None:
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        if len(cookies) != 1:
            return None
        split = self.signers.split_cookie(cookies[0])
        if split is None:
            return None
        names = {header.lower() for header, _content in headers}
        kept = tuple((header, content) for header, content in headers if header.lower() not in _NOT_KEPT)
        return status, kept, (split[0], split[2]), "date" in names


def register_recent_signing(app: Flask, pages: PageCache, max_age: Callable[[], float],
                            before_deadline: Callable[[dict | None], bool], take: Take,
                            started: Callable[[str], URLSafeTimedSerializer]) -> None:
    """Take sign-ons sent to public pages found open within `max_age()` seconds as the app takes them (see
    above), with the app's own serializers (`recent_pages.Signers`). Installed inside whatever sets the scheme
    and address from a proxy, which the checks depend on."""
    app.wsgi_app = RecentSignOns(app, pages, max_age, before_deadline, take, started)
