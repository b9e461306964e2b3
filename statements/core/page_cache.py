"""Reuse a rendered page for visitors without an account.

A public page with a form is the same for every anonymous visitor but for a few values made for
each of them (the CSRF token, a signed start time). The page is kept in this process, one per
statement, with the key it was made for, and on each use only those values are swapped in.
Everything the page shows must be in the key, so that a change in the database makes a new key
rather than a stale page.

Checking the key reads the database. For a few seconds after a check, a page may be served again
without one (`recent_page`): what it shows may then be that many seconds old, as counts kept for as
long are. A change made in this process forgets that at once (`forget_recent`).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class PageCache:
    """One page per slot (a statement, say), kept with the key it was made for; the least recently
    used slots are dropped beyond `max_slots`. A page made for a new key replaces the slot's old one,
    so the memory held is one page per slot, however often what a page shows changes."""

    def __init__(self, max_slots: int = 128):
        self.max_slots = max_slots
        self._slots: OrderedDict[Hashable, tuple[Hashable, str, dict[str, str]]] = OrderedDict()
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
            html, made_with = render()
            with self._lock:
                self._slots[slot] = (key, html, made_with)
                self._slots.move_to_end(slot)
                while len(self._slots) > self.max_slots:
                    self._checked.pop(self._slots.popitem(last=False)[0], None)
            entry = (key, html, made_with)
        self._checked[slot] = time.monotonic()
        return self._with_values(entry, values)

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
        checked = self._checked.get(slot)
        if checked is None or time.monotonic() - checked >= max_age:
            return None
        with self._lock:
            entry = self._slots.get(slot)
        return None if entry is None else self._with_values(entry, values)

    def forget_recent(self) -> None:
        """Check every page against the database on its next use (after a change made in this process)."""
        self._checked.clear()
        self._addresses.clear()

    @staticmethod
    def _with_values(entry, values: dict[str, str]) -> str:
        _, html, made_with = entry
        for name, original in made_with.items():
            if original != values[name]:
                html = html.replace(original, values[name])
        return html

    def __len__(self) -> int:
        return len(self._slots)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
        self.forget_recent()
