"""Which language a person reads the interface in, and the catalogs that speak it (Flask-Babel)."""

from functools import cache

import flask_wtf.i18n
from babel import Locale, support
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

from statements.core.languages import primary_language, text_direction

#: the languages the interface speaks, each named in itself (as a switcher shows them)
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português", "ar": "العربية"}
DEFAULT_LANGUAGE = "en"
#: the session key holding a visitor's own choice (people with an account keep theirs on it)
CHOSEN_KEY = "language"

babel = Babel()


def supported(language: str | None) -> str | None:
    """The supported language a code names ("es-MX" gives "es"), or None for any other."""
    code = primary_language(language)
    return code if code in LANGUAGES else None


def choose_language() -> str:
    """Pick the interface language: the person's own choice, else the language of the statement
    version they opened, else the best of their browser's languages, else English."""
    if not request:
        return DEFAULT_LANGUAGE
    if getattr(current_user, "is_authenticated", False) and supported(getattr(current_user, "language", None)):
        return current_user.language
    chosen = supported(session.get(CHOSEN_KEY))
    if chosen:
        return chosen
    page_language = supported(g.get("page_language"))
    if page_language:
        return page_language
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language this request's interface speaks."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_name(code: str) -> str:
    """A language's name in the reader's language ("francés" for "fr" to a Spanish reader)."""
    try:
        return Locale.parse(current_language()).languages.get(code) or code
    except (ValueError, TypeError):
        return code


def set_page_language(language: str | None) -> None:
    """Say the page shows a text in this language, so an anonymous reader gets the interface in it."""
    g.page_language = language


@cache
def _wtforms_catalog(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def _wtforms_translations():
    """WTForms' own messages in the reader's language: each catalog read from disk once per process, where
    Flask-WTF reads it again for every request."""
    if not request or "babel" not in current_app.extensions:
        return None
    return _wtforms_catalog(current_language())


flask_wtf.i18n._get_translations = _wtforms_translations


def register_i18n(app: Flask) -> None:
    """Attach Flask-Babel with the project's catalogs, and give templates the language and direction."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    babel.init_app(app, locale_selector=choose_language)

    @app.after_request
    def vary_by_language(response):
        response.vary.add("Accept-Language")  # a shared cache must not give one reader's language to another
        return response

    @app.context_processor
    def inject_language():
        language = current_language()
        return {"interface_language": language, "interface_direction": text_direction(language),
                "interface_languages": LANGUAGES, "language_name": language_name}
