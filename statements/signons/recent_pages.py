"""A statement's public page asked for again within seconds, answered as the app answered it, without the
framework.

During a campaign most requests are first visits to one statement's page: visitors without a cookie,
who all get the same page but for the values made for each of them (the form's CSRF token and its
signed start time, and the session cookie that holds the token's secret). The app makes that page
once and swaps those values in (`signons.views.public`, `core.page_cache`); Flask's own work on
each request then costs more than the page. For a visitor without a cookie, this middleware keeps
the status and headers the app answered with, per scheme and compression, and gives the next such
visitor that answer with values of their own: a new session holding a new CSRF secret, signed by the
app's own session serializer, the token signed from it as Flask-WTF signs it, the start time signed
as the form's, the body compressed as the app compresses it, a request id and the same log line.

Only what the app answered is given again, and only while the app would give the same: anything
else (a session, a query, a conditional request, a version in a language the interface does not
speak, a deadline passed) goes to the app, and so does everything once the page is forgotten: a
change committed through this process at once (`PageCache.forget_recent`), any other after the few
seconds the public pages wait too.
"""

import hashlib
import os
import time
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, request
from flask_compress.flask_compress import _choose_algorithm, _compress_data
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.http import http_date

from statements.core.compression import compress
from statements.core.i18n import supported
from statements.core.page_cache import PageCache
from statements.core.recent_answers import may_answer_again, start_answer
from statements.core.signing import QuickSerializer
from statements.core.request_log import REQUEST_ID_HEADER
from statements.signons.campaign import clean_token

#: where the public page view leaves, for this middleware, what it found for the address it answers
ANSWERED_PAGE = "statements.public_page"
#: headers that are each answer's own, made again for every visitor
_NOT_KEPT = frozenset({REQUEST_ID_HEADER.lower(), "date", "set-cookie", "content-length"})
#: the session a first visit gets: the CSRF token's secret and nothing else (Flask-WTF's key)
_CSRF_KEY = "csrf_token"


class PageAnswer(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]
    cookie: tuple[str, str]  # the session cookie's header around its value: name and "=", then its attributes
    encoding: str | None  # how the body was compressed, if it was
    dated: bool  # whether the app's answer carried a Date (a compressed one does)


def answered_with_page(found: dict) -> None:
    """Say that this request is answered with the public page of the address remembered as `found`."""
    request.environ[ANSWERED_PAGE] = found


def public_page_slug(path: str) -> str | None:
    """The slug of a statement's public page address, /s/<slug>; None for any other address."""
    parts = path.split("/")
    return parts[2] if len(parts) == 3 and parts[0] == "" and parts[1] == "s" and parts[2] else None


class Signers:
    """The app's own serializers for what a first visit gets: its session, the CSRF token, the start time."""

    def __init__(self, app: Flask, started: Callable[[str], URLSafeTimedSerializer]):
        self.session = app.session_interface.get_signing_serializer(app)
        self.csrf = QuickSerializer(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key,
                                    salt="wtf-csrf-token")  # as flask_wtf.csrf.generate_csrf signs it
        self.started = started(app.config["SECRET_KEY"])
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def new_visit(self) -> tuple[str, dict[str, str]]:
        """A new session cookie's value, and the page's values that go with it."""
        secret = hashlib.sha1(os.urandom(64)).hexdigest()  # as Flask-WTF makes a session's CSRF secret
        values = {"csrf": self.csrf.dumps(secret), "started": self.started.dumps(time.time()), "via": clean_token("")}
        return self.session.dumps({_CSRF_KEY: secret}), values

    def split_cookie(self, header: str) -> tuple[str, str, str] | None:
        """A Set-Cookie header of the session split around its value: what goes before, the value, what goes
        after; None for another cookie, or a session lasting beyond the browser's (its date would be the
        answer's own)."""
        name, _, rest = header.partition("=")
        value, separator, attributes = rest.partition(";")
        if name != self.cookie_name or any(word in attributes.lower() for word in ("expires", "max-age")):
            return None
        return f"{name}=", value, separator + attributes

    def cookie_around(self, header: str) -> tuple[str, str] | None:
        """The session cookie header of a first visit, split around its value; None when it holds anything but
        the CSRF secret, or is not a session cookie to give again (`split_cookie`)."""
        split = self.split_cookie(header)
        if split is None:
            return None
        before, value, after = split
        try:
            session = self.session.loads(value)
        except BadSignature:
            return None
        if not isinstance(session, dict) or set(session) != {_CSRF_KEY}:
            return None
        return before, after


