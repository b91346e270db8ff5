"""Temporary views and the cache: ``CREATE [OR REPLACE] TEMPORARY VIEW``, ``DROP VIEW``,
``CACHE [LAZY] TABLE``, ``UNCACHE TABLE``, ``CLEAR CACHE``.

A view is defined by a query (``AS SELECT …``) or by files (``USING parquet OPTIONS (path
'…', header 'true')``, read as ``spark.read.format(…).options(…).load()`` reads them).
``CACHE TABLE`` fills the cache at once, ``CACHE LAZY TABLE`` on first use, as in Spark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.sql.catalog import table_not_found
from ember.sql.errors import ParseException
from ember.sql.statements.lexer import Cursor
from ember.sql.statements.results import no_result
from ember.sql.dataframe import plan_of
from ember.sql.session import query_dataframe

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["create_view", "drop_view", "cache_table", "uncache_table", "clear_cache"]


def _options(cursor: Cursor) -> dict[str, str]:
    """``OPTIONS (key 'value', key2 = 'value2', 'quoted.key' 'v')``."""
    options: dict[str, str] = {}
    if not cursor.accept("OPTIONS"):
        return options
    inner = Cursor(cursor.parenthesized())
    while not inner.at_end():
        token = inner.peek()
        key = inner.string() if token.kind == "string" else ".".join(inner.name())
        inner.accept("=")
        options[key.lower()] = _option_value(inner)
        if not inner.accept(","):
            inner.finish()
    return options


def _option_value(cursor: Cursor) -> str:
    token = cursor.peek()
    if token is not None and token.kind == "string":
        return cursor.string()
    if token is not None and token.kind in ("number", "word"):
        cursor.position += 1
        return token.value
    raise cursor.error()


def create_view(spark: SparkSession, cursor: Cursor, replace: bool) -> DataFrame:
    """After ``CREATE [OR REPLACE] TEMP[ORARY] VIEW``: ``name AS query`` or ``name USING fmt OPTIONS (…)``."""
    parts = cursor.name()
    if len(parts) != 1:
        raise ParseException("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", f"CREATE TEMPORARY VIEW expects a single-part "
                             f"view name, but got: {'.'.join(parts)}.", "428EK")
    if cursor.accept("USING"):
        fmt = ".".join(cursor.name()).lower()
        options = _options(cursor)
        cursor.finish()
        df = spark.read.format(fmt).options(**options).load()
    else:
        if cursor.peek() is not None and cursor.peek().text == "(":
            raise ParseException("UNSUPPORTED_FEATURE", "A column list in CREATE TEMPORARY VIEW is not supported; "
                                 "name the columns in the query (SELECT a AS x, ...).")
        cursor.expect("AS")
        df = query_dataframe(spark, cursor.rest())
    spark.catalog.register(parts[0], plan_of(df), replace=replace)
    return no_result(spark)


def drop_view(spark: SparkSession, cursor: Cursor) -> DataFrame:
    if_exists = cursor.accept("IF", "EXISTS")
    name = cursor.name()
    cursor.finish()
    if len(name) == 1 and spark.catalog.dropTempView(name[0]):
        return no_result(spark)
    if not if_exists:
        raise table_not_found(".".join(name))
    return no_result(spark)


def cache_table(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``CACHE``: ``[LAZY] TABLE name [OPTIONS (…)] [[AS] query]``."""
    lazy = cursor.accept("LAZY")
    cursor.expect("TABLE")
    name = ".".join(cursor.name())
    options = _options(cursor)
    unknown = set(options) - {"storagelevel"}
    if unknown:
        raise ParseException("INVALID_SQL_SYNTAX", f"Invalid SQL syntax: CACHE TABLE OPTIONS takes only "
                             f"'storageLevel', not {sorted(unknown)}.", "42000")
    if not cursor.at_end():
        cursor.accept("AS")
        spark.catalog.register(name, plan_of(query_dataframe(spark, cursor.rest())), replace=False)
    spark.catalog.cacheTable(name)
    if not lazy:
        spark.table(name).count()
    return no_result(spark)


def uncache_table(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``UNCACHE``: ``TABLE [IF EXISTS] name``."""
    cursor.expect("TABLE")
    if_exists = cursor.accept("IF", "EXISTS")
    name = ".".join(cursor.name())
    cursor.finish()
    if if_exists and not spark.catalog.tableExists(name):
        return no_result(spark)
    spark.catalog.uncacheTable(name)
    return no_result(spark)


def clear_cache(spark: SparkSession, cursor: Cursor) -> DataFrame:
    cursor.expect("CACHE")
    cursor.finish()
    spark.catalog.clearCache()
    return no_result(spark)
