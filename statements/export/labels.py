"""The words an exported file adds around the statement's text, in the statement's language.

The words come from the interface's catalogs (gettext, with each language's plurals), dates, numbers
and country names from CLDR (Babel). A statement in a language the interface does not speak gets
English words, marked as English where they are printed. The PDF, the Word document and the print
view are given the same plain `Labels`, so they say the same thing.
"""

import re
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale, gettext as _, lazy_gettext as _l, ngettext

from statements.core.countries import country_name
from statements.core.i18n import DEFAULT_LANGUAGE, supported

#: what stands for the page numbers in `Labels.page_of`: the PDF's counters and Word's fields replace them
PAGE, PAGES = "{page}", "{pages}"


@dataclass(frozen=True)
class Labels:
    """The file's own words, all in one language."""

    language: str  # the words' language: the statement's, or English when the interface does not speak it
    page_of: str  # "page {page} of {pages}"
    draft: str
    draft_note: str
    signed_on: str
    signed_by: str
    unnamed: str
    list_private: str
    none_yet: str
    logo: str
    #: above the names at the top of a page that go on from the page before: "{country} (continued)"
    continued: str = "{country}"
    #: "Corrected on <day>" and where the corrections are listed, for a corrected published text; else ""
    corrected_on: str = ""
    corrections_at: str = ""

    def number(self, value: int) -> str:
        """A number as the words' language writes it: 1,234 in English, 1 234 in French."""
        return format_decimal(value, locale=self.language)


def words_language(language: str | None) -> str:
    """The language a file's words are in: the statement's ("es" for "es-MX") if the interface speaks it,
    else English."""
    return supported(language) or DEFAULT_LANGUAGE


def file_labels(language: str | None, *, count: int, unnamed_count: int, revision_number: int, signed_on: date,
                network_name: str, corrected_on: date | None = None, corrections_url: str = "") -> Labels:
    """The words of a file of a statement in this language (run in an app context: they come from its catalogs)."""
    code = words_language(language)

    def number(value: int) -> str:
        return format_decimal(value, locale=code)

    with force_locale(code):
        return Labels(
            language=code,
            page_of=_("page %(page)s of %(pages)s", page=PAGE, pages=PAGES),
            draft=_("DRAFT"),
            draft_note=_("DRAFT: this text is not final (revision %(revision)s).", revision=number(revision_number)),
            signed_on=format_date(signed_on, format="long", locale=code),
            signed_by=ngettext("Signed by %(count)s organization", "Signed by %(count)s organizations", count,
                               count=number(count)),
            unnamed=ngettext("Including %(count)s organization that asked not to be listed.",
                             "Including %(count)s organizations that asked not to be listed.", unnamed_count,
                             count=number(unnamed_count)),
            list_private=_("The list of signatory organizations is kept private until the statement is published."),
            none_yet=_("No organization has signed yet."),
            logo=_("%(network)s logo", network=network_name),
            continued=_("%(country)s (continued)", country="{country}"),
            corrected_on=_("Corrected on %(day)s", day=format_date(corrected_on, format="long", locale=code))
            if corrected_on else "",
            corrections_at=_("Every correction, word by word: %(address)s", address=corrections_url)
            if corrected_on else "",
        )


def draft_mark(language: str | None) -> tuple[str, str]:
    """The word a draft file of a statement in this language is marked with, and the language it is in."""
    code = words_language(language)
    with force_locale(code):
        return _("DRAFT"), code


def in_country_wording(language: str | None) -> str:
    """How an organization listed by its country alone is called, with "{country}" for the country's name."""
    with force_locale(words_language(language)):
        return _("An organization in %(country)s", country="{country}")


#: the sign-on form's kinds of organization (statements.accounts.models.ORGANIZATION_TYPES), marked here so the
#: catalogs hold their words even where the form's own list is not marked for translation
KINDS_OF_ORGANIZATION = (_l("Non-governmental organization"), _l("Trade union or workers' organization"),
                         _l("Grassroots or community group"), _l("Network or coalition"),
                         _l("Women's or feminist organization"), _l("Migrant or refugee-led organization"),
                         _l("Faith-based organization"), _l("Research or academic institution"), _l("Other"))


def organization_type(label, language: str | None) -> str:
    """The name of a kind of organization (a label of the sign-on form, English or marked) in the file's words."""
    with force_locale(words_language(language)):
        return _(str(label))


def country_in(country_code: str | None, language: str | None) -> str:
    """A country's name in the file's words (CLDR), else as the service names it in English."""
    code = words_language(language)
    english = country_name(country_code)
    if not country_code or code == DEFAULT_LANGUAGE:
        return english
    try:
        return Locale.parse(code).territories.get(country_code) or english
    except (UnknownLocaleError, ValueError):
        return english


def page_of_parts(wording: str) -> list[str]:
    """The words of a "page {page} of {pages}" wording and, at odd places, the numbers it names:
    ["página ", "page", " de ", "pages", ""]."""
    return re.split(r"\{(pages?)\}", wording)
