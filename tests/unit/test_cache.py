"""The memory-bounded store: bounded by bytes, not by an entry count a catalogue exceeds."""

import numpy as np

from chiapp.cache import MemoryBoundedCache, nbytes


def test_cache_holds_a_catalogue_and_evicts_least_recently_used_by_bytes():
    big = MemoryBoundedCache(budget_bytes=64 * 1024 * 1024)
    for i in range(20_000):  # more molecules than the 8,192 entries of the descriptor caches
        big.put(i, ("C" * 20, np.zeros(120)))
    assert len(big) == 20_000 and big.size_bytes <= big.budget_bytes

    small = MemoryBoundedCache(budget_bytes=10 * (nbytes(np.zeros(100)) + 200))
    for i in range(10):
        small.put(i, np.zeros(100))
    assert small.get(0) is not None          # touched: now the most recently used
    small.put(10, np.zeros(100))
    assert 0 in small and 1 not in small and 10 in small
    assert small.size_bytes <= small.budget_bytes
    small.put("huge", np.zeros(100_000))     # larger than the whole budget: not kept, nothing lost
    assert "huge" not in small and len(small) == 10
