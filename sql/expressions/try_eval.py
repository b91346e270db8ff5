"""Evaluation with NULL where a row fails: the ``try_*`` functions and ``TRY_CAST``.

The batch is first evaluated whole, as usual; only a batch in which some row raises one of
Spark's row errors (overflow, division by zero, malformed input) is evaluated again row by
row, with NULL for the rows that fail. Errors are rare, so the common case stays vectorised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import ArithmeticException, NumberFormatException
from ember.sql.expressions.base import ArrowValue, as_array

if TYPE_CHECKING:
    from ember.sql.expressions.base import Expression

__all__ = ["eval_or_null"]

ROW_ERRORS = (ArithmeticException, NumberFormatException)


def eval_or_null(expr: Expression, batch: pa.RecordBatch) -> ArrowValue:
    """``expr.eval(batch)``, with NULL in the rows where it raises one of ``ROW_ERRORS``."""
    try:
        return expr.eval(batch)
    except ROW_ERRORS:
        pass
    arrow_type = to_arrow_type(expr.data_type)
    rows = []
    for i in range(max(batch.num_rows, 1)):
        try:
            rows.append(as_array(expr.eval(batch.slice(i, 1)), 1).cast(arrow_type))
        except ROW_ERRORS:
            rows.append(pa.nulls(1, arrow_type))
    out = pa.concat_arrays(rows)
    return out[0] if batch.num_rows == 0 or expr.foldable else out
