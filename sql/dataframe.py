"""``DataFrame``: PySpark's API as a thin builder of logical plans.

Every transformation builds one logical node over this DataFrame's plan and returns a new
DataFrame, which analyses it at once (so a bad column name fails on the line that used it,
as in PySpark). Actions hand the plan to ``QueryExecution``; no execution logic lives here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import pyarrow as pa

from ember.boundary import public_api
from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.column import Column, _col_expr, _expr
from ember.sql.conversion import table_to_rows
from ember.sql.display import html_table, schema_tree_string, show_string
from ember.sql.errors import AnalysisException, EmberTypeError, EmberValueError
from ember.sql.explain import explain_mode, explain_string
from ember.sql.expressions.sql_conf import analysed_by
from ember.sql.group import GroupedData
from ember.sql.na import DataFrameNaFunctions
from ember.sql.plan import logical as L
from ember.sql.plan.grouping_sets import cube_sets, rollup_sets
from ember.sql.plan.limits import check_limit_like
from ember.sql.plan.pivot import unpivot
from ember.sql.plan.set_operations import except_, intersect
from ember.sql.query_execution import QueryExecution
from ember.sql.row import Row
from ember.sql.sql_config import EAGER_EVAL_ENABLED, EAGER_EVAL_MAX_NUM_ROWS, EAGER_EVAL_TRUNCATE
from ember.sql.stat_summary import describe, summary

if TYPE_CHECKING:
    import pandas

    from ember.sql.session import SparkSession

__all__ = ["DataFrame"]

_JOIN_ALIASES = {
    "inner": "inner", "cross": "cross", "outer": "full", "full": "full", "fullouter": "full",
    "full_outer": "full", "left": "left", "leftouter": "left", "left_outer": "left", "right": "right",
    "rightouter": "right", "right_outer": "right", "semi": "left_semi", "leftsemi": "left_semi",
    "left_semi": "left_semi", "anti": "left_anti", "leftanti": "left_anti", "left_anti": "left_anti",
}


def _as_list(cols: Any) -> list:
    return list(cols) if isinstance(cols, (list, tuple)) else [cols]


def _flatten_columns(cols: tuple) -> list:
    return list(cols[0]) if len(cols) == 1 and isinstance(cols[0], (list, tuple)) else list(cols)


def _sort_order(c: Any, ascending: bool = True) -> E.SortOrder:
    e = _col_expr(c)
    return e if isinstance(e, E.SortOrder) else E.SortOrder(e, ascending)


def _sort_orders(cols: tuple, ascending: bool | list[bool]) -> tuple[E.SortOrder, ...]:
    """Sort keys with Spark's default NULL placement (first ascending, last descending)."""
    cols = tuple(_flatten_columns(cols))
    flags = ascending if isinstance(ascending, list) else [ascending] * len(cols)
    return tuple(_sort_order(c, bool(a)) for c, a in zip(cols, flags))


