"""``ShuffleWriter``: the map side of a shuffle.

Algorithm: optionally combine the map task's (key, value) pairs into one combiner per key
(an ``ExternalAggregator``: a dict that spills sorted runs when it outgrows the task's
memory budget), then route each record to its reduce partition's bucket; a bucket that
reaches the current batch size is serialized (pickle, lz4) into a framed chunk right
away, so at most one batch per partition is held as live objects. The chunks are held
in memory while their total fits the task's ``MemoryBudget``; when it does not, every
partition's chunks are appended to one spill file, partition by partition, remembering
each partition's (offset, length) segment, and dropped from memory. At the end every
partition's block — its spilled segments in spill order, then its chunks still in
memory — is written in partition order as one data file plus an index (``index_file``),
and the spill files are removed (also when the task fails). The returned sizes, one per
reduce partition, go to the map-output tracker.
"""

from __future__ import annotations

import itertools
import operator
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Protocol, Sequence

from ember.errors import EmberTypeError
from ember.memory import MemoryConsumer, TaskMemory
from ember.shuffle.external_aggregator import ExternalAggregator
from ember.shuffle.external_sorter import RunFiles, SpillMetrics
from ember.serialization.frames import frame
from ember.shuffle.index_file import write_map_output
from ember.serialization.serializers import BatchSizer, Serializer

_ROUTING_BATCH = 4096
_COPY_BYTES = 1 << 20
_key_of = operator.itemgetter(0)


def scatter_python(records: list[Any], ids: list[int], buckets: list[list[Any]]) -> None:
    """Append each record to ``buckets[its id]``: the fallback for, and the reference of,
    ``_loops.scatter``."""
    appenders = [bucket.append for bucket in buckets]
    for index, record in zip(ids, records):
        appenders[index](record)


try:
    from ember.shuffle._loops import scatter
except ImportError:  # installed without a C compiler
    scatter = scatter_python


class PartitionIds(Protocol):
    """What the writer needs of a partitioner (``ember.rdd.partitioner``), without importing rdd."""

    num_partitions: int

    def partition_ids(self, keys: Sequence[Any]) -> list[int]: ...


if TYPE_CHECKING:
    from ember.shuffle.aggregator import Aggregator
    from ember.shuffle.block_resolver import ShuffleBlockResolver
    from ember.task_metrics import TaskMetrics


