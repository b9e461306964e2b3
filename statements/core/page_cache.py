"""Reuse a rendered page for visitors without an account.

A public page with a form is the same for every anonymous visitor but for a few values made for
each of them (the CSRF token, a signed start time). The page is kept in this process, one per
statement, with the key it was made for, cut once around the values it was made with: on each use
only this visitor's values are put between the pieces, in one pass over the page.
Everything the page shows must be in the key, so that a change in the database makes a new key
rather than a stale page.

Checking the key reads the database. For a few seconds after a check, a page may be served again
without one (`recent_page`): what it shows may then be that many seconds old, as counts kept for as
long are. A change made in this process forgets that at once (`forget_recent`).
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple


class CutPage(NamedTuple):
    """A page cut around the values it was made with: the text between them (as text and as UTF-8), and the
    name of the value at each cut, in order."""

    texts: tuple[str, ...]
    encoded: tuple[bytes, ...]
    names: tuple[str, ...]

    @classmethod
    def of(cls, html: str, made_with: dict[str, str]) -> "CutPage":
        name_of = {value: name for name, value in made_with.items() if value}
        texts, names, start = [], [], 0
        if name_of:  # (longest first: a value that holds another is found whole)
            pattern = re.compile("|".join(re.escape(value) for value in sorted(name_of, key=len, reverse=True)))
            for found in pattern.finditer(html):
                texts.append(html[start:found.start()])
                names.append(name_of[found.group()])
                start = found.end()
        texts.append(html[start:])
        return cls(tuple(texts), tuple(text.encode() for text in texts), tuple(names))

    def with_values(self, values: dict[str, str]) -> str:
        pieces = [self.texts[0]]
        for name, text in zip(self.names, self.texts[1:]):
            pieces += (values[name], text)
        return "".join(pieces)

    def encoded_with_values(self, values: dict[str, str]) -> bytes:
        """`with_values` in UTF-8, without encoding the whole page again."""
        pieces = [self.encoded[0]]
        for name, text in zip(self.names, self.encoded[1:]):
            pieces += (values[name].encode(), text)
        return b"".join(pieces)


class PageCache:
    """One page per slot (a statement, say), kept with the key it was made for; the least recently
    used slots are dropped beyond `max_slots`. A page made for a new key replaces the slot's old one,
    so the memory held is one page per slot, however often what a page shows changes."""

    def __init__(self, max_slots: int = 128):
        self.max_slots = max_slots
        self._slots: OrderedDict[Hashable, tuple[Hashable, CutPage]] = OrderedDict()
        self._lock = threading.Lock()
        #: slot -> when its page was last found to match the database
        self._checked: dict[Hashable, float] = {}
        #: an address -> when it was last looked up, and what the lookup found (slot and facts for the caller)
        self._addresses: dict[Hashable, tuple[float, dict]] = {}

    def page(self, slot: Hashable, key: Hashable, values: dict[str, str],
             render: Callable[[], tuple[str, dict[str, str]]]) -> str:
        """Return the page of `slot` for `key`, with this visitor's `values` in it.

        `render()` makes the page when the slot holds none for this key, and returns it with the
        values it was made with; those must be long random strings that occur nowhere else in the page.
        """
        with self._lock:
            entry = self._slots.get(slot)
            if entry is not None and entry[0] == key:
                self._slots.move_to_end(slot)
            else:
                entry = None
        if entry is None:
            entry = (key, CutPage.of(*render()))
            with self._lock:
                self._slots[slot] = entry
                self._slots.move_to_end(slot)
                while len(self._slots) > self.max_slots:
                    self._checked.pop(self._slots.popitem(last=False)[0], None)
        self._checked[slot] = time.monotonic()
        return entry[1].with_values(values)

    def remember_address(self, address: Hashable, found: dict) -> None:
        """Keep what looking up an address found (which slot it shows, and what else the caller needs)."""
        self._addresses[address] = (time.monotonic(), found)

    def recent_address(self, address: Hashable, max_age: float) -> dict | None:
        """What looking up an address found, if it was looked up less than `max_age` seconds ago."""
        kept = self._addresses.get(address)
        return kept[1] if kept is not None and time.monotonic() - kept[0] < max_age else None

    def recent_page(self, slot: Hashable, max_age: float, values: dict[str, str]) -> str | None:
        """The page of a slot with this visitor's values, if it was found to match the database less than
        `max_age` seconds ago; else None, and the caller checks (`page`)."""
        cut = self._recent_cut(slot, max_age)
        return None if cut is None else cut.with_values(values)

    def recent_page_encoded(self, slot: Hashable, max_age: float, values: dict[str, str]) -> bytes | None:
        """`recent_page` in UTF-8, for an answer made without the framework."""
        cut = self._recent_cut(slot, max_age)
        return None if cut is None else cut.encoded_with_values(values)

    def _recent_cut(self, slot: Hashable, max_age: float) -> CutPage | None:
        checked = self._checked.get(slot)
        if checked is None or time.monotonic() - checked >= max_age:
            return None
        with self._lock:
            entry = self._slots.get(slot)
        return None if entry is None else entry[1]

    def forget_recent(self) -> None:
        """Check every page against the database on its next use (after a change made in this process)."""
        self._checked.clear()
        self._addresses.clear()

    def __len__(self) -> int:
        return len(self._slots)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
        self.forget_recent()
