"""Binary arithmetic (``+ - * / %``) and negation, with Spark's type rules.

Types: ``/`` on non-decimals is double division; an integral operand of decimal arithmetic
becomes a decimal (of its literal's digits, or 3/5/10/20 digits by type); a decimal with a
float, double or string operand computes in double; decimals follow ``decimals.py``.
``+`` and ``-`` on dates, timestamps and ANSI intervals become the nodes of ``intervals.py``.

Evaluation mode: ``coerce()`` captures ``spark.sql.ansi.enabled`` in the node (``ansi``). With
it on (Spark 4's default) integer overflow raises ``ARITHMETIC_OVERFLOW``, a decimal result
too wide for its type raises ``NUMERIC_VALUE_OUT_OF_RANGE``, and division or remainder by zero
raises ``DIVIDE_BY_ZERO``/``REMAINDER_BY_ZERO``; with it off integers wrap around and the
others give NULL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.expressions.base import ArrowValue, BinaryOperator, Expression, arrow_errors_as_spark
from ember.sql.expressions.coercion import binary_type_mismatch, cast_if_needed, is_numeric, wider_type
from ember.sql.expressions.decimals import (decimal_arithmetic, decimal_integral_divide, decimal_result_type,
                                            integral_as_decimal, raise_divide_by_zero)
from ember.sql.expressions.sql_conf import ansi_enabled, decimal_precision_loss
from ember.sql.expressions.try_eval import eval_or_null

__all__ = ["BinaryArithmetic", "Add", "Subtract", "Multiply", "Divide", "IntegralDivide", "Remainder", "UnaryMinus",
           "Mod", "Pmod", "TryArithmetic",
           "decimal_result_type"]


def _literal_int(expr: Expression) -> int | None:
    from ember.sql.expressions.literals import Literal

    if isinstance(expr, Literal) and isinstance(expr.dtype, T.IntegralType) and expr.value is not None:
        return int(expr.value)
    return None


@dataclass(frozen=True, slots=True)
class BinaryArithmetic(BinaryOperator):
    """A numeric binary operator; ``ansi`` and ``precision_loss`` are fixed at analysis."""

    ansi: bool = True
    precision_loss: bool = True

    op: ClassVar[str] = ""

    def coerce(self) -> Expression:
        from ember.sql.expressions.intervals import datetime_arithmetic

        moved = datetime_arithmetic(self)
        if moved is not None:
            return moved
        mode = {"ansi": ansi_enabled(), "precision_loss": decimal_precision_loss()}
        lt, rt = self.left.data_type, self.right.data_type
        if isinstance(lt, T.DecimalType) or isinstance(rt, T.DecimalType):
            decimal_pair = self._decimal_operands(lt, rt)
            if decimal_pair is not None:
                left, right = decimal_pair
                return type(self)(left, right, **mode)
        target = wider_type(lt, rt)
        ok = target is not None and (is_numeric(target) or isinstance(target, T.NullType))
        if not ok:
            raise binary_type_mismatch(self, lt, rt)
        if isinstance(target, T.NullType):
            target = T.DoubleType() if isinstance(self, Divide) else T.IntegerType()
        if isinstance(target, T.DecimalType):  # a string with a decimal: Spark computes in double
            target = T.DoubleType()
        target = self._operand_type(target)
        return type(self)(cast_if_needed(self.left, target), cast_if_needed(self.right, target), **mode)

    def _decimal_operands(self, lt: T.DataType, rt: T.DataType) -> tuple[Expression, Expression] | None:
        """Both operands as decimals, or ``None`` when Spark computes this pair another way."""
        types = []
        for expr, dt, other in ((self.left, lt, rt), (self.right, rt, lt)):
            if isinstance(dt, T.IntegralType):
                dt = integral_as_decimal(dt, _literal_int(expr))
            elif isinstance(dt, T.NullType):
                dt = other
            if not isinstance(dt, T.DecimalType):
                return None
            types.append(dt)
        return cast_if_needed(self.left, types[0]), cast_if_needed(self.right, types[1])

    def _operand_type(self, target: T.DataType) -> T.DataType:
        return target

    @property
    def data_type(self) -> T.DataType:
        lt, rt = self.left.data_type, self.right.data_type
        if isinstance(lt, T.DecimalType) and isinstance(rt, T.DecimalType):
            return decimal_result_type(self.op, lt, rt, self.precision_loss)
        return lt

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left, right = self.left.eval(batch), self.right.eval(batch)
        dt = self.data_type
        if isinstance(dt, T.DecimalType):
            return decimal_arithmetic(self.op, left, right, dt, self.ansi)
        if self.ansi:
            return arrow_errors_as_spark(lambda: self._compute(left, right), "")
        return self._compute(left, right)

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        checked = self.ansi and isinstance(self.data_type, T.IntegralType)
        return getattr(pc, self.kernel + ("_checked" if checked else ""))(left, right)


class Add(BinaryArithmetic):
    __slots__ = ()
    symbol = "+"
    kernel = "add"
    op = "add"


class Subtract(BinaryArithmetic):
    __slots__ = ()
    symbol = "-"
    kernel = "subtract"
    op = "subtract"


class Multiply(BinaryArithmetic):
    __slots__ = ()
    symbol = "*"
    kernel = "multiply"
    op = "multiply"


def _zero_divisor(divisor: ArrowValue, op: str, ansi: bool) -> ArrowValue:
    """``divisor`` with zeros raising (ANSI) or replaced by NULL (so the result is NULL)."""
    zero = pc.equal(divisor, pa.scalar(0, divisor.type))
    found = zero.as_py() if isinstance(zero, pa.Scalar) else pc.any(zero).as_py()
    if not found:
        return divisor
    if ansi:
        raise_divide_by_zero(op)
    if isinstance(divisor, pa.Scalar):
        return pa.scalar(None, divisor.type)
    return pc.if_else(zero, pa.scalar(None, divisor.type), divisor)


class Divide(BinaryArithmetic):
    """``/``: double division unless both sides are decimals."""

    __slots__ = ()
    symbol = "/"
    kernel = "divide"
    op = "divide"

    def _operand_type(self, target: T.DataType) -> T.DataType:
        return T.DoubleType()

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        return pc.divide(left, _zero_divisor(right, self.op, self.ansi))


class IntegralDivide(BinaryArithmetic):
    """``a div b``: the quotient truncated toward zero, a bigint (of integral or decimal operands)."""

    __slots__ = ()
    symbol = "div"
    kernel = "divide"
    op = "div"

    def _operand_type(self, target: T.DataType) -> T.DataType:
        if not isinstance(target, T.IntegralType):
            raise binary_type_mismatch(self, self.left.data_type, self.right.data_type)
        return T.LongType()

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left, right = self.left.eval(batch), self.right.eval(batch)
        if isinstance(self.left.data_type, T.DecimalType):
            return decimal_integral_divide(left, right, self.ansi)
        right = _zero_divisor(right, "divide", self.ansi)
        if self.ansi:
            return arrow_errors_as_spark(lambda: pc.divide_checked(left, right), "integral divide")
        return pc.divide(left, right)


class Remainder(BinaryArithmetic):
    """``%``: the remainder with the dividend's sign (Java semantics)."""

    __slots__ = ()
    symbol = "%"
    kernel = "subtract"
    op = "remainder"

    def _compute(self, left: ArrowValue, right: ArrowValue) -> ArrowValue:
        right = _zero_divisor(right, self.op, self.ansi)
        quotient = pc.divide(left, right)
        if not pa.types.is_integer(quotient.type):
            quotient = pc.trunc(quotient)
        return pc.subtract(left, pc.multiply(quotient, right))


