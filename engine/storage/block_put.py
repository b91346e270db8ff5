"""``BlockPut``: cache a partition *as it is computed*, never holding more than the budget.

A ``BlockPut`` sits between a persisted RDD's ``compute`` and the task that consumes it. It
pulls the records in batches (``BatchSizer``, ~``ember.shuffle.batchBytes`` of estimated
memory each, starting small), stores each batch, then hands its records on: the consumer
runs while the block is being written, and no more than one batch is held on its behalf.

Where a batch goes depends on the storage level and on memory, as in Spark's
``MemoryStore.putIteratorAsValues`` and ``DiskStore.put``:

* memory levels *unroll*: each batch's estimated size (``sizeof_sampled``) is reserved from
  the worker's storage budget, evicting other RDDs' blocks if needed, before it is kept;
* when a reservation fails, ``MEMORY_AND_DISK`` writes what it unrolled to a disk block,
  releases that memory and streams the rest of the partition to the same block;
  ``MEMORY_ONLY`` drops what it unrolled and passes the rest through uncached, so the
  partition is recomputed next time;
* ``DISK_ONLY`` streams every batch to a disk block.

The block is committed — the memory block stored, or the disk file renamed into place — and
announced to the driver (``TaskContext.new_blocks``) only once the source is exhausted. A
consumer that stops early (``take``, ``first``) leaves the rest to ``finish()``, which the
task runner calls when the task succeeds, so a cached partition is always whole, as Spark
computes it whole. ``abort()`` undoes an unfinished put when the task fails.
"""

from __future__ import annotations

import enum
import logging
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ember.memory import sizeof_sampled
from ember.serialization.serializers import BatchSizer
from ember.storage.storage_level import StorageLevel

if TYPE_CHECKING:
    from ember.storage.block_manager import BlockManager
    from ember.storage.disk_store import DiskBlockWriter
    from ember.task_context import TaskContext

log = logging.getLogger(__name__)

BlockId = tuple[int, int]
_FIRST_BATCH = 16  # records before the first size measurement (they may be megabyte blobs)


class _Sink(enum.Enum):
    MEMORY = "memory"  # unrolling into the storage budget
    DISK = "disk"      # appending to a disk block
    NONE = "none"      # did not fit and may not go to disk: passing records through


class BlockPut:
    """One partition being cached by the running task (see the module docstring)."""

    def __init__(self, manager: BlockManager, block_id: BlockId, level: StorageLevel,
                 compute: Callable[[], Iterator[Any]], task_context: TaskContext, batch_bytes: int) -> None:
        self._manager = manager
        self.block_id = block_id
        self._level = level
        self._compute = compute
        self._source: Iterator[Any] | None = None
        self._context = task_context
        self._sizer = BatchSizer(batch_bytes, _FIRST_BATCH)
        self._sink = _Sink.MEMORY if level.useMemory else _Sink.DISK
        self._batches: list[list[Any]] = []
        self._reserved = 0
        self._writer: DiskBlockWriter | None = None
        self.done = False

    def __iter__(self) -> Iterator[Any]:
        return chain.from_iterable(self._batches_as_stored())  # records flow at C speed

    def _batches_as_stored(self) -> Iterator[list[Any]]:
        while (batch := self._next_batch()) is not None:
            yield batch

    def finish(self) -> None:
        """Store the records the consumer did not read, and commit the block."""
        while self._next_batch() is not None:
            pass

    def abort(self) -> None:
        """Forget an unfinished put: release its memory, delete its partial file."""
        if self.done:
            return
        self.done = True
        self._drop_unrolled()
        if self._writer is not None:
            self._writer.abort()

    def _next_batch(self) -> list[Any] | None:
        if self.done:
            return None
        if self._source is None:
            self._source = iter(self._compute())
        batch = list(islice(self._source, self._sizer.records))
        if not batch:
            self._commit()
            return None
        self._store(batch)
        return batch

    def _store(self, batch: list[Any]) -> None:
        # Batches are sized by their estimated bytes in memory, whatever the sink: that is
        # what the consumer waits on, and compressed bytes would say little about it.
        size = sizeof_sampled(batch)
        self._sizer.observe(len(batch), size)
        if self._sink is _Sink.MEMORY:
            if self._manager.reserve_unroll_memory(size, self.block_id[0]):
                self._reserved += size
                self._batches.append(batch)
                return
            self._spill_unrolled()
        if self._sink is _Sink.DISK:
            if self._writer is None:
                self._writer = self._manager.disk.writer(self.block_id)
            self._writer.write(batch)

    def _spill_unrolled(self) -> None:
        """The partition outgrew memory: move what was unrolled to disk, or give up caching it."""
        unrolled = self._batches
        self._drop_unrolled()
        if not self._level.useDisk:
            self._sink = _Sink.NONE
            log.debug("block %s does not fit in memory; not cached", self.block_id)
            return
        self._sink = _Sink.DISK
        self._writer = self._manager.disk.writer(self.block_id)
        for batch in unrolled:
            self._writer.write(batch)
        log.debug("block %s does not fit in memory; cached on disk", self.block_id)

    def _drop_unrolled(self) -> None:
        self._batches = []
        self._manager.release_unroll_memory(self._reserved)
        self._reserved = 0

    def _commit(self) -> None:
        self.done = True
        if self._sink is _Sink.MEMORY:
            self._manager.store_unrolled(self.block_id, self._batches, self._reserved, self._level)
            self._batches, self._reserved = [], 0
        elif self._sink is _Sink.DISK:
            if self._writer is None:  # an empty partition
                self._writer = self._manager.disk.writer(self.block_id)
            self._writer.commit()
            self._context.metrics.cache_disk_bytes_written += self._writer.bytes_written
        else:
            return
        self._context.new_blocks.append(self.block_id)
