"""Hash join of two tables, every join type, through row-index pairs.

Arrow's hash join (``pa.Table.join``) matches the key columns and returns pairs of row
indices (NULL keys never match, as in SQL); without keys every pair is a candidate (a nested
loop, generated a block of rows at a time). A residual condition filters the pairs a chunk
at a time; outer, semi and anti joins then add or keep rows by index; finally each side is
gathered with ``take`` (a NULL index yields a NULL row). Joining only keys and indices keeps Arrow's join
away from payload types it cannot carry (lists, structs) and from duplicate names.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E

__all__ = ["join_tables"]


def _key_table(table: pa.Table, keys: list[E.Expression], index_name: str) -> pa.Table:
    batch = table.combine_chunks().to_batches()
    rb = batch[0] if batch else pa.RecordBatch.from_pylist([], schema=table.schema)
    columns = {f"k{i}": E.as_array(k.eval(rb), table.num_rows) for i, k in enumerate(keys)}
    columns[index_name] = pa.array(np.arange(table.num_rows, dtype=np.int64))
    return pa.table(columns)


# Candidate pairs are filtered and gathered this many at a time, so that a join with many
# matches (or a nested-loop join) never holds every pair's rows at once, and no gathered
# column outgrows Arrow's 2 GiB limit for one string array.
_PAIRS_PER_CHUNK = 1 << 20


def _key_pairs(left: pa.Table, right: pa.Table, left_keys, right_keys) -> tuple[np.ndarray, np.ndarray]:
    lt = _key_table(left, left_keys, "__li")
    rt = _key_table(right, right_keys, "__ri")
    names = [f"k{i}" for i in range(len(left_keys))]
    joined = lt.join(rt, keys=names, join_type="inner", use_threads=False)
    return (joined.column("__li").to_numpy().astype(np.int64, copy=False),
            joined.column("__ri").to_numpy().astype(np.int64, copy=False))


def _candidate_chunks(left: pa.Table, right: pa.Table, left_keys, right_keys) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of row indices whose keys match (every pair when there are no keys), in chunks."""
    if left_keys:
        li, ri = _key_pairs(left, right, left_keys, right_keys)
        for start in range(0, len(li), _PAIRS_PER_CHUNK):
            yield li[start:start + _PAIRS_PER_CHUNK], ri[start:start + _PAIRS_PER_CHUNK]
        return
    if not right.num_rows:
        return
    rows_per_chunk = max(1, _PAIRS_PER_CHUNK // right.num_rows)
    for start in range(0, left.num_rows, rows_per_chunk):
        block = np.arange(start, min(left.num_rows, start + rows_per_chunk), dtype=np.int64)
        yield np.repeat(block, right.num_rows), np.tile(np.arange(right.num_rows, dtype=np.int64), len(block))


def _matching_pairs(left: pa.Table, right: pa.Table, left_keys, right_keys,
                    residual: E.Expression | None) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of rows that satisfy the keys and the residual condition (NULL counts as false)."""
    both_schema = pa.schema(list(left.schema) + list(right.schema))
    kept_left, kept_right = [], []
    for li, ri in _candidate_chunks(left, right, left_keys, right_keys):
        if residual is not None and len(li):
            candidates = _gather(left, right, li, ri, both_schema)
            mask = np.zeros(len(li), dtype=bool)
            offset = 0
            for batch in candidates.to_batches():
                m = pc.fill_null(E.as_array(residual.eval(batch), batch.num_rows), False)
                mask[offset: offset + batch.num_rows] = m.to_numpy(zero_copy_only=False)
                offset += batch.num_rows
            li, ri = li[mask], ri[mask]
        kept_left.append(li)
        kept_right.append(ri)
    if not kept_left:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(kept_left), np.concatenate(kept_right)


def _take(table: pa.Table, indices: Any) -> pa.Table:
    """``table.take(indices)`` a slice of indices at a time: a string column gathered whole
    could outgrow one Arrow array's 2 GiB of character data."""
    if len(indices) <= _PAIRS_PER_CHUNK:
        return table.take(indices)
    pieces = [table.take(indices[i:i + _PAIRS_PER_CHUNK]) for i in range(0, len(indices), _PAIRS_PER_CHUNK)]
    return pa.concat_tables(pieces)


def _gather(left: pa.Table, right: pa.Table, li, ri, schema: pa.Schema) -> pa.Table:
    left_part = _take(left, li)
    right_part = _take(right, ri)
    columns = list(left_part.columns) + list(right_part.columns)
    return pa.Table.from_arrays(columns, schema=schema) if columns else pa.table({})


def _unmatched(n: int, matched: np.ndarray) -> np.ndarray:
    seen = np.zeros(n, dtype=bool)
    seen[matched] = True
    return np.flatnonzero(~seen)


def join_tables(left: pa.Table, right: pa.Table, join_type: str, left_keys: list[E.Expression],
                right_keys: list[E.Expression], residual: E.Expression | None,
                output_schema: pa.Schema) -> pa.Table:
    """``left JOIN right`` of ``join_type``; keys and residual are bound to the two sides
    (residual to the concatenated ``left ++ right`` columns)."""
    li, ri = _matching_pairs(left, right, left_keys, right_keys, residual)
    if join_type == "left_semi":
        return _take(left, np.unique(li)).rename_columns(output_schema.names)
    if join_type == "left_anti":
        return _take(left, _unmatched(left.num_rows, li)).rename_columns(output_schema.names)
    left_idx = pa.array(li, pa.int64())
    right_idx = pa.array(ri, pa.int64())
    if join_type in ("left", "full"):
        missing = _unmatched(left.num_rows, li)
        left_idx = pa.concat_arrays([left_idx, pa.array(missing, pa.int64())])
        right_idx = pa.concat_arrays([right_idx, pa.nulls(len(missing), pa.int64())])
    if join_type in ("right", "full"):
        missing = _unmatched(right.num_rows, ri)
        left_idx = pa.concat_arrays([left_idx, pa.nulls(len(missing), pa.int64())])
        right_idx = pa.concat_arrays([right_idx, pa.array(missing, pa.int64())])
    return _gather(left, right, left_idx, right_idx, output_schema)


