"""``DiskStore``: a worker's cached partitions on disk, as files of framed record batches.

A disk block is one file, ``rdd_<rdd id>_<partition>``, in the worker's block directory
under the session's private scratch directory (mode 0700, files 0600). It holds the
partition's records as consecutive frames (``ember.serialization.frames``), each one batch of
records serialized by the session's record serializer, so a block is written batch by batch
as it is computed and read back the same way: neither side ever holds the whole partition.

A block is written under a temporary name and renamed into place by ``commit``, so a
reader never sees half a block, and an aborted write leaves nothing behind.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO, Iterator

from ember.serialization.frames import read_frames, write_frame
from ember.serialization.serializers import Serializer

BlockId = tuple[int, int]


class DiskBlockWriter:
    """Appends record batches to one block's temporary file; ``commit`` publishes it."""

    def __init__(self, store: DiskStore, block_id: BlockId) -> None:
        self._store = store
        self.block_id = block_id
        self._temporary = store.path(block_id) + ".tmp"
        descriptor = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._handle: BinaryIO | None = os.fdopen(descriptor, "wb")
        self.bytes_written = 0

    def write(self, batch: list[Any]) -> int:
        """Append one batch; returns its serialized size."""
        data = self._store.serializer.dumps(batch)
        self.bytes_written += write_frame(self._handle, data)
        return len(data)

    def commit(self) -> None:
        self._handle.close()
        self._handle = None
        os.replace(self._temporary, self._store.path(self.block_id))
        self._store.blocks.add(self.block_id)

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        try:
            os.remove(self._temporary)
        except FileNotFoundError:
            pass


class DiskStore:
    """The disk blocks of one worker: which exist, where they are, how to read them."""

    def __init__(self, directory: str, serializer: Serializer) -> None:
        self.directory = directory
        self.serializer = serializer
        self.blocks: set[BlockId] = set()

    def path(self, block_id: BlockId) -> str:
        return os.path.join(self.directory, f"rdd_{block_id[0]}_{block_id[1]}")

    def writer(self, block_id: BlockId) -> DiskBlockWriter:
        """A writer for a new block (the directory is created on first use)."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        return DiskBlockWriter(self, block_id)

    def write(self, block_id: BlockId, batches: list[list[Any]]) -> None:
        """Store batches already in memory (a memory block evicted to disk)."""
        writer = self.writer(block_id)
        try:
            for batch in batches:
                writer.write(batch)
        except BaseException:
            writer.abort()
            raise
        writer.commit()

    def read(self, block_id: BlockId) -> Iterator[Any] | None:
        """The block's records, streamed batch by batch, or None when it is not on disk."""
        if block_id not in self.blocks:
            return None
        try:
            handle = open(self.path(block_id), "rb")
        except FileNotFoundError:  # deleted behind our back: recompute it
            self.blocks.discard(block_id)
            return None
        return self._records(handle)

    def _records(self, handle: BinaryIO) -> Iterator[Any]:
        loads = self.serializer.loads
        with handle:
            for payload in read_frames(handle):
                yield from loads(payload)

    def remove(self, block_id: BlockId) -> bool:
        """Delete one block; returns whether it was on disk."""
        if block_id not in self.blocks:
            return False
        self.blocks.discard(block_id)
        try:
            os.remove(self.path(block_id))
        except FileNotFoundError:
            pass
        return True

    def remove_rdd(self, rdd_id: int) -> None:
        for block_id in [b for b in self.blocks if b[0] == rdd_id]:
            self.remove(block_id)
