"""More aggregate functions (see ``aggregates.py`` for the phases).

Those Arrow has a hash kernel for run on it (``bool_and`` = ``all``, ``bool_or`` = ``any``,
``count_if`` = ``sum`` of booleans, ``product``, ``any_value`` = ``first``,
``approx_count_distinct`` = the *exact* ``count_distinct``). The rest gather each group's
values with the ``list`` kernel and reduce each list once: ``median``, ``percentile`` (exact,
linear interpolation as Spark), ``percentile_approx`` (computed exactly: the smallest value
whose rank reaches the fraction, which is what Spark's sketch approximates), ``mode``,
``max_by``/``min_by``, ``corr``/``covar_*``, ``kurtosis``/``skewness``, ``sum(DISTINCT)``.
Two-input aggregates take one input, ``pair(x, y)``: each row's two values pickled into one
binary value, so each aggregate still reads one column (Arrow's ``list`` kernel takes no structs).
"""

from __future__ import annotations

import math
import pickle
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.aggregates import (
    AggregateFunction, AggSpec, DistinctValueCount, First, cast_array, numeric_input,
)
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import cast_if_needed, is_numeric
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register

__all__ = [
    "AnyValue", "BoolAnd", "BoolOr", "CountIf", "Product", "ApproxCountDistinct", "ListReduction",
    "pair",
]


def pair(x: Expression, y: Expression) -> FunctionCall:
    """The one input of a two-input aggregate."""
    return FunctionCall("pair", (x, y))


register(FunctionSpec("pair", (ANY, ANY), T.BinaryType(), null_safe=True, nullable=False,
                      row=lambda x, y: pickle.dumps((x, y))))


