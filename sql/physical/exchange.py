"""Map-side half of an exchange: a partition id per row, then one split per batch.

Partition ids must agree across processes and runs, so they come from our own hash, never
Python's ``hash()``: integers (and dates, booleans, float bit patterns) go through a
multiply-shift mix in numpy; strings and binaries are hashed over the Arrow data buffer with
a per-byte polynomial summed per row (``np.add.reduceat``), then mixed with their length.
NULLs hash to a fixed value. A batch is then split with one stable ``argsort`` of the ids (a
radix sort, as 8- or 16-bit integers) and one ``take``, then one zero-copy slice per target
partition (not one filter per target).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E

__all__ = ["hash_columns", "hash_partition_ids", "direct_partition_ids", "split_by_partition"]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_NULL_HASH = np.uint64(0x5BD1E995)
_BYTE_BASE = np.uint64(1099511628211)  # FNV prime


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x * _MIX
        x ^= x >> np.uint64(29)
        x = x * _MIX
        return x ^ (x >> np.uint64(32))


def _hash_bytes(array: pa.Array) -> np.ndarray:
    if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type):
        offsets_type = np.int64
    else:
        offsets_type = np.int32
    n = len(array)
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=offsets_type, count=n + 1, offset=array.offset * np.dtype(offsets_type).itemsize).astype(np.int64)
    start, end = offsets[0], offsets[-1]
    data = (np.frombuffer(buffers[2], dtype=np.uint8, count=end - start, offset=start).astype(np.uint64)
            if buffers[2] is not None and end > start else np.zeros(0, np.uint64))
    lengths = np.diff(offsets)
    out = lengths.astype(np.uint64)
    if len(data):
        row_of_byte = np.repeat(np.arange(n), lengths)
        position = np.arange(len(data), dtype=np.int64) - (offsets[:-1] - start)[row_of_byte]
        max_len = int(lengths.max())
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(max_len, _BYTE_BASE, dtype=np.uint64)) if max_len else np.zeros(0, np.uint64)
            weighted = (data + np.uint64(1)) * powers[position]
            nonempty = lengths > 0
            sums = np.zeros(n, dtype=np.uint64)
            sums[nonempty] = np.add.reduceat(weighted, (offsets[:-1] - start)[nonempty])
            out = out ^ sums
    return _mix(out)


def _hash_array(array: pa.Array) -> np.ndarray:
    t = array.type
    if pa.types.is_dictionary(t):
        array = array.cast(t.value_type)
        t = array.type
    if pa.types.is_string(t) or pa.types.is_binary(t) or pa.types.is_large_string(t) or pa.types.is_large_binary(t):
        hashed = _hash_bytes(array)
    elif pa.types.is_floating(t):
        values = pc.fill_null(array.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        values = np.where(values == 0.0, 0.0, values)  # -0.0 and 0.0 are equal keys
        values = np.where(np.isnan(values), np.nan, values)
        hashed = _mix(values.view(np.uint64))
    elif pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_date(t) or pa.types.is_timestamp(t):
        if pa.types.is_date32(t):
            array = array.cast(pa.int32())  # Arrow casts a date to int32 only
        storage = array.cast(pa.int64()) if array.type != pa.int64() else array
        values = pc.fill_null(storage, 0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        hashed = _mix(values.view(np.uint64))
    elif pa.types.is_struct(t):
        hashed = hash_columns([array.field(i) for i in range(t.num_fields)]) if t.num_fields else np.zeros(
            len(array), np.uint64)
    else:
        hashed = _hash_bytes(array.cast(pa.string()))
    if array.null_count:
        valid = pc.is_valid(array).to_numpy(zero_copy_only=False)
        hashed = np.where(valid, hashed, _NULL_HASH)
    return hashed


def hash_columns(arrays: list[pa.Array]) -> np.ndarray:
    """One 64-bit hash per row over all ``arrays``, combined in order."""
    n = len(arrays[0])
    h = np.zeros(n, dtype=np.uint64)
    for array in arrays:
        with np.errstate(over="ignore"):
            h = _mix(h * np.uint64(31) + _hash_array(array))
    return h


def hash_partition_ids(batch: pa.RecordBatch, keys: list[E.Expression], num_partitions: int) -> np.ndarray:
    arrays = [E.as_array(k.eval(batch), batch.num_rows) for k in keys]
    return (hash_columns(arrays) % np.uint64(num_partitions)).astype(np.int64)


def direct_partition_ids(batch: pa.RecordBatch, partition_id: E.Expression, num_partitions: int) -> np.ndarray:
    """``repartitionById``: each row's own id, taken modulo the partition count (never negative);
    a NULL id goes to partition 0, as in Spark."""
    ids = E.as_array(partition_id.eval(batch), batch.num_rows).fill_null(0)
    return np.mod(ids.to_numpy(zero_copy_only=False).astype(np.int64), num_partitions)


def _narrowest(pids: np.ndarray, num_partitions: int) -> np.ndarray:
    """``pids`` as 8- or 16-bit integers when they fit: numpy's stable sort of those is a
    radix sort, ~15x faster than its merge sort of int64s (1 M rows: 5 ms against 80)."""
    if num_partitions <= 1 << 8:
        return pids.astype(np.uint8, copy=False)
    if num_partitions <= 1 << 16:
        return pids.astype(np.uint16, copy=False)
    return pids


def split_by_partition(batch: pa.RecordBatch, pids: np.ndarray,
                       num_partitions: int) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(pid, rows of batch for pid)`` for each non-empty target partition.

    One stable sort by partition id and one ``take``, then a zero-copy slice per target
    (measured ~70 M rows/s, against one filter per target). The slices share the sorted
    batch's buffers; ``ArrowIPC`` writes only each slice's own rows when it is shuffled.
    """
    if batch.num_rows == 0:
        return
    order = np.argsort(_narrowest(pids, num_partitions), kind="stable")
    ordered = batch.take(pa.array(order))
    counts = np.bincount(pids, minlength=num_partitions)
    start = 0
    for pid, count in enumerate(counts):
        if count:
            yield int(pid), ordered.slice(start, int(count))
            start += int(count)