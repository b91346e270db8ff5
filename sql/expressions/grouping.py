"""``grouping(col)`` and ``grouping_id(cols...)``: which grouping set produced an output row.

Both only mean something in an aggregate over grouping sets (``ROLLUP``, ``CUBE``,
``GROUPING SETS``), where the plan builder rewrites them into reads of the
``spark_grouping_id`` column the ``Expand`` below the aggregate adds (``GroupingBit`` for
``grouping``, the column itself for ``grouping_id``). Anywhere else they stay as they are and
the analysis check rejects them, as Spark does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression

__all__ = ["Grouping", "GroupingID", "GroupingBit", "misplaced_grouping"]


def misplaced_grouping() -> AnalysisException:
    return AnalysisException("UNSUPPORTED_GROUPING_EXPRESSION", "grouping()/grouping_id() can only be used with "
                             "GroupingSets/Cube/Rollup.", "42K0E")


@dataclass(frozen=True, slots=True)
class Grouping(Expression):
    """``grouping(col)``: 1 when ``col`` is aggregated away in this row's grouping set, else 0."""

    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.ByteType()

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        raise misplaced_grouping()


@dataclass(frozen=True, slots=True)
class GroupingID(Expression):
    """``grouping_id(cols...)``: the bits of ``grouping`` for every grouping column, first column highest."""

    items: tuple[Expression, ...] = ()

    child_fields = ("items",)

    @property
    def pretty_name(self) -> str:
        return "grouping_id"

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        raise misplaced_grouping()


@dataclass(frozen=True, slots=True)
class GroupingBit(Expression):
    """Bit ``bit`` of the grouping id, as a tinyint: what ``grouping(col)`` becomes under grouping sets."""

    grouping_id: Expression
    bit: int

    child_fields = ("grouping_id",)

    @property
    def data_type(self) -> T.DataType:
        return T.ByteType()

    @property
    def nullable(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return f"cast(((({self.grouping_id.to_string(ids)} >> {self.bit}) & 1) as tinyint)"

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        gid = self.grouping_id.eval(batch)
        return pc.bit_wise_and(pc.shift_right(gid, self.bit), 1).cast(pa.int8())
