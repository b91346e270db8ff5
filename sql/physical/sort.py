"""Sorting and limiting a partition.

Arrow's sort takes one NULL placement for all keys, while Spark places NULLs per key (first
for ascending, last for descending by default). Each key is therefore preceded by a boolean
"is null" key sorted in the direction that puts NULLs where that key wants them. Arrow also
puts NaN last in both directions, while Spark orders it as the largest value, so a floating
key gets an "is NaN" key too.
"""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E
from ember.sql.physical.batches import compact, to_table

__all__ = ["sort_keys", "order_values", "sort_table", "sort_partition", "limit_batches"]


def sort_keys(columns: list[pa.Array], orders: list[E.SortOrder]) -> tuple[dict[str, pa.Array], list[tuple[str, str]]]:
    """Key columns and Arrow sort keys that order rows of ``columns`` (one per order) as Spark does."""
    keys: dict[str, pa.Array] = {}
    spec: list[tuple[str, str]] = []
    for i, (value, order) in enumerate(zip(columns, orders)):
        keys[f"n{i}"] = pc.is_null(value)
        keys[f"v{i}"] = value
        spec.append((f"n{i}", "descending" if order.nulls_go_first else "ascending"))
        if pa.types.is_floating(value.type):  # NaN is the largest value (Arrow puts it last either way)
            keys[f"nan{i}"] = pc.is_nan(value)
            spec.append((f"nan{i}", "ascending" if order.ascending else "descending"))
        spec.append((f"v{i}", "ascending" if order.ascending else "descending"))
    return keys, spec


def order_values(batch: pa.RecordBatch, orders: list[E.SortOrder]) -> list[pa.Array]:
    return [E.as_array(o.child.eval(batch), batch.num_rows) for o in orders]


def sort_table(table: pa.Table, orders: list[E.SortOrder]) -> pa.Table:
    if table.num_rows <= 1 or not orders:
        return table
    batch = table.combine_chunks().to_batches()[0]
    keys, spec = sort_keys(order_values(batch, orders), orders)
    return table.take(pc.sort_indices(pa.table(keys), sort_keys=spec))


def sort_partition(batches: Iterator[pa.RecordBatch], schema: pa.Schema,
                   orders: list[E.SortOrder]) -> Iterator[pa.RecordBatch]:
    table = sort_table(to_table(batches, schema), orders)
    yield from table.combine_chunks().to_batches()


def limit_batches(batches: Iterator[pa.RecordBatch], n: int) -> Iterator[pa.RecordBatch]:
    """The first ``n`` rows; stops pulling input once it has them."""
    remaining = n
    for batch in batches:
        if remaining <= 0:
            return
        if batch.num_rows > remaining:
            batch = compact(batch.slice(0, remaining))
        remaining -= batch.num_rows
        yield batch
