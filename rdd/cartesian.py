"""``CartesianRDD``: every pair of records of two RDDs, one partition per pair of partitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from ember.rdd.dependency import ManyToOneDependency
from ember.rdd.partition import ParentsPartition, Partition
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.task_context import TaskContext


class CartesianRDD(RDD):
    def __init__(self, left: RDD, right: RDD) -> None:
        right_count = right.getNumPartitions()
        super().__init__(left.ctx, [
            ManyToOneDependency(left, lambda i: [i // right_count]),
            ManyToOneDependency(right, lambda i: [i % right_count]),
        ])
        self.left, self.right = left, right

    def _get_partitions(self) -> list[Partition]:
        rights = self.right.partitions
        return [ParentsPartition(i * len(rights) + j, ((0, a), (1, b)))
                for i, a in enumerate(self.left.partitions) for j, b in enumerate(rights)]

    def compute(self, split: ParentsPartition, task_context: TaskContext) -> Iterator[Any]:
        (_, left_part), (_, right_part) = split.parents
        right_records = list(self.right.iterator(right_part, task_context))
        for a in self.left.iterator(left_part, task_context):
            for b in right_records:
                yield (a, b)