class ShuffleWriter(SpillMetrics):
    def __init__(self, shuffle_id: int, map_id: int, partitioner: PartitionIds,
                 resolver: ShuffleBlockResolver,
                 serializer: Serializer, batch_bytes: int, metrics: TaskMetrics,
                 memory: TaskMemory | None = None, *, spill_every_n_records: int | None = None) -> None:
        self.shuffle_id = shuffle_id
        self.map_id = map_id
        self.num_partitions = partitioner.num_partitions
        self.partitioner = partitioner
        self.resolver = resolver
        self.serializer = serializer
        self.sizer = BatchSizer(batch_bytes)
        self.metrics = metrics
        self.memory = memory if memory is not None else TaskMemory.unbounded()
        self.spill_every = spill_every_n_records
        self.files = RunFiles(self.memory, serializer, "map-", metrics)
        self._segments: list[list[tuple[str, int, int]]] = [[] for _ in range(self.num_partitions)]

    def write(self, records: Iterable[Any], aggregator: Aggregator | None,
              map_side_combine: bool, attempt_suffix: str) -> list[int]:
        """Write this map task's output; returns the byte size of each reduce block."""
        head, rest = _first_pair(iter(records))
        combiner = None
        try:
            if map_side_combine:
                combiner = ExternalAggregator(aggregator, self.memory, self.serializer, metrics=self.metrics,
                                              spill_every_n_records=self.spill_every)
                combiner.insert_value_batch(list(head))
                combiner.insert_values(rest)
                records = combiner.items()
            else:
                records = itertools.chain(head, rest)
            chunks = self._partition_into_chunks(records)
            blocks = [self._block(index, chunks[index]) for index in range(self.num_partitions)]
            self.resolver.ensure_shuffle_dir(self.shuffle_id)
            sizes = write_map_output(self.resolver.files_for(self.shuffle_id, self.map_id), blocks,
                                     attempt_suffix)
        finally:
            if combiner is not None:
                combiner.close()
            self.files.close()
        self.metrics.shuffle_bytes_written += sum(sizes)
        return sizes

    def _partition_into_chunks(self, records: Iterable[Any]) -> list[list[bytes]]:
        count = self.num_partitions
        chunks: list[list[bytes]] = [[] for _ in range(count)]
        buckets: list[list[Any]] = [[] for _ in range(count)]
        consumer = MemoryConsumer(self.memory.budget)
        written = held = since_spill = 0
        try:
            while batch := list(itertools.islice(records, _ROUTING_BATCH)):
                written += len(batch)
                if count == 1:
                    buckets[0].extend(batch)
                else:
                    scatter(batch, self.partitioner.partition_ids(list(map(_key_of, batch))), buckets)
                limit = self.sizer.records
                for index, bucket in enumerate(buckets):
                    if len(bucket) >= limit:
                        chunk = self._encode(bucket)
                        chunks[index].append(chunk)
                        held += len(chunk)
                        bucket.clear()
                since_spill += len(batch)
                if self.spill_every is not None:
                    must_spill = since_spill >= self.spill_every
                else:
                    must_spill = not consumer.grow_to(held)
                if must_spill and held:
                    self._spill_chunks(chunks, held)
                    consumer.release_all()
                    held = since_spill = 0
        finally:
            consumer.release_all()
        for index, bucket in enumerate(buckets):
            if bucket:
                chunks[index].append(self._encode(bucket))
        self.metrics.records_written += written
        return chunks

    def _spill_chunks(self, chunks: list[list[bytes]], held: int) -> None:
        """Append every partition's chunks to a new spill file and drop them from memory."""
        out, path = self.files.new_file()
        offset = 0
        with out:
            for index, partition_chunks in enumerate(chunks):
                if not partition_chunks:
                    continue
                length = 0
                for chunk in partition_chunks:
                    out.write(chunk)
                    length += len(chunk)
                self._segments[index].append((path, offset, length))
                offset += length
                partition_chunks.clear()
        self.files.count_spill(offset)

    def _block(self, index: int, chunks: list[bytes]):
        """Partition ``index``'s block: its spilled segments in order, then its chunks in memory."""
        if not self._segments[index]:
            return chunks
        return self._spilled_block(self._segments[index], chunks)

    @staticmethod
    def _spilled_block(segments: list[tuple[str, int, int]], chunks: list[bytes]):
        for path, offset, length in segments:
            with open(path, "rb") as spilled:
                spilled.seek(offset)
                while length > 0:
                    piece = spilled.read(min(length, _COPY_BYTES))
                    if not piece:
                        raise OSError(f"shuffle spill file {path} is shorter than written")
                    length -= len(piece)
                    yield piece
        yield from chunks

    def _encode(self, batch: list[Any]) -> bytes:
        data = self.serializer.dumps(batch)
        self.sizer.observe(len(batch), len(data))
        return frame(data)


_NO_RECORD = object()


def _first_pair(records: Iterator[Any]) -> tuple[tuple[Any, ...], Iterator[Any]]:
    """Check the first record is a (key, value) pair, so a mistake fails with a clear message.

    Returns the first record (as a 0- or 1-tuple) and the rest, kept apart so the
    per-record loops do not pay for a ``chain``.
    """
    first = next(records, _NO_RECORD)
    if first is _NO_RECORD:
        return (), records
    if not (isinstance(first, (tuple, list)) and len(first) == 2):
        raise EmberTypeError(
            f"this operation shuffles by key and needs (key, value) pairs, but got a record "
            f"of type {type(first).__name__}: {first!r:.80}")
    return (first,), records
