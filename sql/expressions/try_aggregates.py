"""``try_sum`` and ``try_avg``: ``sum`` and ``avg`` that give NULL where the ANSI forms overflow.

``try_sum`` of integers is NULL once the total leaves the long range (``sum`` raises, or wraps
without ANSI mode); of decimals, once it needs more digits than decimal(p + 10, s) holds.
``try_avg`` is ``avg``, whose double result cannot overflow, with an overflowing decimal NULL.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql.expressions.aggregates import Average, Sum, numeric_input
from ember.sql.expressions.base import Expression

__all__ = ["TrySum", "TryAverage"]


@dataclass(frozen=True, slots=True)
class TrySum(Sum):
    """``try_sum(col)``."""

    def coerce(self) -> Expression:
        return TrySum(numeric_input(self), False)

    @property
    def pretty_name(self) -> str:
        return "try_sum"

    def _checked_long(self, total: pa.Array) -> pa.Array:
        total = total.cast(pa.decimal128(38, 0)) if total.type != pa.decimal128(38, 0) else total
        low, high = pa.scalar(-2**63, pa.decimal128(38, 0)), pa.scalar(2**63 - 1, pa.decimal128(38, 0))
        outside = pc.or_(pc.less(total, low), pc.greater(total, high))
        return pc.if_else(outside, pa.scalar(None, pa.decimal128(38, 0)), total).cast(pa.int64())


class TryAverage(Average):
    """``try_avg(col)``."""

    __slots__ = ()

    def coerce(self) -> Expression:
        return TryAverage(Average.coerce(self).child, ansi=False)  # a mean out of range is NULL

    @property
    def pretty_name(self) -> str:
        return "try_avg"
