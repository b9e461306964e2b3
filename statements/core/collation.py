"""Alphabetical order as readers of each language expect it: ICU's collation, with CLDR's rules.

Accents go with their letter (Émile with Emile), letters such as ø and ł with theirs, each script in
its own block, and each language's own rules: in Spanish ñ is a letter after n, and for an Arabic
reader names in Arabic script come before names in Latin script.
"""

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

T = TypeVar("T")

#: the order a database keeps (one for every reader): CLDR's root collation, the Unicode
#: Collation Algorithm's default, which is English's order and every language's starting point
ROOT = "root"

_local = threading.local()  # a collator is used by one thread at a time


def _collator(language: str) -> icu.Collator:
    collators = getattr(_local, "collators", None)
    if collators is None:
        collators = _local.collators = {}
    if language not in collators:
        collators[language] = icu.Collator.createInstance(icu.Locale(language or ROOT))
    return collators[language]


def sort_key(text: str, language: str = ROOT) -> bytes:
    """A key that puts texts in the alphabetical order of a language (ICU's rules for it, else the root's)."""
    return _collator(language).getSortKey(text or "")


def sort_key_in(language: str) -> Callable[[str], bytes]:
    """A key function for texts in the alphabetical order of a language."""
    collator = _collator(language)
    return lambda text: collator.getSortKey(text or "")


def sorted_in(items: Iterable[T], language: str, text: Callable[[T], str]) -> list[T]:
    """The items sorted by a text of each, in the alphabetical order of a language (ties keep their order)."""
    collator = _collator(language)
    return sorted(items, key=lambda item: collator.getSortKey(text(item) or ""))


def stored_sort_key(text: str, length: int) -> str:
    """The root collation key as hexadecimal text, cut to a column's length, for a database to order by.

    Hexadecimal digits compare the same way in every database collation, so ORDER BY on this column is
    the root collation's order; a key's first bytes weigh the base letters of the whole text, so a cut
    key still orders names by their first few dozen letters, and ties go by id.
    """
    return sort_key(text).hex()[:length]
