"""The driver's record of which executor caches which RDD partition.

The scheduler uses it to send a task to the worker holding its cached input, and forgets
an executor's blocks when the executor is lost (they are recomputed from lineage).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

BlockId = tuple[int, int]


class BlockManagerMaster:
    def __init__(self) -> None:
        self._executors_by_block: dict[BlockId, set[str]] = defaultdict(set)

    def update(self, executor_id: str, added: Iterable[BlockId], dropped: Iterable[BlockId]) -> None:
        for block_id in added:
            self._executors_by_block[tuple(block_id)].add(executor_id)
        for block_id in dropped:
            self._discard(tuple(block_id), executor_id)

    def locations(self, rdd_id: int, split: int) -> set[str]:
        return self._executors_by_block.get((rdd_id, split), set())

    def remove_executor(self, executor_id: str) -> None:
        for block_id in list(self._executors_by_block):
            self._discard(block_id, executor_id)

    def remove_rdd(self, rdd_id: int) -> None:
        for block_id in [b for b in self._executors_by_block if b[0] == rdd_id]:
            del self._executors_by_block[block_id]

    def cached_partitions(self, rdd_id: int) -> int:
        return sum(1 for b, holders in self._executors_by_block.items() if b[0] == rdd_id and holders)

    def _discard(self, block_id: BlockId, executor_id: str) -> None:
        holders = self._executors_by_block.get(block_id)
        if holders is not None:
            holders.discard(executor_id)
            if not holders:
                del self._executors_by_block[block_id]
