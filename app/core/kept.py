"""Markup rendered once and kept by this process, for parts of pages that read the same
until something they are made of changes.

Only what is fully named by its key is kept: the key holds everything the markup is made
of (and the language it is in), so a stale copy cannot be served, and every worker keeps
its own copies without any need to tell the others. The store is bounded and forgets the
copy used least recently.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from markupsafe import Markup


class KeptMarkup:
    def __init__(self, size: int):
        self._size = size
        self._kept: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        html = render()
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
