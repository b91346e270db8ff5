"""``Cast``: conversion between Spark types with ANSI-mode error behaviour (Spark 4's default)."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    ansi: bool = True
    implicit: bool = False  # inserted by coercion: Spark's column names do not show it

    child_fields = ("child",)

    def coerce(self) -> Expression:
        from ember.sql.expressions.sql_conf import ansi_enabled

        return replace(self, ansi=ansi_enabled())

    @property
    def data_type(self) -> T.DataType:
        return self.to

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return cast_arrow(self.child.eval(batch), self.child.data_type, self.to, self.ansi)

    def to_string(self, ids: bool) -> str:
        if not ids and isinstance(self.child, AttributeReference):
            return self.child.name
        if not ids and self.implicit:
            return self.child.to_string(ids)
        inner = self.child.to_string(ids)
        return f"cast({inner} as {self.to.simpleString()})" if ids else (
            f"CAST({inner} AS {self.to.simpleString().upper()})")


def cast_arrow(value: ArrowValue, src: T.DataType, to: T.DataType, ansi: bool = True) -> ArrowValue:
    """Cast an Arrow value from Spark type ``src`` to ``to`` with Spark's rules."""
    target = to_arrow_type(to)
    if value.type == target:
        return value
    if isinstance(to, T.DecimalType) and isinstance(src, (T.NumericType, T.StringType)):
        return _to_decimal(value, src, to, ansi)
    try:
        if isinstance(src, T.StringType) and not isinstance(to, (T.StringType, T.BinaryType)):
            value = pc.utf8_trim_whitespace(value)
        if isinstance(src, (T.FloatType, T.DoubleType)) and isinstance(to, T.IntegralType):
            value = pc.trunc(value)
        if isinstance(src, T.TimestampType) and isinstance(to, T.DateType):
            return pc.cast(value, target, safe=False)
        if isinstance(src, T.BooleanType) and isinstance(to, T.StringType):
            return pc.if_else(value, pa.scalar("true"), pa.scalar("false"))
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
        if "overflow" in text.lower() or "out of bounds" in text.lower() or "truncated" in text.lower():
            raise ArithmeticException(
                "CAST_OVERFLOW",
                f"The value of type \"{src.simpleString().upper()}\" cannot be cast to "
                f"\"{to.simpleString().upper()}\" due to an overflow. Use `try_cast` to tolerate overflow "
                "and return NULL instead.",
                "22003",
            ) from None
        raise


def _to_decimal(value: ArrowValue, src: T.DataType, to: T.DecimalType, ansi: bool) -> ArrowValue:
    """A number or numeric string as decimal(to), rounded HALF_UP to its scale; a value with too
    many integer digits raises ``NUMERIC_VALUE_OUT_OF_RANGE`` (ANSI) or becomes NULL."""
    from ember.sql.expressions.decimals import rescale

    scalar = isinstance(value, pa.Scalar)
    array = pa.array([value.as_py()], value.type) if scalar else value
    if isinstance(src, T.StringType):
        array = pc.utf8_trim_whitespace(array)
        wide = pa.decimal256(76, 38)
    elif isinstance(src, T.DecimalType):
        wide = None
    elif isinstance(src, T.IntegralType):
        wide = pa.decimal128(20, 0)
    else:
        wide = pa.decimal256(76, min(76 - 39, to.scale + 8))
    try:
        if wide is not None:
            array = pc.cast(array, wide)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        if isinstance(src, T.StringType):
            raise NumberFormatException(
                "CAST_INVALID_INPUT",
                f"The value of the type \"STRING\" cannot be cast to \"{to.simpleString().upper()}\" because it "
                f"is malformed ({e}). Correct the value as per the syntax, or change its target type. Use "
                "`try_cast` to tolerate malformed input and return NULL instead.",
                "22018",
            ) from None
        raise
    out = rescale(array, to, ansi)
    return out[0] if scalar else out
