"""Statements that describe: ``SHOW TABLES|VIEWS|COLUMNS|FUNCTIONS|DATABASES``,
``DESCRIBE [TABLE] [EXTENDED] t``, ``DESCRIBE FUNCTION [EXTENDED] f``, ``EXPLAIN [mode] query``.

Each returns the columns PySpark's ``spark.sql`` returns for it (names and nullability):
``SHOW TABLES`` lists the current database's tables, then the temporary views (namespace
``''``); ``DESCRIBE`` gives ``col_name, data_type, comment`` with a ``# Partition
Information`` section for partitioned tables and, with ``EXTENDED``, the table's details.
``SHOW FUNCTIONS`` lists the functions Ember's SQL knows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.explain import explain_string
from ember.sql.statements.lexer import Cursor
from ember.sql.statements.results import rows_result, strings
from ember.sql.warehouse import CATALOG_NAME, TableInfo
from ember.sql.session import query_dataframe
from ember.sql.dataframe import query_execution_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["show", "describe", "explain"]

_TABLES = T.StructType([T.StructField("namespace", T.StringType(), False),
                        T.StructField("tableName", T.StringType(), False),
                        T.StructField("isTemporary", T.BooleanType(), False)])
_VIEWS = T.StructType([T.StructField("namespace", T.StringType(), False),
                       T.StructField("viewName", T.StringType(), False),
                       T.StructField("isTemporary", T.BooleanType(), False)])
_DESCRIBE = strings(("col_name", False), ("data_type", False), ("comment", True))


def _pattern(cursor: Cursor) -> str | None:
    """An optional ``[LIKE] 'pattern'`` at the end of a SHOW statement."""
    cursor.accept("LIKE")
    pattern = cursor.string() if not cursor.at_end() else None
    cursor.finish()
    return pattern


def _in_database(cursor: Cursor) -> str | None:
    return ".".join(cursor.name()) if cursor.accept_any("FROM", "IN") else None


def _show_tables(spark: SparkSession, cursor: Cursor) -> DataFrame:
    database = _in_database(cursor)
    tables = spark.catalog.listTables(database, _pattern(cursor))
    rows = [(t.namespace[0] if t.namespace else "", t.name, t.isTemporary) for t in tables]
    return rows_result(spark, _TABLES, rows)


def _show_views(spark: SparkSession, cursor: Cursor) -> DataFrame:
    database = _in_database(cursor)
    tables = spark.catalog.listTables(database, _pattern(cursor))
    return rows_result(spark, _VIEWS, [("", t.name, True) for t in tables if t.isTemporary])


def _show_columns(spark: SparkSession, cursor: Cursor) -> DataFrame:
    if not cursor.accept_any("FROM", "IN"):
        raise cursor.error()
    name = cursor.name()
    database = _in_database(cursor)
    cursor.finish()
    if database is not None:
        if len(name) > 1 and name[-2].lower() != database.lower():
            raise AnalysisException("SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE", f"SHOW COLUMNS with conflicting "
                                    f"namespaces: `{database}` != `{name[-2]}`.", "42K05")
        name = [database, name[-1]]
    columns = spark.table(".".join(name)).columns
    return rows_result(spark, strings(("col_name", False)), [(c,) for c in columns])


def _show_functions(spark: SparkSession, cursor: Cursor) -> DataFrame:
    from ember.sql.functions import SQL_FUNCTIONS

    scope = cursor.accept_any("USER", "SYSTEM", "ALL")
    cursor.expect("FUNCTIONS")
    database = _in_database(cursor)
    if database is not None and not spark.catalog.databaseExists(database):
        from ember.sql.warehouse import schema_not_found

        raise schema_not_found(database)
    pattern = _pattern(cursor)
    names = [] if scope == "USER" else sorted(SQL_FUNCTIONS)
    if pattern is not None:
        from ember.sql.catalog import matches_like_pattern

        names = [n for n in names if matches_like_pattern(n, pattern)]
    return rows_result(spark, strings(("function", False)), [(n,) for n in names])


def _show_databases(spark: SparkSession, cursor: Cursor) -> DataFrame:
    pattern = _pattern(cursor)
    names = [d.name for d in spark.catalog.listDatabases(pattern)]
    return rows_result(spark, strings(("namespace", False)), [(n,) for n in names])


_SHOW = {"TABLES": _show_tables, "VIEWS": _show_views, "COLUMNS": _show_columns,
         "DATABASES": _show_databases, "SCHEMAS": _show_databases, "NAMESPACES": _show_databases}


def show(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``SHOW``."""
    token = cursor.peek()
    if token is not None and token.is_word("FUNCTIONS", "USER", "SYSTEM", "ALL"):
        return _show_functions(spark, cursor)
    what = cursor.accept_any(*_SHOW)
    if what is None:
        raise cursor.error()
    return _SHOW[what](spark, cursor)


