"""Statements and their revisions: drafting, history, comparing, and the lifecycle."""

import unicodedata

from flask import Blueprint
from markupsafe import Markup, escape

from statements.core.i18n import current_language
from statements.core.languages import text_direction

bp = Blueprint("drafts", __name__)


def _direction_of(text: str) -> str | None:
    """The direction of a text's first letter that has one (names and notes start as they are written)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


@bp.app_template_filter("bdi")
def isolate(value) -> Markup:
    """Keep a name or a note written the other way round from the interface in its own direction,
    so an English name in an Arabic sentence (or the reverse) does not scramble the words around it."""
    text = str(value)
    direction = _direction_of(text)
    if direction is None or direction == text_direction(current_language()):
        return escape(text)
    return Markup("<bdi>{}</bdi>").format(text)


@bp.app_template_filter("revision_note")
def revision_note(revision) -> str:
    """A revision's note in the reader's language, where the service wrote it (drafts.notes)."""
    from statements.drafts.notes import shown_note

    return shown_note(revision)


from statements.drafts import views  # noqa: E402,F401  (routes register on bp)
