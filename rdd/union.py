"""Unions: the partitions of several RDDs one after another, or side by side when they
are partitioned alike (no shuffle either way)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.rdd.dependency import OneToOneDependency, RangeDependency
from ember.rdd.partition import ParentsPartition, Partition
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.rdd.partitioner import Partitioner
    from ember.task_context import TaskContext


class UnionRDD(RDD):
    def __init__(self, rdds: Sequence[RDD]) -> None:
        deps, start = [], 0
        for rdd in rdds:
            count = rdd.getNumPartitions()
            deps.append(RangeDependency(rdd, 0, start, count))
            start += count
        super().__init__(rdds[0].ctx, deps)
        self.rdds = list(rdds)

    def _get_partitions(self) -> list[Partition]:
        partitions = []
        for position, rdd in enumerate(self.rdds):
            for parent in rdd.partitions:
                partitions.append(ParentsPartition(len(partitions), ((position, parent),)))
        return partitions

    def compute(self, split: ParentsPartition, task_context: TaskContext) -> Iterator[Any]:
        ((position, parent),) = split.parents
        return self.rdds[position].iterator(parent, task_context)


class PartitionerAwareUnionRDD(RDD):
    """The union of RDDs partitioned the same way: partition ``i`` joins every parent's partition ``i``.

    The result keeps the shared partitioner, so a ``cogroup`` or ``join`` of RDDs that are
    already partitioned alike combines inside each partition, with no shuffle (Spark's
    PageRank keeps its links in place this way).
    """

    def __init__(self, rdds: Sequence[RDD]) -> None:
        super().__init__(rdds[0].ctx, [OneToOneDependency(rdd) for rdd in rdds])
        self.rdds = list(rdds)
        self._shared_partitioner = rdds[0].partitioner

    @property
    def partitioner(self) -> Partitioner | None:
        return self._shared_partitioner

    def _get_partitions(self) -> list[Partition]:
        parents = [rdd.partitions for rdd in self.rdds]
        return [ParentsPartition(i, tuple((position, parts[i]) for position, parts in enumerate(parents)))
                for i in range(self._shared_partitioner.num_partitions)]

    def compute(self, split: ParentsPartition, task_context: TaskContext) -> Iterator[Any]:
        return itertools.chain.from_iterable(
            self.rdds[position].iterator(parent, task_context) for position, parent in split.parents)
