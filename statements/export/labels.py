"""The words an exported file adds around the statement's text, in the statement's language.

A language not in the table gets English. Plain data and small functions only, so the PDF, the
Word document and the print view say the same thing, and the table can be read as a whole.
"""

import gettext
import re
from datetime import date
from functools import cache

from statements.core.countries import country_name
from statements.core.languages import primary_language

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"

LABELS: dict[str, dict] = {
    "en": {
        "page_of": "page {page} of {pages}",
        "draft": "DRAFT",
        "draft_note": "DRAFT: this text is not final (revision {revision}).",
        "signed_by": {"one": "Signed by {count} organization", "other": "Signed by {count} organizations"},
        "unnamed": {"one": "Including {count} organization that asked not to be listed.",
                    "other": "Including {count} organizations that asked not to be listed."},
        "in_country": "An organization in {country}",
        "list_private": "The list of signatory organizations is kept private until the statement is published.",
        "none_yet": "No organization has signed yet.",
        "logo": "{network} logo",
        "date": "{day} {month} {year}",
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "group_separator": ",",
        "min_grouping": 1,
        "zero_is_one": False,
    },
    "es": {
        "page_of": "página {page} de {pages}",
        "draft": "BORRADOR",
        "draft_note": "BORRADOR: este texto no es definitivo (revisión {revision}).",
        "signed_by": {"one": "Firmado por {count} organización", "other": "Firmado por {count} organizaciones"},
        "unnamed": {"one": "Incluye {count} organización que pidió no figurar en la lista.",
                    "other": "Incluye {count} organizaciones que pidieron no figurar en la lista."},
        "in_country": "Una organización de {country}",
        "list_private": "La lista de organizaciones firmantes es privada hasta que se publique la declaración.",
        "none_yet": "Ninguna organización ha firmado todavía.",
        "logo": "Logotipo de {network}",
        "date": "{day} de {month} de {year}",
        "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                   "octubre", "noviembre", "diciembre"],
        "group_separator": ".",
        "min_grouping": 2,  # Spanish writes 1234 but 12.345
        "zero_is_one": False,
        "organization_types": {
            "ngo": "Organización no gubernamental",
            "union": "Sindicato u organización de trabajadores",
            "grassroots": "Grupo de base o comunitario",
            "network": "Red o coalición",
            "womens": "Organización de mujeres o feminista",
            "migrant": "Organización liderada por personas migrantes o refugiadas",
            "faith": "Organización de inspiración religiosa",
            "research": "Institución académica o de investigación",
            "other": "Otra",
        },
    },
    "fr": {
        "page_of": "page {page} sur {pages}",
        "draft": "PROJET",
        "draft_note": f"PROJET{NO_BREAK_SPACE}: ce texte n’est pas définitif (version {{revision}}).",
        "signed_by": {"one": "Signé par {count} organisation", "other": "Signé par {count} organisations"},
        "unnamed": {"one": "Dont {count} organisation qui a demandé à ne pas figurer dans la liste.",
                    "other": "Dont {count} organisations qui ont demandé à ne pas figurer dans la liste."},
        "in_country": "Une organisation ({country})",  # « au », « en » or « aux » would depend on the country
        "list_private": "La liste des organisations signataires reste privée jusqu’à la publication de la déclaration.",
        "none_yet": "Aucune organisation n’a encore signé.",
        "logo": "Logo de {network}",
        "date": "{day} {month} {year}",
        "first_day": "1er",
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "group_separator": NARROW_NO_BREAK_SPACE,
        "min_grouping": 1,
        "zero_is_one": True,  # « 0 organisation », as with 1
        "organization_types": {
            "ngo": "Organisation non gouvernementale",
            "union": "Syndicat ou organisation de travailleurs",
            "grassroots": "Groupe de base ou communautaire",
            "network": "Réseau ou coalition",
            "womens": "Organisation de femmes ou féministe",
            "migrant": "Organisation dirigée par des personnes migrantes ou réfugiées",
            "faith": "Organisation confessionnelle",
            "research": "Institution de recherche ou universitaire",
            "other": "Autre",
        },
    },
    "pt": {
        "page_of": "página {page} de {pages}",
        "draft": "RASCUNHO",
        "draft_note": "RASCUNHO: este texto não é definitivo (revisão {revision}).",
        "signed_by": {"one": "Assinado por {count} organização", "other": "Assinado por {count} organizações"},
        "unnamed": {"one": "Incluindo {count} organização que pediu para não constar da lista.",
                    "other": "Incluindo {count} organizações que pediram para não constar da lista."},
        "in_country": "Uma organização ({country})",  # "do", "da" or "de" would depend on the country
        "list_private": "A lista de organizações signatárias permanece privada até a publicação da declaração.",
        "none_yet": "Nenhuma organização assinou ainda.",
        "logo": "Logotipo de {network}",
        "date": "{day} de {month} de {year}",
        "months": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                   "outubro", "novembro", "dezembro"],
        "group_separator": ".",
        "min_grouping": 1,
        "zero_is_one": True,  # "0 organização", as with 1
        "country_names": "pt_BR",  # Brazilian, as are the words here
        "organization_types": {
            "ngo": "Organização não governamental",
            "union": "Sindicato ou organização de trabalhadores",
            "grassroots": "Grupo de base ou comunitário",
            "network": "Rede ou coalizão",
            "womens": "Organização de mulheres ou feminista",
            "migrant": "Organização liderada por pessoas migrantes ou refugiadas",
            "faith": "Organização baseada na fé",
            "research": "Instituição acadêmica ou de pesquisa",
            "other": "Outra",
        },
    },
}
DEFAULT = "en"