@public_api
class DataFrame:
    """A distributed collection of rows with named columns, computed lazily."""

    def __init__(self, session: SparkSession, plan: L.LogicalPlan):
        self.sparkSession = session
        self._plan = plan

    def _with(self, plan: L.LogicalPlan) -> DataFrame:
        with analysed_by(self.sparkSession):
            return DataFrame(self.sparkSession, analyze(plan))

    @property
    def _qe(self) -> QueryExecution:
        return QueryExecution(self.sparkSession, self._plan)

    # ------------------------------------------------------------------ schema
    @property
    def schema(self) -> T.StructType:
        return L.schema_of(self._plan.output)

    @property
    def columns(self) -> list[str]:
        return [a.name for a in self._plan.output]

    @property
    def dtypes(self) -> list[tuple[str, str]]:
        return [(f.name, f.dataType.simpleString()) for f in self.schema.fields]

    def printSchema(self, level: int | None = None) -> None:
        print(schema_tree_string(self.schema, level))

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, str):
            return Column(self._resolve_name(item))
        if isinstance(item, int):
            return Column(self._plan.output[item])
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        raise EmberTypeError("NOT_COLUMN_OR_INT_OR_STR", f"Unexpected item type {type(item).__name__}.")

    def __getattr__(self, name: str) -> Column:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.columns:
            raise AttributeError(f"'DataFrame' object has no attribute '{name}'")
        return self[name]

    def _resolve_name(self, name: str) -> E.Expression:
        from ember.sql.analyzer.resolve_references import resolve_expression

        if name == "*":
            return E.UnresolvedStar()
        return resolve_expression(E.UnresolvedAttribute(name), self._plan.output, self._plan)

    # ------------------------------------------------------------------ transformations
    def select(self, *cols: Any) -> DataFrame:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return self._with(L.Project(tuple(_col_expr(c) for c in cols), self._plan))

    def selectExpr(self, *expr: str) -> DataFrame:
        from ember.sql.parser.expressions import parse_expression

        return self._with(L.Project(tuple(parse_expression(e) for e in expr), self._plan))

    def filter(self, condition: Column | str) -> DataFrame:
        if isinstance(condition, str):
            from ember.sql.parser.expressions import parse_expression

            return self._with(L.Filter(parse_expression(condition), self._plan))
        return self._with(L.Filter(_expr(condition), self._plan))

    where = filter

    def withColumns(self, colsMap: dict[str, Column]) -> DataFrame:
        names = [n.lower() for n in colsMap]
        replaced = {a.name.lower(): a for a in self._plan.output}
        items: list[E.Expression] = []
        for a in self._plan.output:
            if a.name.lower() in names:
                name = next(n for n in colsMap if n.lower() == a.name.lower())
                items.append(E.Alias.make(_expr(colsMap[name]), name))
            else:
                items.append(a)
        items += [E.Alias.make(_expr(c), n) for n, c in colsMap.items() if n.lower() not in replaced]
        return self._with(L.Project(tuple(items), self._plan))

    def withColumn(self, colName: str, col: Column) -> DataFrame:
        if not isinstance(col, Column):
            raise EmberTypeError("NOT_COLUMN", f"Argument `col` should be a Column, got {type(col).__name__}.")
        return self.withColumns({colName: col})

    def withColumnRenamed(self, existing: str, new: str) -> DataFrame:
        items = tuple(E.Alias.make(a, new) if a.name.lower() == existing.lower() else a for a in self._plan.output)
        return self._with(L.Project(items, self._plan))

    def drop(self, *cols: Any) -> DataFrame:
        ids = {_c.expr_id for c in cols if isinstance(c, Column) and isinstance(_c := c._expr, E.AttributeReference)}
        names = {c.lower() for c in cols if isinstance(c, str)}
        items = tuple(a for a in self._plan.output if a.name.lower() not in names and a.expr_id not in ids)
        return self._with(L.Project(items, self._plan))

    def alias(self, alias: str) -> DataFrame:
        return self._with(L.SubqueryAlias(alias, self._plan))

    def groupBy(self, *cols: Any) -> GroupedData:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return GroupedData(self, list(cols))

    groupby = groupBy

    def rollup(self, *cols: Any) -> GroupedData:
        """Group by ``cols`` and by each prefix of them, down to the grand total."""
        cols = _flatten_columns(cols)
        return GroupedData(self, cols, rollup_sets(range(len(cols))))

    def cube(self, *cols: Any) -> GroupedData:
        """Group by every subset of ``cols``."""
        cols = _flatten_columns(cols)
        return GroupedData(self, cols, cube_sets(range(len(cols))))

    def groupingSets(self, groupingSets: list[list[Any]], *cols: Any) -> GroupedData:
        """Group by each of ``groupingSets``; ``cols`` are the grouping columns the result shows."""
        keys = [_col_expr(c) for c in cols]
        sets = []
        for members in groupingSets:
            exprs = [_col_expr(m) for m in members]
            keys += [e for e in exprs if e not in keys]
            sets.append(list(dict.fromkeys(keys.index(e) for e in exprs)))
        return GroupedData(self, [Column(k) for k in keys], sets, shown=len(cols))

    def unpivot(self, ids: Any, values: Any, variableColumnName: str, valueColumnName: str) -> DataFrame:
        """One row per id columns and value column: ``ids``, the column's name, its value (NULLs kept)."""
        id_exprs = [_col_expr(c) for c in _as_list(ids)]
        if values is None:
            taken = {e.name.lower() for e in id_exprs if isinstance(e, (E.UnresolvedAttribute, E.AttributeReference))}
            values = [Column(a) for a in self._plan.output if a.name.lower() not in taken]
        value_exprs = [_col_expr(c) for c in _as_list(values)]
        names = [E.output_name(e) for e in value_exprs]
        plan = unpivot(self._plan, id_exprs, [[v] for v in value_exprs], names, variableColumnName,
                       [valueColumnName], include_nulls=True)
        return DataFrame(self.sparkSession, plan)

    melt = unpivot

    def agg(self, *exprs: Any) -> DataFrame:
        return self.groupBy().agg(*exprs)

    def join(self, other: DataFrame, on: Any = None, how: str | None = None) -> DataFrame:
        join_type = _JOIN_ALIASES.get((how or "inner").lower().replace(" ", ""))
        if join_type is None:
            raise EmberValueError(
                "UNSUPPORTED_JOIN_TYPE", f"Unsupported join type '{how}'. Supported join types include: "
                "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', "
                "'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', "
                "'left_anti', 'anti', 'cross'.")
        if isinstance(on, str):
            on = [on]
        if isinstance(on, (list, tuple)) and on and all(isinstance(o, str) for o in on):
            return self._with(L.Join(self._plan, other._plan, join_type, None, tuple(on)))
        if isinstance(on, (list, tuple)):
            on = E.conjoin([_expr(o) for o in on])
        elif isinstance(on, Column):
            on = on._expr
        if on is None and join_type == "inner":
            join_type = "cross"
        return self._with(L.Join(self._plan, other._plan, join_type, on))

    def crossJoin(self, other: DataFrame) -> DataFrame:
        return self._with(L.Join(self._plan, other._plan, "cross"))

    def orderBy(self, *cols: Any, ascending: bool | list[bool] = True) -> DataFrame:
        return self._with(L.Sort(_sort_orders(cols, ascending), self._plan, True))

    sort = orderBy

    def sortWithinPartitions(self, *cols: Any, ascending: bool | list[bool] = True) -> DataFrame:
        return self._with(L.Sort(_sort_orders(cols, ascending), self._plan, False))

    def limit(self, num: int) -> DataFrame:
        check_limit_like("limit", num)
        return self._with(L.Limit(num, self._plan))

    def offset(self, num: int) -> DataFrame:
        """The rows after the first ``num``."""
        check_limit_like("offset", num)
        return self._with(L.Offset(num, self._plan))

    def distinct(self) -> DataFrame:
        return self._with(L.Distinct(self._plan))

    def dropDuplicates(self, subset: list[str] | None = None) -> DataFrame:
        if not subset:
            return self.distinct()
        keys = [self._resolve_name(s) for s in subset]
        key_ids = {k.expr_id for k in keys}
        items = tuple(a if a.expr_id in key_ids else E.Alias.make(E.First(a), a.name) for a in self._plan.output)
        return self._with(L.Aggregate(tuple(keys), items, self._plan))

    drop_duplicates = dropDuplicates

    def union(self, other: DataFrame) -> DataFrame:
        return self._with(L.Union((self._plan, other._plan)))

    unionAll = union

    def unionByName(self, other: DataFrame, allowMissingColumns: bool = False) -> DataFrame:
        theirs = {a.name.lower(): a for a in other._plan.output}
        items: list[E.Expression] = []
        for a in self._plan.output:
            match = theirs.get(a.name.lower())
            if match is None:
                if not allowMissingColumns:
                    raise AnalysisException(
                        "UNRESOLVED_COLUMN.WITH_SUGGESTION",
                        f"A column, variable, or function parameter with name `{a.name}` cannot be resolved. "
                        f"Did you mean one of the following? [{', '.join(f'`{n}`' for n in other.columns)}].",
                    )
                items.append(E.Alias.make(E.Cast(E.Literal.of(None), a.data_type), a.name))
            else:
                items.append(match)
        with analysed_by(self.sparkSession):
            aligned = analyze(L.Project(tuple(items), other._plan))
        return self.union(DataFrame(self.sparkSession, aligned))

    def intersect(self, other: DataFrame) -> DataFrame:
        """Distinct rows found in both (NULLs match NULLs)."""
        return DataFrame(self.sparkSession, intersect(self._plan, other._plan, all_rows=False))

    def intersectAll(self, other: DataFrame) -> DataFrame:
        """Rows found in both, each as often as in the side that has it fewer times."""
        return DataFrame(self.sparkSession, intersect(self._plan, other._plan, all_rows=True))

    def subtract(self, other: DataFrame) -> DataFrame:
        """Distinct rows of this DataFrame not found in ``other`` (SQL's ``EXCEPT``)."""
        return DataFrame(self.sparkSession, except_(self._plan, other._plan, all_rows=False))

    def exceptAll(self, other: DataFrame) -> DataFrame:
        """Rows of this DataFrame not in ``other``, keeping duplicates (``EXCEPT ALL``)."""
        return DataFrame(self.sparkSession, except_(self._plan, other._plan, all_rows=True))

    @property
    def na(self) -> DataFrameNaFunctions:
        return DataFrameNaFunctions(self)

    def fillna(self, value: Any, subset: Any = None) -> DataFrame:
        return self.na.fill(value, subset)

    def dropna(self, how: str = "any", thresh: int | None = None, subset: Any = None) -> DataFrame:
        return self.na.drop(how, thresh, subset)

    def replace(self, to_replace: Any, value: Any = None, subset: Any = None) -> DataFrame:
        return self.na.replace(to_replace, value, subset)

    def describe(self, *cols: str) -> DataFrame:
        """count, mean, stddev, min and max of numeric and string columns, as strings."""
        return describe(self, cols)

    def summary(self, *statistics: str) -> DataFrame:
        """``describe`` plus the 25%, 50% and 75% percentiles, or the ``statistics`` named."""
        return summary(self, statistics)

    def repartition(self, numPartitions: int | Any, *cols: Any) -> DataFrame:
        """``numPartitions`` partitions, round-robin, or hash-partitioned by ``cols`` when given
        (then ``numPartitions`` may be left out: ``spark.sql.shuffle.partitions``)."""
        if not isinstance(numPartitions, int):
            numPartitions, cols = None, (numPartitions, *cols)
        if cols:
            keys = tuple(_col_expr(c) for c in _flatten_columns(cols))
            return self._with(L.RepartitionByExpression(keys, numPartitions, self._plan))
        return self._with(L.Repartition(numPartitions, True, self._plan))

    def coalesce(self, numPartitions: int) -> DataFrame:
        return self._with(L.Repartition(numPartitions, False, self._plan))

    def cache(self) -> DataFrame:
        return self.persist()

    def persist(self, storageLevel: Any = None) -> DataFrame:
        """Later actions scan this DataFrame's result from the cache (built on first use)."""
        relation = L.InMemoryRelation(tuple(self._plan.output), self._plan, L.CacheSlot())
        self._plan = relation
        return self

    def unpersist(self, blocking: bool = False) -> DataFrame:
        if isinstance(self._plan, L.InMemoryRelation):
            if self._plan.slot.rdd is not None:
                self._plan.slot.rdd.unpersist()
            self._plan = self._plan.plan
        return self

    def createOrReplaceTempView(self, name: str) -> None:
        self.sparkSession.catalog.register(name, self._plan, replace=True)

    def createTempView(self, name: str) -> None:
        self.sparkSession.catalog.register(name, self._plan, replace=False)

    @property
    def write(self):
        """A ``DataFrameWriter`` that saves this DataFrame's rows as files."""
        from ember.sql.readwriter import DataFrameWriter

        return DataFrameWriter(self)

    # ------------------------------------------------------------------ actions
    def toArrow(self) -> pa.Table:
        return self._qe.to_table()

    def collect(self) -> list[Row]:
        return table_to_rows(self.toArrow(), self.schema)

    def toPandas(self) -> pandas.DataFrame:
        return self.toArrow().to_pandas()

    def toLocalIterator(self, prefetchPartitions: bool = False) -> Iterator[Row]:
        """The rows, fetching one partition at a time (the driver never holds more)."""
        schema = self.schema
        for batch in self._qe.to_rdd().toLocalIterator():
            yield from table_to_rows(pa.Table.from_batches([batch]), schema)

    def count(self) -> int:
        from ember.sql import functions as F

        return self.agg(F.count("*")).collect()[0][0]

    def take(self, num: int) -> list[Row]:
        return self.limit(num).collect()

    def head(self, n: int | None = None) -> Row | None | list[Row]:
        if n is None:
            rows = self.take(1)
            return rows[0] if rows else None
        return self.take(n)

    def first(self) -> Row | None:
        return self.head()

    def isEmpty(self) -> bool:
        return not self.take(1)

    @property
    def rdd(self):
        """The rows as an RDD of ``Row``s."""
        schema = self.schema
        return self._qe.to_rdd().mapPartitions(
            lambda batches: (r for b in batches for r in table_to_rows(pa.Table.from_batches([b]), schema)))

    def show(self, n: int = 20, truncate: bool | int = True, vertical: bool = False) -> None:
        print(self._show_string(n, truncate, vertical))  # PySpark too ends with an empty line

    def _show_string(self, n: int = 20, truncate: bool | int = True, vertical: bool = False) -> str:
        rows = self.take(n + 1)
        width = 20 if truncate is True else int(truncate)
        types = [f.dataType for f in self.schema.fields]
        return show_string(self.columns, types, rows[:n], len(rows) > n, width, vertical)

    def _repr_html_(self) -> str | None:
        """An HTML table of the first ``spark.sql.repl.eagerEval.maxNumRows`` rows (only those
        are computed). Ember renders by default; ``spark.sql.repl.eagerEval.enabled=false``
        restores PySpark's default of no HTML."""
        conf = self.sparkSession.conf
        if not EAGER_EVAL_ENABLED.read(conf):
            return None
        limit = EAGER_EVAL_MAX_NUM_ROWS.read(conf)
        truncate = EAGER_EVAL_TRUNCATE.read(conf)
        rows = self.take(limit + 1)
        types = [f.dataType for f in self.schema.fields]
        return html_table(self.columns, types, rows[:limit], len(rows) > limit, truncate)

    def mapInPandas(self, func: Any, schema: Any, barrier: bool = False) -> DataFrame:
        """Rows through ``func``, an iterator of pandas DataFrames to an iterator of DataFrames of ``schema``."""
        from ember.sql.pandas_map import map_in
        return map_in(self, func, schema, "pandas", barrier)

    def mapInArrow(self, func: Any, schema: Any, barrier: bool = False) -> DataFrame:
        """Rows through ``func``, an iterator of ``pyarrow.RecordBatch`` to an iterator of batches of ``schema``."""
        from ember.sql.pandas_map import map_in
        return map_in(self, func, schema, "arrow", barrier)

    def explain(self, extended: bool | str | None = None, mode: str | None = None) -> None:
        """Print the plans: ``simple`` (default), ``extended``, ``codegen``, ``cost`` or ``formatted``."""
        print(explain_string(self._qe, explain_mode(extended, mode)))

    def __repr__(self) -> str:
        return "DataFrame[" + ", ".join(f"{n}: {t}" for n, t in self.dtypes) + "]"
