"""A small thread-safe LRU for KPI results and page data, keyed on the data version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable


class ResultCache:
    """Entries live until evicted; every key starts with the workspace's data_version, so a
    write (which bumps it) makes older entries unreachable at once.

    Concurrent requests for the same missing key compute it once: the others wait for it.
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for `key`, computing and storing it when absent."""
        while True:
            with self._lock:
                if key in self._data:
                    self._data.move_to_end(key)
                    self.hits += 1
                    return self._data[key]
                event = self._pending.get(key)
                if event is None:
                    event = self._pending[key] = threading.Event()
                    break
            event.wait()  # another thread computes it; then read it (or compute if it failed)
        try:
            value = compute()
            with self._lock:
                self.misses += 1
                self._data[key] = value
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._pending.pop(key, None)
            event.set()

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()
