"""Where a reduce task's blocks come from: the ``BlockFetcher`` protocol.

A reduce task reads one block per map output. On one machine every executor shares the
session directory, so ``LocalFiles`` reads each block by path. An executor on a cluster
reads the blocks written on its own node the same way and fetches the others from the
executors that wrote them (``ember.executor.ray_executor``); either way every block's checksum is
verified before a record of it is decoded.
"""

from __future__ import annotations

from typing import Iterator, Protocol, Sequence

from ember.shuffle.block_resolver import MapOutputFiles
from ember.shuffle.index_file import read_block


class BlockFetcher(Protocol):
    def blocks(self, shuffle_id: int, reduce_id: int,
               map_outputs: Sequence[tuple[int, MapOutputFiles]]) -> Iterator[bytes]:
        """Reduce partition ``reduce_id``'s block of every map output, verified.

        Raises ``FetchFailedError`` naming the first map output that cannot be read.
        """
        ...


class LocalFiles:
    """Read every block from the files at the paths the driver gave."""

    def blocks(self, shuffle_id: int, reduce_id: int,
               map_outputs: Sequence[tuple[int, MapOutputFiles]]) -> Iterator[bytes]:
        for map_id, files in map_outputs:
            yield read_block(files, reduce_id, shuffle_id, map_id)


LOCAL_FILES = LocalFiles()