class RecentAddresses:
    """What the middlewares that answer a public address found in the last few seconds share: the app they stand
    in front of, the pages' cache, how long "recent" lasts, the deadline's check, and the app's serializers."""

    def __init__(self, app: Flask, pages: PageCache, max_age: Callable[[], float],
                 before_deadline: Callable[[dict | None], bool], started: Callable[[str], URLSafeTimedSerializer]):
        self.app, self.wsgi_app, self.pages, self.max_age = app, app.wsgi_app, pages, max_age
        self.before_deadline, self.started = before_deadline, started
        self._signers: Signers | None = None

    @property
    def signers(self) -> Signers:
        if self._signers is None:  # (made at the first request: the app's settings are final by then)
            self._signers = Signers(self.app, self.started)
        return self._signers


class RecentPages(RecentAddresses):
    """WSGI middleware around the app: see the module's docstring."""

    def __call__(self, environ: dict, start_response):
        slug = public_page_slug(environ.get("PATH_INFO", ""))
        if slug is None or not may_answer_again(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        found = self.pages.recent_address(slug, self.max_age())
        encoding = _choose_algorithm(compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", ""))
        where = (environ.get("wsgi.url_scheme"), encoding)
        if self.before_deadline(found) and where in found.get("answers", {}):
            given = self._give_again(environ, start_response, found, found["answers"][where], started)
            if given is not None:
                return given
        return self.wsgi_app(environ, self._keeping_answer(environ, start_response, where))

    def _give_again(self, environ: dict, start_response, found: dict, answer: PageAnswer, started: float):
        """The kept answer with a page of this visitor's own; None when the page is no longer recent, or is in a
        language the interface does not speak (the app then picks the reader's)."""
        language = supported(found["language"])  # the interface speaks the version's language to a new visitor
        cookie, values = self.signers.new_visit()
        body = self.pages.recent_page_encoded((found["version"], language), self.max_age(), values) \
            if language else None
        if body is None:
            return None
        if answer.encoding is not None:
            body = _compress_data(self.app, body, answer.encoding)
        headers = [*answer.headers, ("Content-Length", str(len(body))),
                   ("Set-Cookie", answer.cookie[0] + cookie + answer.cookie[1])]
        if answer.dated:
            headers.append(("Date", http_date()))
        start_answer(environ, start_response, answer.status, headers, started)
        return [body]

    def _keeping_answer(self, environ: dict, start_response, where: tuple):
        """start_response that keeps the app's answer to this request when it is a first visit's public page."""
        def keeping(status: str, headers: list, exc_info=None):
            found = environ.get(ANSWERED_PAGE)
            if found is not None and status.startswith("200 ") and exc_info is None:
                answer = self._answer(status, headers)
                if answer is not None:
                    found.setdefault("answers", {})[where] = answer
            return start_response(status, headers, exc_info)
        return keeping

    def _answer(self, status: str, headers: list) -> PageAnswer | None:
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        cookie = self.signers.cookie_around(cookies[0]) if len(cookies) == 1 else None
        if cookie is None:
            return None
        names = {name.lower(): value for name, value in headers}
        kept = tuple((name, value) for name, value in headers if name.lower() not in _NOT_KEPT)
        return PageAnswer(status, kept, cookie, names.get("content-encoding"), "date" in names)


def register_recent_pages(app: Flask, pages: PageCache, max_age: Callable[[], float],
                          before_deadline: Callable[[dict | None], bool],
                          started: Callable[[str], URLSafeTimedSerializer]) -> None:
    """Answer first visits to public pages within `max_age()` seconds of the app as the app answered them (see
    above). Installed inside whatever sets the scheme and address from a proxy, which the kept answer depends on."""
    app.wsgi_app = RecentPages(app, pages, max_age, before_deadline, started)
