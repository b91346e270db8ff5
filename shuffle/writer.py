"""``ShuffleWriter``: the map side of a shuffle.

Algorithm: optionally combine the map task's (key, value) pairs into one combiner per key
(a dict), then route each record to its reduce partition's bucket; a bucket that reaches
the current batch size is serialized (pickle, lz4) into a framed chunk right away, so at
most one batch per partition is held as live objects. At the end every partition's
chunks are written in partition order as one data file plus an index (``index_file``).
The returned sizes, one per reduce partition, go to the map-output tracker.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

from ember.errors import EmberTypeError
from ember.shuffle.framing import frame
from ember.shuffle.index_file import write_map_output
from ember.shuffle.serializers import BatchSizer, Serializer

_ROUTING_BATCH = 4096


class PartitionIds(Protocol):
    """What the writer needs of a partitioner (``ember.rdd.partitioner``), without importing rdd."""

    num_partitions: int

    def partition_ids(self, keys: Sequence[Any]) -> list[int]: ...


if TYPE_CHECKING:
    from ember.shuffle.aggregator import Aggregator
    from ember.shuffle.block_resolver import ShuffleBlockResolver
    from ember.task_metrics import TaskMetrics


class ShuffleWriter:
    def __init__(self, shuffle_id: int, map_id: int, partitioner: PartitionIds,
                 resolver: ShuffleBlockResolver,
                 serializer: Serializer, batch_bytes: int, metrics: TaskMetrics) -> None:
        self.shuffle_id = shuffle_id
        self.map_id = map_id
        self.num_partitions = partitioner.num_partitions
        self.partitioner = partitioner
        self.resolver = resolver
        self.serializer = serializer
        self.sizer = BatchSizer(batch_bytes)
        self.metrics = metrics

    def write(self, records: Iterable[Any], aggregator: Aggregator | None,
              map_side_combine: bool, attempt_suffix: str) -> list[int]:
        """Write this map task's output; returns the byte size of each reduce block."""
        records = _require_pairs(iter(records))
        if map_side_combine:
            records = iter(aggregator.combine_values(records).items())
        chunks = self._partition_into_chunks(records)
        self.resolver.ensure_shuffle_dir(self.shuffle_id)
        sizes = write_map_output(self.resolver.files_for(self.shuffle_id, self.map_id), chunks,
                                 attempt_suffix)
        self.metrics.shuffle_bytes_written += sum(sizes)
        return sizes

    def _partition_into_chunks(self, records: Iterable[Any]) -> list[list[bytes]]:
        count = self.num_partitions
        chunks: list[list[bytes]] = [[] for _ in range(count)]
        buckets: list[list[Any]] = [[] for _ in range(count)]
        appenders = [bucket.append for bucket in buckets]
        written = 0
        while batch := list(itertools.islice(records, _ROUTING_BATCH)):
            written += len(batch)
            if count == 1:
                buckets[0].extend(batch)
            else:
                for index, record in zip(self.partitioner.partition_ids([r[0] for r in batch]), batch):
                    appenders[index](record)
            limit = self.sizer.records
            for index, bucket in enumerate(buckets):
                if len(bucket) >= limit:
                    chunks[index].append(self._encode(bucket))
                    bucket.clear()
        for index, bucket in enumerate(buckets):
            if bucket:
                chunks[index].append(self._encode(bucket))
        self.metrics.records_written += written
        return chunks

    def _encode(self, batch: list[Any]) -> bytes:
        data = self.serializer.dumps(batch)
        self.sizer.observe(len(batch), len(data))
        return frame(data)


_NO_RECORD = object()


def _require_pairs(records: Iterable[Any]):
    """Check the first record is a (key, value) pair, so a mistake fails with a clear message."""
    iterator = iter(records)
    first = next(iterator, _NO_RECORD)
    if first is _NO_RECORD:
        return iterator
    if not (isinstance(first, (tuple, list)) and len(first) == 2):
        raise EmberTypeError(
            f"this operation shuffles by key and needs (key, value) pairs, but got a record "
            f"of type {type(first).__name__}: {first!r:.80}")
    return itertools.chain((first,), iterator)
