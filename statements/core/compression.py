"""Compressed answers for those on slow connections: static files, and pages for visitors not signed in.

A page for a signed-in person is never compressed. Compression lets whoever can make a browser send
many requests and watch the sizes of the answers guess a secret in a page from words they put in it
(BREACH); a signed-in person's pages hold the token that guards everything they may do. A visitor's
pages hold only the public form's token, and static files nothing at all.
"""

from flask import Flask, g, request, session
from flask_compress import Compress

from statements.accounts.models import User

compress = Compress()
#: what is worth compressing: text (the PDF and Word files are compressed already)
MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
             "image/svg+xml", "text/csv", "text/plain"]


def _signed_in() -> bool:
    # (read as keep_private_answers_private does: a session that names a person is theirs)
    return issubclass(type(g.get("_login_user")), User) or "_user_id" in session


def _compress_if_public(response):
    if request.endpoint == "static" and response.status_code == 200:
        # a static file is sent from disk as a stream, which is left alone; ours are small: read it in
        response.direct_passthrough = False
        response.make_sequence()
        return compress.after_request(response)
    if not _signed_in():
        return compress.after_request(response)
    return response


def register_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_REGISTER", False)  # not every answer: see _compress_if_public
    app.config.setdefault("COMPRESS_STREAMS", False)  # streamed exports go out as they are made
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    compress.init_app(app)
    app.after_request(_compress_if_public)
