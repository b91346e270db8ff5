"""``ZippedRDD``: records of two RDDs paired by position, partition by partition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from ember.errors import EmberValueError
from ember.rdd.dependency import OneToOneDependency
from ember.rdd.partition import ParentsPartition, Partition
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.task_context import TaskContext

_MISSING = object()


class ZippedRDD(RDD):
    def __init__(self, left: RDD, right: RDD) -> None:
        if left.getNumPartitions() != right.getNumPartitions():
            raise EmberValueError(
                f"can only zip RDDs with the same number of partitions: {left} has "
                f"{left.getNumPartitions()}, {right} has {right.getNumPartitions()}")
        super().__init__(left.ctx, [OneToOneDependency(left), OneToOneDependency(right)])
        self.left, self.right = left, right

    def _get_partitions(self) -> list[Partition]:
        return [ParentsPartition(i, ((0, a), (1, b)))
                for i, (a, b) in enumerate(zip(self.left.partitions, self.right.partitions))]

    def compute(self, split: ParentsPartition, task_context: TaskContext) -> Iterator[Any]:
        (_, left_part), (_, right_part) = split.parents
        left = self.left.iterator(left_part, task_context)
        right = self.right.iterator(right_part, task_context)
        for a in left:
            b = next(right, _MISSING)
            if b is _MISSING:
                raise EmberValueError(self._mismatch(split.index))
            yield (a, b)
        if next(right, _MISSING) is not _MISSING:
            raise EmberValueError(self._mismatch(split.index))

    def _mismatch(self, index: int) -> str:
        return (f"can only zip RDDs with the same number of elements in each partition; "
                f"partition {index} differs between {self.left} and {self.right}")
