"""``GroupedData``: the result of ``groupBy``, turned into an ``Aggregate`` by ``agg`` and friends."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ember.sql import expressions as E
from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.column import Column, expression_of, to_expression
from ember.sql.errors import EmberTypeError
from ember.sql.plan.grouping_sets import grouped_aggregate
from ember.sql.plan.pivot import distinct_pivot_values, pivot_aggregate

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["GroupedData"]

_BY_NAME = {"sum": F.sum, "avg": F.avg, "mean": F.avg, "count": F.count, "min": F.min, "max": F.max,
            "first": F.first, "last": F.last, "collect_list": F.collect_list, "collect_set": F.collect_set,
            "stddev": F.stddev, "variance": F.variance}


def _grouping_text(e: E.Expression) -> str:
    if isinstance(e, (E.AttributeReference, E.Alias)) and e.resolved:
        return f"{e.name}: {_short_type(e.data_type)}"
    if isinstance(e, (E.UnresolvedAttribute, E.Alias)):
        return e.name
    return e.sql()


def _short_fields(fields: list[T.StructField]) -> str:
    """Spark's ``[a: int, b: string ... 2 more fields]``: the first two fields only."""
    text = ", ".join(f"{f.name}: {_short_type(f.dataType)}" for f in fields[:2])
    if len(fields) > 2:
        text += " ... 1 more field" if len(fields) == 3 else f" ... {len(fields) - 2} more fields"
    return f"[{text}]"


def _short_type(dt: T.DataType) -> str:
    """A type as Spark's ``Dataset.toString`` spells it: ``struct<a: int, b: int ... 1 more field>``."""
    if isinstance(dt, T.StructType):
        return "struct<" + _short_fields(dt.fields)[1:-1] + ">"
    if isinstance(dt, T.ArrayType):
        return f"array<{_short_type(dt.elementType)}>"
    if isinstance(dt, T.MapType):
        return f"map<{_short_type(dt.keyType)},{_short_type(dt.valueType)}>"
    return dt.simpleString()


