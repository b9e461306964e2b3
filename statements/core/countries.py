"""The list of countries offered in forms, from ISO 3166 (pycountry)."""

import unicodedata
from functools import cache

import pycountry


@cache
def country_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name, for select boxes."""
    countries = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return sorted(countries, key=lambda pair: _without_accents(pair[1]))


def _without_accents(name: str) -> str:
    """Fold a name so that Åland sorts with A and Côte d'Ivoire with C, as readers look for them."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


@cache
def _names_by_code() -> dict[str, str]:
    return dict(country_choices())


def country_name(code: str | None) -> str:
    """Return the display name of an ISO 3166 alpha-2 code."""
    if not code:
        return ""
    return _names_by_code().get(code, code)
