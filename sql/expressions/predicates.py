"""Comparisons, boolean logic, null tests and ``IN``, with SQL's three-valued logic.

``AND``/``OR`` use Arrow's Kleene kernels (``NULL AND false`` is ``false``); comparisons
coerce both sides to their wider type first, so ``int = bigint`` compares as ``bigint``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, BinaryOperator, Expression
from ember.sql.expressions.coercion import binary_type_mismatch, cast_if_needed, common_type, wider_type
from ember.sql.expressions.literals import Literal

__all__ = [
    "BinaryComparison", "EqualTo", "EqualNullSafe", "LessThan", "LessThanOrEqual", "GreaterThan",
    "GreaterThanOrEqual", "And", "Or", "Not", "IsNull", "IsNotNull", "In", "split_conjuncts",
    "conjoin",
]


class BinaryComparison(BinaryOperator):
    __slots__ = ()

    def coerce(self) -> Expression:
        lt, rt = self.left.data_type, self.right.data_type
        target = wider_type(lt, rt)
        if target is None:
            raise binary_type_mismatch(self, lt, rt)
        return type(self)(cast_if_needed(self.left, target), cast_if_needed(self.right, target))

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left, right = self.left.eval(batch), self.right.eval(batch)
        result = getattr(pc, self.kernel)(left, right)
        if pa.types.is_floating(left.type) and pa.types.is_floating(right.type):
            result = _nan_ordered(self.kernel, left, right, result)
        return result


# Spark orders NaN above every other number and equal to itself; IEEE comparisons say false.
_NAN_RULES = {  # kernel -> (result when left is NaN, result when only right is NaN)
    "equal": (None, False), "less": (False, True), "less_equal": (None, True),
    "greater": (None, False), "greater_equal": (True, False),
}


def _nan_ordered(kernel: str, left: ArrowValue, right: ArrowValue, result: ArrowValue) -> ArrowValue:
    """``result`` of an IEEE comparison corrected where a side is NaN (None: decided by the right side)."""
    left_nan, right_nan = pc.is_nan(left), pc.is_nan(right)
    when_left, when_right = _NAN_RULES[kernel]
    result = pc.if_else(right_nan, when_right, result)
    if kernel == "greater":  # NaN > x unless x is NaN too
        result = pc.if_else(left_nan, pc.invert(right_nan), result)
    elif when_left is None:  # NaN = NaN, NaN <= NaN: true exactly when the right side is NaN
        result = pc.if_else(left_nan, right_nan, result)
    else:
        result = pc.if_else(left_nan, when_left, result)
    return pc.if_else(pc.is_null(right), pa.scalar(None, pa.bool_()), result)  # NaN < NULL is NULL


class EqualTo(BinaryComparison):
    __slots__ = ()
    symbol = "="
    kernel = "equal"


class LessThan(BinaryComparison):
    __slots__ = ()
    symbol = "<"
    kernel = "less"


class LessThanOrEqual(BinaryComparison):
    __slots__ = ()
    symbol = "<="
    kernel = "less_equal"


class GreaterThan(BinaryComparison):
    __slots__ = ()
    symbol = ">"
    kernel = "greater"


class GreaterThanOrEqual(BinaryComparison):
    __slots__ = ()
    symbol = ">="
    kernel = "greater_equal"


class EqualNullSafe(BinaryComparison):
    """``<=>``: true when both sides are NULL, false when one is, never NULL itself."""

    __slots__ = ()
    symbol = "<=>"

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        left, right = self.left.eval(batch), self.right.eval(batch)
        both_null = pc.and_(pc.is_null(left), pc.is_null(right))
        if pa.types.is_null(left.type) or pa.types.is_null(right.type):  # Arrow has no equal(null, x)
            return both_null
        equal = pc.equal(left, right)
        if pa.types.is_floating(left.type) and pa.types.is_floating(right.type):
            equal = _nan_ordered("equal", left, right, equal)
        return pc.or_(both_null, pc.fill_null(equal, False))


class _BooleanBinary(BinaryOperator):
    __slots__ = ()

    def coerce(self) -> Expression:
        for side in (self.left, self.right):
            if not isinstance(side.data_type, (T.BooleanType, T.NullType)):
                raise AnalysisException(
                    "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: the binary operator "
                    f"requires the input type \"BOOLEAN\", not \"{side.data_type.simpleString().upper()}\".",
                )
        return type(self)(cast_if_needed(self.left, T.BooleanType()), cast_if_needed(self.right, T.BooleanType()))

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()


class And(_BooleanBinary):
    __slots__ = ()
    symbol = "AND"
    kernel = "and_kleene"


class Or(_BooleanBinary):
    __slots__ = ()
    symbol = "OR"
    kernel = "or_kleene"


@dataclass(frozen=True, slots=True)
class Not(Expression):
    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.invert(self.child.eval(batch))

    def _fmt(self, args: list[str]) -> str:
        return f"(NOT {args[0]})"


@dataclass(frozen=True, slots=True)
class IsNull(Expression):
    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.is_null(self.child.eval(batch), nan_is_null=False)

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} IS NULL)"


@dataclass(frozen=True, slots=True)
class IsNotNull(Expression):
    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.is_valid(self.child.eval(batch))

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} IS NOT NULL)"


@dataclass(frozen=True, slots=True)
class In(Expression):
    """``value IN (items...)``: NULL when no item matches and either side holds a NULL."""

    value: Expression
    items: tuple[Expression, ...]

    child_fields = ("value", "items")

    def coerce(self) -> Expression:
        target = common_type([self.value.data_type] + [i.data_type for i in self.items])
        if target is None:
            raise AnalysisException(
                "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: input to `in` should all be "
                "the same type.",
            )
        return In(cast_if_needed(self.value, target), tuple(cast_if_needed(i, target) for i in self.items))

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.value.eval(batch)
        if all(isinstance(i, Literal) for i in self.items):
            present = [i.to_arrow().as_py() for i in self.items if i.value is not None]
            has_null = len(present) < len(self.items)
            found = pc.is_in(value, value_set=pa.array(present, type=value.type))
            null = pa.scalar(None, pa.bool_())
            if has_null:
                found = pc.if_else(found, True, null)
            return pc.if_else(pc.is_null(value), null, found)
        result = None
        for item in self.items:
            eq = pc.equal(value, item.eval(batch))
            result = eq if result is None else pc.or_kleene(result, eq)
        return result

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} IN ({', '.join(args[1:])}))"


def split_conjuncts(expr: Expression) -> list[Expression]:
    """``a AND (b AND c)`` as ``[a, b, c]``."""
    if isinstance(expr, And):
        return split_conjuncts(expr.left) + split_conjuncts(expr.right)
    return [expr]


def conjoin(exprs: list[Expression]) -> Expression | None:
    """The AND of ``exprs`` (``None`` for none), left-deep as Spark builds it."""
    out: Expression | None = None
    for e in exprs:
        out = e if out is None else And(out, e)
    return out
