"""Memory accounting by estimated bytes (never process RSS, which is noisy and platform-bound)."""

from __future__ import annotations

import sys
from typing import Any, Sequence

_SAMPLE = 64


def estimate_size(records: Sequence[Any]) -> int:
    """Estimate the bytes a list of records holds, from a sample of up to 64 records."""
    count = len(records)
    if count == 0:
        return sys.getsizeof(records)
    step = max(1, count // _SAMPLE)
    sample = records[::step]
    per_record = sum(_deep_size(r) for r in sample) / len(sample)
    return int(sys.getsizeof(records) + per_record * count)


def _deep_size(value: Any) -> int:
    size = sys.getsizeof(value)
    if isinstance(value, (tuple, list)):
        size += sum(sys.getsizeof(v) for v in value)
    elif isinstance(value, dict):
        size += sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in value.items())
    return size


class MemoryBudget:
    """A pool of bytes that consumers reserve before holding data and release after."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0

    def try_reserve(self, size: int) -> bool:
        if self.used + size > self.capacity:
            return False
        self.used += size
        return True

    def release(self, size: int) -> None:
        self.used = max(0, self.used - size)

    @property
    def free(self) -> int:
        return self.capacity - self.used