class GroupedData:
    """Grouping columns, and the grouping sets over them (``rollup``/``cube``/``groupingSets``) or a pivot.

    >>> from ember.sql import functions as F
    >>> df = spark.createDataFrame([("a", "x", 1), ("a", "y", 2), ("b", "x", 3), ("b", "x", 4)], ["k", "c", "v"])
    >>> df.groupBy("k").agg(F.sum("v"), F.count("*").alias("n"), F.collect_list("c")).orderBy("k").show()
    +---+------+---+---------------+
    |  k|sum(v)|  n|collect_list(c)|
    +---+------+---+---------------+
    |  a|     3|  2|         [x, y]|
    |  b|     7|  2|         [x, x]|
    +---+------+---+---------------+
    <BLANKLINE>
    >>> df.groupBy("k").agg({"v": "max"}).orderBy("k").collect()
    [Row(k='a', max(v)=2), Row(k='b', max(v)=4)]
    >>> df.groupBy("k").pivot("c", ["x", "y"]).sum("v").orderBy("k").collect()
    [Row(k='a', x=1, y=2), Row(k='b', x=7, y=None)]
    >>> df.rollup("k").count().orderBy("k").collect()
    [Row(k=None, count=4), Row(k='a', count=2), Row(k='b', count=2)]
    """

    def __init__(self, df: DataFrame, grouping: list[Any], sets: list[list[int]] | None = None,
                 pivot: tuple[E.Expression, list[Any]] | None = None, shown: int | None = None,
                 kind: str = "GroupBy"):
        self._df = df
        self._grouping = tuple(to_expression(g) for g in grouping)
        self._sets = sets
        self._pivot = pivot
        self._shown = self._grouping[:shown] if shown is not None else self._grouping
        self._kind = "Pivot" if pivot is not None else kind  # GroupBy, Rollup, Cube or GroupingSets

    def __repr__(self) -> str:
        """Spark's text: ``GroupedData[grouping expressions: [name: string], value: [age: bigint, name: string],
        type: GroupBy]``, two fields of each list at most."""
        keys = [_grouping_text(g) for g in self._grouping]
        text = ", ".join(keys[:2]) + (f" ... {len(keys) - 2} more field(s)" if len(keys) > 2 else "")
        return (f"GroupedData[grouping expressions: [{text}], value: {_short_fields(self._df.schema.fields)}, "
                f"type: {self._kind}]")

    def agg(self, *exprs: Column | dict[str, str]) -> DataFrame:
        """Aggregate with Columns (``F.sum("x")``) or a ``{column: function}`` dict."""
        from ember.sql.dataframe import derive, plan_of

        if len(exprs) == 1 and isinstance(exprs[0], dict):
            exprs = tuple(_BY_NAME[fn](c) for c, fn in exprs[0].items())
        for e in exprs:
            if not isinstance(e, Column):
                raise EmberTypeError("NOT_COLUMN", f"agg() takes Columns or one dict, got {type(e).__name__}.")
        if self._pivot is not None:
            column, values = self._pivot
            plan = pivot_aggregate(list(self._grouping), column, [(E.Literal.of(v), None) for v in values],
                                   [expression_of(e) for e in exprs], plan_of(self._df))
            return derive(self._df, plan)
        items = self._shown + tuple(expression_of(e) for e in exprs)
        plan = grouped_aggregate(self._grouping, self._sets, items, plan_of(self._df))
        return derive(self._df, plan)

    def pivot(self, pivot_col: str, values: list[Any] | None = None) -> GroupedData:
        """One output column per value of ``pivot_col`` (and per aggregate, when there are several);
        without ``values``, the column's distinct values, sorted, as Spark finds them."""
        from ember.sql.dataframe import plan_of

        if self._sets is not None:
            raise EmberTypeError("UNSUPPORTED_FEATURE.PIVOT_AFTER_GROUP_BY", "The feature is not supported: PIVOT "
                                 "clause following a GROUP BY clause. Consider pushing the GROUP BY into a subquery.",
                                 "0A000")
        if self._pivot is not None:
            raise EmberTypeError("UNSUPPORTED_FEATURE", "repeated pivots are not allowed.")
        column = to_expression(pivot_col)
        if values is None:
            values = distinct_pivot_values(plan_of(self._df), column, self._df.sparkSession)
        return GroupedData(self._df, [Column(g) for g in self._grouping], pivot=(column, list(values)))

    def _numeric(self, fn: Any, cols: tuple[str, ...]) -> DataFrame:
        if not cols:
            grouped = set(e.sql() for e in self._grouping)
            cols = tuple(f.name for f in self._df.schema.fields
                         if isinstance(f.dataType, T.NumericType) and f.name not in grouped)
        return self.agg(*[fn(c) for c in cols])

    def applyInPandas(self, func: Any, schema: Any) -> DataFrame:
        """Each group as one pandas DataFrame through ``func`` (``func(pdf)`` or ``func(key, pdf)``), whose
        DataFrames of ``schema`` are the result; with ``Iterator[pd.DataFrame]`` type hints, the group's
        batches as an iterator of DataFrames, and an iterator of DataFrames back."""
        from ember.sql.pandas_map import apply_in
        return apply_in(self, func, schema, "pandas")

    def applyInArrow(self, func: Any, schema: Any) -> DataFrame:
        """Each group as one ``pyarrow.Table`` through ``func`` (``func(table)`` or ``func(key, table)``, the key
        a tuple of ``pyarrow.Scalar``), whose tables of ``schema`` are the result; with
        ``Iterator[pa.RecordBatch]`` type hints, an iterator of record batches in and out."""
        from ember.sql.pandas_map import apply_in
        return apply_in(self, func, schema, "arrow")

    def apply(self, udf: Any) -> DataFrame:
        """``applyInPandas`` for a ``pandas_udf(..., PandasUDFType.GROUPED_MAP)``: its function, with its
        return type as the schema (PySpark's older form, which it warns about)."""
        from ember.errors import PySparkTypeError
        from ember.sql.udf import PythonEvalType

        if (isinstance(udf, Column) or not hasattr(udf, "func")
                or getattr(udf, "evalType", None) != PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF):
            raise PySparkTypeError("INVALID_UDF_EVAL_TYPE", "Eval type for UDF must be SQL_GROUPED_MAP_PANDAS_UDF.")
        warnings.warn("It is preferred to use 'applyInPandas' over this API. This API will be deprecated in the "
                      "future releases. See SPARK-28264 for more details.", UserWarning, stacklevel=2)
        return self.applyInPandas(udf.func, schema=udf.returnType)

    def cogroup(self, other: GroupedData) -> Any:
        """Pair this grouping with ``other``'s for ``applyInPandas``/``applyInArrow`` over both
        (``PandasCogroupedOps``)."""
        from ember.sql.pandas_map import PandasCogroupedOps
        return PandasCogroupedOps(self, other)

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


# Accessors for other modules: GroupedData's attribute namespace is PySpark's.
def grouped_dataframe(grouped: GroupedData) -> DataFrame:
    """The DataFrame ``grouped`` groups."""
    return grouped._df


def grouping_of(grouped: GroupedData) -> tuple[E.Expression, ...]:
    """The (unresolved) grouping expressions of ``grouped``."""
    return grouped._grouping


def is_plain_grouping(grouped: GroupedData) -> bool:
    """Whether ``grouped`` comes from ``groupBy`` alone: no rollup, cube, grouping sets or pivot."""
    return grouped._sets is None and grouped._pivot is None
