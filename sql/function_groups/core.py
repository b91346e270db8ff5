"""Column references and literals, ``expr``, ``typeof``, sort orders, grouping-set markers, random
numbers and row ids."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, to_expression
from ember.sql.function_groups.builders import col_arg as _c, seed_value, sql_namer

__all__ = [
    "col", "column", "lit", "expr", "typeof", "asc", "desc", "asc_nulls_first", "asc_nulls_last",
    "desc_nulls_first", "desc_nulls_last", "grouping", "grouping_id", "rand", "randn",
    "spark_partition_id", "monotonically_increasing_id",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


def col(col: str) -> Column:
    """A column by name: ``col("a")``, ``col("t.a")``, ``col("*")``."""
    return Column(to_expression(col))


column = col


def lit(col: Any) -> Column:
    """A literal value (a Column passes through unchanged)."""
    return col if isinstance(col, Column) else Column(E.Literal.of(col))


def expr(str: str) -> Column:
    """Parse a SQL expression, e.g. ``expr("a + 1 AS b")``."""
    from ember.sql.parser.expressions import parse_expression

    return Column(parse_expression(str))


@_sql_name()
def typeof(col: Any) -> Column:
    """The DDL name of ``col``'s type, e.g. ``decimal(8,3)`` or ``interval day``."""
    return Column(E.TypeOf(_c(col)))


# ---------------------------------------------------------------- ordering
def asc(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True))


def desc(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False))


def asc_nulls_first(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True, True))


def asc_nulls_last(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True, False))


def desc_nulls_first(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False, True))


def desc_nulls_last(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False, False))


# ---------------------------------------------------------------- grouping sets
@_sql_name()
def grouping(col: Any) -> Column:
    """1 when ``col`` is aggregated away in the row's grouping set (ROLLUP, CUBE, GROUPING SETS), else 0."""
    from ember.sql.expressions.grouping import Grouping

    return Column(Grouping(_c(col)))


@_sql_name()
def grouping_id(*cols: Any) -> Column:
    """The ``grouping`` bits of all grouping columns as one long, the first column's bit highest."""
    from ember.sql.expressions.grouping import GroupingID

    return Column(GroupingID(tuple(_c(c) for c in cols)))


# ---------------------------------------------------------------- random numbers and row ids
@_sql_name()
def rand(seed: Any = None) -> Column:
    """Uniform random numbers in [0, 1), the same for a seed and partition on every run."""
    return Column(E.Rand(seed_value(seed)))


@_sql_name()
def randn(seed: Any = None) -> Column:
    """Standard normal random numbers, the same for a seed and partition on every run."""
    return Column(E.Rand(seed_value(seed), gaussian=True))


random = rand


@_sql_name()
def spark_partition_id() -> Column:
    """The partition each row is in."""
    return Column(E.SparkPartitionId())


@_sql_name()
def monotonically_increasing_id() -> Column:
    """Unique, increasing 64-bit ids: the partition in the upper 31 bits, the row's position in it below."""
    return Column(E.MonotonicallyIncreasingId())
