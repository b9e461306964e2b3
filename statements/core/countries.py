"""The list of countries offered in forms, from ISO 3166 (pycountry), named in the reader's language (CLDR,
through Babel). The value stored is always the two-letter code."""

from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError

from statements.core.collation import sorted_in

#: the language country names are given in when none is asked for: the one stored data and open data use
ENGLISH = "en"


@cache
def _english_names() -> dict[str, str]:
    """ISO 3166's short English names, as the service has always shown them in English."""
    return {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


@cache
def _names_by_code(language: str) -> dict[str, str]:
    """Every ISO 3166 country's name in a language, from CLDR; the English name where CLDR has none."""
    english = _english_names()
    if language == ENGLISH:
        return english
    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return english
    return {code: territories.get(code) or name for code, name in english.items()}


@cache
def country_choices(language: str = ENGLISH) -> list[tuple[str, str]]:
    """Return (code, name) pairs in a language, sorted by name as readers of it look for them, for select boxes."""
    return sorted_in(_names_by_code(language).items(), language, lambda pair: pair[1])


def country_name(code: str | None, language: str = ENGLISH) -> str:
    """Return the display name of an ISO 3166 alpha-2 code in a language (English unless asked)."""
    if not code:
        return ""
    return _names_by_code(language).get(code, code)
