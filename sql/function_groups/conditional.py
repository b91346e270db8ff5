"""CASE WHEN, NULL handling and tests (``coalesce``, ``nvl``, ``nullif``, ``isnull``…),
``greatest``/``least`` and the error-raising functions."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, value_expression
from ember.sql.function_groups.builders import (
    call as _call, col_arg as _c, sql_call as _sql_call, sql_namer, unary as _unary,
)

__all__ = [
    "when", "coalesce", "isnull", "isnan", "isnotnull", "equal_null", "nullif", "nvl", "ifnull", "nvl2", "nanvl",
    "zeroifnull", "nullifzero", "greatest", "least", "assert_true", "raise_error",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


# ---------------------------------------------------------------- conditionals and nulls
def when(condition: Column, value: Any) -> Column:
    return Column(E.CaseWhen((value_expression(condition),), (value_expression(value),)))


@_sql_name()
def coalesce(*cols: Any) -> Column:
    return Column(E.Coalesce(tuple(_c(c) for c in cols)))


@_sql_name()
def isnull(col: Any) -> Column:
    return Column(E.IsNull(_c(col)))


@_sql_name()
def isnan(col: Any) -> Column:
    return Column(_c(col)).isNaN()


for _name in ("nanvl", "nullif", "nvl", "ifnull", "nvl2", "assert_true", "raise_error", "greatest", "least",
              "isnotnull", "equal_null", "zeroifnull", "nullifzero"):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
isnotnull, zeroifnull, nullifzero = _unary("isnotnull"), _unary("zeroifnull"), _unary("nullifzero")


def greatest(*cols: Any) -> Column:
    return _call("greatest", *(_c(c) for c in cols))


def least(*cols: Any) -> Column:
    return _call("least", *(_c(c) for c in cols))


def nanvl(col1: Any, col2: Any) -> Column:
    return _call("nanvl", _c(col1), _c(col2))


def nullif(col1: Any, col2: Any) -> Column:
    return _call("nullif", _c(col1), _c(col2))


def nvl(col1: Any, col2: Any) -> Column:
    return _call("nvl", _c(col1), _c(col2))


def ifnull(col1: Any, col2: Any) -> Column:
    return _call("ifnull", _c(col1), _c(col2))


def nvl2(col1: Any, col2: Any, col3: Any) -> Column:
    return _call("nvl2", _c(col1), _c(col2), _c(col3))


def assert_true(col: Any, errMsg: Any = None) -> Column:
    return _call("assert_true", _c(col), *(() if errMsg is None else (value_expression(errMsg),)))


def raise_error(errMsg: Any) -> Column:
    return _call("raise_error", value_expression(errMsg))


def equal_null(col1: Any, col2: Any) -> Column:
    return _call("equal_null", _c(col1), _c(col2))
