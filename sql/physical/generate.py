"""The ``Generate`` operator: input rows repeated per generated row, generated columns appended."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa

from ember.sql.expressions import Generator

__all__ = ["generate_batches"]


def _with_empty_rows(parents: np.ndarray, columns: list[pa.Array], num_rows: int) -> tuple[np.ndarray, list]:
    """``outer``: one all-NULL generated row for each input row that generated none."""
    missing = np.setdiff1d(np.arange(num_rows, dtype=np.int64), parents)
    if not len(missing):
        return parents, columns
    all_parents = np.concatenate([parents, missing])
    order = np.argsort(all_parents, kind="stable")
    padded = [pa.concat_arrays([c, pa.nulls(len(missing), c.type)]).take(pa.array(order)) for c in columns]
    return all_parents[order], padded


def generate_batches(batches: Iterator[pa.RecordBatch], generator: Generator, outer: bool,
                     schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        parents, columns = generator.generate(batch)
        if outer:
            parents, columns = _with_empty_rows(parents, columns, batch.num_rows)
        repeated = batch.take(pa.array(parents))
        arrays = list(repeated.columns) + columns
        yield pa.RecordBatch.from_arrays(
            [a if a.type == f.type else a.cast(f.type) for a, f in zip(arrays, schema)], schema=schema)
