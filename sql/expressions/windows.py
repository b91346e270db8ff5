"""Window expressions: ``function OVER (PARTITION BY ... ORDER BY ... frame)``.

A ``WindowExpression`` pairs a function with a ``WindowSpecDefinition`` (partition keys, sort
orders and a ``WindowFrame``). The function is either a ``WindowFunction`` (ranking, ``ntile``,
``lag``/``lead``, ``nth_value``) or any ``AggregateFunction`` evaluated over the frame.

``WindowExpression.coerce`` is where Spark's rules apply, when the analyzer resolves the
expression (and before it names the output column, so names carry the frame as Spark's do):
ranking functions and ``lag``/``lead`` need an ORDER BY and impose their own frame; an
unspecified frame is ``RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`` with an ORDER BY and
the whole partition without one; bounds are checked, and a RANGE frame with value offsets needs
exactly one numeric or date order key. Nothing here evaluates rows: ``physical/window.py`` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import pyarrow as pa

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.aggregates import AggregateFunction, CountDistinct, First, Last
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import is_numeric
from ember.sql.expressions.literals import Literal
from ember.sql.expressions.sort_order import SortOrder

__all__ = [
    "WindowFrame", "WindowSpecDefinition", "WindowExpression", "WindowFunction", "RowNumber", "Rank",
    "DenseRank", "PercentRank", "CumeDist", "NTile", "Lag", "Lead", "NthValue", "FirstValue", "LastValue",
    "UNBOUNDED_PRECEDING", "UNBOUNDED_FOLLOWING", "CURRENT_ROW", "has_window", "has_aggregate_outside_windows",
    "window_function_outside_over", "without_over",
]

UNBOUNDED_PRECEDING = -math.inf
UNBOUNDED_FOLLOWING = math.inf
CURRENT_ROW = 0


@dataclass(frozen=True, slots=True)
class WindowFrame:
    """``ROWS|RANGE BETWEEN lower AND upper``.

    A bound is ``-inf`` (UNBOUNDED PRECEDING), ``inf`` (UNBOUNDED FOLLOWING), ``0`` (CURRENT
    ROW) or an offset from the current row (negative: before it). ``written_preceding`` says
    which offsets were written ``n PRECEDING`` in SQL and ``cast`` which of those Spark casts to
    the order key's type; both only make the column name read as Spark's (``1 PRECEDING``,
    ``(- 1) FOLLOWING``, and ``-1 FOLLOWING`` from the DataFrame API).
    """

    frame_type: str  # "rows" | "range"
    lower: float | int
    upper: float | int
    written_preceding: tuple[bool, bool] = (False, False)
    cast: tuple[bool, bool] = (False, False)

    def same_bounds(self, other: WindowFrame) -> bool:
        return (self.frame_type, self.lower, self.upper) == (other.frame_type, other.lower, other.upper)

    @property
    def has_value_offset(self) -> bool:
        return any(math.isfinite(b) and b != 0 for b in (self.lower, self.upper))

    @staticmethod
    def _bound(value: float | int, preceding: bool, cast: bool) -> str:
        if value == UNBOUNDED_PRECEDING:
            return "UNBOUNDED PRECEDING"
        if value == UNBOUNDED_FOLLOWING:
            return "UNBOUNDED FOLLOWING"
        if value == 0:
            return "CURRENT ROW"
        if preceding and value < 0:
            return f"(- {-value}) FOLLOWING" if cast else f"{-value} PRECEDING"
        return f"{value} FOLLOWING"

    def sql(self) -> str:
        lower = self._bound(self.lower, self.written_preceding[0], self.cast[0])
        upper = self._bound(self.upper, self.written_preceding[1], self.cast[1])
        return f"{self.frame_type.upper()} BETWEEN {lower} AND {upper}"


ROWS_TO_CURRENT = WindowFrame("rows", UNBOUNDED_PRECEDING, CURRENT_ROW)
RANGE_TO_CURRENT = WindowFrame("range", UNBOUNDED_PRECEDING, CURRENT_ROW)
WHOLE_PARTITION = WindowFrame("rows", UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING)


@dataclass(frozen=True, slots=True)
class WindowSpecDefinition(Expression):
    """PARTITION BY, ORDER BY and frame of a window; ``frame`` is None until the analyzer sets it."""

    partition: tuple[Expression, ...] = ()
    orders: tuple[SortOrder, ...] = ()
    frame: WindowFrame | None = None

    child_fields = ("partition", "orders")

    @property
    def foldable(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return T.NullType()

    def to_string(self, ids: bool) -> str:
        parts = []
        if self.partition:
            parts.append("PARTITION BY " + ", ".join(p.to_string(ids) for p in self.partition))
        if self.orders:
            parts.append("ORDER BY " + ", ".join(o.to_string(ids) for o in self.orders))
        if self.frame is not None:
            parts.append(self.frame.sql())
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class WindowFunction(Expression):
    """A function that only has a meaning over a window (``row_number``, ``lag``, ...)."""

    requires_order: ClassVar[bool] = False
    required_frame: ClassVar[WindowFrame | None] = None

    @property
    def foldable(self) -> bool:
        return False

    def frame_for(self, spec: WindowSpecDefinition) -> WindowFrame | None:
        """The frame this function imposes (None: it uses the window's)."""
        return self.required_frame

    def eval(self, batch: pa.RecordBatch):
        raise without_over(self)


@dataclass(frozen=True, slots=True)
class _RankLike(WindowFunction):
    requires_order = True
    required_frame = ROWS_TO_CURRENT
    sql_name: ClassVar[str] = ""

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    @property
    def nullable(self) -> bool:
        return False

    def _fmt(self, args: list[str]) -> str:
        return f"{self.sql_name}({', '.join(args)})"


class RowNumber(_RankLike):
    __slots__ = ()
    sql_name = "row_number"


class Rank(_RankLike):
    __slots__ = ()
    sql_name = "RANK"


class DenseRank(_RankLike):
    __slots__ = ()
    sql_name = "DENSE_RANK"


class PercentRank(_RankLike):
    __slots__ = ()
    sql_name = "PERCENT_RANK"

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()


class CumeDist(_RankLike):
    __slots__ = ()
    sql_name = "cume_dist"
    required_frame = RANGE_TO_CURRENT

    @property
    def data_type(self) -> T.DataType:
        return T.DoubleType()


@dataclass(frozen=True, slots=True)
class NTile(_RankLike):
    """``ntile(n)``: bucket 1..n of the row; the first ``rows % n`` buckets get one row more."""

    buckets: int = 1
    sql_name = "ntile"

    def __post_init__(self) -> None:
        if not isinstance(self.buckets, int) or isinstance(self.buckets, bool) or not 0 < self.buckets < 2**31:
            raise AnalysisException(
                "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                f"Cannot resolve \"ntile({self.buckets})\" due to data type mismatch: The buckets must be "
                f"between (0, 2147483647] (current value = {self.buckets}).", "42K09")

    def _fmt(self, args: list[str]) -> str:
        return f"ntile({self.buckets})"


@dataclass(frozen=True, slots=True)
class Lead(WindowFunction):
    """``lead(input, offset, default)``: the input ``offset`` rows after this one in the partition,
    ``default`` where there is no such row. It ignores the window's frame (Spark gives it the
    one-row frame ``offset`` rows away). With ``ignore_nulls``, NULL inputs are skipped."""

    input: Expression
    offset: int = 1
    default: Expression = Literal(None, T.NullType())
    ignore_nulls: bool = False

    child_fields = ("input", "default")
    requires_order = True
    direction: ClassVar[int] = 1

    @property
    def data_type(self) -> T.DataType:
        return self.input.data_type

    @property
    def nullable(self) -> bool:
        return True

    @property
    def row_offset(self) -> int:
        """Rows after the current one (negative: before)."""
        return self.direction * self.offset

    def frame_for(self, spec: WindowSpecDefinition) -> WindowFrame:
        return WindowFrame("rows", self.row_offset, self.row_offset)

    def _fmt(self, args: list[str]) -> str:
        return f"{self.pretty_name}({args[0]}, {self.offset}, {args[1]})"


class Lag(Lead):
    __slots__ = ()
    direction = -1


@dataclass(frozen=True, slots=True)
class NthValue(WindowFunction):
    """``nth_value(input, n)``: the input of the frame's n-th row (n-th non-NULL with ignore_nulls)."""

    input: Expression
    n: int = 1
    ignore_nulls: bool = False

    child_fields = ("input",)

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or isinstance(self.n, bool) or self.n <= 0:
            raise AnalysisException(
                "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                f"Cannot resolve \"nth_value({self.input.sql()}, {self.n})\" due to data type mismatch: The offset "
                f"must be between (0, 9223372036854775807] (current value = {self.n}L).", "42K09")

    @property
    def data_type(self) -> T.DataType:
        return self.input.data_type

    @property
    def nullable(self) -> bool:
        return True

    def _fmt(self, args: list[str]) -> str:
        return f"nth_value({args[0]}, {self.n})" + (" ignore nulls" if self.ignore_nulls else "")


class FirstValue(First):
    """``first_value(col)``: ``first`` under the name the DataFrame API gives it."""

    __slots__ = ()

    def _fmt(self, args: list[str]) -> str:
        return f"first_value({args[0]})"


class LastValue(Last):
    __slots__ = ()

    def _fmt(self, args: list[str]) -> str:
        return f"last_value({args[0]})"


@dataclass(frozen=True, slots=True)
class WindowExpression(Expression):
    """``function OVER (spec)``; evaluated by the ``Window`` operator, never row-wise."""

    function: Expression
    spec: WindowSpecDefinition

    child_fields = ("function", "spec")

    @property
    def data_type(self) -> T.DataType:
        return self.function.data_type

    @property
    def nullable(self) -> bool:
        return self.function.nullable

    @property
    def foldable(self) -> bool:
        return False

    def coerce(self) -> Expression:
        _check_function(self.function)
        frame = _frame_of(self.function, self.spec)
        _check_frame(frame, self.spec)
        frame = _with_casts(frame, self.spec)
        if frame == self.spec.frame:
            return self
        return WindowExpression(self.function, replace(self.spec, frame=frame))

    def eval(self, batch: pa.RecordBatch):
        raise AnalysisException("INTERNAL_ERROR", f"{self.sql()} must be computed by a Window operator.")

    def to_string(self, ids: bool) -> str:
        return f"{self.function.to_string(ids)} OVER ({self.spec.to_string(ids)})"


def without_over(fn: Expression) -> AnalysisException:
    return AnalysisException("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
                             f"Window function \"{fn.sql()}\" requires an OVER clause.", "42601")


def _not_ordered(fn: Expression) -> AnalysisException:
    name = fn.sql_name.lower() if isinstance(fn, _RankLike) else fn.pretty_name
    return AnalysisException(
        "WINDOW_FUNCTION_FRAME_NOT_ORDERED",
        f"Window function {name} requires the window to be ordered. You need to add an ORDER BY clause. For "
        f"example: SELECT {fn.sql()} OVER (PARTITION BY window_partition ORDER BY window_ordering) FROM table.",
        "42601")


def _check_function(fn: Expression) -> None:
    if isinstance(fn, CountDistinct):
        raise AnalysisException("DISTINCT_WINDOW_FUNCTION_UNSUPPORTED",
                                f"Distinct window functions are not supported: \"{fn.sql()}\".", "0A000")
    if not isinstance(fn, (WindowFunction, AggregateFunction)):
        raise AnalysisException("UNSUPPORTED_EXPR_FOR_WINDOW",
                                f"Expression \"{fn.sql()}\" not supported within a window function.", "42P20")


def _frame_of(fn: Expression, spec: WindowSpecDefinition) -> WindowFrame:
    """The frame Spark evaluates ``fn`` over (its own, the written one, or the default)."""
    if isinstance(fn, WindowFunction):
        if fn.requires_order and not spec.orders:
            raise _not_ordered(fn)
        required = fn.frame_for(spec)
        if required is not None:
            if spec.frame is not None and not spec.frame.same_bounds(required):
                if isinstance(fn, Lead):
                    raise AnalysisException("_LEGACY_ERROR_TEMP_1035",
                                            f"Cannot specify window frame for {fn.pretty_name} function.")
                raise AnalysisException("_LEGACY_ERROR_TEMP_1036", f"Window Frame {spec.frame.sql()} must match "
                                        f"the required frame {required.sql()}.")
            return required
    if spec.frame is not None:
        return spec.frame
    return RANGE_TO_CURRENT if spec.orders else WHOLE_PARTITION


def _mismatch(error: str, frame: WindowFrame, text: str, spec_text: str | None = None) -> AnalysisException:
    return AnalysisException(f"DATATYPE_MISMATCH.{error}", f"Cannot resolve \"{spec_text or frame.sql()}\" due to "
                             f"data type mismatch: {text}", "42K09")


def _check_frame(frame: WindowFrame, spec: WindowSpecDefinition) -> None:
    if frame.lower == UNBOUNDED_FOLLOWING or frame.upper == UNBOUNDED_PRECEDING:
        lower, upper = frame.sql().split(" BETWEEN ")[1].split(" AND ")
        raise _mismatch("SPECIFIED_WINDOW_FRAME_INVALID_BOUND", frame,
                        f"Window frame upper bound \"{upper}\" does not follow the lower bound \"{lower}\".")
    for bound in (frame.lower, frame.upper):
        if frame.frame_type == "rows" and math.isfinite(bound) and not isinstance(bound, int):
            raise _mismatch("SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", frame,
                            "The data type of the lower bound \"DOUBLE\" does not match the expected data type \"INT\".")
    if frame.lower > frame.upper:
        raise _mismatch("SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON", frame,
                        "The lower bound of a window frame must be less than or equal to the upper bound.")
    if frame.frame_type != "range" or not frame.has_value_offset:
        return
    spec_text = f"({replace(spec, frame=frame).sql()})"
    if not spec.orders:
        raise _mismatch("RANGE_FRAME_WITHOUT_ORDER", frame,
                        "A range window frame cannot be used in an unordered window specification.", spec_text)
    if len(spec.orders) > 1:
        raise _mismatch("RANGE_FRAME_MULTI_ORDER", frame, "A range window frame with value boundaries cannot be "
                        "used in a window specification with multiple order by expressions: "
                        f"{','.join(str(o) for o in spec.orders)}.", spec_text)
    key = spec.orders[0].data_type
    offsets = [b for b in (frame.lower, frame.upper) if math.isfinite(b) and b != 0]
    if isinstance(key, (T.DateType, T.TimestampType)):
        if isinstance(key, T.DateType) and all(isinstance(b, int) for b in offsets):
            return
        offset_type = "INT" if all(isinstance(b, int) for b in offsets) else "DOUBLE"
        raise _mismatch("RANGE_FRAME_INVALID_TYPE", frame, f"The data type \"{key.simpleString().upper()}\" used in "
                        f"the order specification does not support the data type \"{offset_type}\" which is used "
                        "in the range frame.", spec_text)
    if not is_numeric(key):
        raise _mismatch("SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", frame,
                        f"The data type of the lower bound \"{key.simpleString().upper()}\" does not match the expected "
                        "data type (\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\").")


def _with_casts(frame: WindowFrame, spec: WindowSpecDefinition) -> WindowFrame:
    """Mark the RANGE offsets Spark casts to the numeric order key's type (an integer offset
    over a non-INT key, any fractional offset), as that changes how Spark names the column."""
    if frame.frame_type != "range" or not frame.has_value_offset or not is_numeric(spec.orders[0].data_type):
        return frame
    int_key = isinstance(spec.orders[0].data_type, T.IntegerType)
    cast = tuple(math.isfinite(b) and b != 0 and not (int_key and isinstance(b, int)) for b in (frame.lower, frame.upper))
    return replace(frame, cast=cast)


def has_window(e: Expression) -> bool:
    return any(isinstance(n, WindowExpression) for n in e.walk())


def window_function_outside_over(e: Expression) -> WindowFunction | None:
    """A ranking or offset function of ``e`` that no OVER clause applies to, if any."""
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, WindowFunction):
            return node
        if isinstance(node, WindowExpression):
            stack.extend(node.function.children)
            stack.append(node.spec)
        else:
            stack.extend(node.children)
    return None


def has_aggregate_outside_windows(e: Expression) -> bool:
    """True when ``e`` aggregates rows: an aggregate call that is not itself a window's function
    (``sum(v) OVER w`` does not aggregate; ``rank() OVER (ORDER BY sum(v))`` does)."""
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, AggregateFunction):
            return True
        if isinstance(node, WindowExpression):
            stack.extend(node.function.children)
            stack.append(node.spec)
        else:
            stack.extend(node.children)
    return False
