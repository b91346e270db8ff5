"""``DataFrame.transpose``: the index column's values become columns, the other columns become rows.

As Spark's ``ResolveTranspose``: the index column (the first column unless named) must be an
atomic column; the other columns are cast to their tightest common type; the rows are sorted by
the index, at most ``spark.sql.transposeMaxValues`` (500) of them are collected to the driver,
and each becomes a column named by its index value as a string. The first output column, ``key``,
holds the other columns' names. The result is small by construction, so it is built on the
driver as local data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.column import Column, expression_of
from ember.sql.errors import AnalysisException
from ember.sql.sql_config import TRANSPOSE_MAX_VALUES
from ember.sql.type_json import scala_string
from ember.sql.dataframe import plan_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["transpose"]

_NUMERIC_ORDER = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType)


def _tightest(a: T.DataType, b: T.DataType) -> T.DataType | None:
    """Spark's ``findTightestCommonType`` under ANSI mode: no decimals widened, no strings made."""
    if a == b:
        return a
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType):
        return a
    if isinstance(a, _NUMERIC_ORDER) and isinstance(b, _NUMERIC_ORDER):
        pair = {type(a), type(b)}
        if T.FloatType in pair and len(pair) == 2:
            return T.DoubleType()  # ANSI: an integral type and a float meet at double
        rank = {cls: i for i, cls in enumerate(_NUMERIC_ORDER)}
        return a if rank[type(a)] >= rank[type(b)] else b
    datetimes = {type(a), type(b)}
    if datetimes <= {T.DateType, T.TimestampType, T.TimestampNTZType}:
        return T.TimestampType() if T.TimestampType in datetimes else T.TimestampNTZType()
    return None


def _common_type(types: list[T.DataType]) -> T.DataType:
    if not types:
        return T.StringType()
    common = types[0]
    for t in types[1:]:
        found = _tightest(common, t)
        if found is None:
            raise AnalysisException(
                "TRANSPOSE_NO_LEAST_COMMON_TYPE", "Transpose requires non-index columns to share a least common "
                f"type, but \"{common.simpleString().upper()}\" and \"{t.simpleString().upper()}\" do not.", "42K09")
        common = found
    return common


def _index(df: DataFrame, index_column: Any) -> E.AttributeReference:
    if index_column is None:
        return plan_of(df).output[0]
    column = df[index_column] if isinstance(index_column, str) else index_column
    expr = plan_of(df.select(column)).output[0] if isinstance(column, Column) else None
    source = expression_of(column) if isinstance(column, Column) else None
    if not isinstance(source, (E.AttributeReference, E.UnresolvedAttribute)) or expr is None:
        raise AnalysisException("TRANSPOSE_INVALID_INDEX_COLUMN", "Invalid index column for TRANSPOSE because: "
                                "Index column must be an atomic attribute", "42804")
    return expr


def transpose(df: DataFrame, index_column: Any = None) -> DataFrame:
    index = _index(df, index_column)
    if not isinstance(index.data_type, T.AtomicType):
        raise AnalysisException("TRANSPOSE_INVALID_INDEX_COLUMN", "Invalid index column for TRANSPOSE because: "
                                f"Index column must be of atomic type, but found: {scala_string(index.data_type)}",
                                "42804")
    others = [a for a in plan_of(df).output if a.expr_id != index.expr_id]
    common = _common_type([a.data_type for a in others])
    limit = TRANSPOSE_MAX_VALUES.read(df.sparkSession.conf)
    key = T.StructField("key", T.StringType(), False)
    ordered = df.filter(Column(index).isNotNull()).orderBy(Column(index).asc())
    rows = ordered.select(Column(index).cast("string"), *[Column(a).cast(common) for a in others]).limit(
        limit + 1).collect()
    if len(rows) > limit:
        raise AnalysisException("TRANSPOSE_EXCEED_ROW_LIMIT", f"Number of rows exceeds the allowed limit of {limit} "
                                "for TRANSPOSE. If this was intended, set spark.sql.transposeMaxValues to at least "
                                "the current row count.", "54006")
    schema = T.StructType([key] + [T.StructField(r[0], common) for r in rows])
    data = [(a.name, *[r[i + 1] for r in rows]) for i, a in enumerate(others)]
    return df.sparkSession.createDataFrame(data, schema)
