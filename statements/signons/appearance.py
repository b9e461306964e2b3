"""How each signatory appears in public: the one decision that the page, the API, the open data, the
counts, the PDF, the Word document and the print view all follow. Pure: plain values in, plain values out."""

from collections.abc import Callable
from dataclasses import dataclass

from statements.core.countries import country_name
from statements.signons.models import Visibility

#: the visibilities listed publicly, each with its country (the others are only counted)
LISTED = (Visibility.NAMED.value, Visibility.COUNTRY_ONLY.value)
#: the visibilities listed by name, with their type of organization and website
NAMED = (Visibility.NAMED.value,)
#: how an organization listed by its country alone is called, in English
IN_COUNTRY = "An organization in {country}"


@dataclass(frozen=True)
class Appearance:
    """What the public sees of one signatory."""

    name: str  # its own name, or "An organization in <country>"
    country: str  # the ISO code
    org_type: str | None
    website: str | None
    named: bool


def appearance(visibility: str, name: str, country: str, org_type: str | None, website: str | None,
               in_country: str = IN_COUNTRY,
               country_label: Callable[[str], str] = country_name) -> Appearance | None:
    """Say how a signatory appears in public: by name, as an organization in its country, or not listed (None).

    `in_country` and `country_label` give the words of an output in another language than English.
    """
    if visibility not in LISTED:
        return None
    if visibility in NAMED:
        return Appearance(name, country, org_type, website or None, named=True)
    return Appearance(in_country.format(country=country_label(country)), country, None, None, named=False)
