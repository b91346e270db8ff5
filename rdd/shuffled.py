"""``ShuffledRDD``: the reduce side of a shuffle.

Its ``compute`` reads one reduce partition from every map task's output file, merges
values or combiners by key when there is an aggregator, and sorts by key when asked.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Iterator

from ember.memory import TaskMemory
from ember.rdd.dependency import KeyOrdering, ShuffleDependency
from ember.rdd.partition import Partition
from ember.rdd.rdd import RDD
from ember.shuffle.aggregator import Aggregator
from ember.shuffle.reader import ShuffleReader

if TYPE_CHECKING:
    from ember.rdd.partitioner import Partitioner
    from ember.task_context import TaskContext


class ShuffledRDD(RDD):
    def __init__(self, prev: RDD, partitioner: Partitioner, aggregator: Aggregator | None = None,
                 map_side_combine: bool = False, key_ordering: KeyOrdering | None = None) -> None:
        dependency = ShuffleDependency(prev, prev.ctx.new_shuffle_id(), partitioner, aggregator,
                                       map_side_combine, key_ordering)
        super().__init__(prev.ctx, [dependency])
        self.shuffle_dependency = dependency
        # When the driver drops the last reference to the dependency, its files can go
        # (Spark's ContextCleaner). Copies unpickled on workers register nothing.
        weakref.finalize(dependency, prev.ctx.release_shuffle, dependency.shuffle_id)
        self._partitioner = partitioner

    def _get_partitions(self) -> list[Partition]:
        return [Partition(i) for i in range(self._partitioner.num_partitions)]

    @property
    def partitioner(self) -> Partitioner | None:
        return self._partitioner

    def compute(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        dep = self.shuffle_dependency
        reader = ShuffleReader(dep.shuffle_id, split.index, task_context.shuffle_inputs(dep.shuffle_id),
                               task_context.record_serializer, task_context.metrics,
                               TaskMemory.of(task_context), fetcher=task_context.block_fetcher)
        return reader.read(dep.aggregator, dep.map_side_combine, dep.key_ordering)
