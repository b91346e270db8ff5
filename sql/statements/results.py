"""The DataFrames statements return: rows with Spark's column names and nullability.

A statement runs when ``spark.sql`` is called (as in Spark), and what it returns is a
DataFrame over rows already on the driver: ``SHOW TABLES`` gives
``namespace, tableName, isTemporary``; ``CREATE …``, ``INSERT …``, ``CACHE …`` give a
DataFrame with no columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_schema
from ember.sql.conversion import rows_to_table
from ember.sql.expressions import AttributeReference, new_expr_id
from ember.sql.plan import logical as L

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["rows_result", "no_result", "strings"]


def strings(*columns: tuple[str, bool]) -> T.StructType:
    """A schema of string columns: ``(name, nullable)`` pairs."""
    return T.StructType([T.StructField(name, T.StringType(), nullable) for name, nullable in columns])


def rows_result(spark: SparkSession, schema: T.StructType, rows: list[tuple[Any, ...]]) -> DataFrame:
    from ember.sql.dataframe import DataFrame

    table = rows_to_table(rows, schema) if rows else to_arrow_schema(schema).empty_table()
    attrs = tuple(AttributeReference(f.name, f.dataType, f.nullable, new_expr_id()) for f in schema.fields)
    return DataFrame(spark, L.LocalRelation(attrs, table, command=True))


def no_result(spark: SparkSession) -> DataFrame:
    return rows_result(spark, T.StructType([]), [])
