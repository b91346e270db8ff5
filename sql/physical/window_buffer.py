"""``WindowBuffer``: a task's window input, held in memory or spilled to disk by window partition.

Window functions need each window partition whole (and sorted). The buffer keeps incoming
batches while the task's ``MemoryBudget`` grants their Arrow size. When it does not, and the
window has PARTITION BY keys, it spills "grace hash" style: every buffered and every later
batch is split by a hash of the partition keys into ``buckets`` Arrow IPC files in the task's
spill directory, so each window partition lands whole in one file. ``groups()`` then hands
the files back one at a time, and the caller sorts and evaluates one bucket at a time instead
of the whole task partition.

A bucket read back that is still larger than the budget is split again the same way on other
bits of the hash, up to ``_MAX_LEVELS`` deep (so one huge window partition costs a few extra
passes, then is held whole). Without PARTITION BY keys the input is a single window partition
and cannot be split: it stays in memory (Spark's row buffer would spill it and read it back
row by row; here the evaluation needs it in memory). ``spill_count`` and
``bytes_spilled`` are kept on the instance and added to the task's metrics; every spill file
is removed when its bucket has been read, or by ``close()``.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pyarrow as pa

from ember.memory import MemoryConsumer
from ember.sql import expressions as E
from ember.sql.physical.batches import to_table
from ember.sql.physical.exchange import hash_columns, split_by_partition

if TYPE_CHECKING:
    from ember.memory import TaskMemory
    from ember.task_metrics import TaskMetrics

__all__ = ["WindowBuffer"]

log = logging.getLogger(__name__)

_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
_MAX_LEVELS = 4  # bucket splits (each uses 5 more bits of the 64-bit hash)


class WindowBuffer:
    """Collects a task's rows for a window operator; ``groups()`` yields tables of whole window partitions."""

    def __init__(self, schema: pa.Schema, partition_spec: list[E.Expression], memory: TaskMemory,
                 metrics: TaskMetrics | None = None, buckets: int = 16, level: int = 0) -> None:
        self.schema = schema
        self.partition_spec = partition_spec
        self.memory = memory
        self.metrics = metrics
        self.buckets = buckets
        self.level = level
        self.consumer = MemoryConsumer(memory.budget)
        self.spill_count = 0
        self.bytes_spilled = 0
        self._batches: list[pa.RecordBatch] = []
        self._bytes = 0
        self._files: list[tuple[str, pa.RecordBatchStreamWriter, object]] | None = None

    def add(self, batch: pa.RecordBatch) -> None:
        if not batch.num_rows:
            return
        if self._files is not None:
            self._write(batch)
            return
        self._batches.append(batch)
        self._bytes += batch.nbytes
        # Without partition keys the rows cannot be split: they are accounted for but kept.
        if not self.consumer.grow_to(self._bytes) and self.partition_spec:
            self._spill()

    def _spill(self) -> None:
        self._files = []
        for _ in range(self.buckets):
            fd, path = self.memory.new_spill_file("window-")
            sink = os.fdopen(fd, "wb")
            self._files.append((path, pa.ipc.new_stream(sink, self.schema, options=_IPC_OPTIONS), sink))
        for batch in self._batches:
            self._write(batch)
        log.debug("window buffer spilled %d bytes of batches into %d buckets", self._bytes, self.buckets)
        self._batches, self._bytes = [], 0
        self.consumer.release_all()
        self.spill_count += 1
        if self.metrics is not None:
            self.metrics.spill_count += 1

    def _write(self, batch: pa.RecordBatch) -> None:
        keys = [E.as_array(k.eval(batch), batch.num_rows) for k in self.partition_spec]
        # The exchange chose this task by the hash modulo the partition count: use other bits,
        # and other ones again at each level of splitting.
        shift = np.uint64(32 + 5 * self.level)
        bucket = ((hash_columns(keys) >> shift) % np.uint64(self.buckets)).astype(np.int64)
        for index, piece in split_by_partition(batch, bucket, self.buckets):
            self._files[index][1].write_batch(piece)

    def groups(self) -> Iterator[pa.Table]:
        """The buffered rows as tables that each hold whole window partitions (one per bucket)."""
        if self._files is None:
            table = to_table(self._batches, self.schema)
            self._batches = []
            if table.num_rows:
                yield table
            self.consumer.release_all()
            return
        try:
            for _, writer, sink in self._files:
                writer.close()
                sink.close()
            for path, _, _ in self._files:
                size = os.path.getsize(path)
                self.bytes_spilled += size
                if self.metrics is not None:
                    self.metrics.bytes_spilled += size
            for path, _, _ in self._files:
                with pa.OSFile(path, "rb") as source:
                    table = pa.ipc.open_stream(source).read_all()
                os.remove(path)
                if table.num_rows:
                    yield from self._split_further(table)
        finally:
            self.close()

    def _split_further(self, table: pa.Table) -> Iterator[pa.Table]:
        """A bucket still larger than the budget, split again on other bits of the hash."""
        if self.level + 1 >= _MAX_LEVELS or table.nbytes <= self.memory.budget.capacity:
            yield table
            return
        inner = WindowBuffer(self.schema, self.partition_spec, self.memory, self.metrics, self.buckets, self.level + 1)
        try:
            for batch in table.to_batches():
                inner.add(batch)
            yield from inner.groups()
        finally:
            inner.close()
            self.spill_count += inner.spill_count
            self.bytes_spilled += inner.bytes_spilled

    def close(self) -> None:
        for path, writer, sink in self._files or []:
            if not sink.closed:
                writer.close()
                sink.close()
            if os.path.exists(path):
                os.remove(path)
        self._files = None if self._files is None else []
        self._batches = []
        self.consumer.release_all()