#: where the translated country names (from the ISO lists) are wrong
COUNTRY_NAME_FIXES = {"es": {"CI": "Costa de Marfil"}}


def language_code(language: str | None) -> str:
    """The table's code for a language: "es-MX" is "es"; one not in the table is English."""
    primary = primary_language(language)
    return primary if primary in LABELS else DEFAULT


def labels_for(language: str | None) -> dict:
    """The labels for a language (English for one not in the table), with its code under "code"."""
    code = language_code(language)
    return {**LABELS[code], "code": code}


def page_of_parts(wording: str) -> list[str]:
    """The words of a "page {page} of {pages}" wording and, at odd places, the numbers it names:
    ["página ", "page", " de ", "pages", ""]."""
    return re.split(r"\{(pages?)\}", wording)


def format_number(number: int, labels: dict) -> str:
    """1,234 in English, 12.345 in Spanish (but 1234), 1 234 in French."""
    digits = str(number)
    if number < 0 or len(digits) < 3 + labels["min_grouping"]:
        return digits
    groups = []
    while digits:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return labels["group_separator"].join(groups)


def counted(labels: dict, key: str, count: int) -> str:
    """A phrase with a count, singular or plural as the language has it."""
    forms = labels[key]
    singular = count == 1 or (count == 0 and labels["zero_is_one"])
    return forms["one" if singular else "other"].format(count=format_number(count, labels))


def format_date(day: date, labels: dict) -> str:
    """A date written out with the month's name: 1 November 2026, 1 de noviembre de 2026, 1er novembre 2026."""
    day_number = labels.get("first_day", "1") if day.day == 1 else str(day.day)
    return labels["date"].format(day=day_number, month=labels["months"][day.month - 1], year=day.year)


def organization_type(code: str, english: str, labels: dict) -> str:
    """The name of a kind of organization in the labels' language, else as the sign-on form has it."""
    return labels.get("organization_types", {}).get(code, english)


@cache
def _country_translations(code: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)


def country_in(country_code: str | None, labels: dict) -> str:
    """A country's name in the labels' language (the ISO lists' translation), else in English."""
    fixed = COUNTRY_NAME_FIXES.get(labels["code"], {}).get(country_code or "")
    english = country_name(country_code)
    if fixed or labels["code"] == DEFAULT or not english:  # (a catalogue's "" is its header, not a name)
        return fixed or english
    return _country_translations(labels.get("country_names", labels["code"])).gettext(english)
