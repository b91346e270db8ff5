"""``DataFrame``: PySpark's API as a thin builder of logical plans.

Every transformation builds one logical node over this DataFrame's plan and returns a new
DataFrame, which analyses it at once (so a bad column name fails on the line that used it,
as in PySpark). Actions hand the plan to ``QueryExecution``; no execution logic lives here.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pyarrow as pa

from ember.boundary import public_api
from ember.errors import PySparkNotImplementedError, PySparkTypeError, PySparkValueError
from ember.sql import dataframe_stat, sampling
from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.conversion import table_to_rows
from ember.sql.dataframe_stat import DataFrameStatFunctions
from ember.sql.display import html_table, schema_tree_string, show_string
from ember.sql.errors import AnalysisException, EmberTypeError, EmberValueError
from ember.sql.explain import explain_mode, explain_string
from ember.sql.expressions.sql_conf import analysed_by
from ember.sql.group import GroupedData
from ember.sql.na import DataFrameNaFunctions
from ember.sql.ordinals import grouping_ordinals, sort_ordinals
from ember.sql.plan import logical as L
from ember.sql.plan.grouping_sets import cube_sets, rollup_sets
from ember.sql.plan.limits import check_limit_like
from ember.sql.plan.pivot import unpivot
from ember.sql.plan.semantics import canonical_form, semantic_hash
from ember.sql.plan.set_operations import except_, intersect
from ember.sql.query_execution import QueryExecution
from ember.sql.row import Row
from ember.sql.sql_config import EAGER_EVAL_ENABLED, EAGER_EVAL_MAX_NUM_ROWS, EAGER_EVAL_TRUNCATE
from ember.sql.stat_summary import describe, summary
from ember.sql.catalog import global_views_of

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


def _null_column(a: E.AttributeReference) -> E.Expression:
    """A NULL column named and typed as ``a``."""
    return E.Alias.make(E.Cast(E.Literal.of(None), a.data_type), a.name)


def _sort_order(c: Any, ascending: bool = True) -> E.SortOrder:
    e = to_expression(c)
    return e if isinstance(e, E.SortOrder) else E.SortOrder(e, ascending)


def _sort_orders(cols: tuple, ascending: bool | list[bool]) -> tuple[E.SortOrder, ...]:
    """Sort keys with Spark's default NULL placement (first ascending, last descending)."""
    cols = tuple(_flatten_columns(cols))
    flags = ascending if isinstance(ascending, list) else [ascending] * len(cols)
    return tuple(_sort_order(c, bool(a)) for c, a in zip(cols, flags))


def _unsupported(api: str, why: str) -> PySparkNotImplementedError:
    return PySparkNotImplementedError("UNSUPPORTED_FEATURE", f"{api} is not supported by Ember: {why}.")


