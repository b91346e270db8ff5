"""The map-output file format: one data file plus one index file per map task.

The data file is the concatenation of every reduce partition's block, in partition
order; a block is a run of framed, serialized record batches. The index file holds
``num_partitions + 1`` little-endian u64 offsets into the data file (block ``r`` spans
``offsets[r]:offsets[r+1]``) followed by one crc32 per block, so a reader detects a
corrupted block instead of decoding garbage.
"""

from __future__ import annotations

import os
import zlib
from typing import Sequence

from ember.errors import FetchFailedError
from ember.shuffle.block_resolver import MapOutputFiles
from ember.serialization.frames import pack_checksums, pack_offsets, unpack_checksums, unpack_offsets


def write_map_output(files: MapOutputFiles, blocks: Sequence[Sequence[bytes]], suffix: str) -> list[int]:
    """Write every partition's block and the index; returns the block sizes in bytes.

    ``blocks[r]`` is the list of framed chunks of reduce partition ``r``. Both files are
    written under ``suffix`` and renamed into place, the index last.
    """
    offsets, checksums = [0], []
    tmp_data, tmp_index = files.data_path + suffix, files.index_path + suffix
    with open(tmp_data, "wb", buffering=1 << 20) as out:
        for chunks in blocks:
            checksum = 0
            for chunk in chunks:
                out.write(chunk)
                checksum = zlib.crc32(chunk, checksum)
            offsets.append(out.tell())
            checksums.append(checksum)
    with open(tmp_index, "wb") as out:
        out.write(pack_offsets(offsets))
        out.write(pack_checksums(checksums))
    os.replace(tmp_data, files.data_path)
    os.replace(tmp_index, files.index_path)
    return [end - start for start, end in zip(offsets, offsets[1:])]


def index_size(num_partitions: int) -> int:
    """Bytes in the index of a map output with ``num_partitions`` blocks."""
    return (num_partitions + 1) * 8 + num_partitions * 4


def looks_intact(files: MapOutputFiles, sizes: Sequence[int]) -> bool:
    """Whether both files of a map output exist with the sizes it was written with.

    Two ``stat`` calls, no reading: it finds deleted and truncated files, not bytes
    changed in place (the block checksums catch those when the block is read).
    """
    try:
        return (os.stat(files.index_path).st_size == index_size(len(sizes))
                and os.stat(files.data_path).st_size == sum(sizes))
    except OSError:
        return False


def read_block(files: MapOutputFiles, reduce_id: int, shuffle_id: int, map_id: int) -> bytes:
    """Read and verify reduce partition ``reduce_id``'s block of one map output."""
    return read_checked_block(files, reduce_id, shuffle_id, map_id)[0]


def read_checked_block(files: MapOutputFiles, reduce_id: int, shuffle_id: int, map_id: int) -> tuple[bytes, int]:
    """Read and verify one block; returns it with its crc32, for a reader on another node to check again.

    Raises ``FetchFailedError`` when a file is missing, truncated or corrupted, so the
    scheduler can rebuild that map output from lineage. Any other ``OSError`` (no
    permission, a directory in a file's place, a failing disk) is not something a rebuild
    fixes: it is raised as itself, with a note naming the block, and fails the task.
    """
    where = f"shuffle {shuffle_id} map {map_id} block for reduce partition {reduce_id}"

    def failed(reason: str) -> FetchFailedError:
        return FetchFailedError(f"cannot read {where}: {reason}", shuffle_id, map_id, reduce_id)

    try:
        with open(files.index_path, "rb") as index:
            header = index.read()
        num_partitions = (len(header) - 8) // 12
        if not 0 <= reduce_id < num_partitions or len(header) != index_size(num_partitions):
            raise failed(f"index of {len(header)} bytes has no block {reduce_id} (truncated or corrupted)")
        offsets = unpack_offsets(header, 2, reduce_id * 8)
        (expected,) = unpack_checksums(header, 1, (num_partitions + 1) * 8 + reduce_id * 4)
        if offsets[0] == offsets[1]:
            return b"", expected
        if offsets[0] > offsets[1]:
            raise failed(f"index corrupted (block {reduce_id} ends before it starts)")
        with open(files.data_path, "rb") as data:
            if offsets[1] > os.fstat(data.fileno()).st_size:
                raise failed("data file shorter than its index says (truncated, or the index corrupted)")
            data.seek(offsets[0])
            block = data.read(offsets[1] - offsets[0])
    except FileNotFoundError as exc:
        raise failed(f"file missing ({exc.filename})") from None
    except OSError as exc:
        exc.add_note(f"while reading {where}")
        raise
    if len(block) != offsets[1] - offsets[0] or zlib.crc32(block) != expected:
        raise failed(f"shuffle block corrupted (checksum mismatch in {files.data_path})")
    return block, expected


def verify_fetched_block(block: bytes, checksum: int, shuffle_id: int, map_id: int, reduce_id: int,
                         source: str) -> bytes:
    """Check a block fetched from another executor against the checksum its index holds."""
    if zlib.crc32(block) != checksum:
        raise FetchFailedError(f"shuffle {shuffle_id} map {map_id} block for reduce partition {reduce_id} "
                               f"fetched from executor {source} is corrupted (checksum mismatch)",
                               shuffle_id, map_id, reduce_id)
    return block
