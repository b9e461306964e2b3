"""Reuse a rendered page for visitors without an account.

A public page with a form is the same for every anonymous visitor but for a few values made for
each of them (the CSRF token, a signed start time). The page is kept per key, in this process and
in a bounded number, and on each use only those values are swapped in. Everything the page shows
must be in the key, so that a change in the database makes a new key rather than a stale page.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class PageCache:
    def __init__(self, max_entries: int = 128):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[str, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, values: dict[str, str], render: Callable[[], tuple[str, dict[str, str]]]) -> str:
        """Return the page for `key` with this visitor's `values` in it.

        `render()` makes the page when it is not kept, and returns it with the values it was made
        with; those must be long random strings that occur nowhere else in the page.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None:
            html, made_with = render()
            with self._lock:
                self._entries[key] = (html, made_with)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            # the visitor who caused the render already has the page made with their own values
            if made_with == values:
                return html
            entry = (html, made_with)
        html, made_with = entry
        for name, original in made_with.items():
            html = html.replace(original, values[name])
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
