"""The ``Expand`` operator: every input row once per projection (grouping sets, UNPIVOT).

As in Spark, the copies of one input row come out together, in projection order, so an
``unpivot`` lists each row's values side by side.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa

from ember.sql import expressions as E
from ember.sql.physical.batches import evaluate

__all__ = ["expand_batches"]


def expand_batches(batches: Iterator[pa.RecordBatch], projections: list[list[E.Expression]],
                   schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        if not batch.num_rows:
            continue
        copies = pa.Table.from_batches([evaluate(exprs, batch, schema) for exprs in projections])
        interleaved = np.arange(len(projections) * batch.num_rows).reshape(len(projections), -1).T.ravel()
        yield from copies.take(pa.array(interleaved)).combine_chunks().to_batches()
