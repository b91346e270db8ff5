"""Dependencies between RDDs: the edges of the lineage graph.

A narrow dependency maps each child partition to a few parent partitions and is
pipelined inside one task; a ``ShuffleDependency`` needs every parent partition and cuts
a stage boundary. The DAG scheduler cuts stages by dependency *type* alone.

A ``ShuffleDependency`` does not pickle its parent RDD: reduce tasks read the shuffle's
files, never its lineage, so a stage binary stops at the shuffle boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ember.shuffle.aggregator import Aggregator

if TYPE_CHECKING:
    from ember.rdd.partitioner import Partitioner
    from ember.rdd.rdd import RDD


class Dependency:
    """An edge to a parent RDD. ``is_shuffle`` is how everyone asks whether it cuts a stage."""

    __slots__ = ("rdd",)
    is_shuffle = False

    def __init__(self, rdd: RDD) -> None:
        self.rdd = rdd


class NarrowDependency(Dependency):
    __slots__ = ()

    def get_parents(self, partition_index: int) -> list[int]:
        raise NotImplementedError


class OneToOneDependency(NarrowDependency):
    __slots__ = ()

    def get_parents(self, partition_index: int) -> list[int]:
        return [partition_index]


class RangeDependency(NarrowDependency):
    """Child partitions ``[out_start, out_start+length)`` are parent partitions from ``in_start``."""

    __slots__ = ("in_start", "out_start", "length")

    def __init__(self, rdd: RDD, in_start: int, out_start: int, length: int) -> None:
        super().__init__(rdd)
        self.in_start, self.out_start, self.length = in_start, out_start, length

    def get_parents(self, partition_index: int) -> list[int]:
        if self.out_start <= partition_index < self.out_start + self.length:
            return [partition_index - self.out_start + self.in_start]
        return []


class ManyToOneDependency(NarrowDependency):
    """Each child partition reads an explicit list of parent partitions (coalesce, zip)."""

    __slots__ = ("parents_of",)

    def __init__(self, rdd: RDD, parents_of: Callable[[int], list[int]]) -> None:
        super().__init__(rdd)
        self.parents_of = parents_of

    def get_parents(self, partition_index: int) -> list[int]:
        return self.parents_of(partition_index)


@dataclass(frozen=True, slots=True)
class KeyOrdering:
    """Sort reduce output by ``key_func(key)``, ascending or not."""

    ascending: bool
    key_func: Callable[[Any], Any]


class ShuffleDependency(Dependency):
    """All partitions of ``rdd``, repartitioned by key with ``partitioner``.

    ``map_side_combine`` needs an ``aggregator``: the map side then writes one combiner per
    key and the reduce side merges combiners, otherwise the reduce side merges values.
    """

    _FIELDS = ("shuffle_id", "partitioner", "aggregator", "map_side_combine", "key_ordering")
    __slots__ = _FIELDS + ("__weakref__",)  # the driver's shuffle cleaner watches it
    is_shuffle = True

    def __init__(self, rdd: RDD, shuffle_id: int, partitioner: Partitioner,
                 aggregator: Aggregator | None = None, map_side_combine: bool = False,
                 key_ordering: KeyOrdering | None = None) -> None:
        if map_side_combine and aggregator is None:
            raise ValueError("map-side combine needs an aggregator")
        super().__init__(rdd)
        self.shuffle_id = shuffle_id
        self.partitioner = partitioner
        self.aggregator = aggregator
        self.map_side_combine = map_side_combine
        self.key_ordering = key_ordering

    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in self._FIELDS}

    def __setstate__(self, state: dict) -> None:
        self.rdd = None
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"ShuffleDependency(shuffle_id={self.shuffle_id}, {self.partitioner!r})"
