"""``GroupedData``: the result of ``groupBy``, turned into an ``Aggregate`` by ``agg`` and friends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql import functions as F
from ember.sql.column import Column, _col_expr
from ember.sql.errors import EmberTypeError
from ember.sql.plan import logical as L

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["GroupedData"]

_BY_NAME = {"sum": F.sum, "avg": F.avg, "mean": F.avg, "count": F.count, "min": F.min, "max": F.max,
            "first": F.first, "last": F.last, "collect_list": F.collect_list, "collect_set": F.collect_set,
            "stddev": F.stddev, "variance": F.variance}


class GroupedData:
    def __init__(self, df: DataFrame, grouping: list[Any]):
        self._df = df
        self._grouping = tuple(_col_expr(g) for g in grouping)

    def agg(self, *exprs: Column | dict[str, str]) -> DataFrame:
        """Aggregate with Columns (``F.sum("x")``) or a ``{column: function}`` dict."""
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            exprs = tuple(_BY_NAME[fn](c) for c, fn in exprs[0].items())
        for e in exprs:
            if not isinstance(e, Column):
                raise EmberTypeError("NOT_COLUMN", f"agg() takes Columns or one dict, got {type(e).__name__}.")
        items = self._grouping + tuple(e._expr for e in exprs)
        return self._df._with(L.Aggregate(self._grouping, items, self._df._plan))

    def _numeric(self, fn: Any, cols: tuple[str, ...]) -> DataFrame:
        from ember.sql import types as T

        if not cols:
            grouped = set(e.sql() for e in self._grouping)
            cols = tuple(f.name for f in self._df.schema.fields
                         if isinstance(f.dataType, T.NumericType) and f.name not in grouped)
        return self.agg(*[fn(c) for c in cols])

    def count(self) -> DataFrame:
        return self.agg(F.count("*").alias("count"))

    def sum(self, *cols: str) -> DataFrame:
        return self._numeric(F.sum, cols)

    def avg(self, *cols: str) -> DataFrame:
        return self._numeric(F.avg, cols)

    mean = avg

    def min(self, *cols: str) -> DataFrame:
        return self._numeric(F.min, cols)

    def max(self, *cols: str) -> DataFrame:
        return self._numeric(F.max, cols)
