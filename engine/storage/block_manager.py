"""``BlockManager``: a worker's cached RDD partitions, in memory and on disk.

Blocks are whole partitions keyed by ``(rdd_id, partition)``. A miss is cached by a
``BlockPut`` (``block_put.py``) *while* the task consumes it: memory levels unroll the
records batch by batch under the storage budget, and a partition that outgrows it goes to
disk (``MEMORY_AND_DISK``, ``DISK_ONLY``, in ``disk_store.py``) or is not cached
(``MEMORY_ONLY``: recomputed next time), so caching never holds a whole partition beyond
the budget. The memory store is an LRU of lists of record batches, counted in estimated
bytes: making room evicts the least recently used blocks of *other* RDDs, writing them to
disk when their level allows and dropping them otherwise. Disk blocks live in the worker's
directory under the session's private scratch directory.

Checklist when changing this class: every block the driver was told about (through
``TaskContext.new_blocks``) and that later disappears must be reported through
``take_dropped``; every ``BlockPut`` of a task ends in ``finish_puts`` or ``abort_puts``.
"""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from ember.storage.block_put import BlockPut
from ember.storage.disk_store import DiskStore
from ember.memory import MemoryBudget
from ember.serialization.serializers import Serializer
from ember.storage.storage_level import StorageLevel

if TYPE_CHECKING:
    from ember.rdd.partition import Partition
    from ember.rdd.rdd import RDD
    from ember.task_context import TaskContext

log = logging.getLogger(__name__)

BlockId = tuple[int, int]


@dataclass(slots=True)
class _MemoryBlock:
    batches: list[list[Any]]
    size: int
    level: StorageLevel


class BlockManager:
    """One worker's cache: the memory LRU, the disk store and the running task's puts."""

    def __init__(self, directory: str, capacity: int, serializer: Serializer, batch_bytes: int) -> None:
        self.directory = directory
        self.budget = MemoryBudget(capacity)
        self.disk = DiskStore(directory, serializer)
        self.batch_bytes = batch_bytes
        self._memory: OrderedDict[BlockId, _MemoryBlock] = OrderedDict()
        self._puts: dict[BlockId, BlockPut] = {}  # the running task's unfinished puts, outermost first
        self.dropped: list[BlockId] = []
        self.memory_releases = 0  # blocks whose records left memory: the worker's GC looks again

    def get_or_compute(self, rdd: RDD, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        """The cached records of this partition; on a miss, computed and cached as they stream by."""
        block_id = (rdd.id_, split.index)
        records = self.get(block_id)
        if records is not None:
            task_context.metrics.cache_hits += 1
            return records
        if block_id in self._puts:  # asked twice in one task while being cached (rdd.zip(rdd))
            return rdd.compute_uncached(split, task_context)
        # Registered before computing, so a consumer's put is finished before its source's.
        put = BlockPut(self, block_id, rdd.getStorageLevel(),
                       lambda: rdd.compute_uncached(split, task_context), task_context, self.batch_bytes)
        self._puts[block_id] = put
        return iter(put)

    def get(self, block_id: BlockId) -> Iterator[Any] | None:
        """The block's records (streamed from disk when it is there), or None on a miss."""
        block = self._memory.get(block_id)
        if block is not None:
            self._memory.move_to_end(block_id)
            return itertools.chain.from_iterable(block.batches)
        return self.disk.read(block_id)

    def finish_puts(self) -> None:
        """Cache the rest of every partition the task did not read to the end (it succeeded)."""
        puts, self._puts = list(self._puts.values()), {}
        try:
            for put in puts:
                put.finish()
        except BaseException:
            for put in puts:
                put.abort()
            raise

    def abort_puts(self) -> None:
        """Undo the unfinished puts of a task that failed (no-op after ``finish_puts``)."""
        puts, self._puts = list(self._puts.values()), {}
        for put in puts:
            put.abort()

    # --- used by BlockPut ----------------------------------------------------------

    def reserve_unroll_memory(self, size: int, rdd_id: int) -> bool:
        """Reserve ``size`` bytes for a block being unrolled, evicting other RDDs' blocks if needed."""
        return self._make_room(size, rdd_id) and self.budget.try_reserve(size)

    def release_unroll_memory(self, size: int) -> None:
        self.budget.release(size)

    def store_unrolled(self, block_id: BlockId, batches: list[list[Any]], size: int, level: StorageLevel) -> None:
        """Keep a fully unrolled block in memory; its ``size`` bytes are already reserved."""
        self._memory[block_id] = _MemoryBlock(batches, size, level)

    # --- removal -------------------------------------------------------------------

    def remove_block(self, block_id: BlockId) -> None:
        """Forget one block wherever it is stored."""
        block = self._memory.pop(block_id, None)
        if block is not None:
            self._release(block)
        self.disk.remove(block_id)
        self.dropped.append(block_id)

    def remove_rdd(self, rdd_id: int) -> None:
        for block_id in [b for b in self._memory if b[0] == rdd_id]:
            self._release(self._memory.pop(block_id))
        self.disk.remove_rdd(rdd_id)

    def take_dropped(self) -> list[BlockId]:
        """Blocks dropped since the last call (the driver stops expecting them here)."""
        dropped, self.dropped = self.dropped, []
        return dropped

    def _make_room(self, size: int, rdd_id: int) -> bool:
        """Evict least recently used blocks of *other* RDDs until ``size`` bytes are free.

        As in Spark, blocks of the same RDD are never evicted for each other: caching an
        RDD larger than memory keeps the partitions that fit instead of thrashing through
        them. Returns False, evicting nothing, when even that cannot make room.
        """
        if self.budget.free >= size:
            return True
        evictable = sum(b.size for bid, b in self._memory.items() if bid[0] != rdd_id)
        if self.budget.free + evictable < size:
            return False
        for block_id in [bid for bid in self._memory if bid[0] != rdd_id]:
            if self.budget.free >= size:
                break
            block = self._memory.pop(block_id)
            self._release(block)
            if block.level.useDisk:
                self.disk.write(block_id, block.batches)
            else:
                self.dropped.append(block_id)
                log.debug("dropped cached block %s to free memory", block_id)
        return True

    def _release(self, block: _MemoryBlock) -> None:
        self.budget.release(block.size)
        self.memory_releases += 1
