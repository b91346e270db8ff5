"""Range partitioning for a global sort: sample the sort keys, cut bounds, route each row.

Like Spark's ``RangePartitioner``: every input partition contributes a seeded random sample
of its rows' sort keys (so a re-run routes rows the same way); the driver sorts the samples
and takes ``n - 1`` evenly spaced rows as bounds. A row goes to the number of bounds that sort
before it, found for a whole batch at once by sorting the batch's keys together with the
bounds (bounds first among equal keys, so equal keys always land in the same partition).
Partition ``i`` then holds only keys between bounds ``i - 1`` and ``i``; sorting each partition
sorts the whole.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E
from ember.sql.physical.sort import order_values, sort_keys

__all__ = ["sample_keys", "choose_bounds", "range_partition_ids"]


def sample_keys(index: int, batches: Iterator[pa.RecordBatch], orders: list[E.SortOrder],
                per_partition: int) -> Iterator[pa.Table]:
    """Up to ``per_partition`` rows' sort keys (columns ``k0..``), sampled with seed ``index``."""
    tables = [pa.table({f"k{i}": v for i, v in enumerate(order_values(b, orders))}) for b in batches if b.num_rows]
    if not tables:
        return
    keys = pa.concat_tables(tables)
    if keys.num_rows > per_partition:
        chosen = np.sort(np.random.default_rng(index).choice(keys.num_rows, per_partition, replace=False))
        keys = keys.take(pa.array(chosen))
    yield keys


def choose_bounds(samples: list[pa.Table], orders: list[E.SortOrder], num_partitions: int) -> pa.Table | None:
    """``num_partitions - 1`` bound rows, or ``None`` when there is nothing to split."""
    samples = [s for s in samples if s.num_rows]
    if not samples or num_partitions <= 1:
        return None
    keys = pa.concat_tables(samples).combine_chunks()
    columns, spec = sort_keys([keys.column(i).combine_chunks() for i in range(len(orders))], orders)
    ordered = keys.take(pc.sort_indices(pa.table(columns), sort_keys=spec))
    positions = [min(ordered.num_rows - 1, (i + 1) * ordered.num_rows // num_partitions)
                 for i in range(num_partitions - 1)]
    return ordered.take(pa.array(positions))


def range_partition_ids(batch: pa.RecordBatch, orders: list[E.SortOrder], bounds: pa.Table | None) -> np.ndarray:
    if bounds is None or batch.num_rows == 0:
        return np.zeros(batch.num_rows, dtype=np.int64)
    values = order_values(batch, orders)
    merged = [pa.concat_arrays([bounds.column(i).combine_chunks(), v.cast(bounds.schema.field(i).type)])
              for i, v in enumerate(values)]
    keys, spec = sort_keys(merged, orders)
    nb = bounds.num_rows
    keys["is_row"] = pa.array(np.r_[np.zeros(nb, np.int8), np.ones(batch.num_rows, np.int8)])
    order = pc.sort_indices(pa.table(keys), sort_keys=spec + [("is_row", "ascending")]).to_numpy()
    is_bound = order < nb
    bounds_before = np.cumsum(is_bound)
    pids = np.empty(batch.num_rows, dtype=np.int64)
    rows = ~is_bound
    pids[order[rows] - nb] = bounds_before[rows]
    return pids
