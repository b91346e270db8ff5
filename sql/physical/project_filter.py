"""Per-partition filter and projection over record batches."""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E
from ember.sql.physical.batches import evaluate

__all__ = ["filter_batches", "project_batches"]


def filter_batches(batches: Iterator[pa.RecordBatch], condition: E.Expression) -> Iterator[pa.RecordBatch]:
    """Keep the rows where ``condition`` is true (NULL counts as false, as in SQL)."""
    for batch in batches:
        mask = pc.fill_null(E.as_array(condition.eval(batch), batch.num_rows), False)
        kept = pc.sum(mask).as_py() or 0
        if kept == batch.num_rows:
            yield batch  # copying every column is the expensive part of a filter; skip it
        elif kept:
            yield batch.filter(mask)


def project_batches(batches: Iterator[pa.RecordBatch], exprs: list[E.Expression],
                    schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        yield evaluate(exprs, batch, schema)
