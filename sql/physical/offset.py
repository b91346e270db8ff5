"""Skipping the first rows of a partition (``OFFSET``)."""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa

from ember.sql.physical.batches import compact

__all__ = ["skip_rows"]


def skip_rows(batches: Iterator[pa.RecordBatch], n: int) -> Iterator[pa.RecordBatch]:
    """The rows after the first ``n``."""
    remaining = n
    for batch in batches:
        if remaining >= batch.num_rows:
            remaining -= batch.num_rows
            continue
        if remaining:
            batch = compact(batch.slice(remaining))
            remaining = 0
        yield batch