def _require_boolean(fn: AggregateFunction) -> None:
    dt = fn.child.data_type
    if not isinstance(dt, (T.BooleanType, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{fn.sql()}\" due to data type mismatch: The first parameter requires the "
            f"\"BOOLEAN\" type, however \"{fn.child.sql()}\" has the type \"{dt.simpleString().upper()}\".",
        )


@dataclass(frozen=True, slots=True)
class AnyValue(First):
    """``any_value(col[, ignoreNulls])``: some value of the group."""

    kernel = "first"

    def _fmt(self, args: list[str]) -> str:
        return f"any_value({args[0]})"


@dataclass(frozen=True, slots=True)
class BoolAnd(AggregateFunction):
    """``bool_and``/``every``: true when every non-NULL value is (NULL for no such values)."""

    sql_name: str = "bool_and"
    kernel: ClassVar[str] = "all"

    def coerce(self) -> Expression:
        _require_boolean(self)
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return (self.kernel, pc.ScalarAggregateOptions(skip_nulls=True, min_count=1))

    def _fmt(self, args: list[str]) -> str:
        return f"{self.sql_name}({args[0]})"


@dataclass(frozen=True, slots=True)
class BoolOr(BoolAnd):
    """``bool_or``/``some``/``any``: true when some value is."""

    sql_name: str = "bool_or"
    kernel = "any"


@dataclass(frozen=True, slots=True)
class CountIf(AggregateFunction):
    """``count_if(cond)``: rows where ``cond`` is true."""

    def coerce(self) -> Expression:
        _require_boolean(self)
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    @property
    def nullable(self) -> bool:
        return False

    def complete(self) -> AggSpec:
        return ("sum", pc.ScalarAggregateOptions(min_count=0))

    def partial_types(self) -> list[pa.DataType]:
        return [pa.uint64()]

    def finish(self, states: list[pa.Array]) -> pa.Array:
        return cast_array(pc.fill_null(states[0], 0), self.data_type)

    def _fmt(self, args: list[str]) -> str:
        return f"count_if({args[0]})"


@dataclass(frozen=True, slots=True)
class Product(AggregateFunction):
    """``product(col)`` as a double."""

    def coerce(self) -> Expression:
        return Product(numeric_input(self, T.DoubleType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return ("product", pc.ScalarAggregateOptions(min_count=1))


class ApproxCountDistinct(DistinctValueCount):
    """``approx_count_distinct(col)``, computed exactly (so within any ``rsd``)."""

    __slots__ = ()

    def _fmt(self, args: list[str]) -> str:
        return f"approx_count_distinct({args[0]})"


# ---------------------------------------------------------------- reductions of each group's list
def _percentile(values: list, fraction: float) -> float | None:
    """Spark's exact ``percentile``: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (position - low) * (ordered[high] - ordered[low]))


def _percentile_approx(values: list, fraction: float) -> Any:
    """The smallest value whose rank reaches ``fraction`` of the group (what Spark's sketch estimates)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _mode(values: list) -> Any:
    """The most frequent value; the smallest of those tied (Spark leaves ties to hash order)."""
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v in counts if counts[v] == best)


def _by(pick: Callable) -> Callable[[list], Any]:
    def run(pairs: list) -> Any:
        candidates = [p for p in pairs if p[1] is not None]
        return pick(candidates, key=lambda p: p[1])[0] if candidates else None
    return run


def _moments(pairs: list) -> tuple[int, float, float, float, float, float]:
    both = [p for p in pairs if p[0] is not None and p[1] is not None]
    n = len(both)
    if not n:
        return 0, 0.0, 0.0, 0.0, 0.0, 0.0
    mx = sum(x for x, _ in both) / n
    my = sum(y for _, y in both) / n
    cxy = sum((x - mx) * (y - my) for x, y in both)
    cxx = sum((x - mx) ** 2 for x, _ in both)
    cyy = sum((y - my) ** 2 for _, y in both)
    return n, mx, my, cxy, cxx, cyy


def _corr(pairs: list) -> float | None:
    n, _, _, cxy, cxx, cyy = _moments(pairs)
    if n == 0 or cxx == 0 or cyy == 0:
        return None
    return cxy / math.sqrt(cxx * cyy)


def _covar(ddof: int) -> Callable[[list], float | None]:
    def run(pairs: list) -> float | None:
        n, _, _, cxy, _, _ = _moments(pairs)
        return None if n - ddof <= 0 else cxy / (n - ddof)
    return run


def _central(values: list) -> tuple[int, float, float, float]:
    n = len(values)
    mean = sum(values) / n
    return n, sum((v - mean) ** 2 for v in values) / n, sum((v - mean) ** 3 for v in values) / n, \
        sum((v - mean) ** 4 for v in values) / n


def _skewness(values: list) -> float | None:
    if not values:
        return None
    _, m2, m3, _ = _central(values)
    return None if m2 == 0 else m3 / m2 ** 1.5


def _kurtosis(values: list) -> float | None:
    if not values:
        return None
    _, m2, _, m4 = _central(values)
    return None if m2 == 0 else m4 / m2 ** 2 - 3.0


def _string_agg(values: list, delimiter: str | bytes | None = None) -> str | bytes | None:
    """The values joined; binary values (``listagg(bytes, b'B')``) join into binary."""
    if not values:
        return None
    if isinstance(values[0], bytes):
        return (delimiter.encode() if isinstance(delimiter, str) else delimiter or b"").join(values)
    return (delimiter.decode() if isinstance(delimiter, bytes) else delimiter or "").join(values)


def _bits(op: Callable[[int, int], int]) -> Callable[[list], int | None]:
    def run(values: list) -> int | None:
        if not values:
            return None
        out = values[0]
        for v in values[1:]:
            out = op(out, v)
        return out
    return run


def _regression(stat: str) -> Callable[[list], Any]:
    """``regr_*(y, x)`` over the pairs where both are non-NULL."""
    def run(pairs: list) -> Any:
        both = [(x, y) for y, x in pairs if x is not None and y is not None]
        n = len(both)
        if stat == "count":
            return n
        if not n:
            return None
        mx, my = sum(x for x, _ in both) / n, sum(y for _, y in both) / n
        sxx = sum((x - mx) ** 2 for x, _ in both)
        syy = sum((y - my) ** 2 for _, y in both)
        sxy = sum((x - mx) * (y - my) for x, y in both)
        if stat in ("slope", "intercept", "r2") and sxx == 0:
            return None
        return {"avgx": mx, "avgy": my, "sxx": sxx, "syy": syy, "sxy": sxy, "slope": sxy / sxx if sxx else None,
                "intercept": my - (sxy / sxx) * mx if sxx else None,
                "r2": 1.0 if syy == 0 else sxy * sxy / (sxx * syy)}[stat]
    return run


def _sum_distinct(values: list) -> Any:
    return sum(set(values)) if values else None


_REDUCERS: dict[str, Callable[..., Any]] = {
    "median": lambda v: _percentile(v, 0.5),
    "percentile": _percentile,
    "percentile_approx": _percentile_approx,
    "mode": _mode,
    "max_by": _by(max),
    "min_by": _by(min),
    "corr": _corr,
    "covar_pop": _covar(0),
    "covar_samp": _covar(1),
    "skewness": _skewness,
    "kurtosis": _kurtosis,
    "sum_distinct": _sum_distinct,
    "string_agg": _string_agg,
    "string_agg_distinct": lambda v, d=None: _string_agg(list(dict.fromkeys(v)), d),
    "bit_and": _bits(lambda a, b: a & b),
    "bit_or": _bits(lambda a, b: a | b),
    "bit_xor": _bits(lambda a, b: a ^ b),
    **{f"regr_{stat}": _regression(stat) for stat in
       ("count", "avgx", "avgy", "sxx", "syy", "sxy", "slope", "intercept", "r2")},
}
_NUMERIC_INPUT = {"median", "percentile", "skewness", "kurtosis"}
_REGRESSIONS = {f"regr_{stat}" for stat in ("count", "avgx", "avgy", "sxx", "syy", "sxy", "slope", "intercept", "r2")}
_PAIRED = {"max_by", "min_by", "corr", "covar_pop", "covar_samp"} | _REGRESSIONS
_DOUBLE_RESULT = {"median", "percentile", "corr", "covar_pop", "covar_samp", "skewness", "kurtosis"} | (
    _REGRESSIONS - {"regr_count"})


@dataclass(frozen=True, slots=True)
class ListReduction(AggregateFunction):
    """An aggregate Arrow has no hash kernel for: each group's non-NULL values reduced in Python.

    ``params`` are the function's literal arguments after its input (``percentile``'s fraction).
    """

    name: str = ""
    params: tuple = ()
    shown: tuple = ()  # arguments the column name shows after ``params`` (Spark's defaults)
    sql_name: str = ""

    ordered = True

    def coerce(self) -> Expression:
        child = self.child
        if self.name in _NUMERIC_INPUT:
            child = numeric_input(self, T.DoubleType())
        elif self.name in ("corr", "covar_pop", "covar_samp") or self.name in _REGRESSIONS:
            for item in child.args:
                if not (is_numeric(item.data_type) or isinstance(item.data_type, T.NullType)):
                    raise AnalysisException(
                        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                        f"Cannot resolve \"{self.sql()}\" due to data type mismatch: the parameters require the "
                        f"\"DOUBLE\" type, however \"{item.sql()}\" has the type "
                        f"\"{item.data_type.simpleString().upper()}\".")
            child = pair(*(cast_if_needed(i, T.DoubleType()) for i in child.args))
        elif self.name.startswith("string_agg"):
            binary = isinstance(child.data_type, T.BinaryType)
            if self.params and isinstance(self.params[0], bytes) != binary:
                kinds = ("BINARY", "STRING") if binary else ("STRING", "BINARY")
                raise AnalysisException(
                    "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: Input to `{self.sql_name or 'string_agg'}` "
                    f"should all be the same type, but it's (\"{kinds[0]}\" or \"{kinds[1]}\").", "42K09")
            if not binary:
                child = cast_if_needed(child, T.StringType())
        elif self.name.startswith("bit_"):
            if not isinstance(child.data_type, (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.NullType)):
                raise AnalysisException(
                    "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The first parameter requires the "
                    f"\"INTEGRAL\" type, however \"{child.sql()}\" has the type "
                    f"\"{child.data_type.simpleString().upper()}\".")
        elif self.name == "sum_distinct":
            numeric_input(self)
            if isinstance(child.data_type, (T.ByteType, T.ShortType, T.IntegerType)):
                child = cast_if_needed(child, T.LongType())
        return ListReduction(child, self.name, self.params, self.shown, self.sql_name)

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        if self.name in _DOUBLE_RESULT:
            return T.DoubleType()
        if self.name in ("max_by", "min_by"):
            return self.child.args[0].data_type
        if self.name == "regr_count":
            return T.LongType()
        if self.name.startswith("string_agg"):
            return T.BinaryType() if isinstance(self.child.data_type, T.BinaryType) else T.StringType()
        return self.child.data_type

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return ("list", None)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        reduce = _REDUCERS[self.name]
        out = []
        for values in result.to_pylist():
            if self.name in _PAIRED:
                kept = [pickle.loads(v) for v in values or []]
            else:
                kept = [v for v in values or [] if v is not None]
            out.append(reduce(kept, *self.params))
        return pa.array(out, type=to_arrow_type(self.data_type))

    def to_string(self, ids: bool) -> str:
        inputs = self.child.args if self.name in _PAIRED else (self.child,)
        args = [i.to_string(ids) for i in inputs]
        if self.name == "sum_distinct":
            return f"sum(DISTINCT {args[0]})"
        if self.name == "string_agg_distinct":
            args = [f"DISTINCT {args[0]}"]
        shown = [f"X'{p.hex().upper()}'" if isinstance(p, bytes) else str(p) for p in self.params + self.shown]
        return f"{self.sql_name or self.name}({', '.join(args + shown)})"
