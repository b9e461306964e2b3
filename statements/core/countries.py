"""The list of countries offered in forms, from ISO 3166 (pycountry)."""

from functools import cache

import pycountry


@cache
def country_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name, for select boxes."""
    countries = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return sorted(countries, key=lambda pair: pair[1])


def country_name(code: str | None) -> str:
    """Return the display name of an ISO 3166 alpha-2 code."""
    if not code:
        return ""
    return dict(country_choices()).get(code, code)
