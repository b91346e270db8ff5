"""SQL statements that are not queries, run by ``spark.sql`` when it is called (as Spark does).

``run_command`` looks at a statement's first words and hands it to its module: views and
the cache (``views.py``), SHOW / DESCRIBE / EXPLAIN (``show.py``), SET / RESET / USE
(``settings.py``), and the warehouse's databases and tables (``tables.py``). A statement
that starts like none of them is a query, for ``sql/parser/to_logical.py``. Each returns a
DataFrame of the rows Spark returns for it (``results.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ember.sql.errors import ParseException
from ember.sql.statements import settings, show, tables, views
from ember.sql.statements.lexer import Cursor

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["run_command", "COMMANDS"]


def _create(spark: SparkSession, cursor: Cursor) -> DataFrame:
    replace = cursor.accept("OR", "REPLACE")
    if cursor.accept("GLOBAL"):
        raise ParseException("UNSUPPORTED_FEATURE", "CREATE GLOBAL TEMPORARY VIEW is not supported in SQL; "
                             "use df.createGlobalTempView(name).")
    if cursor.accept_any("TEMP", "TEMPORARY"):
        cursor.expect("VIEW")
        return views.create_view(spark, cursor, replace)
    if cursor.accept("VIEW"):
        raise ParseException("UNSUPPORTED_FEATURE", "Ember keeps no persistent views: use CREATE TEMPORARY VIEW.")
    if cursor.accept_any("DATABASE", "SCHEMA", "NAMESPACE") and not replace:
        return tables.create_database(spark, cursor)
    if cursor.accept("TABLE"):
        if replace:
            raise ParseException("UNSUPPORTED_FEATURE.TABLE_OPERATION", "Table does not support REPLACE TABLE. "
                                 "Please check the current catalog and namespace to make sure the qualified table "
                                 "name is expected, and also check the catalog implementation which is configured "
                                 "by \"spark.sql.catalog\".", "0A000")
        return tables.create_table(spark, cursor)
    raise cursor.error()


def _drop(spark: SparkSession, cursor: Cursor) -> DataFrame:
    if cursor.accept("VIEW"):
        return views.drop_view(spark, cursor)
    if cursor.accept("TABLE"):
        return tables.drop_table(spark, cursor)
    if cursor.accept_any("DATABASE", "SCHEMA", "NAMESPACE"):
        return tables.drop_database(spark, cursor)
    raise cursor.error()


COMMANDS: dict[str, Callable[[SparkSession, Cursor], DataFrame]] = {
    "CREATE": _create, "DROP": _drop, "INSERT": tables.insert,
    "SHOW": show.show, "DESC": show.describe, "DESCRIBE": show.describe, "EXPLAIN": show.explain,
    "CACHE": views.cache_table, "UNCACHE": views.uncache_table, "CLEAR": views.clear_cache,
    "SET": settings.set_, "RESET": settings.reset, "USE": settings.use,
}


def run_command(spark: SparkSession, sql: str) -> DataFrame | None:
    """Run ``sql`` if it is one of ``COMMANDS`` and return its result; ``None`` for a query."""
    cursor = Cursor(sql)
    first = cursor.peek()
    if first is None or first.kind != "word" or first.text.upper() not in COMMANDS:
        return None
    cursor.position += 1
    return COMMANDS[first.text.upper()](spark, cursor)
