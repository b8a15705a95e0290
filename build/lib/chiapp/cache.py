"""A least-recently-used store bounded by the memory its values take, not by an entry count.

Per-molecule features and latent vectors are small (about 1-2 kB each), and a catalogue screen or
a large ranking touches tens of thousands of molecules in a cycle: a cache with a fixed entry
count smaller than that cycle misses on every call (least-recently-used eviction under a cyclic
scan evicts each entry just before it is needed again). Bounding the bytes instead lets the store
hold every molecule a realistic session uses, a few hundred thousand by default, and still stop
growing. The budget is ``CHIAPP_CACHE_MB`` megabytes per store (default 256).
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable

import numpy as np

__all__ = ["MemoryBoundedCache", "DEFAULT_BUDGET_BYTES", "nbytes"]

DEFAULT_BUDGET_BYTES = int(float(os.environ.get("CHIAPP_CACHE_MB", "256")) * 1024 * 1024)
_ENTRY_OVERHEAD_BYTES = 200  # the key, the OrderedDict node and the tuple around a value, roughly


def nbytes(value) -> int:
    """Approximate memory of a value made of arrays, strings, numbers and tuples of those [bytes]."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, (tuple, list)):
        return 56 + sum(nbytes(v) for v in value)
    return sys.getsizeof(value)


class MemoryBoundedCache:
    """Thread-safe LRU mapping whose values together take at most ``budget_bytes`` (approximately).

    >>> cache = MemoryBoundedCache(budget_bytes=4000)
    >>> for i in range(10):
    ...     cache.put(i, np.zeros(100))          # 800 bytes of data, about 1,100 with overheads
    >>> len(cache), 9 in cache, 0 in cache
    (3, True, False)
    """

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES):
        self.budget_bytes = int(budget_bytes)
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, default=None):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value) -> None:
        size = nbytes(value) + _ENTRY_OVERHEAD_BYTES
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.budget_bytes:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.budget_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Memory the entries take now (approximately) [bytes]."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
