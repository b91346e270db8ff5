"""Aggregate functions, described by the Arrow hash-aggregate kernels that compute them.

Each function says how to aggregate its input in one phase (``complete``) and, when it can,
in two: ``partial`` states per map partition, ``merge`` of those states after the hash
exchange, and ``finish`` to turn merged states into the result. Functions without a two-phase
form (``collect_list``, ``count(DISTINCT)``, ``stddev``, …) make the planner exchange raw rows
and aggregate once. ``input`` is the one expression each aggregates (``None`` for ``count(*)``).
"""

from __future__ import annotations

import decimal

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, ArithmeticException
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import cast_if_needed, is_numeric, is_string
from ember.sql.expressions.decimals import out_of_range, out_of_range_as_null
from ember.sql.expressions.sql_conf import ansi_enabled

__all__ = [
    "AggregateFunction", "Sum", "Average", "Count", "DistinctValueCount", "CountDistinct", "Min", "Max", "First", "Last",
    "CollectList", "CollectSet", "StddevSamp", "VarianceSamp", "StddevPop", "VariancePop",
]

AggSpec = tuple[str, Any]  # (Arrow hash-aggregate name, its options or None)


@dataclass(frozen=True, slots=True)
class AggregateFunction(Expression):
    """An aggregate of ``child`` over the rows of a group."""

    child: Expression | None

    child_fields = ("child",)
    ordered: ClassVar[bool] = False  # needs single-threaded Arrow execution (first/last/list)

    @property
    def foldable(self) -> bool:
        return False

    @property
    def supports_partial(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        raise NotImplementedError

    @property
    def aggregated_input(self) -> Expression | None:
        """What the Arrow kernels aggregate (``child`` unless a wider type keeps it exact)."""
        return self.child

    def partial(self) -> list[AggSpec]:
        return [self.complete()]

    def merge(self) -> list[AggSpec]:
        return self.partial()

    def partial_types(self) -> list[pa.DataType]:
        """Arrow types of the partial states (so empty partitions produce well-typed columns)."""
        return [to_arrow_type(self.data_type)]

    def finish(self, states: list[pa.Array]) -> pa.Array:
        return cast_array(states[0], self.data_type)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        return self.finish([result])

    def eval(self, batch: pa.RecordBatch):
        raise AnalysisException(
            "UNSUPPORTED_EXPR_FOR_OPERATOR",
            f"Aggregate function {self.sql()} can only be used in groupBy().agg() or select() over a whole DataFrame.",
        )


def cast_array(array: pa.Array, dt: T.DataType) -> pa.Array:
    target = to_arrow_type(dt)
    return array if array.type == target else pc.cast(array, target, safe=False)


def _require_numeric(fn: AggregateFunction) -> None:
    dt = fn.child.data_type
    if not (is_numeric(dt) or is_string(dt) or isinstance(dt, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{fn.sql()}\" due to data type mismatch: the first parameter requires the "
            f"\"NUMERIC\" type, however \"{fn.child.sql()}\" has the type \"{dt.simpleString().upper()}\".",
        )


def numeric_input(fn: AggregateFunction, to: T.DataType | None = None) -> Expression:
    _require_numeric(fn)
    dt = fn.child.data_type
    if to is not None:
        return cast_if_needed(fn.child, to)
    return fn.child if is_numeric(dt) else cast_if_needed(fn.child, T.DoubleType())


@dataclass(frozen=True, slots=True)
class Sum(AggregateFunction):
    """``sum``: a long for integral input, a double for floating, NULL for no non-NULL input;
    decimal(p, s) sums to decimal(p + 10, s), and a sum with more digits raises
    ``NUMERIC_VALUE_OUT_OF_RANGE`` (ANSI mode, captured at analysis) or is NULL.

    Arrow sums decimal128 in 128 bits, so inputs of more than 28 digits could wrap around
    unnoticed past 1.7e38. Arrow's int64 sums wrap silently, so integers are summed as
    decimal(20, 0) (in 38 digits) and checked: past a long, ``ARITHMETIC_OVERFLOW`` under ANSI
    mode, as Spark, else the long wraps around as Spark's does."""

    ansi: bool = True

    def coerce(self) -> Expression:
        return Sum(numeric_input(self), ansi_enabled())

    @property
    def aggregated_input(self) -> Expression | None:
        if isinstance(self.child.data_type, T.IntegralType):
            return cast_if_needed(self.child, T.DecimalType(20, 0))
        return self.child

    def partial_types(self) -> list[pa.DataType]:
        dt = self.child.data_type
        if isinstance(dt, (T.DecimalType, T.IntegralType)):
            return [pa.decimal128(38, dt.scale if isinstance(dt, T.DecimalType) else 0)]
        return [to_arrow_type(self.data_type)]

    def finish(self, states: list[pa.Array]) -> pa.Array:
        dt = self.data_type
        if isinstance(dt, T.DecimalType):
            return self._checked_decimal(states[0], dt)
        if isinstance(dt, T.LongType):
            return self._checked_long(states[0])
        return cast_array(states[0], dt)

    def _checked_long(self, total: pa.Array) -> pa.Array:
        total = total.cast(pa.decimal128(38, 0)) if total.type != pa.decimal128(38, 0) else total
        low, high = pa.scalar(-2**63, pa.decimal128(38, 0)), pa.scalar(2**63 - 1, pa.decimal128(38, 0))
        outside = pc.or_(pc.less(total, low), pc.greater(total, high))
        if not pc.any(outside).as_py():
            return total.cast(pa.int64())
        if self.ansi:
            raise ArithmeticException(
                "ARITHMETIC_OVERFLOW", "overflow. Use 'try_add' to tolerate overflow and return NULL "
                "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.", "22003")
        wrapped = [None if v is None else (int(v) + 2**63) % 2**64 - 2**63 for v in total.to_pylist()]
        return pa.array(wrapped, pa.int64())

    def _checked_decimal(self, total: pa.Array, dt: T.DecimalType) -> pa.Array:
        """Arrow's decimal128(38, s) sums may hold more digits than decimal(dt) allows."""
        if dt.precision < 38:
            return out_of_range_as_null(total, dt, self.ansi).cast(to_arrow_type(dt))
        # Past 38 digits Arrow's own casts and comparisons reject the value: check per group.
        limit = decimal.Decimal(10) ** (dt.precision - dt.scale)
        values = total.to_pylist()
        for i, v in enumerate(values):
            if v is not None and v.copy_abs() >= limit:  # abs() would round to 28 digits
                if self.ansi:
                    raise out_of_range(v, dt)
                values[i] = None
        return pa.array(values, to_arrow_type(dt))

    @property
    def data_type(self) -> T.DataType:
        dt = self.child.data_type
        if isinstance(dt, T.IntegralType):
            return T.LongType()
        if isinstance(dt, T.DecimalType):
            return T.DecimalType(min(38, dt.precision + 10), dt.scale)
        return T.DoubleType()

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return ("sum", pc.ScalarAggregateOptions(min_count=1))


class Count(AggregateFunction):
    """``count(col)`` counts non-NULL values; ``count(*)`` (``child=None``) counts rows."""

    __slots__ = ()

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    @property
    def nullable(self) -> bool:
        return False

    def complete(self) -> AggSpec:
        if self.child is None:
            return ("count_all", None)
        return ("count", pc.CountOptions("only_valid"))

    def merge(self) -> list[AggSpec]:
        return [("sum", None)]

    def finish(self, states: list[pa.Array]) -> pa.Array:
        return cast_array(pc.fill_null(states[0], 0), T.LongType())

    def finish_complete(self, result: pa.Array) -> pa.Array:
        return self.finish([result])

    def to_string(self, ids: bool) -> str:
        return "count(1)" if self.child is None else f"count({self.child.to_string(ids)})"


@dataclass(frozen=True, slots=True)
class Average(AggregateFunction):
    """``avg``/``mean``: a double, or for decimal(p, s) input Spark's decimal(p + 4, s + 4)
    rounded half up (sum and count travel separately between phases). A decimal mean with more
    digits than that type holds raises ``NUMERIC_VALUE_OUT_OF_RANGE`` (ANSI mode, captured at
    analysis) or is NULL."""

    ansi: bool = True

    def coerce(self) -> Expression:
        child = self.child if isinstance(self.child.data_type, T.DecimalType) else numeric_input(self, T.DoubleType())
        return type(self)(child, ansi_enabled())

    @property
    def _decimal_input(self) -> T.DecimalType | None:
        dt = self.child.data_type
        return dt if isinstance(dt, T.DecimalType) else None

    @property
    def data_type(self) -> T.DataType:
        dt = self._decimal_input
        # Spark caps both at 38 here (``DecimalType.bounded``) rather than trading scale for digits.
        return T.DoubleType() if dt is None else T.DecimalType(min(38, dt.precision + 4), min(38, dt.scale + 4))

    @property
    def nullable(self) -> bool:
        return True

    @property
    def pretty_name(self) -> str:
        return "avg"

    def complete(self) -> AggSpec:
        # Arrow's decimal mean keeps the input's scale; decimals are averaged from their values.
        return ("mean", None) if self._decimal_input is None else ("list", None)

    def partial(self) -> list[AggSpec]:
        return [("sum", pc.ScalarAggregateOptions(min_count=1)), ("count", pc.CountOptions("only_valid"))]

    def merge(self) -> list[AggSpec]:
        return [("sum", pc.ScalarAggregateOptions(min_count=1)), ("sum", None)]

    def partial_types(self) -> list[pa.DataType]:
        dt = self._decimal_input
        total = pa.float64() if dt is None else pa.decimal128(min(38, dt.precision + 10), dt.scale)
        return [total, pa.int64()]

    def finish(self, states: list[pa.Array]) -> pa.Array:
        total, count = states
        if self._decimal_input is not None:
            return self._finish_decimal(total, count)
        return pc.if_else(pc.greater(pc.fill_null(count, 0), 0), pc.divide(total, pc.cast(count, pa.float64())),
                          pa.scalar(None, pa.float64()))

    def _finish_decimal(self, total: pa.Array, count: pa.Array) -> pa.Array:
        """One exact division per group (there are far fewer groups than rows)."""
        target = to_arrow_type(self.data_type)
        quantum = decimal.Decimal(1).scaleb(-target.scale)
        limit = decimal.Decimal(10) ** (target.precision - target.scale)
        values = []
        with decimal.localcontext() as ctx:
            ctx.prec = 80
            for t, c in zip(total.to_pylist(), count.to_pylist()):
                mean = None if t is None or not c else (t / c).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
                if mean is not None and mean.copy_abs() >= limit:
                    if self.ansi:
                        raise out_of_range(mean, self.data_type)
                    mean = None
                values.append(mean)
        return pa.array(values, target)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        if self._decimal_input is None:
            return cast_array(result, self.data_type)
        # ``result`` holds each group's values as a list: sum and count them per group, vectorised.
        groups = pa.table({"g": pc.cast(pc.list_parent_indices(result), pa.int64()), "v": pc.list_flatten(result)})
        states = groups.group_by("g").aggregate([("v", "sum", pc.ScalarAggregateOptions(min_count=1)),
                                                 ("v", "count", pc.CountOptions("only_valid"))])
        every = pa.table({"g": pa.array(np.arange(len(result)), pa.int64())})
        states = every.join(states, "g", join_type="left outer").sort_by("g")
        return self._finish_decimal(states.column("v_sum").combine_chunks(), states.column("v_count").combine_chunks())


class _SameTypeAggregate(AggregateFunction):
    __slots__ = ()
    kernel: ClassVar[str] = ""

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return (self.kernel, pc.ScalarAggregateOptions(min_count=1))


class _FloatOrderedAggregate(_SameTypeAggregate):
    """min/max: over floats they aggregate order keys, so that NaN is the largest value as in Spark."""

    __slots__ = ()

    def _floating(self) -> bool:
        return isinstance(self.child.data_type, (T.FloatType, T.DoubleType))

    @property
    def aggregated_input(self) -> Expression | None:
        from ember.sql.expressions.float_order import FloatOrderKey

        return FloatOrderKey(self.child) if self._floating() else self.child

    def partial_types(self) -> list[pa.DataType]:
        return [pa.int64()] if self._floating() else super().partial_types()

    def finish(self, states: list[pa.Array]) -> pa.Array:
        if self._floating():
            from ember.sql.expressions.float_order import decode_order_key

            return decode_order_key(states[0], to_arrow_type(self.data_type))
        return super().finish(states)


class Min(_FloatOrderedAggregate):
    __slots__ = ()
    kernel = "min"


class Max(_FloatOrderedAggregate):
    __slots__ = ()
    kernel = "max"


@dataclass(frozen=True, slots=True)
class First(AggregateFunction):
    """``first(col, ignorenulls)``: some row's value; which row is not defined across partitions."""

    ignore_nulls: bool = False

    ordered = True
    kernel: ClassVar[str] = "first"

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return (self.kernel, pc.ScalarAggregateOptions(skip_nulls=self.ignore_nulls, min_count=0))

    def _fmt(self, args: list[str]) -> str:
        return f"{self.kernel}({args[0]})"


class Last(First):
    __slots__ = ()
    kernel = "last"


def _drop_null_elements(lists: pa.Array) -> pa.Array:
    """Remove NULL elements from every list, without a Python loop over rows."""
    lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    values = pc.list_flatten(lists)
    if values.null_count == 0:
        return lists
    parents = pc.list_parent_indices(lists).to_numpy()
    keep = pc.is_valid(values).to_numpy(zero_copy_only=False)
    counts = np.bincount(parents[keep], minlength=len(lists))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(keep)))


