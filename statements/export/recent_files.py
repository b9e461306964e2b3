"""A public file asked for again within seconds, answered as the app answered it, without the framework.

A link to a published statement's PDF, shared widely, brings a crowd asking for the same file many
times a second. The app looks the file up and sends it (`export.views`), and remembers for a few
seconds what it found (`PageCache.remember_address`), as it does for the public pages. For visitors
who carry no cookie, whose answer is the same for all, this middleware also keeps the status and
headers the app answered with, and gives the next such request that very answer, with the file sent by
the server's own file wrapper, a request id of its own and the same log line; Flask's work on each
request, which cost more than the file itself, is left out.

Only what the app answered is given again: anything else (a person with a session, a range, a
conditional request, a query string, another scheme) goes to the app, and so does everything once the
address is forgotten: a change committed through this process at once (`PageCache.forget_recent`),
any other after the few seconds the public pages wait too.
"""

import os
import time
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, request
from werkzeug.http import http_date
from werkzeug.wsgi import wrap_file

from statements.core.page_cache import PageCache
from statements.core.recent_answers import may_answer_again, start_answer
from statements.core.request_log import REQUEST_ID_HEADER

#: where the export views leave, for this middleware, what they found for the public file they answer with
ANSWERED_FILE = "statements.public_file"
#: headers that are each answer's own, never given again (a kept answer gets a Date and an id of its own)
_NOT_KEPT = frozenset({REQUEST_ID_HEADER.lower(), "date", "set-cookie"})


class Answer(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]
    scheme: str  # http or https: the headers may differ (HSTS)
    length: int  # of the file, as sent: a file of another length is not the one answered


def answered_with_file(found: dict) -> None:
    """Say that this request is answered with the public file `found` (as remembered for its address)."""
    request.environ[ANSWERED_FILE] = found


class RecentFiles:
    """WSGI middleware around the app: see the module's docstring."""

    def __init__(self, app, pages: PageCache, max_age: Callable[[], float]):
        self.app, self.pages, self.max_age = app, pages, max_age

    def __call__(self, environ: dict, start_response):
        if not may_answer_again(environ):
            return self.app(environ, start_response)
        found = self.pages.recent_address(("file", environ.get("PATH_INFO", "")), self.max_age())
        answer = found.get("answer") if found is not None else None
        if answer is not None and answer.scheme == environ.get("wsgi.url_scheme"):
            given = _give_again(environ, start_response, found["path"], answer)
            if given is not None:
                return given
        return self.app(environ, _keeping_answer(environ, start_response))


def _keeping_answer(environ: dict, start_response):
    """start_response that keeps the app's answer to this request when it is a public file, whole and plain."""
    def keeping(status: str, headers: list, exc_info=None):
        found = environ.get(ANSWERED_FILE)
        if found is not None and status.startswith("200 ") and exc_info is None:
            names = {name.lower(): value for name, value in headers}
            if "set-cookie" not in names and "content-encoding" not in names and "content-length" in names:
                kept = tuple((name, value) for name, value in headers if name.lower() not in _NOT_KEPT)
                found["answer"] = Answer(status, kept, environ.get("wsgi.url_scheme"), int(names["content-length"]))
        return start_response(status, headers, exc_info)
    return keeping


def _give_again(environ: dict, start_response, path: str, answer: Answer):
    """The kept answer with the file, or None when the file is gone or no longer the one answered."""
    started = time.perf_counter()
    try:
        file = open(path, "rb")  # noqa: SIM115  (the server closes it once sent)
    except OSError:
        return None
    if os.fstat(file.fileno()).st_size != answer.length:
        file.close()
        return None
    start_answer(environ, start_response, answer.status, [*answer.headers, ("Date", http_date())], started)
    return wrap_file(environ, file)


def register_recent_files(app: Flask, pages: PageCache, max_age: Callable[[], float]) -> None:
    """Answer public files asked for again within `max_age()` seconds as the app answered them (see above).
    Installed inside whatever sets the scheme and address from a proxy, which the kept answer depends on."""
    app.wsgi_app = RecentFiles(app.wsgi_app, pages, max_age)