def _describe_function(spark: SparkSession, cursor: Cursor) -> DataFrame:
    from ember.sql.functions import SQL_FUNCTIONS

    cursor.accept("EXTENDED")
    token = cursor.peek()
    name = cursor.string() if token is not None and token.kind == "string" else ".".join(cursor.name())
    cursor.finish()
    builder = SQL_FUNCTIONS.get(name.lower())
    if builder is None:
        raise AnalysisException("UNRESOLVED_ROUTINE", f"Cannot resolve routine `{name}` on search path "
                                f"[`system`.`builtin`, `system`.`session`, `{CATALOG_NAME}`.`"
                                f"{spark.catalog.currentDatabase()}`].", "42883")
    doc = (builder.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").strip()
    rows = [(f"Function: {name.lower()}",), (f"Class: {builder.__module__}.{builder.__qualname__}",),
            (f"Usage: {doc or 'N/A.'}",)]
    return rows_result(spark, strings(("function_desc", False)), rows)


def _table_details(spark: SparkSession, info: TableInfo) -> list[tuple[str, str, str]]:
    created = time.strftime("%a %b %d %H:%M:%S %Z %Y", time.localtime(info.created))
    return [("", "", ""), ("# Detailed Table Information", "", ""), ("Catalog", CATALOG_NAME, ""),
            ("Database", info.database, ""), ("Table", info.name, ""), ("Created Time", created, ""),
            ("Last Access", "UNKNOWN", ""), ("Created By", f"Spark {spark.version}", ""),
            ("Type", "MANAGED", ""), ("Provider", info.provider, ""), ("Location", f"file:{info.location}", "")]


def describe(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``DESC``/``DESCRIBE``."""
    if cursor.accept("FUNCTION"):
        return _describe_function(spark, cursor)
    cursor.accept("TABLE")
    extended = cursor.accept_any("EXTENDED", "FORMATTED") is not None
    name = cursor.name()
    cursor.finish()
    schema = spark.table(".".join(name)).schema
    rows = [(f.name, f.dataType.simpleString(), None) for f in schema.fields]
    info = spark.catalog.table_behind(".".join(name))
    if info is not None and info.partition_columns:
        rows += [("# Partition Information", "", ""), ("# col_name", "data_type", "comment")]
        rows += [(f.name, f.dataType.simpleString(), None) for f in info.partition_schema.fields]
    if extended and info is not None:
        rows += _table_details(spark, info)
    return rows_result(spark, _DESCRIBE, rows)


_EXPLAIN_MODES = {"EXTENDED": "extended", "FORMATTED": "formatted", "CODEGEN": "codegen", "COST": "cost"}


def explain(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``EXPLAIN``: ``[EXTENDED|FORMATTED|CODEGEN|COST] query``."""
    mode = _EXPLAIN_MODES.get(cursor.accept_any(*_EXPLAIN_MODES) or "", "simple")
    df = query_dataframe(spark, cursor.rest())
    return rows_result(spark, strings(("plan", True)), [(explain_string(query_execution_of(df), mode),)])