class Mod(Remainder):
    """``mod(a, b)``: ``a % b`` under the function's name."""

    __slots__ = ()

    def to_string(self, ids: bool) -> str:
        return f"mod({self.left.to_string(ids)}, {self.right.to_string(ids)})"


class Pmod(Remainder):
    """``pmod(a, n)``: the remainder made non-negative for a positive ``n`` ((a % n + n) % n)."""

    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        remainder = Remainder(self.left, self.right, self.ansi, self.precision_loss)
        r, n = remainder.eval(batch), self.right.eval(batch)
        if isinstance(self.data_type, T.DecimalType):
            wrapped = decimal_arithmetic("add", r, n, decimal_result_type("add", self.data_type, self.right.data_type),
                                         self.ansi)
            wrapped = decimal_arithmetic("remainder", wrapped, n, self.data_type, self.ansi)
        else:
            wrapped = Remainder._compute(self, pc.add(r, n), n)
        return pc.if_else(pc.less(r, pa.scalar(0, r.type)), wrapped, r)

    def to_string(self, ids: bool) -> str:
        return f"pmod({self.left.to_string(ids)}, {self.right.to_string(ids)})"


@dataclass(frozen=True, slots=True)
class UnaryMinus(Expression):
    child: Expression
    ansi: bool = True

    child_fields = ("child",)

    def coerce(self) -> Expression:
        return replace(self, ansi=ansi_enabled())

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if pa.types.is_duration(value.type):
            return pc.negate_checked(value)
        if not self.ansi:
            return pc.negate(value)
        return arrow_errors_as_spark(lambda: pc.negate_checked(value), "negation")

    def _fmt(self, args: list[str]) -> str:
        return f"(- {args[0]})"


@dataclass(frozen=True, slots=True)
class TryArithmetic(Expression):
    """``try_add``/``try_subtract``/``try_multiply``/``try_divide``/``try_mod``: the operation in
    ANSI mode, with NULL for the rows where it fails (overflow, division by zero)."""

    child: Expression
    name: str

    child_fields = ("child",)

    def coerce(self) -> Expression:
        if any(f.name == "ansi" for f in fields(self.child)) and not self.child.ansi:
            return TryArithmetic(replace(self.child, ansi=True), self.name)
        return self

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return eval_or_null(self.child, batch)

    def to_string(self, ids: bool) -> str:
        return f"{self.name}({', '.join(c.to_string(ids) for c in self.child.children)})"
