"""``ShuffleReader``: the reduce side of a shuffle.

For one reduce partition it reads that partition's block from every map output through a
``BlockFetcher`` (local files, or other executors; every block's checksum verified), then either streams the records, merges them by key (with an
aggregator: an ``ExternalAggregator``), or sorts them by key (with a key ordering: an
``ExternalSorter``). Both work batch by batch on the decoded shuffle batches and spill to
the task's spill directory when the task's ``MemoryBudget`` says so; with room to spare
they are one dict loop and one sort, as without spilling. A block that cannot be read
raises ``FetchFailedError`` naming the map output, so the scheduler can rebuild it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.memory import TaskMemory
from ember.shuffle.external_aggregator import ExternalAggregator
from ember.shuffle.external_sorter import ExternalSorter
from ember.shuffle.fetch import LOCAL_FILES, BlockFetcher
from ember.serialization.frames import iter_frames
from ember.serialization.serializers import Serializer, decode_batches

if TYPE_CHECKING:
    from ember.rdd.dependency import KeyOrdering
    from ember.shuffle.aggregator import Aggregator
    from ember.shuffle.block_resolver import MapOutputFiles
    from ember.task_metrics import TaskMetrics


class ShuffleReader:
    def __init__(self, shuffle_id: int, reduce_id: int,
                 map_outputs: Sequence[tuple[int, MapOutputFiles]],
                 serializer: Serializer, metrics: TaskMetrics,
                 memory: TaskMemory | None = None, *, spill_every_n_records: int | None = None,
                 fetcher: BlockFetcher | None = None) -> None:
        self.shuffle_id = shuffle_id
        self.reduce_id = reduce_id
        self.map_outputs = map_outputs
        self.serializer = serializer
        self.metrics = metrics
        self.memory = memory if memory is not None else TaskMemory.unbounded()
        self.spill_every = spill_every_n_records
        self.fetcher = fetcher if fetcher is not None else LOCAL_FILES

    def _blocks(self) -> Iterator[bytes]:
        for block in self.fetcher.blocks(self.shuffle_id, self.reduce_id, self.map_outputs):
            self.metrics.shuffle_bytes_read += len(block)
            yield block

    def records(self) -> Iterator[Any]:
        """Every record of this reduce partition, map output by map output."""
        for block in self._blocks():
            yield from decode_batches(block, self.serializer)

    def batches(self) -> Iterator[list[Any]]:
        """The records of this reduce partition as the decoded batches they travelled in."""
        loads = self.serializer.loads
        for block in self._blocks():
            for payload in iter_frames(block):
                yield loads(payload)

    def read(self, aggregator: Aggregator | None, map_side_combine: bool,
             key_ordering: KeyOrdering | None) -> Iterator[Any]:
        if aggregator is None and key_ordering is None:
            return self.records()
        records: Iterator[Any] | None = None
        if aggregator is not None:
            combiner = ExternalAggregator(aggregator, self.memory, self.serializer, metrics=self.metrics,
                                          spill_every_n_records=self.spill_every)
            insert = combiner.insert_combiner_batch if map_side_combine else combiner.insert_value_batch
            try:
                for batch in self.batches():
                    insert(batch)
            except BaseException:
                combiner.close()
                raise
            records = combiner.items()
        if key_ordering is not None:
            records = self._sorted(records, key_ordering)
        return records

    def _sorted(self, records: Iterator[Any] | None, key_ordering: KeyOrdering) -> Iterator[Any]:
        sorter = ExternalSorter(self.memory, self.serializer, key_ordering.key_func, key_ordering.ascending,
                                metrics=self.metrics, spill_every_n_records=self.spill_every)
        try:
            if records is None:
                for batch in self.batches():
                    sorter.insert_batch(batch)
            else:
                sorter.insert_all(records)
        except BaseException:
            sorter.close()
            raise
        return sorter.sorted_records()