@public_api
class DataFrame:
    """A distributed collection of rows with named columns, computed lazily.

    Transformations return new DataFrames and run nothing; actions (``collect``, ``count``,
    ``show``, writes) plan the query and run it as jobs on the session's context.

    >>> from ember.sql import functions as F
    >>> people = spark.createDataFrame([("Alice", 34, "eng"), ("Bob", 45, "ops"), ("Cara", 29, "eng")],
    ...                                "name STRING, age INT, dept STRING")
    >>> people.printSchema()
    root
     |-- name: string (nullable = true)
     |-- age: integer (nullable = true)
     |-- dept: string (nullable = true)
    <BLANKLINE>
    >>> people.filter(people.age > 30).select("name", (people.age + 1).alias("next")).show()
    +-----+----+
    | name|next|
    +-----+----+
    |Alice|  35|
    |  Bob|  46|
    +-----+----+
    <BLANKLINE>
    >>> depts = spark.createDataFrame([("eng", "Engineering"), ("ops", "Operations")], ["dept", "title"])
    >>> people.join(depts, "dept").groupBy("title").agg(F.avg("age").alias("avg_age")).orderBy("title").collect()
    [Row(title='Engineering', avg_age=31.5), Row(title='Operations', avg_age=45.0)]
    >>> people.withColumn("senior", F.col("age") >= 40).drop("dept").orderBy(F.desc("age")).first()
    Row(name='Bob', age=45, senior=True)
    >>> people.count(), people.columns, people.dtypes[1]
    (3, ['name', 'age', 'dept'], ('age', 'int'))
    """

    _broadcast = False  # set by ``hint("broadcast")``: a join with this DataFrame as a side broadcasts it

    def __init__(self, session: SparkSession, plan: L.LogicalPlan):
        self._session = session
        self._plan = plan

    @property
    def sparkSession(self) -> SparkSession:
        """The session that created this DataFrame."""
        return self._session

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
        resolved = resolve_expression(E.UnresolvedAttribute(name), self._plan.output, self._plan)
        if isinstance(resolved, E.AttributeReference):
            return resolved
        return E.Alias.make(resolved, E.UnresolvedAttribute(name).name_parts[-1])  # df["s.a"] is `s.a AS a`

    # ------------------------------------------------------------------ transformations
    def select(self, *cols: Any) -> DataFrame:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return self._with(L.Project(tuple(to_expression(c) for c in cols), self._plan))

    def selectExpr(self, *expr: str) -> DataFrame:
        from ember.sql.parser.expressions import parse_expression

        return self._with(L.Project(tuple(parse_expression(e) for e in expr), self._plan))

    def filter(self, condition: Column | str) -> DataFrame:
        if isinstance(condition, str):
            from ember.sql.parser.expressions import parse_expression

            return self._with(L.Filter(parse_expression(condition), self._plan))
        return self._with(L.Filter(value_expression(condition), self._plan))

    where = filter

    def withColumns(self, colsMap: dict[str, Column]) -> DataFrame:
        names = [n.lower() for n in colsMap]
        replaced = {a.name.lower(): a for a in self._plan.output}
        items: list[E.Expression] = []
        for a in self._plan.output:
            if a.name.lower() in names:
                name = next(n for n in colsMap if n.lower() == a.name.lower())
                items.append(E.Alias.make(value_expression(colsMap[name]), name))
            else:
                items.append(a)
        items += [E.Alias.make(value_expression(c), n) for n, c in colsMap.items() if n.lower() not in replaced]
        return self._with(L.Project(tuple(items), self._plan))

    def withColumn(self, colName: str, col: Column) -> DataFrame:
        if not isinstance(col, Column):
            raise EmberTypeError("NOT_COLUMN", f"Argument `col` should be a Column, got {type(col).__name__}.")
        return self.withColumns({colName: col})

    def withColumnRenamed(self, existing: str, new: str) -> DataFrame:
        items = tuple(E.Alias.make(a, new) if a.name.lower() == existing.lower() else a for a in self._plan.output)
        return self._with(L.Project(items, self._plan))

    def drop(self, *cols: Any) -> DataFrame:
        ids = {_c.expr_id for c in cols
               if isinstance(c, Column) and isinstance(_c := expression_of(c), E.AttributeReference)}
        names = {c.lower() for c in cols if isinstance(c, str)}
        items = tuple(a for a in self._plan.output if a.name.lower() not in names and a.expr_id not in ids)
        return self._with(L.Project(items, self._plan))

    def alias(self, alias: str) -> DataFrame:
        return self._with(L.SubqueryAlias(alias, self._plan))

    def groupBy(self, *cols: Any) -> GroupedData:
        """Group by columns, names or 1-based column ordinals (``groupBy(1)``)."""
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        return GroupedData(self, grouping_ordinals(self._plan, list(cols)))

    groupby = groupBy

    def rollup(self, *cols: Any) -> GroupedData:
        """Group by ``cols`` (names, Columns or 1-based ordinals) and by each prefix of them, down to the grand total."""
        cols = grouping_ordinals(self._plan, _flatten_columns(cols))
        return GroupedData(self, cols, rollup_sets(range(len(cols))), kind="Rollup")

    def cube(self, *cols: Any) -> GroupedData:
        """Group by every subset of ``cols`` (names, Columns or 1-based ordinals)."""
        cols = grouping_ordinals(self._plan, _flatten_columns(cols))
        return GroupedData(self, cols, cube_sets(range(len(cols))), kind="Cube")

    def groupingSets(self, groupingSets: list[list[Any]], *cols: Any) -> GroupedData:
        """Group by each of ``groupingSets``; ``cols`` are the grouping columns the result shows."""
        keys = [to_expression(c) for c in cols]
        sets = []
        for members in groupingSets:
            exprs = [to_expression(m) for m in members]
            keys += [e for e in exprs if e not in keys]
            sets.append(list(dict.fromkeys(keys.index(e) for e in exprs)))
        return GroupedData(self, [Column(k) for k in keys], sets, shown=len(cols), kind="GroupingSets")

    def unpivot(self, ids: Any, values: Any, variableColumnName: str, valueColumnName: str) -> DataFrame:
        """One row per id columns and value column: ``ids``, the column's name, its value (NULLs kept)."""
        id_exprs = [to_expression(c) for c in _as_list(ids)]
        if values is None:
            taken = {e.name.lower() for e in id_exprs if isinstance(e, (E.UnresolvedAttribute, E.AttributeReference))}
            values = [Column(a) for a in self._plan.output if a.name.lower() not in taken]
        value_exprs = [to_expression(c) for c in _as_list(values)]
        names = [E.output_name(e) for e in value_exprs]
        plan = unpivot(self._plan, id_exprs, [[v] for v in value_exprs], names, variableColumnName,
                       [valueColumnName], include_nulls=True)
        return DataFrame(self.sparkSession, plan)

    melt = unpivot

    def observe(self, observation: Any, *exprs: Column) -> DataFrame:
        """This DataFrame's rows; its first action also computes the aggregate ``exprs`` in the same
        tasks, for ``observation.get`` (an ``Observation``), or under a name (a ``str``; Ember has
        no query listeners to hand named metrics to, so only the ``Observation`` form shows them)."""
        from ember.sql.observation import Observation, claim, mark_attached
        from ember.sql.plan.observed import collect_metrics

        if not exprs:
            raise PySparkValueError("CANNOT_BE_EMPTY", "At least one exprs must be specified.")
        if not all(isinstance(c, Column) for c in exprs):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `exprs` should be list[Column], got "
                                   f"{type(exprs).__name__}.")
        if isinstance(observation, Observation):
            name, target = claim(observation), observation
        elif isinstance(observation, str):
            name, target = observation, None
        else:
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `observation` should be Observation or str, got "
                                   f"{type(observation).__name__}.")
        with analysed_by(self.sparkSession):
            observed = self._with(collect_metrics(name, [value_expression(c) for c in exprs], self._plan, target))
        if target is not None:
            mark_attached(target)
        return observed

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
        hint = "right" if other._broadcast else "left" if self._broadcast else None
        if isinstance(on, str):
            on = [on]
        if isinstance(on, (list, tuple)) and on and all(isinstance(o, str) for o in on):
            return self._with(L.Join(self._plan, other._plan, join_type, None, tuple(on), hint))
        if isinstance(on, (list, tuple)):
            on = E.conjoin([value_expression(o) for o in on])
        elif isinstance(on, Column):
            on = expression_of(on)
        if on is None and join_type == "inner":
            join_type = "cross"
        return self._with(L.Join(self._plan, other._plan, join_type, on, None, hint))

    def crossJoin(self, other: DataFrame) -> DataFrame:
        return self._with(L.Join(self._plan, other._plan, "cross"))

    def toDF(self, *cols: str) -> DataFrame:
        """This DataFrame with its columns renamed to ``cols``, in order."""
        for c in cols:
            if not isinstance(c, str):
                raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `cols` should be list[str], got "
                                     f"{type(c).__name__}.")
        output = self._plan.output
        if len(cols) != len(output):
            raise AnalysisException(
                "ASSIGNMENT_ARITY_MISMATCH", "The number of columns or variables assigned or aliased: "
                f"{len(output)} does not match the number of source expressions: {len(cols)}.", "42802")
        return self._with(L.Project(tuple(E.Alias.make(a, n) for a, n in zip(output, cols)), self._plan))

    def withColumnsRenamed(self, colsMap: dict[str, str]) -> DataFrame:
        """Rename several columns at once; names not present are ignored, as in PySpark."""
        if not isinstance(colsMap, dict):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `colsMap` should be dict, got "
                                 f"{type(colsMap).__name__}.")
        renames = {k.lower(): v for k, v in colsMap.items()}
        items = tuple(E.Alias.make(a, renames[a.name.lower()]) if a.name.lower() in renames else a
                      for a in self._plan.output)
        return self._with(L.Project(items, self._plan))

    def transform(self, func: Callable[..., DataFrame], *args: Any, **kwargs: Any) -> DataFrame:
        """``func(self, *args, **kwargs)``, which must return a DataFrame (for chaining)."""
        result = func(self, *args, **kwargs)
        if not isinstance(result, DataFrame):
            raise AssertionError(f"Func returned an instance of type [{type(result)}], should have been DataFrame.")
        return result

    def to(self, schema: T.StructType) -> DataFrame:
        """This DataFrame's columns matched by name to ``schema``, in its order, cast to its types."""
        from ember.sql.plan.to_schema import conform

        if not isinstance(schema, T.StructType):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `schema` should be StructType, got "
                                 f"{type(schema).__name__}.")
        return self._with(conform(self._plan, schema))

    def hint(self, name: str, *parameters: Any) -> DataFrame:
        """A planner hint, e.g. ``hint("broadcast")`` for the side of a join (see ``ember.sql.hints``)."""
        from ember.sql.hints import apply_hint

        return apply_hint(self, name, parameters)

    def colRegex(self, colName: str) -> Column:
        """The columns whose names match the regular expression in backticks (``"`(id)?+.+`"``);
        a name without backticks is an ordinary column reference."""
        if not isinstance(colName, str):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `colName` should be str, got "
                                 f"{type(colName).__name__}.")
        if len(colName) > 1 and colName.startswith("`") and colName.endswith("`"):
            return Column(E.UnresolvedRegex(colName[1:-1]))
        return self[colName]

    def sample(self, withReplacement: Any = None, fraction: Any = None, seed: Any = None) -> DataFrame:
        """About ``fraction`` of the rows (each row kept with that probability, or repeated by a
        Poisson count with replacement); the same sample for a seed on every run, not Spark's rows."""
        return sampling.sample(self, *sampling.sample_arguments(withReplacement, fraction, seed))

    def randomSplit(self, weights: list[float], seed: int | None = None) -> list[DataFrame]:
        """Disjoint DataFrames that together hold every row, sized about as ``weights``."""
        return sampling.random_split(self, weights, seed)

    def sampleBy(self, col: Any, fractions: dict, seed: int | None = None) -> DataFrame:
        """A stratified sample without replacement: each row of stratum ``col == k`` with
        probability ``fractions[k]`` (0 for strata not listed)."""
        return sampling.sample_by(self, col, fractions, seed)

    def transpose(self, indexColumn: Any = None) -> DataFrame:
        """The other columns as rows and the index column's values (the first column's by
        default), sorted, as columns; the first column, ``key``, names the original columns."""
        from ember.sql.transpose import transpose

        return transpose(self, indexColumn)

    def scalar(self) -> Column:
        """This one-column DataFrame as a scalar subquery: its one value (NULL for no rows; an
        error for several). Subqueries that refer to the outer query (``Column.outer``) are not
        supported here."""
        return Column(E.ScalarSubquery(self._plan))

    def exists(self) -> Column:
        """Whether this DataFrame has any row, as an ``EXISTS`` subquery column."""
        return Column(E.Exists(self._plan))

    @property
    def stat(self) -> DataFrameStatFunctions:
        return DataFrameStatFunctions(self)

    def corr(self, col1: str, col2: str, method: str | None = None) -> float:
        """Pearson's correlation of two numeric columns."""
        return dataframe_stat.corr(self, col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        """The sample covariance of two numeric columns."""
        return dataframe_stat.cov(self, col1, col2)

    def crosstab(self, col1: str, col2: str) -> DataFrame:
        """The count of each pair of values of two columns, as a contingency table."""
        return dataframe_stat.crosstab(self, col1, col2)

    def freqItems(self, cols: list[str] | tuple[str, ...], support: float | None = None) -> DataFrame:
        """Values that may occur in more than ``support`` (default 1%) of the rows, per column."""
        return dataframe_stat.freq_items(self, cols, support)

    def approxQuantile(self, col: Any, probabilities: Any, relativeError: Any) -> list:
        """Quantiles of numeric columns (exact, so within any ``relativeError``)."""
        return dataframe_stat.approx_quantile(self, col, probabilities, relativeError)

    def dropDuplicatesWithinWatermark(self, subset: list[str] | None = None) -> DataFrame:
        """On a batch DataFrame (all Ember has), the same as ``dropDuplicates``, as in Spark."""
        return self.dropDuplicates(subset)

    def pandas_api(self, index_col: Any = None) -> Any:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "DataFrame.pandas_api (pandas API on Spark) is not supported "
                             "by Ember; use toPandas() for a local pandas DataFrame.")

    def withWatermark(self, eventTime: str, delayThreshold: str) -> DataFrame:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "DataFrame.withWatermark is for streaming queries, which "
                             "Ember does not support.")

    @property
    def executionInfo(self) -> Any:
        raise EmberValueError("CLASSIC_OPERATION_NOT_SUPPORTED_ON_DF", "Calling property or member 'queryExecution' "
                              "is not supported in PySpark Classic, please use Spark Connect instead.")

    @property
    def writeStream(self) -> Any:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "DataFrame.writeStream: streaming queries are not supported "
                             "by Ember.")

    def lateralJoin(self, other: DataFrame, on: Column | None = None, how: str | None = None) -> DataFrame:
        """Join with ``other`` evaluated per row of this DataFrame, whose columns it reads through
        ``Column.outer()`` (decorrelated into an ordinary join, never run once per row)."""
        from ember.sql.lateral_join import lateral_join

        return lateral_join(self, other, on, how)

    def zip(self, other: DataFrame) -> DataFrame:
        """This DataFrame's columns, then ``other``'s, row by row: both must be projections
        (``select``, ``withColumn``, ...) of the same plan, else ``ZIP_PLANS_NOT_MERGEABLE``."""
        from ember.sql.plan.zip_plans import zip_plans

        return self._with(zip_plans(self._plan, other._plan))

    def nearestByJoin(self, other: DataFrame, rankingExpression: Column, numResults: int, mode: str,
                      direction: str, *, joinType: str = "inner") -> DataFrame:
        """For each row, its ``numResults`` best rows of ``other`` by ``rankingExpression``
        (``distance``: smallest first; ``similarity``: largest), from the full cross product."""
        from ember.sql.nearest_join import nearest_by_join

        return nearest_by_join(self, other, rankingExpression, numResults, mode, direction, joinType)

    def asTable(self) -> Any:
        raise _unsupported("DataFrame.asTable", "it passes a table argument to a Python UDTF, and Ember has no "
                           "user-defined table functions")

    @property
    def plot(self) -> Any:
        raise _unsupported("DataFrame.plot", "PySpark draws with plotly, which Ember does not use; plot "
                           "df.toPandas() instead")

    def withMetadata(self, columnName: str, metadata: dict[str, Any]) -> DataFrame:
        """The column ``columnName`` with ``metadata`` as its ``StructField.metadata`` (replacing any)."""
        if not isinstance(metadata, dict):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `metadata` should be dict, got "
                                   f"{type(metadata).__name__}.")
        return self.withColumn(columnName, Column(E.Alias.make(self._resolve_name(columnName), columnName, metadata)))

    def metadataColumn(self, colName: str) -> Column:
        """Refused: file sources' ``_metadata`` column is not supported; other plans have none (Spark's error)."""
        if not isinstance(colName, str):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `colName` should be str, got "
                                   f"{type(colName).__name__}.")
        if any(isinstance(node, L.FileScan) for node in self._plan.walk()):
            raise _unsupported("DataFrame.metadataColumn", "the _metadata column of file sources is not supported")
        raise AnalysisException("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", f"A column, variable, or function "
                                f"parameter with name `{colName}` cannot be resolved. ", "42703")

    def repartitionById(self, numPartitions: int, partitionIdCol: Any) -> DataFrame:
        """``numPartitions`` partitions; each row goes to the one its ``INT`` column names (modulo
        ``numPartitions``; NULL to partition 0)."""
        from ember.sql.plan.repartition_by_id import repartition_by_id

        if isinstance(numPartitions, bool) or not isinstance(numPartitions, int):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `numPartitions` should be int, got "
                                   f"{type(numPartitions).__name__}.")
        if numPartitions <= 0:
            raise PySparkValueError("VALUE_NOT_POSITIVE", f"Value for `numPartitions` must be positive, got "
                                    f"'{numPartitions}'.")
        with analysed_by(self.sparkSession):
            return self._with(repartition_by_id(self._plan, numPartitions, to_expression(partitionIdCol)))

    def orderBy(self, *cols: Any, ascending: bool | list[bool] = True) -> DataFrame:
        """Sort by columns, names or 1-based ordinals (``orderBy(-2)``: the 2nd column, descending)."""
        cols = tuple(sort_ordinals(self._plan, _flatten_columns(cols)))
        return self._with(L.Sort(_sort_orders(cols, ascending), self._plan, True))

    sort = orderBy

    def sortWithinPartitions(self, *cols: Any, ascending: bool | list[bool] = True) -> DataFrame:
        cols = tuple(sort_ordinals(self._plan, _flatten_columns(cols)))
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
        """Union matching columns by name; with ``allowMissingColumns`` a column either side lacks
        is NULL there (the other side's extra columns come last)."""
        ours = {a.name.lower() for a in self._plan.output}
        theirs = {a.name.lower(): a for a in other._plan.output}
        items: list[E.Expression] = []
        for a in self._plan.output:
            match = theirs.get(a.name.lower())
            if match is None:
                if not allowMissingColumns:
                    raise AnalysisException(
                        "UNRESOLVED_COLUMN_AMONG_FIELD_NAMES", f"Cannot resolve column name \"{a.name}\" among "
                        f"({', '.join(other.columns)}).", "42703")
                items.append(_null_column(a))
            else:
                items.append(match)
        extra = [a for a in other._plan.output if a.name.lower() not in ours] if allowMissingColumns else []
        left = self
        if extra:
            left = self._with(L.Project(tuple(self._plan.output) + tuple(_null_column(a) for a in extra),
                                        self._plan))
            items += extra
        with analysed_by(self.sparkSession):
            aligned = analyze(L.Project(tuple(items), other._plan))
        return left.union(DataFrame(self.sparkSession, aligned))

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
            keys = tuple(to_expression(c) for c in _flatten_columns(cols))
            return self._with(L.RepartitionByExpression(keys, numPartitions, self._plan))
        return self._with(L.Repartition(numPartitions, True, self._plan))

    def repartitionByRange(self, numPartitions: int | Any, *cols: Any) -> DataFrame:
        """Range-partitioned by ``cols`` (ascending unless a column says ``desc()``) into
        ``numPartitions`` ranges, bounds sampled from the data; rows within a partition keep no
        order. ``numPartitions`` may be left out: ``spark.sql.shuffle.partitions``."""
        if isinstance(numPartitions, bool) or not isinstance(numPartitions, (int, str, Column)):
            raise EmberTypeError("NOT_EXPECTED_TYPE", "Argument `numPartitions` should be Column, int or str, got "
                                 f"{type(numPartitions).__name__}.")
        if not isinstance(numPartitions, int):
            numPartitions, cols = None, (numPartitions, *cols)
        elif not cols:
            raise EmberValueError("CANNOT_BE_EMPTY", "At least one partition-by expression must be specified.")
        orders = _sort_orders(cols, True)
        return self._with(L.RepartitionByExpression(orders, numPartitions, self._plan))

    def coalesce(self, numPartitions: int) -> DataFrame:
        return self._with(L.Repartition(numPartitions, False, self._plan))

    def cache(self) -> DataFrame:
        return self.persist()

    def persist(self, storageLevel: Any = None) -> DataFrame:
        """Later actions scan this DataFrame's result from the cache (built on first use)."""
        relation = L.InMemoryRelation(tuple(self._plan.output), self._plan, L.CacheSlot(storageLevel))
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

    def createGlobalTempView(self, name: str) -> None:
        """A view every session of this application sees, as ``global_temp.<name>``."""
        global_views_of(self.sparkSession.catalog).register(name, self._plan, replace=False)

    def createOrReplaceGlobalTempView(self, name: str) -> None:
        global_views_of(self.sparkSession.catalog).register(name, self._plan, replace=True)

    def registerTempTable(self, name: str) -> None:
        """The old name of ``createOrReplaceTempView``."""
        self.createOrReplaceTempView(name)

    @property
    def storageLevel(self) -> Any:
        """How this DataFrame is cached: ``MEMORY_AND_DISK_DESER`` after ``cache()``, the level
        given to ``persist``, or no storage at all."""
        from ember.storage.storage_level import StorageLevel

        if isinstance(self._plan, L.InMemoryRelation):
            return self._plan.slot.level or StorageLevel.MEMORY_AND_DISK_DESER
        return StorageLevel(False, False, False, False, 1)

    def localCheckpoint(self, eager: bool = True, storageLevel: Any = None) -> DataFrame:
        """A DataFrame over this one's computed rows, kept by the workers: later queries do not
        recompute (nor re-read) it. ``eager`` computes it now, else on first use."""
        return self._checkpointed(eager, reliable=False)

    def checkpoint(self, eager: bool = True) -> DataFrame:
        """Like ``localCheckpoint``, but the rows are written under ``sc.setCheckpointDir``."""
        return self._checkpointed(eager, reliable=True)

    def _checkpointed(self, eager: bool, reliable: bool) -> DataFrame:
        sc = self.sparkSession.sparkContext
        if reliable and not sc.getCheckpointDir():
            raise EmberValueError("Checkpoint directory has not been set in the SparkContext")
        rdd = self._qe.to_rdd()
        rdd.checkpoint() if reliable else rdd.localCheckpoint()
        slot = L.CacheSlot()
        slot.rdd = rdd
        if eager:
            rdd.count()
        return DataFrame(self.sparkSession, L.InMemoryRelation(tuple(self._plan.output), self._plan, slot))

    def sameSemantics(self, other: DataFrame) -> bool:
        """Whether both compute the same rows by the same plan (attribute ids aside)."""
        if not isinstance(other, DataFrame):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `other` should be DataFrame, got "
                                 f"{type(other).__name__}.")
        return canonical_form(self._plan) == canonical_form(other._plan)

    def semanticHash(self) -> int:
        """A hash equal for DataFrames that ``sameSemantics`` calls equal."""
        return semantic_hash(self._plan)

    def inputFiles(self) -> list[str]:
        """The files this DataFrame reads, as far as its plan says (no files for local data)."""
        files: dict[str, None] = {}
        stack = [self._plan]
        while stack:
            plan = stack.pop()
            for node in plan.walk():
                if isinstance(node, L.FileScan):
                    files.update((f.path, None) for f in node.source.files)
                elif isinstance(node, L.InMemoryRelation):
                    stack.append(node.plan)
        return list(files)

    def isLocal(self) -> bool:
        """Whether ``collect()`` can run without executors: only for the rows a statement returned
        (``spark.sql("SHOW TABLES")``), as in Spark; PySpark too answers False for DataFrames made by
        ``createDataFrame`` or ``range``."""
        return isinstance(self._plan, L.LocalRelation) and self._plan.command

    @property
    def isStreaming(self) -> bool:
        """Always False: Ember has batch DataFrames only."""
        return False

    def writeTo(self, table: str):
        """A ``DataFrameWriterV2`` for the warehouse table ``table``."""
        from ember.sql.writer_v2 import DataFrameWriterV2

        return DataFrameWriterV2(self, table)

    def mergeInto(self, table: str, condition: Column):
        """A ``MergeIntoWriter`` merging these rows into ``table`` on ``condition``."""
        from ember.sql.merge_into import MergeIntoWriter

        return MergeIntoWriter(self, table, condition)

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
        qe = self._qe
        for batch in qe.to_rdd().toLocalIterator():
            yield from table_to_rows(pa.Table.from_batches([batch]), schema)
        qe.action_ended()

    def tail(self, num: int) -> list[Row]:
        """The last ``num`` rows (read through the driver one partition at a time)."""
        if num <= 0:
            return []
        return list(deque(self.toLocalIterator(), maxlen=num))

    def foreach(self, f: Callable[[Row], None]) -> None:
        """Run ``f`` on every row, in the workers."""
        qe = self._qe
        self._rows(qe).foreach(f)
        qe.action_ended()

    def foreachPartition(self, f: Callable[[Iterator[Row]], None]) -> None:
        """Run ``f`` on each partition's iterator of rows, in the workers."""
        qe = self._qe
        self._rows(qe).foreachPartition(f)
        qe.action_ended()

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
        """The rows as an RDD of ``Row``s (its actions are RDD jobs: they complete no ``Observation``)."""
        return self._rows(self._qe)

    def _rows(self, qe: QueryExecution):
        schema = self.schema
        return qe.to_rdd().mapPartitions(
            lambda batches: (r for b in batches for r in table_to_rows(pa.Table.from_batches([b]), schema)))

    def zipWithIndex(self, indexColName: str = "index") -> DataFrame:
        """The rows with a last column of consecutive 0-based indices in the DataFrame's order
        (one job counts each partition's rows first, as ``RDD.zipWithIndex``)."""
        schema = T.StructType(self.schema.fields + [T.StructField(indexColName, T.LongType(), False)])
        indexed = self.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
        return self.sparkSession.createDataFrame(indexed, schema)

    def toJSON(self, use_unicode: bool = True):
        """The rows as an RDD of JSON strings, written as ``df.write.json`` writes them."""
        from ember.sql.io.options import Options
        from ember.sql.io.writers import json_records

        names = self.columns
        ntz = frozenset(f.name for f in self.schema.fields if isinstance(f.dataType, T.TimestampNTZType))
        return self._qe.to_rdd().mapPartitions(
            lambda batches: (line for b in batches
                             for line in json_records(pa.Table.from_batches([b]).rename_columns(names), Options(), ntz)))

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


# Accessors for other modules: DataFrame's attribute namespace is PySpark's (and unknown names are columns).
def plan_of(df: DataFrame) -> L.LogicalPlan:
    """The logical plan ``df`` stands for."""
    return df._plan


def derive(df: DataFrame, plan: L.LogicalPlan) -> DataFrame:
    """A DataFrame of ``df``'s session over ``plan``, analysed."""
    return df._with(plan)


def query_execution_of(df: DataFrame) -> QueryExecution:
    """The analysed, optimised and physical stages of ``df``'s plan."""
    return df._qe


def broadcast_marked(df: DataFrame) -> DataFrame:
    """``df`` marked so that a join with it as a side broadcasts it (the ``broadcast`` hint)."""
    marked = DataFrame(df.sparkSession, df._plan)
    marked._broadcast = True
    return marked
