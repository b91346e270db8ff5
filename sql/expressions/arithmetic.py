"""Binary arithmetic (``+ - * / %``) and negation, with Spark's type rules.

Integer arithmetic is checked (ANSI: overflow raises ``ARITHMETIC_OVERFLOW``); ``/`` always
produces a double for non-decimal inputs, and division or remainder by zero raises
``DIVIDE_BY_ZERO``, as Spark 4 does by default.
"""

from __future__ import annotations

import decimal

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import ArithmeticException
from ember.sql.expressions.base import ArrowValue, BinaryOperator, Expression, arrow_errors_as_spark
from ember.sql.expressions.coercion import binary_type_mismatch, cast_if_needed, is_numeric, is_string, wider_type

__all__ = ["BinaryArithmetic", "Add", "Subtract", "Multiply", "Divide", "Remainder", "UnaryMinus"]


class BinaryArithmetic(BinaryOperator):
    __slots__ = ()

    def coerce(self) -> Expression:
        lt, rt = self.left.data_type, self.right.data_type
        target = wider_type(lt, rt)
        ok = target is not None and (is_numeric(target) or isinstance(target, T.NullType))
        if not ok:
            raise binary_type_mismatch(self, lt, rt)
        if isinstance(target, T.NullType):
            target = T.DoubleType() if isinstance(self, Divide) else T.IntegerType()
        target = self._operand_type(target)
        if isinstance(target, T.DecimalType) and not (is_string(lt) or is_string(rt)):
            # Decimal operands keep their own precision; Arrow derives the result's.
            left = self.left if isinstance(lt, T.DecimalType) else cast_if_needed(self.left, _as_decimal(lt))
            right = self.right if isinstance(rt, T.DecimalType) else cast_if_needed(self.right, _as_decimal(rt))
            return type(self)(left, right)
        return type(self)(cast_if_needed(self.left, target), cast_if_needed(self.right, target))

    def _operand_type(self, target: T.DataType) -> T.DataType:
        return target

    @property
    def data_type(self) -> T.DataType:
        lt, rt = self.left.data_type, self.right.data_type
        if isinstance(lt, T.DecimalType) and isinstance(rt, T.DecimalType):
            return decimal_result_type(self.kernel if not isinstance(self, Remainder) else "remainder", lt, rt)
        return lt

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left, right = self.left.eval(batch), self.right.eval(batch)
        if isinstance(self.left.data_type, T.DecimalType) and isinstance(self.right.data_type, T.DecimalType):
            return arrow_errors_as_spark(lambda: self._decimal_compute(left, right), "")
        return arrow_errors_as_spark(lambda: self._compute(left, right), "")

    def _decimal_compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        """Compute in 128-bit decimals when Arrow's result type fits them, first as declared, then
        with each operand narrowed to the digits its values use; else in (much slower) 256-bit
        decimals. Then take Spark's result type."""
        target = to_arrow_type(self.data_type)
        result = None
        for attempt in (lambda: self._compute(left, right),
                        lambda: self._compute(_narrowed(left), _narrowed(right))):
            try:
                result = attempt()
                break
            except pa.ArrowInvalid as e:
                if "precision" not in str(e).lower():
                    raise
        if result is None:
            result = self._compute(_wide(left), _wide(right))
        if result.type == target:
            return result
        return result.cast(options=pc.CastOptions(target, allow_decimal_truncate=True))

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        kernel = self.kernel + ("_checked" if isinstance(self.data_type, T.IntegralType) else "")
        return getattr(pc, kernel)(left, right)


def _narrowed(value: ArrowValue) -> ArrowValue:
    """``value`` as a decimal128 of just the precision its largest value needs."""
    scale = value.type.scale
    largest = pc.max(pc.abs(value)) if not isinstance(value, pa.Scalar) else pc.abs(value)
    largest = largest.as_py() if largest.is_valid else decimal.Decimal(0)  # all NULL, or no rows
    digits = max(1, len(str(int(abs(largest).scaleb(scale)))))
    precision = min(38, max(digits, scale + 1))
    return value.cast(pa.decimal128(precision, scale))


def _wide(value: ArrowValue) -> ArrowValue:
    return value.cast(pa.decimal256(value.type.precision, value.type.scale))


def bounded_decimal(precision: int, scale: int) -> T.DecimalType:
    """Spark's ``adjustPrecisionScale``: over 38 digits, keep the integer digits and give up
    scale, down to at most 6 digits of it."""
    if precision <= 38:
        return T.DecimalType(precision, scale)
    int_digits = precision - scale
    return T.DecimalType(38, max(38 - int_digits, min(scale, 6)))


def decimal_result_type(op: str, lt: T.DecimalType, rt: T.DecimalType) -> T.DecimalType:
    """The result type Spark gives ``lt op rt`` for two decimals (``DecimalPrecision``)."""
    p1, s1, p2, s2 = lt.precision, lt.scale, rt.precision, rt.scale
    if op in ("add", "subtract"):
        scale = max(s1, s2)
        return bounded_decimal(max(p1 - s1, p2 - s2) + scale + 1, scale)
    if op == "multiply":
        return bounded_decimal(p1 + p2 + 1, s1 + s2)
    if op == "divide":
        scale = max(6, s1 + p2 + 1)
        return bounded_decimal(p1 - s1 + s2 + scale, scale)
    scale = max(s1, s2)
    return bounded_decimal(min(p1 - s1, p2 - s2) + scale, scale)


def _as_decimal(dt: T.DataType) -> T.DataType:
    return {T.ByteType: T.DecimalType(3, 0), T.ShortType: T.DecimalType(5, 0),
            T.IntegerType: T.DecimalType(10, 0), T.LongType: T.DecimalType(20, 0)}.get(type(dt), dt)


class Add(BinaryArithmetic):
    __slots__ = ()
    symbol = "+"
    kernel = "add"


class Subtract(BinaryArithmetic):
    __slots__ = ()
    symbol = "-"
    kernel = "subtract"


class Multiply(BinaryArithmetic):
    __slots__ = ()
    symbol = "*"
    kernel = "multiply"


def _raise_on_zero(divisor: ArrowValue) -> None:
    zero = pc.equal(divisor, pa.scalar(0, divisor.type))
    if (zero.as_py() if isinstance(zero, pa.Scalar) else pc.any(zero).as_py()):
        raise ArithmeticException(
            "DIVIDE_BY_ZERO",
            "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. "
            "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
            "22012",
        )


class Divide(BinaryArithmetic):
    """``/``: double division unless both sides are decimals."""

    __slots__ = ()
    symbol = "/"
    kernel = "divide"

    def _operand_type(self, target: T.DataType) -> T.DataType:
        return target if isinstance(target, T.DecimalType) else T.DoubleType()

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        _raise_on_zero(right)
        return pc.divide(left, right)


class Remainder(BinaryArithmetic):
    """``%``: the remainder with the dividend's sign (Java semantics)."""

    __slots__ = ()
    symbol = "%"
    kernel = "subtract"

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        _raise_on_zero(right)
        quotient = pc.divide(left, right)
        if not pa.types.is_integer(quotient.type):
            quotient = pc.trunc(quotient)
        return pc.subtract(left, pc.multiply(quotient, right))


@dataclass(frozen=True, slots=True)
class UnaryMinus(Expression):
    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        return arrow_errors_as_spark(lambda: pc.negate_checked(value), "negation")

    def _fmt(self, args: list[str]) -> str:
        return f"(- {args[0]})"
