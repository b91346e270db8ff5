"""Window functions, used with ``.over(window)``: ranks, row numbers, offsets and frame values."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, value_expression
from ember.sql.function_groups.builders import col_arg as _c, literal_value as _lit_value, sql_namer

__all__ = [
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "nth_value",
    "first_value", "last_value",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


@_sql_name()
def row_number() -> Column:
    """The row's position in its window partition, from 1."""
    return Column(E.RowNumber())


@_sql_name()
def rank() -> Column:
    """1 + the number of rows ordered before the row's peers (ties share a rank, leaving gaps)."""
    return Column(E.Rank())


@_sql_name()
def dense_rank() -> Column:
    """Like ``rank`` without gaps: 1 + the number of distinct order values before the row."""
    return Column(E.DenseRank())


@_sql_name()
def percent_rank() -> Column:
    """``(rank - 1) / (rows in partition - 1)``, 0 for a one-row partition."""
    return Column(E.PercentRank())


@_sql_name()
def cume_dist() -> Column:
    """The fraction of the partition's rows ordered before the row or tied with it."""
    return Column(E.CumeDist())


@_sql_name()
def ntile(n: int) -> Column:
    """The bucket (1..n) of the row when the ordered partition is cut into ``n`` near-equal parts."""
    return Column(E.NTile(_lit_value(n, "The buckets of ntile")))


def _offset_function(cls: type, col: Any, offset: Any, default: Any) -> Column:
    return Column(cls(_c(col), _lit_value(offset, "The offset"), value_expression(default)))


@_sql_name()
def lag(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows before the current row in the window partition, else ``default``."""
    return _offset_function(E.Lag, col, offset, default)


@_sql_name()
def lead(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows after the current row in the window partition, else ``default``."""
    return _offset_function(E.Lead, col, offset, default)


@_sql_name()
def nth_value(col: Any, offset: int, ignoreNulls: bool = False) -> Column:
    """The value of the window frame's ``offset``-th row (its ``offset``-th non-NULL value with ``ignoreNulls``)."""
    return Column(E.NthValue(_c(col), _lit_value(offset, "The offset"), bool(_lit_value(ignoreNulls, "ignoreNulls"))))


@_sql_name()
def first_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The value of the window frame's first row (first non-NULL value with ``ignoreNulls``)."""
    return Column(E.FirstValue(_c(col), bool(_lit_value(ignoreNulls, "ignoreNulls"))))


@_sql_name()
def last_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The value of the window frame's last row (last non-NULL value with ``ignoreNulls``)."""
    return Column(E.LastValue(_c(col), bool(_lit_value(ignoreNulls, "ignoreNulls"))))
