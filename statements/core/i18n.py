"""Which language a person reads the interface in, and the catalogs that speak it (Flask-Babel)."""

from functools import cache, cached_property

import flask_wtf.i18n
from babel import Locale, support
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, Domain, get_locale, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path

from statements.core.languages import primary_language, text_direction

#: the languages the interface speaks, each named in itself (as a switcher shows them)
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português", "ar": "العربية"}
DEFAULT_LANGUAGE = "en"
#: the session key holding a visitor's own choice (people with an account keep theirs on it)
CHOSEN_KEY = "language"


class _ReaderDomain(Domain):
    """Flask-Babel's message domain, finding the reader's catalog once per request and locale.

    Flask-Babel looks the context, the locale and the catalog up again for every message, which cost a page
    of a hundred messages about a millisecond. The catalog is kept beside the locale it was found for, so a
    locale forced for a mail (force_locale sets a new one) finds its own."""

    def get_translations(self):
        held = _held_catalog()
        return held if held is not None else _hold_catalog(super().get_translations())


def _babel_context():
    try:
        return g.get("_flask_babel")
    except RuntimeError:  # outside any application context: Flask-Babel answers untranslated
        return None


def _held_catalog():
    context = _babel_context()
    held = getattr(context, "reader_catalog", None)
    if held is not None and held[0] is getattr(context, "babel_locale", None):
        return held[1]
    return None


def _hold_catalog(translations):
    context = _babel_context()
    locale = getattr(context, "babel_locale", None)
    if locale is not None:
        context.reader_catalog = (locale, translations)
    return translations


def reader_catalog():
    """The catalog of the language this request speaks (for the templates' messages)."""
    held = _held_catalog()
    return held if held is not None else get_translations()


class _ReaderBabel(Babel):
    @cached_property
    def domain_instance(self):
        return _ReaderDomain(domain=self.domain)


babel = _ReaderBabel()


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
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: reader_catalog().ugettext(message),
        ngettext=lambda singular, plural, n: reader_catalog().ungettext(singular, plural, n),
        pgettext=lambda context, message: reader_catalog().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: reader_catalog().unpgettext(context, singular, plural, n),
        newstyle=True)

    @app.after_request
    def vary_by_language(response):
        response.vary.add("Accept-Language")  # a shared cache must not give one reader's language to another
        return response

    @app.context_processor
    def inject_language():
        language = current_language()
        return {"interface_language": language, "interface_direction": text_direction(language),
                "interface_languages": LANGUAGES, "language_name": language_name}
