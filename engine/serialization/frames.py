"""Length-prefixed frames: the byte layout of shuffle files, cached blocks on disk and batches.

Everything that sits in a shuffle file or a disk block is a *frame*: a little-endian
length followed by that many bytes. This module and the driver–worker channel
(``ember.executor.channel``) are the only places that know byte layouts; nobody else
calls ``struct``.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, Iterator

_U32 = struct.Struct("<I")


def write_frame(stream: BinaryIO, payload: bytes | memoryview) -> int:
    """Write one frame to a file; returns the bytes written including the header."""
    stream.write(_U32.pack(len(payload)))
    stream.write(payload)
    return _U32.size + len(payload)


def frame(payload: bytes) -> bytes:
    """One frame: the payload behind its length."""
    return _U32.pack(len(payload)) + payload


def iter_frames(buffer: bytes | memoryview):
    """Yield the payloads of consecutive frames in ``buffer``, zero-copy."""
    view = memoryview(buffer)
    offset, end = 0, len(view)
    while offset < end:
        (length,) = _U32.unpack_from(view, offset)
        offset += _U32.size
        if offset + length > end:
            raise ValueError(f"truncated frame: {length} bytes announced, {end - offset} present")
        yield view[offset:offset + length]
        offset += length


def read_frames(stream: BinaryIO) -> Iterator[bytes]:
    """Yield the payloads of consecutive frames in a file, one frame per read (streaming)."""
    while True:
        head = stream.read(_U32.size)
        if not head:
            return
        if len(head) < _U32.size:
            raise ValueError(f"truncated frame header: {len(head)} of {_U32.size} bytes")
        (length,) = _U32.unpack(head)
        payload = stream.read(length)
        if len(payload) < length:
            raise ValueError(f"truncated frame: {length} bytes announced, {len(payload)} present")
        yield payload


def pack_offsets(offsets: list[int]) -> bytes:
    return struct.pack(f"<{len(offsets)}Q", *offsets)


def unpack_offsets(data: bytes, count: int, start: int = 0) -> tuple[int, ...]:
    return struct.unpack_from(f"<{count}Q", data, start)


def pack_checksums(checksums: list[int]) -> bytes:
    return struct.pack(f"<{len(checksums)}I", *checksums)


def unpack_checksums(data: bytes, count: int, start: int) -> tuple[int, ...]:
    return struct.unpack_from(f"<{count}I", data, start)
