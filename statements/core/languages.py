"""Which way a statement's language, or a piece of text, is written."""

import unicodedata

#: languages written right to left: Arabic, Persian, Hebrew, Urdu
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})


def primary_language(language: str | None) -> str:
    """The language without its region: "es" for "es-MX", "es_MX" or "ES"."""
    return (language or "").replace("_", "-").split("-")[0].strip().lower()


def text_direction(language: str | None) -> str:
    """"rtl" for a language written right to left ("ar", "ar-EG"), else "ltr"."""
    return "rtl" if primary_language(language) in RIGHT_TO_LEFT else "ltr"


def direction_of(text: str, default: str = "ltr") -> str:
    """The direction of a text by its first letter of a script with one, as HTML's dir="auto" decides;
    for renderers that do not understand dir="auto" (the PDF's). Text with no such letter gets the default."""
    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default
