"""Reuse a rendered page for visitors without an account.

A public page with a form is the same for every anonymous visitor but for a few values made for
each of them (the CSRF token, a signed start time). The page is kept in this process, one per
statement, with the key it was made for, and on each use only those values are swapped in.
Everything the page shows must be in the key, so that a change in the database makes a new key
rather than a stale page.
"""

import threading
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
                    self._slots.popitem(last=False)
            entry = (key, html, made_with)
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
