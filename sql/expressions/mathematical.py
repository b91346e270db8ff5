"""Math functions: ``abs``, ``sqrt``, ``exp``, ``log``, ``pow``, ``floor``, ``ceil``, ``round``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, arrow_errors_as_spark
from ember.sql.expressions.coercion import cast_if_needed, is_numeric, is_string
from ember.sql.expressions.decimals import round_decimal, round_result_type

__all__ = ["Abs", "Sqrt", "Exp", "Log", "Logarithm", "Pow", "Floor", "Ceil", "Round"]


def _require_numeric(expr: Expression, fn: str) -> None:
    dt = expr.data_type
    if not (is_numeric(dt) or is_string(dt) or isinstance(dt, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{fn}\" due to data type mismatch: the input requires a numeric type, "
            f"however \"{expr.sql()}\" has the type \"{dt.simpleString().upper()}\".",
        )


@dataclass(frozen=True, slots=True)
class Abs(Expression):
    child: Expression

    child_fields = ("child",)

    def coerce(self) -> Expression:
        _require_numeric(self.child, self.sql())
        return self if is_numeric(self.child.data_type) else Abs(cast_if_needed(self.child, T.DoubleType()))

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        return arrow_errors_as_spark(lambda: pc.abs_checked(value), "abs")


@dataclass(frozen=True, slots=True)
class _DoubleFunction(Expression):
    """A function of one double returning a double; NaN where Java's Math would give it."""

    child: Expression

    child_fields = ("child",)
    kernel: ClassVar[str] = ""

    def coerce(self) -> Expression:
        _require_numeric(self.child, self.sql())
        return type(self)(cast_if_needed(self.child, T.DoubleType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return getattr(pc, self.kernel)(self.child.eval(batch))


class Sqrt(_DoubleFunction):
    __slots__ = ()
    kernel = "sqrt"

    @property
    def pretty_name(self) -> str:
        return "SQRT"


class Exp(_DoubleFunction):
    __slots__ = ()
    kernel = "exp"

    @property
    def pretty_name(self) -> str:
        return "EXP"


class Log(_DoubleFunction):
    """Natural logarithm; Spark returns NULL for inputs <= 0."""

    __slots__ = ()

    @property
    def nullable(self) -> bool:
        return True

    @property
    def pretty_name(self) -> str:
        return "ln"

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        positive = pc.greater(value, 0.0)
        return pc.if_else(positive, pc.ln(pc.if_else(positive, value, 1.0)), pa.scalar(None, pa.float64()))


@dataclass(frozen=True, slots=True)
class Logarithm(Expression):
    """``LOG(base, x)``: ``ln(x) / ln(base)``, NULL unless both are positive (a base of 1 gives
    Infinity or NaN, as the division does in Spark)."""

    base: Expression
    child: Expression

    child_fields = ("base", "child")

    def coerce(self) -> Expression:
        _require_numeric(self.base, self.sql())
        _require_numeric(self.child, self.sql())
        return Logarithm(cast_if_needed(self.base, T.DoubleType()), cast_if_needed(self.child, T.DoubleType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        base, value = self.base.eval(batch), self.child.eval(batch)
        valid = pc.and_(pc.greater(base, 0.0), pc.greater(value, 0.0))
        quotient = pc.divide(pc.ln(pc.if_else(valid, value, 1.0)), pc.ln(pc.if_else(valid, base, 2.0)))
        return pc.if_else(valid, quotient, pa.scalar(None, pa.float64()))

    @property
    def pretty_name(self) -> str:
        return "LOG"


@dataclass(frozen=True, slots=True)
class Pow(Expression):
    left: Expression
    right: Expression

    child_fields = ("left", "right")

    def coerce(self) -> Expression:
        _require_numeric(self.left, self.sql())
        _require_numeric(self.right, self.sql())
        return Pow(cast_if_needed(self.left, T.DoubleType()), cast_if_needed(self.right, T.DoubleType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.power(self.left.eval(batch), self.right.eval(batch))

    @property
    def pretty_name(self) -> str:
        return "POWER"


@dataclass(frozen=True, slots=True)
class _RoundingFunction(Expression):
    """``floor``/``ceil``: a long for floating and integral input, as in Spark."""

    child: Expression

    child_fields = ("child",)
    kernel: ClassVar[str] = ""

    def coerce(self) -> Expression:
        _require_numeric(self.child, self.sql())
        dt = self.child.data_type
        if isinstance(dt, T.DecimalType):
            return self
        return type(self)(cast_if_needed(self.child, T.DoubleType() if not isinstance(dt, T.IntegralType) else T.LongType()))

    @property
    def data_type(self) -> T.DataType:
        dt = self.child.data_type
        if isinstance(dt, T.DecimalType):
            return T.DecimalType(min(38, dt.precision - dt.scale + 1), 0)
        return T.LongType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if pa.types.is_integer(value.type):
            return value
        if pa.types.is_decimal(value.type):  # one more digit for the carry: ceil(9.9) = 10
            p, s = value.type.precision, value.type.scale
            wide = value.cast(pa.decimal128(p + 1, s) if p < 38 else pa.decimal256(p + 1, s))
            return getattr(pc, self.kernel)(wide).cast(to_arrow_type(self.data_type))
        from ember.sql.expressions.cast import cast_arrow

        return cast_arrow(getattr(pc, self.kernel)(value), T.DoubleType(), self.data_type)


class Floor(_RoundingFunction):
    __slots__ = ()
    kernel = "floor"

    @property
    def pretty_name(self) -> str:
        return "FLOOR"


class Ceil(_RoundingFunction):
    __slots__ = ()
    kernel = "ceil"

    @property
    def pretty_name(self) -> str:
        return "CEIL"


@dataclass(frozen=True, slots=True)
class Round(Expression):
    """``round(x, scale)``: half away from zero (Spark's HALF_UP), keeping the input type; a
    decimal(p, s) becomes decimal(p - s + 1 + min(s, scale), min(s, scale)) as in Spark."""

    child: Expression
    scale: int = 0

    child_fields = ("child",)

    def coerce(self) -> Expression:
        _require_numeric(self.child, self.sql())
        return self if is_numeric(self.child.data_type) else Round(cast_if_needed(self.child, T.DoubleType()), self.scale)

    @property
    def data_type(self) -> T.DataType:
        dt = self.child.data_type
        return round_result_type(dt, self.scale) if isinstance(dt, T.DecimalType) else dt

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if isinstance(self.child.data_type, T.DecimalType):
            # Arrow's round wraps silently when a carry outgrows the type (9.99 -> 0.0).
            return round_decimal(value, self.scale, ansi=True)
        rounded = pc.round(value, ndigits=self.scale, round_mode="half_towards_infinity")
        return rounded.cast(value.type) if rounded.type != value.type else rounded

    def _fmt(self, args: list[str]) -> str:
        return f"round({args[0]}, {self.scale})"
