"""Constants: ``Literal(value, data_type)``."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.expressions.base import ArrowValue, Expression

__all__ = ["Literal", "TypeOf"]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True, slots=True)
class Literal(Expression):
    """A constant of a Spark type; lists are stored as tuples so literals stay hashable."""

    value: Any
    dtype: T.DataType

    @staticmethod
    def of(value: Any) -> Literal:
        """A literal with the type Spark's ``lit()`` gives a Python value (``1`` is an ``int``)."""
        if isinstance(value, Literal):
            return value
        if isinstance(value, bool):
            return Literal(value, T.BooleanType())
        if isinstance(value, int):
            return Literal(value, T.IntegerType() if _INT_MIN <= value <= _INT_MAX else T.LongType())
        if isinstance(value, decimal.Decimal):
            sign, digits, exponent = value.as_tuple()
            scale = max(0, -int(exponent))
            precision = max(len(digits) + max(0, int(exponent)), scale, 1)
            return Literal(value, T.DecimalType(precision, scale))
        if isinstance(value, (list, tuple)):
            items = [Literal.of(v) for v in value]
            from ember.sql.expressions.coercion import common_type

            element = common_type([i.dtype for i in items]) or T.StringType()
            return Literal(tuple(value), T.ArrayType(element))
        if value is None:
            return Literal(None, T.NullType())
        return Literal(value, T.infer_type(value))

    @property
    def data_type(self) -> T.DataType:
        return self.dtype

    @property
    def nullable(self) -> bool:
        return self.value is None

    @property
    def foldable(self) -> bool:
        return True

    def to_arrow(self) -> pa.Scalar:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return pa.scalar(value, type=to_arrow_type(self.dtype))

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return self.to_arrow()

    def to_string(self, ids: bool) -> str:
        v = self.value
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(self.dtype, T.DoubleType) or isinstance(self.dtype, T.FloatType):
            from ember.sql.display import format_double

            return format_double(v)
        if isinstance(self.dtype, (T.YearMonthIntervalType, T.DayTimeIntervalType)):
            from ember.sql.expressions.intervals import format_interval

            return format_interval(v, self.dtype)
        if isinstance(v, datetime.datetime):
            fraction = f".{v.microsecond:06d}".rstrip("0") if v.microsecond else ""
            kind = "TIMESTAMP_NTZ" if isinstance(self.dtype, T.TimestampNTZType) else "TIMESTAMP"
            return f"{kind} '{v:%Y-%m-%d %H:%M:%S}{fraction}'"
        if isinstance(v, datetime.date):
            return f"DATE '{v}'"
        if isinstance(v, (bytes, bytearray)):
            return "X'" + v.hex().upper() + "'"
        if isinstance(v, tuple):
            return "array(" + ", ".join(Literal.of(x).to_string(ids) for x in v) + ")"
        if isinstance(self.dtype, T.LongType) and ids:
            return f"{v}L"
        return str(v)


@dataclass(frozen=True, slots=True)
class TypeOf(Expression):
    """``typeof(child)``: the DDL name of the child's type, e.g. ``decimal(8,3)``."""

    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pa.scalar(self.child.data_type.simpleString(), pa.string())