class CollectList(AggregateFunction):
    """``collect_list``: the group's non-NULL values as an array."""

    __slots__ = ()
    ordered = True

    @property
    def pretty_name(self) -> str:
        return "collect_list"
    kernel: ClassVar[str] = "list"

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return T.ArrayType(self.child.data_type, False)

    @property
    def nullable(self) -> bool:
        return False

    def complete(self) -> AggSpec:
        return (self.kernel, None)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        return cast_array(_drop_null_elements(result), self.data_type)


class CollectSet(CollectList):
    __slots__ = ()
    ordered = False
    kernel = "distinct"

    @property
    def pretty_name(self) -> str:
        return "collect_set"


class DistinctValueCount(AggregateFunction):
    """The number of distinct non-NULL values, in one phase (partial counts do not add up)."""

    __slots__ = ()

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    @property
    def nullable(self) -> bool:
        return False

    def complete(self) -> AggSpec:
        return ("count_distinct", pc.CountOptions("only_valid"))


class CountDistinct(DistinctValueCount):
    """``count(DISTINCT col)``: distinct non-NULL values."""

    __slots__ = ()

    def to_string(self, ids: bool) -> str:
        return f"count(DISTINCT {self.child.to_string(ids)})"


class _Moment(AggregateFunction):
    __slots__ = ()
    kernel: ClassVar[str] = ""
    ddof: ClassVar[int] = 1

    def coerce(self) -> Expression:
        return type(self)(numeric_input(self, T.DoubleType()))

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return (self.kernel, pc.VarianceOptions(ddof=self.ddof, min_count=1))


class StddevSamp(_Moment):
    __slots__ = ()
    kernel = "stddev"

    @property
    def pretty_name(self) -> str:
        return "stddev"


class VarianceSamp(_Moment):
    __slots__ = ()
    kernel = "variance"

    @property
    def pretty_name(self) -> str:
        return "variance"


class StddevPop(_Moment):
    __slots__ = ()
    kernel = "stddev"
    ddof = 0

    @property
    def pretty_name(self) -> str:
        return "stddev_pop"


class VariancePop(_Moment):
    __slots__ = ()
    kernel = "variance"
    ddof = 0

    @property
    def pretty_name(self) -> str:
        return "var_pop"
