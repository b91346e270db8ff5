"""``CoalescedRDD``: fewer partitions by grouping neighbouring parent partitions."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterator

from ember.rdd.dependency import ManyToOneDependency
from ember.rdd.partition import ParentsPartition, Partition
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.task_context import TaskContext


def _group_bounds(parent_count: int, group_count: int) -> list[range]:
    groups = min(group_count, parent_count) or 1
    return [range(i * parent_count // groups, (i + 1) * parent_count // groups) for i in range(groups)]


class CoalescedRDD(RDD):
    def __init__(self, prev: RDD, num_partitions: int) -> None:
        self.groups = _group_bounds(prev.getNumPartitions(), num_partitions)
        groups = self.groups
        super().__init__(prev.ctx, [ManyToOneDependency(prev, lambda i: list(groups[i]))])
        self.prev = prev

    def _get_partitions(self) -> list[Partition]:
        parents = self.prev.partitions
        return [ParentsPartition(i, tuple((0, parents[j]) for j in group))
                for i, group in enumerate(self.groups)]

    def compute(self, split: ParentsPartition, task_context: TaskContext) -> Iterator[Any]:
        return itertools.chain.from_iterable(
            self.prev.iterator(parent, task_context) for _, parent in split.parents)
