"""Spark's order of floating-point values for ``min``/``max``: NaN above every number.

Arrow's min/max skip NaN, so ``max`` over ``[1.0, NaN]`` would be 1.0 where Spark gives NaN.
These aggregates therefore work on an int64 *order key* instead: the IEEE-754 bits, flipped
for negatives so that integer order is numeric order, with every NaN made the one largest
key. The key survives partial and merged states unchanged and decodes back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.expressions.base import ArrowValue, Expression, as_array

__all__ = ["FloatOrderKey", "decode_order_key"]

_FLIP = np.int64(0x7FFFFFFFFFFFFFFF)
_NAN = np.float64("nan")


@dataclass(frozen=True, slots=True)
class FloatOrderKey(Expression):
    """The int64 order key of a float or double (internal: only min/max aggregate it)."""

    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        values = as_array(self.child.eval(batch), batch.num_rows).cast(pa.float64())
        numbers = values.to_numpy(zero_copy_only=False).astype(np.float64)
        numbers = np.where(np.isnan(numbers), _NAN, numbers)  # one NaN bit pattern (and NULLs' slots)
        bits = numbers.view(np.int64)
        keys = np.where(bits < 0, bits ^ _FLIP, bits)
        return pa.array(keys, pa.int64(), mask=pc.is_null(values).to_numpy(zero_copy_only=False))

    def to_string(self, ids: bool) -> str:
        return self.child.to_string(ids)


def decode_order_key(keys: pa.Array, to: pa.DataType) -> pa.Array:
    """The floats whose order keys are ``keys`` (NULL stays NULL), as Arrow type ``to``."""
    keys = as_array(keys, len(keys)).cast(pa.int64())
    raw = keys.to_numpy(zero_copy_only=False)
    valid = pc.is_valid(keys).to_numpy(zero_copy_only=False)
    raw = np.where(valid, raw, 0).astype(np.int64)
    bits = np.where(raw < 0, raw ^ _FLIP, raw)
    return pa.array(bits.view(np.float64), pa.float64(), mask=~valid).cast(to)
