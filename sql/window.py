"""``Window`` and ``WindowSpec``: PySpark's builders of window specifications.

A ``WindowSpec`` only records partition keys, orders and a frame; ``Column.over(spec)`` wraps
a function in a ``WindowExpression`` and the analyzer checks and completes the frame.
"""

from __future__ import annotations

import sys
from typing import Any

from ember.sql.column import to_expression
from ember.sql.expressions import Expression, SortOrder
from ember.sql.expressions.windows import (
    CURRENT_ROW, UNBOUNDED_FOLLOWING, UNBOUNDED_PRECEDING, WindowFrame, WindowSpecDefinition,
)

__all__ = ["Window", "WindowSpec"]

_JAVA_MIN_LONG = -(1 << 63)
_JAVA_MAX_LONG = (1 << 63) - 1
_PRECEDING_THRESHOLD = max(-sys.maxsize, _JAVA_MIN_LONG)
_FOLLOWING_THRESHOLD = min(sys.maxsize, _JAVA_MAX_LONG)


def _columns(cols: tuple[Any, ...]) -> list[Any]:
    return list(cols[0]) if len(cols) == 1 and isinstance(cols[0], (list, tuple)) else list(cols)


def _order(col: Any) -> SortOrder:
    e = to_expression(col)
    return e if isinstance(e, SortOrder) else SortOrder(e, True)


def _bound(value: int) -> float | int:
    if value <= _PRECEDING_THRESHOLD:
        return UNBOUNDED_PRECEDING
    if value >= _FOLLOWING_THRESHOLD:
        return UNBOUNDED_FOLLOWING
    return CURRENT_ROW if value == 0 else value


class WindowSpec:
    """Partitioning, ordering and frame of a window; each method returns a new spec.

    Examples
    --------
    >>> from ember.sql import Window, functions as F
    >>> df = spark.createDataFrame([(1, "a", 1)], ["x", "k", "v"])
    >>> df.select(F.sum("x").over(Window.partitionBy("k").orderBy("v").rowsBetween(-1, Window.currentRow))).columns
    ['sum(x) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND CURRENT ROW)']
    """

    __slots__ = ("_spec",)

    def __init__(self, spec: WindowSpecDefinition | None = None) -> None:
        self._spec = spec if spec is not None else WindowSpecDefinition()

    def _with(self, **changes: Any) -> WindowSpec:
        s = self._spec
        return WindowSpec(WindowSpecDefinition(changes.get("partition", s.partition), changes.get("orders", s.orders),
                                               changes.get("frame", s.frame)))

    def partitionBy(self, *cols: Any) -> WindowSpec:
        """The columns that split rows into independent windows."""
        keys: tuple[Expression, ...] = tuple(to_expression(c) for c in _columns(cols))
        return self._with(partition=keys)

    def orderBy(self, *cols: Any) -> WindowSpec:
        """The order of rows within each window (ranking functions and frames follow it)."""
        return self._with(orders=tuple(_order(c) for c in _columns(cols)))

    def rowsBetween(self, start: int, end: int) -> WindowSpec:
        """A frame of rows ``start``..``end`` relative to the current one (``Window.unboundedPreceding``,
        ``Window.currentRow``, ``Window.unboundedFollowing`` or an offset)."""
        return self._with(frame=WindowFrame("rows", _bound(start), _bound(end)))

    def rangeBetween(self, start: int, end: int) -> WindowSpec:
        """A frame of the rows whose order key lies within ``start``..``end`` of the current row's."""
        return self._with(frame=WindowFrame("range", _bound(start), _bound(end)))


class Window:
    """Entry points that start a ``WindowSpec``, and the frame boundary constants.

    >>> from ember.sql import Window, functions as F
    >>> df = spark.createDataFrame([("a", 1), ("a", 2), ("a", 3), ("b", 1)], ["k", "v"])
    >>> w = Window.partitionBy("k").orderBy("v")
    >>> df.select("k", "v", F.row_number().over(w).alias("n"),
    ...           F.sum("v").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias("running"),
    ...           F.sum("v").over(w.rangeBetween(-1, 1)).alias("near")).orderBy("k", "v").show()
    +---+---+---+-------+----+
    |  k|  v|  n|running|near|
    +---+---+---+-------+----+
    |  a|  1|  1|      1|   3|
    |  a|  2|  2|      3|   6|
    |  a|  3|  3|      6|   5|
    |  b|  1|  1|      1|   1|
    +---+---+---+-------+----+
    <BLANKLINE>
    """

    unboundedPreceding: int = _JAVA_MIN_LONG
    unboundedFollowing: int = _JAVA_MAX_LONG
    currentRow: int = 0

    @staticmethod
    def partitionBy(*cols: Any) -> WindowSpec:
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols: Any) -> WindowSpec:
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rangeBetween(start, end)


def spec_of(window: WindowSpec) -> WindowSpecDefinition:
    """The partitioning, ordering and frame ``window`` holds, as an expression-tree node."""
    return window._spec
