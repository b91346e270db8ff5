"""``Cast``: conversion between Spark types with ANSI-mode error behaviour (Spark 4's default)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import ArithmeticException, NumberFormatException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.named import AttributeReference

__all__ = ["Cast"]


@dataclass(frozen=True, slots=True)
class Cast(Expression):
    """``CAST(child AS to)``. Malformed input and overflow raise, as with ANSI mode on."""

    child: Expression
    to: T.DataType

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return self.to

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return cast_arrow(self.child.eval(batch), self.child.data_type, self.to)

    def to_string(self, ids: bool) -> str:
        if not ids and isinstance(self.child, AttributeReference):
            return self.child.name
        inner = self.child.to_string(ids)
        return f"cast({inner} as {self.to.simpleString()})" if ids else (
            f"CAST({inner} AS {self.to.simpleString().upper()})")


def cast_arrow(value: ArrowValue, src: T.DataType, to: T.DataType) -> ArrowValue:
    """Cast an Arrow value from Spark type ``src`` to ``to`` with Spark's rules."""
    target = to_arrow_type(to)
    if value.type == target:
        return value
    try:
        if isinstance(src, T.StringType) and not isinstance(to, (T.StringType, T.BinaryType)):
            value = pc.utf8_trim_whitespace(value)
        if isinstance(src, (T.FloatType, T.DoubleType)) and isinstance(to, T.IntegralType):
            value = pc.trunc(value)
        if isinstance(src, T.TimestampType) and isinstance(to, T.DateType):
            return pc.cast(value, target, safe=False)
        if isinstance(src, T.BooleanType) and isinstance(to, T.StringType):
            return pc.if_else(value, pa.scalar("true"), pa.scalar("false"))
        if isinstance(src, T.DecimalType):
            value = _round_decimal(value, src, to)
        if isinstance(src, T.IntegralType) and isinstance(to, T.DecimalType):
            # Arrow sizes an integer by its type (an int needs 10 digits); Spark by its value.
            value = pc.cast(value, pa.decimal128(38, to.scale))
        return pc.cast(value, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        text = str(e)
        if isinstance(src, T.StringType):
            raise NumberFormatException(
                "CAST_INVALID_INPUT",
                f"The value of the type \"STRING\" cannot be cast to \"{to.simpleString().upper()}\" "
                f"because it is malformed ({text}). Correct the value as per the syntax, or change its "
                "target type. Use `try_cast` to tolerate malformed input and return NULL instead.",
                "22018",
            ) from None
        if any(word in text.lower() for word in ("overflow", "out of bounds", "truncated", "does not fit")):
            raise ArithmeticException(
                "CAST_OVERFLOW",
                f"The value of type \"{src.simpleString().upper()}\" cannot be cast to "
                f"\"{to.simpleString().upper()}\" due to an overflow. Use `try_cast` to tolerate overflow "
                "and return NULL instead.",
                "22003",
            ) from None
        raise


def _round_decimal(value: ArrowValue, src: T.DecimalType, to: T.DataType) -> ArrowValue:
    """Drop the digits ``to`` cannot hold as Spark does: towards zero for integers, HALF_UP for decimals."""
    if isinstance(to, T.IntegralType) and src.scale > 0:
        return pc.trunc(value)
    if isinstance(to, T.DecimalType) and to.scale < src.scale:
        return pc.round(value, to.scale, round_mode="half_towards_infinity")
    return value
