"""``UnionRDD``: the partitions of several RDDs, one after another (no shuffle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.rdd.dependency import RangeDependency
from ember.rdd.partition import ParentsPartition, Partition
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
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
