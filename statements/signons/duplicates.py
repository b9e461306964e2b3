"""Catch the same organization signing twice. Pure functions.

Names are compared after folding case, accents and punctuation and dropping common legal
suffixes and a leading "the"; an exact match of that key is the same organization. Likely
matches (flagged to staff, not refused): a similar name, one name the acronym of the other, the
same email address written with dots or a +tag, or the same organizational email domain.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

#: words that say what kind of legal body an organization is, not which one
LEGAL_SUFFIXES = {
    "inc", "incorporated", "ltd", "limited", "llc", "plc", "co", "corp", "ngo", "ev", "gmbh", "ggmbh", "ag",
    "sa", "sl", "srl", "asbl", "aisbl", "vzw", "ac", "cic", "cio", "pty", "org", "bv", "nv", "ong",
}
STOP_WORDS = {"the", "of", "for", "and", "de", "del", "la", "las", "los", "el", "du", "des", "et", "le", "les",
              "y", "e", "da", "do", "das", "dos", "di", "der", "die", "und", "a", "an", "in", "on", "to"}
#: mail providers anyone can use: sharing one says nothing about being the same organization
PUBLIC_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.es", "hotmail.com", "hotmail.fr", "outlook.com",
    "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net",
    "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "126.com", "rediffmail.com", "zoho.com", "riseup.net",
    "example.org", "example.com",
}
SIMILAR_NAME_RATIO = 0.88
#: initials written with dots, as in "e.V.", "e. V.", "S.A." or "N.G.O.": one word, like "eV", "SA", "NGO"
_DOTTED_INITIALS = re.compile(r"(?<!\w)\w(?:\. ?\w(?!\w))+\.?")


def fold(text: str) -> str:
    """Lower-case, without accents, punctuation or repeated spaces."""
    text = _DOTTED_INITIALS.sub(lambda initials: initials.group(0).replace(".", "").replace(" ", ""), text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped).replace("_", " ").split())


@lru_cache(maxsize=8192)  # each new sign-on is compared with up to 200 earlier ones, mostly the same ones
def name_key(name: str) -> str:
    """The key two spellings of one organization's name share."""
    words = fold(name).split()
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=8192)
def acronym(name: str) -> str:
    """Initials of the significant words: "Migrant Workers Union" -> "mwu"."""
    words = [w for w in name_key(name).split() if w not in STOP_WORDS]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


@lru_cache(maxsize=8192)
def email_key(email: str) -> str:
    """An address without case, +tag, or dots in its local part."""
    local, _, domain = email.strip().casefold().rpartition("@")
    local = local.split("+", 1)[0].replace(".", "")
    if domain == "googlemail.com":
        domain = "gmail.com"
    return f"{local}@{domain}"


def email_domain(email: str) -> str | None:
    """The organization's own mail domain, or None for a public provider."""
    domain = email.strip().casefold().rpartition("@")[2]
    return None if not domain or domain in PUBLIC_MAIL_DOMAINS else domain


@dataclass(frozen=True)
class Signature:
    """What duplicate checks look at in one sign-on."""

    name: str
    email: str

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Keys:
    """What the likeness checks compare of one sign-on, worked out once: a stored sign-on's are its columns, so
    that comparing a new one with hundreds of earlier ones does not work theirs out again."""

    name_key: str
    email_key: str
    email_domain: str | None
    acronym: str

    @classmethod
    def of(cls, signature: Signature) -> "Keys":
        return cls(signature.key, email_key(signature.email), email_domain(signature.email), acronym(signature.name))


def likely_same(a: Signature, b: Signature) -> str | None:
    """Say why two sign-ons look like the same organization, or None."""
    return likely_same_keys(Keys.of(a), Keys.of(b))


def likely_same_keys(a: Keys, b: Keys) -> str | None:
    """`likely_same`, on the keys of each side."""
    key_a, key_b = a.name_key, b.name_key
    if key_a == key_b:
        return "the same name"
    if a.email_key == b.email_key:
        return "the same contact email"
    if a.email_domain and a.email_domain == b.email_domain:
        return f"the same email domain ({a.email_domain})"
    compact_a, compact_b = key_a.replace(" ", ""), key_b.replace(" ", "")
    if (a.acronym and a.acronym == compact_b) or (b.acronym and b.acronym == compact_a):
        return "one name is the acronym of the other"
    if similar(key_a, key_b):
        return "very similar names"
    return None


def similar(key_a: str, key_b: str) -> bool:
    """Whether two name keys are very similar (difflib's ratio): its cheap upper bounds first, as most
    pairs already fall short of those, worked out here without building a matcher for each pair."""
    total = len(key_a) + len(key_b)
    if not total:
        return True
    if 2.0 * min(len(key_a), len(key_b)) / total < SIMILAR_NAME_RATIO:  # difflib's real_quick_ratio, as it works it out
        return False
    common = sum((_letters(key_a) & _letters(key_b)).values())  # its quick_ratio: letters in common
    if 2.0 * common / total < SIMILAR_NAME_RATIO:
        return False
    return SequenceMatcher(None, key_a, key_b).ratio() >= SIMILAR_NAME_RATIO


@lru_cache(maxsize=8192)
def _letters(key: str) -> Counter:
    return Counter(key)
