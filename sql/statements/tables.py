"""The warehouse's statements: ``CREATE DATABASE``, ``DROP DATABASE``, ``CREATE TABLE … USING
parquet [PARTITIONED BY (…)] [AS SELECT …]``, ``INSERT INTO|OVERWRITE``, ``DROP TABLE``.

The data work happens in ``ember.sql.managed_tables``; this module reads the statement and
refuses, by name, the clauses Ember does not keep (``LOCATION``, ``CLUSTERED BY``, …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.sql import managed_tables
from ember.sql import types as T
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.statements.lexer import Cursor
from ember.sql.statements.results import no_result
from ember.sql.warehouse import DEFAULT_DATABASE, schema_not_found, table_already_exists, table_not_found_in
from ember.sql.session import query_dataframe

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["create_database", "drop_database", "create_table", "insert", "drop_table"]

_UNSUPPORTED_CLAUSES = ("LOCATION", "CLUSTERED", "OPTIONS", "TBLPROPERTIES", "COMMENT", "ROW", "STORED",
                        "SKEWED", "CLUSTER")


def _database_and_table(spark: SparkSession, name: list[str]) -> tuple[str, str]:
    if len(name) > 2:
        raise ParseException("REQUIRES_SINGLE_PART_NAMESPACE", f"spark_catalog requires a single-part namespace, "
                             f"but got {'.'.join(name[:-1])}.", "42K05")
    database = (name[0] if len(name) == 2 else spark.catalog.currentDatabase()).lower()
    return database, name[-1].lower()


def create_database(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``CREATE DATABASE|SCHEMA``."""
    if_not_exists = cursor.accept("IF", "NOT", "EXISTS")
    name = cursor.name()
    cursor.finish()
    spark.catalog.warehouse.create_database(name[-1], if_not_exists)
    return no_result(spark)


def drop_database(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``DROP DATABASE|SCHEMA``: ``[IF EXISTS] name [RESTRICT|CASCADE]``."""
    if_exists = cursor.accept("IF", "EXISTS")
    name = cursor.name()[-1]
    cascade = cursor.accept_any("CASCADE", "RESTRICT") == "CASCADE"
    cursor.finish()
    for info in spark.catalog.warehouse.drop_database(name, if_exists, cascade):
        managed_tables.drop_table_files(info)
    if spark.catalog.currentDatabase() == name.lower():
        spark.catalog.setCurrentDatabase(DEFAULT_DATABASE)
    return no_result(spark)


def _columns(text: str) -> T.StructType:
    schema = T.parse_datatype_string(text)
    return schema if isinstance(schema, T.StructType) else T.StructType([T.StructField("value", schema)])


def create_table(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``CREATE TABLE``: ``[IF NOT EXISTS] name [(cols)] [USING fmt] [PARTITIONED BY (…)] [AS query]``."""
    if_not_exists = cursor.accept("IF", "NOT", "EXISTS")
    database, name = _database_and_table(spark, cursor.name())
    token = cursor.peek()
    columns = _columns(cursor.parenthesized()) if token is not None and token.text == "(" else None
    provider = ".".join(cursor.name()) if cursor.accept("USING") else "parquet"
    partition_by: list[str] = []
    if cursor.accept("PARTITIONED", "BY"):
        partition_by = [p.strip().strip("`") for p in cursor.parenthesized().split(",")]
    clause = cursor.accept_any(*_UNSUPPORTED_CLAUSES)
    if clause is not None:
        raise ParseException("UNSUPPORTED_FEATURE", f"The {clause} clause of CREATE TABLE is not supported: Ember's "
                             "warehouse tables are managed Parquet tables.")
    query = query_dataframe(spark, cursor.rest()) if cursor.accept("AS") else None
    if query is None:
        cursor.finish()
    elif columns is not None:
        raise ParseException("_LEGACY_ERROR_TEMP_0035", "Operation not allowed: Schema may not be specified in a "
                             "Create Table As Select (CTAS) statement.", "0A000")
    if query is None and columns is None:
        raise AnalysisException("UNSUPPORTED_FEATURE", f"CREATE TABLE {name} needs columns or AS SELECT: Ember "
                                "cannot infer a schema from files for a managed table.")
    warehouse = spark.catalog.warehouse
    if not warehouse.database_exists(database):
        raise schema_not_found(database)
    info = managed_tables.new_table(warehouse, database, name, query.schema if query is not None else columns,
                                    partition_by, provider)
    if warehouse.table(database, name) is not None:
        if if_not_exists:
            return no_result(spark)
        raise table_already_exists(info.qualified_name)
    if query is None:
        managed_tables.create_empty_table(warehouse, info)
    else:
        managed_tables.create_table_as(warehouse, info, query)
    return no_result(spark)


def insert(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``INSERT``: ``INTO|OVERWRITE [TABLE] name query``."""
    mode = cursor.accept_any("INTO", "OVERWRITE")
    if mode is None:
        raise cursor.error()
    cursor.accept("TABLE")
    name = cursor.name()
    token = cursor.peek()
    if token is not None and (token.text == "(" and not _starts_query(cursor, 1)):
        raise ParseException("UNSUPPORTED_FEATURE", "INSERT with a column list is not supported; write the query's "
                             "columns in the table's order.")
    if token is not None and token.is_word("PARTITION"):
        raise ParseException("UNSUPPORTED_FEATURE", "INSERT with a PARTITION clause is not supported; the query's "
                             "last columns give the partition values.")
    info = spark.catalog.table_behind(".".join(name))
    if info is None:
        database, table = _database_and_table(spark, name)
        if len(name) == 1 and spark.catalog.tableExists(name[0]):
            raise AnalysisException("UNSUPPORTED_INSERT.RDD_BASED", f"Can't insert into the target. The target "
                                    f"`{name[0]}` is a temporary view, not a table.", "42809")
        raise table_not_found_in(database, table)
    query = query_dataframe(spark, cursor.rest())
    managed_tables.write_table(spark.catalog.warehouse, info, query, mode == "OVERWRITE")
    return no_result(spark)


def _starts_query(cursor: Cursor, offset: int) -> bool:
    token = cursor.peek(offset)
    return token is not None and token.is_word("SELECT", "WITH", "VALUES", "FROM", "TABLE")


def drop_table(spark: SparkSession, cursor: Cursor) -> DataFrame:
    """After ``DROP TABLE``: ``[IF EXISTS] name`` (a temporary view of that name goes instead)."""
    if_exists = cursor.accept("IF", "EXISTS")
    name = cursor.name()
    cursor.finish()
    if len(name) == 1 and spark.catalog.dropTempView(name[0]):
        return no_result(spark)
    database, table = _database_and_table(spark, name)
    info = spark.catalog.warehouse.table(database, table)
    if info is None:
        if if_exists:
            return no_result(spark)
        raise table_not_found_in(database, table)
    if spark.catalog.isCached(".".join(name)):
        spark.catalog.uncacheTable(".".join(name))
    spark.catalog.warehouse.drop_table(database, table)
    managed_tables.drop_table_files(info)
    return no_result(spark)
