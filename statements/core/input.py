"""What every request and every one-line text must be: no NUL characters anywhere in a request, and
no line breaks in titles and names (they end up in mail headers, page titles and file names)."""

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from statements.core.errors import InvalidInput

NUL = "\x00"
NUL_MESSAGE = _l("What you sent contains a NUL character (an invisible control character, usually copied from "
                 "another program or a damaged file), which cannot be stored. Go back, type the text again "
                 "instead of pasting it, and send it again.")
#: line breaks, tabs and the other characters that may not stand in a one-line text
_BREAKS_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str | None) -> str:
    """Fold line breaks, tabs and runs of spaces into single spaces, so a title or name stays on one line."""
    return _BREAKS_AND_CONTROLS.sub(" ", text or "").strip()


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul_characters() -> None:
    """Refuse a request with a NUL in its path, query, form fields, file names or JSON body."""
    # PostgreSQL cannot store NUL in text and refuses any query that contains one: checked here once,
    # before any view reads the request, rather than in every form and loader
    found = (
        NUL in request.path
        or any(NUL in key or NUL in value for key, value in request.args.items(multi=True))
        or (request.method in ("POST", "PUT", "PATCH", "DELETE") and _body_has_nul())
    )
    if found:
        raise InvalidInput(str(NUL_MESSAGE))  # in the language of whoever sent it


def _body_has_nul() -> bool:
    if request.is_json:
        return _has_nul(request.get_json(silent=True))
    return (any(NUL in key or NUL in value for key, value in request.form.items(multi=True))
            or any(NUL in key or NUL in (upload.filename or "") for key, upload in request.files.items(multi=True)))


def register_input_checks(app: Flask) -> None:
    """Refuse NUL characters in every request, before the views (and the CSRF check) read it."""
    # second only to giving the request its id (request_log), so that the refusal is logged like any other
    app.before_request_funcs.setdefault(None, []).insert(1, refuse_nul_characters)
