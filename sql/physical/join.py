"""Hash join of two tables, every join type, through row-index pairs.

Arrow's hash join (``pa.Table.join``) matches the key columns and returns pairs of row
indices (NULL keys never match, as in SQL). A residual condition filters the pairs; outer,
semi and anti joins then add or keep rows by index; finally each side is gathered with one
``take`` (a NULL index yields a NULL row). Joining only keys and indices keeps Arrow's join
away from payload types it cannot carry (lists, structs) and from duplicate names.
"""

from __future__ import annotations

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


def _pairs(left: pa.Table, right: pa.Table, left_keys, right_keys) -> tuple[np.ndarray, np.ndarray]:
    if not left_keys:
        li = np.repeat(np.arange(left.num_rows, dtype=np.int64), right.num_rows)
        ri = np.tile(np.arange(right.num_rows, dtype=np.int64), left.num_rows)
        return li, ri
    lt = _key_table(left, left_keys, "__li")
    rt = _key_table(right, right_keys, "__ri")
    names = [f"k{i}" for i in range(len(left_keys))]
    joined = lt.join(rt, keys=names, join_type="inner", use_threads=True)
    return (joined.column("__li").to_numpy().astype(np.int64, copy=False),
            joined.column("__ri").to_numpy().astype(np.int64, copy=False))


def _gather(left: pa.Table, right: pa.Table, li, ri, schema: pa.Schema) -> pa.Table:
    left_part = left.take(li)
    right_part = right.take(ri)
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
    li, ri = _pairs(left, right, left_keys, right_keys)
    if residual is not None and len(li):
        both_schema = pa.schema(list(left.schema) + list(right.schema))
        candidates = _gather(left, right, pa.array(li), pa.array(ri), both_schema)
        mask = np.zeros(len(li), dtype=bool)
        offset = 0
        for batch in candidates.to_batches():
            m = pc.fill_null(E.as_array(residual.eval(batch), batch.num_rows), False)
            mask[offset: offset + batch.num_rows] = m.to_numpy(zero_copy_only=False)
            offset += batch.num_rows
        li, ri = li[mask], ri[mask]
    if join_type == "left_semi":
        return left.take(pa.array(np.unique(li))).rename_columns(output_schema.names)
    if join_type == "left_anti":
        return left.take(pa.array(_unmatched(left.num_rows, li))).rename_columns(output_schema.names)
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


