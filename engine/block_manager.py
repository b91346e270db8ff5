"""``BlockManager``: a worker's cached RDD partitions, in memory and on disk.

Blocks are whole partitions (lists of records) keyed by ``(rdd_id, partition)``. The
memory store is an LRU under a byte budget (estimated sizes): storing a block evicts the
least recently used blocks of other RDDs until it fits, writing them to disk when their
level allows (``MEMORY_AND_DISK``) and dropping them otherwise. A block that cannot fit
that way is not cached in memory; it goes to disk if allowed, else it is recomputed next
time. Disk blocks are pickle files in the worker's private directory.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from ember.memory import MemoryBudget, sizeof_sampled
from ember.storage_level import StorageLevel

if TYPE_CHECKING:
    from ember.rdd.partition import Partition
    from ember.rdd.rdd import RDD
    from ember.task_context import TaskContext

log = logging.getLogger(__name__)

BlockId = tuple[int, int]


@dataclass(slots=True)
class _MemoryBlock:
    records: list[Any]
    size: int
    level: StorageLevel


class BlockManager:
    def __init__(self, directory: str, capacity: int) -> None:
        self.directory = directory
        self.budget = MemoryBudget(capacity)
        self._memory: OrderedDict[BlockId, _MemoryBlock] = OrderedDict()
        self._disk: set[BlockId] = set()
        self.dropped: list[BlockId] = []
        self.memory_releases = 0  # blocks whose records left memory: the worker's GC looks again

    def get_or_compute(self, rdd: RDD, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        """The cached records of this partition, computing and storing them on a miss."""
        block_id = (rdd.id_, split.index)
        records = self.get(block_id)
        if records is not None:
            task_context.metrics.cache_hits += 1
            return iter(records)
        records = list(rdd._compute_uncached(split, task_context))
        if self.put(block_id, records, rdd.getStorageLevel()):
            task_context.new_blocks.append(block_id)
        return iter(records)

    def get(self, block_id: BlockId) -> list[Any] | None:
        block = self._memory.get(block_id)
        if block is not None:
            self._memory.move_to_end(block_id)
            return block.records
        if block_id in self._disk:
            try:
                with open(self._path(block_id), "rb") as handle:
                    return pickle.load(handle)
            except FileNotFoundError:
                self._disk.discard(block_id)
        return None

    def put(self, block_id: BlockId, records: list[Any], level: StorageLevel) -> bool:
        """Store a block at ``level``; returns whether it is stored anywhere."""
        if level.useMemory:
            size = sizeof_sampled(records)
            if self._make_room(size, block_id[0]):
                self.budget.try_reserve(size)
                self._memory[block_id] = _MemoryBlock(records, size, level)
                return True
        if level.useDisk:
            self._write_disk(block_id, records)
            return True
        return False

    def remove_block(self, block_id: BlockId) -> None:
        """Forget one block wherever it is stored."""
        block = self._memory.pop(block_id, None)
        if block is not None:
            self._release(block)
        if block_id in self._disk:
            self._disk.discard(block_id)
            try:
                os.remove(self._path(block_id))
            except FileNotFoundError:
                pass
        self.dropped.append(block_id)

    def remove_rdd(self, rdd_id: int) -> None:
        for block_id in [b for b in self._memory if b[0] == rdd_id]:
            self._release(self._memory.pop(block_id))
        for block_id in [b for b in self._disk if b[0] == rdd_id]:
            self._disk.discard(block_id)
            try:
                os.remove(self._path(block_id))
            except FileNotFoundError:
                pass

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
        evictable = sum(b.size for bid, b in self._memory.items() if bid[0] != rdd_id)
        if self.budget.free + evictable < size:
            return False
        for block_id in [bid for bid in self._memory if bid[0] != rdd_id]:
            if self.budget.free >= size:
                break
            block = self._memory.pop(block_id)
            self._release(block)
            if block.level.useDisk:
                self._write_disk(block_id, block.records)
            else:
                self.dropped.append(block_id)
                log.debug("dropped cached block %s to free memory", block_id)
        return True

    def _release(self, block: _MemoryBlock) -> None:
        self.budget.release(block.size)
        self.memory_releases += 1

    def _write_disk(self, block_id: BlockId, records: list[Any]) -> None:
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        temporary = self._path(block_id) + ".tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(records, handle, protocol=5)
        os.replace(temporary, self._path(block_id))
        self._disk.add(block_id)

    def _path(self, block_id: BlockId) -> str:
        return os.path.join(self.directory, f"rdd_{block_id[0]}_{block_id[1]}")
