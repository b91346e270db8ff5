"""Partitioners: which reduce partition a key goes to.

``portable_hash`` is deterministic in every process without ``PYTHONHASHSEED``: strings
and bytes hash with crc32 (Python's own ``hash`` of a string differs per process), and
tuples combine their elements' portable hashes, so a key lands in the same partition on
every worker and on the driver (``lookup`` relies on it).
"""

from __future__ import annotations

import bisect
import zlib
from typing import Any, Callable, Sequence

from ember.shuffle.aggregator import identity


_crc32 = zlib.crc32


def portable_hash(value: Any) -> int:
    """A hash that is the same in every Python process.

    Examples
    --------
    >>> portable_hash("ember") == portable_hash("ember")
    True
    >>> portable_hash(None)
    0
    """
    kind = type(value)
    if kind is str:
        return zlib.crc32(value.encode("utf-8", "surrogatepass"))
    if kind is int:
        return hash(value)
    if value is None:
        return 0
    if kind is tuple:
        combined = 0x345678
        for element in value:
            combined ^= portable_hash(element)
            combined = (combined * 1000003) & 0xFFFFFFFFFFFFFFFF
        return combined ^ len(value)
    if kind is bytes:
        return zlib.crc32(value)
    if isinstance(value, str):
        return portable_hash(str(value))
    return hash(value)


class Partitioner:
    num_partitions: int

    def __call__(self, key: Any) -> int:
        raise NotImplementedError

    def partition_ids(self, keys: Sequence[Any]) -> list[int]:
        """The partition of each key; subclasses override this with a faster batch form."""
        return [self(key) for key in keys]


class HashPartitioner(Partitioner):
    """``partition_func(key) % num_partitions``: PySpark's ``partitionBy`` rule."""

    __slots__ = ("num_partitions", "partition_func")

    def __init__(self, num_partitions: int, partition_func: Callable[[Any], int] = portable_hash) -> None:
        if num_partitions <= 0:
            raise ValueError(f"number of partitions must be positive, got {num_partitions}")
        self.num_partitions = num_partitions
        self.partition_func = partition_func

    def __call__(self, key: Any) -> int:
        return self.partition_func(key) % self.num_partitions

    def partition_ids(self, keys: Sequence[Any]) -> list[int]:
        count, func = self.num_partitions, self.partition_func
        if func is portable_hash:  # portable_hash's str and int cases inline: no call per key
            return [(_crc32(k.encode("utf-8", "surrogatepass")) if type(k) is str
                     else hash(k) if type(k) is int else portable_hash(k)) % count for k in keys]
        return [func(k) % count for k in keys]

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, HashPartitioner) and other.num_partitions == self.num_partitions
                and other.partition_func is self.partition_func)

    def __hash__(self) -> int:
        return hash((self.num_partitions, id(self.partition_func)))

    def __repr__(self) -> str:
        return f"HashPartitioner({self.num_partitions})"


class RangePartitioner(Partitioner):
    """Keys in sorted ranges split by ``bounds`` (sampled from the data by ``sortByKey``)."""

    __slots__ = ("bounds", "ascending", "key_func", "num_partitions")

    def __init__(self, bounds: Sequence[Any], ascending: bool, key_func: Callable[[Any], Any]) -> None:
        self.bounds = list(bounds)
        self.ascending = ascending
        self.key_func = key_func
        self.num_partitions = len(self.bounds) + 1

    def __call__(self, key: Any) -> int:
        position = bisect.bisect_left(self.bounds, self.key_func(key))
        return position if self.ascending else self.num_partitions - 1 - position

    def partition_ids(self, keys: Sequence[Any]) -> list[int]:
        bounds, func = self.bounds, self.key_func
        positions = ([bisect.bisect_left(bounds, k) for k in keys] if func is identity
                     else [bisect.bisect_left(bounds, func(k)) for k in keys])
        if self.ascending:
            return positions
        last = self.num_partitions - 1
        return [last - p for p in positions]

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RangePartitioner) and other.bounds == self.bounds
                and other.ascending == self.ascending and other.key_func is self.key_func)

    def __hash__(self) -> int:
        return hash((len(self.bounds), self.ascending))

    def __repr__(self) -> str:
        return f"RangePartitioner({self.num_partitions})"
