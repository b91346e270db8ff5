"""``ShuffleReader``: the reduce side of a shuffle.

For one reduce partition it reads that partition's block from every map output (verifying
each block's checksum), then either streams the records, merges them by key into a dict
(with an aggregator), or sorts them by key (with a key ordering). A block that cannot be
read raises ``FetchFailedError`` naming the map output, so the scheduler can rebuild it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from operator import itemgetter

from ember.shuffle.aggregator import identity
from ember.shuffle.index_file import read_block
from ember.shuffle.serializers import Serializer, decode_batches

if TYPE_CHECKING:
    from ember.rdd.dependency import KeyOrdering
    from ember.shuffle.aggregator import Aggregator
    from ember.shuffle.block_resolver import MapOutputFiles
    from ember.task_metrics import TaskMetrics


class ShuffleReader:
    def __init__(self, shuffle_id: int, reduce_id: int,
                 map_outputs: Sequence[tuple[int, MapOutputFiles]],
                 serializer: Serializer, metrics: TaskMetrics) -> None:
        self.shuffle_id = shuffle_id
        self.reduce_id = reduce_id
        self.map_outputs = map_outputs
        self.serializer = serializer
        self.metrics = metrics

    def records(self) -> Iterator[Any]:
        """Every record of this reduce partition, map output by map output."""
        for map_id, files in self.map_outputs:
            block = read_block(files, self.reduce_id, self.shuffle_id, map_id)
            self.metrics.shuffle_bytes_read += len(block)
            yield from decode_batches(block, self.serializer)

    def read(self, aggregator: Aggregator | None, map_side_combine: bool,
             key_ordering: KeyOrdering | None) -> Iterator[Any]:
        records = self.records()
        if aggregator is not None:
            combine = aggregator.combine_combiners if map_side_combine else aggregator.combine_values
            records = iter(combine(records).items())
        if key_ordering is not None:
            key_func = key_ordering.key_func
            sort_key = itemgetter(0) if key_func is identity else (lambda kv: key_func(kv[0]))
            records = iter(sorted(records, key=sort_key, reverse=not key_ordering.ascending))
        return records
