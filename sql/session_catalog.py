"""The session's catalog: the views of ``catalog.py`` over the warehouse's databases and tables.

Names resolve as in Spark: a temporary view first, then a table of the current database;
``db.t`` names a table of database ``db`` (``global_temp.v`` a global temporary view);
``parquet.`/path``` (also ``csv``, ``json``, ``text``) reads files directly when no database
of that name exists. The warehouse lives in ``spark.sql.warehouse.dir``, resolved to an
absolute path when the session first needs it, so changing the working directory later does
not move it. Views are ``Catalog``'s business; this class adds what involves tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql.dataframe import DataFrame, plan_of
import dataclasses
import os
import warnings

from ember.sql import types as T
from ember.sql.catalog import (GLOBAL_TEMP_DATABASE, Catalog, Column, Database, Table, TablePartition,
                               matches_like_pattern, table_not_found)
from ember.errors import PySparkTypeError
from ember.sql.errors import AnalysisException
from ember.sql.managed_tables import create_empty_table, drop_table_files, new_table, remove_files, scan_table
from ember.sql.plan import logical as L
from ember.sql.sql_config import SOURCES_DEFAULT, WAREHOUSE_DIR
from ember.sql.table_ddl import create_table_string
from ember.sql.warehouse import (CATALOG_NAME, DEFAULT_DATABASE, TableInfo, Warehouse, schema_not_found,
                                 table_not_found_in)

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["SessionCatalog", "FILE_FORMATS"]

FILE_FORMATS = ("parquet", "csv", "json", "text")


def _split(name: str) -> tuple[str | None, str]:
    parts = [p.strip("`") for p in name.split(".")]
    if len(parts) == 3 and parts[0].lower() == CATALOG_NAME:
        parts = parts[1:]
    return (parts[0], parts[1]) if len(parts) == 2 else (None, name.strip("`"))


def _is_global(database: str | None) -> bool:
    return database is not None and database.lower() == GLOBAL_TEMP_DATABASE


class SessionCatalog(Catalog):
    """``spark.catalog``: temporary and global temporary views, and the warehouse's databases and tables."""

    def __init__(self, session: SparkSession, *args: Any):
        super().__init__(*args)
        self._session = session
        self._current = DEFAULT_DATABASE
        self._warehouse: Warehouse | None = None
        # cached warehouse tables: (database, name) -> (the file list cached, its InMemoryRelation)
        self._cached_tables: dict[tuple[str, str], tuple[tuple[str, ...], L.InMemoryRelation]] = {}

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            self._warehouse = Warehouse(WAREHOUSE_DIR.read(self._session.conf))
        return self._warehouse

    # ------------------------------------------------------------------ names
    def _is_view(self, name: str, database: str | None = None) -> bool:
        return (database is None or _is_global(database)) and super().tableExists(name, database)

    def managed_table(self, name: str, database: str | None = None) -> TableInfo | None:
        """The warehouse table ``name`` (``db.name`` allowed), or ``None``."""
        if database is None:
            database, name = _split(name)
        if _is_global(database):
            return None
        return self.warehouse.table((database or self._current).lower(), name)

    def table_behind(self, name: str) -> TableInfo | None:
        """The warehouse table a name resolves to; ``None`` for a view or an unknown name."""
        database, name = _split(name)
        if self._is_view(name, database):
            return None
        return self.managed_table(name, database)

    def resolve_table(self, name: str, database: str | None = None) -> TableInfo:
        """The warehouse table ``name``, or Spark's TABLE_OR_VIEW_NOT_FOUND."""
        if database is None:
            database, name = _split(name)
        database = (database or self._current).lower()
        info = self.warehouse.table(database, name)
        if info is None:
            raise table_not_found_in(database, name)
        return info

    def lookup(self, name: str, database: str | None = None) -> L.LogicalPlan:
        """The plan ``name`` stands for: a view, a table, or files (``parquet.`/path```)."""
        if database is None:
            database, name = _split(name)
        if self._is_view(name, database):
            return super().lookup(name, database)
        info = self.managed_table(name, database)
        if info is not None:
            return self._cached_scan(info)
        if database is not None and database.lower() in FILE_FORMATS and not self.warehouse.database_exists(database):
            return plan_of(self._session.read.format(database.lower()).load(name))
        raise table_not_found(name if database is None else f"{database}.{name}")

    # ------------------------------------------------------------------ PySpark's Catalog
    def getTable(self, tableName: str) -> Table:
        info = self.table_behind(tableName)
        if info is None:
            return super().getTable(tableName)
        return _table_row(info)

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        """The tables of ``dbName`` (default: the current database), then the temporary views."""
        if _is_global(dbName):
            return super().listTables(dbName, pattern)
        database = (dbName or self._current).lower()
        if not self.warehouse.database_exists(database):
            raise schema_not_found(dbName or database)
        tables = [_table_row(t) for t in self.warehouse.tables(database)]
        if pattern is not None:
            tables = [t for t in tables if matches_like_pattern(t.name, pattern)]
        return tables + super().listTables(None, pattern)

    def listColumns(self, tableName: str, dbName: str | None = None) -> list[Column]:
        info = self.table_behind(tableName if dbName is None else f"{dbName}.{tableName}")
        if info is None:
            return super().listColumns(tableName, dbName)
        parts = {p.lower() for p in info.partition_columns}
        return [Column(f.name, None, f.dataType.simpleString(), f.nullable, f.name.lower() in parts, False, False)
                for f in info.schema.fields]

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        database, name = (dbName, tableName) if dbName is not None else _split(tableName)
        return self._is_view(name, database) or self.managed_table(name, database) is not None

    def currentDatabase(self) -> str:
        return self._current

    def setCurrentDatabase(self, dbName: str) -> None:
        if not self.warehouse.database_exists(dbName):
            raise schema_not_found(dbName)
        self._current = dbName.lower()

    def databaseExists(self, dbName: str) -> bool:
        return self.warehouse.database_exists(dbName)

    def listDatabases(self, pattern: str | None = None) -> list[Database]:
        out = []
        for name, description in sorted(self.warehouse.databases().items()):
            if pattern is None or matches_like_pattern(name, pattern):
                out.append(Database(name, CATALOG_NAME, description, "file:" + self.warehouse.database_location(name)))
        return out

    def getDatabase(self, dbName: str) -> Database:
        for database in self.listDatabases():
            if database.name == dbName.lower():
                return database
        raise schema_not_found(dbName)

    # ------------------------------------------------------------------ caching tables (views: Catalog)
    def _cached_scan(self, info: TableInfo) -> L.LogicalPlan:
        """The table's scan, or its cache while the table still has the files it was cached with."""
        cached = self._cached_tables.get((info.database, info.name))
        if cached is None:
            return scan_table(info)
        files, relation = cached
        if files != info.files:  # written since: the cache is stale, cache the new contents
            relation = _in_memory(scan_table(info))
            self._cached_tables[(info.database, info.name)] = (info.files, relation)
        return L.SubqueryAlias(info.name, relation)

    def cacheTable(self, tableName: str, storageLevel: Any = None) -> None:
        """Cache a view's or table's rows (on first use): later queries naming it scan the cache."""
        info = self.table_behind(tableName)
        if info is None:
            return super().cacheTable(tableName, storageLevel)
        if (info.database, info.name) not in self._cached_tables:
            self._cached_tables[(info.database, info.name)] = (info.files, _in_memory(scan_table(info)))

    def isCached(self, tableName: str) -> bool:
        info = self.table_behind(tableName)
        if info is None:
            return super().isCached(tableName)
        return (info.database, info.name) in self._cached_tables

    def uncacheTable(self, tableName: str) -> None:
        info = self.table_behind(tableName)
        if info is None:
            return super().uncacheTable(tableName)
        cached = self._cached_tables.pop((info.database, info.name), None)
        if cached is not None:
            _unpersist(cached[1])

    def clearCache(self) -> None:
        """Uncache every cached view and table (DataFrames cached with ``cache()`` stay cached)."""
        super().clearCache()
        for _, relation in self._cached_tables.values():
            _unpersist(relation)
        self._cached_tables.clear()

    def refreshTable(self, tableName: str) -> None:
        """Tables are read from the catalog's file list at every query: only the name is checked."""
        if self.table_behind(tableName) is None:
            super().refreshTable(tableName)

    def refreshByPath(self, path: str) -> None:
        """Drop the cached rows of every cached table or view that reads files under ``path``;
        they are cached again, from the files, on next use.

        A view keeps the file listing it was created with, as a DataFrame does.
        """
        root = os.path.abspath(path.removeprefix("file:"))
        for _, relation in self._cached_tables.values():
            if scans_under(relation.plan, root) and relation.slot.rdd is not None:
                _unpersist(relation)
                relation.slot.rdd = None  # built again from the table's files on next use
        self._refresh_views_under(root)

    # ------------------------------------------------------------------ creating and dropping
    def _split_name(self, name: str) -> tuple[str, str]:
        database, table = _split(name)
        return (database or self._current).lower(), table.lower()

    def createTable(self, tableName: str, path: str | None = None, source: str | None = None,
                    schema: T.StructType | None = None, description: str | None = None,
                    **options: str) -> DataFrame:
        """Create an empty managed table of ``schema`` (Parquet) and return it as a DataFrame.

        ``options`` are the table's write options (``compression``); a ``path`` would make an
        external table, which Ember's warehouse does not hold.
        """
        from ember.sql.io.option_rules import check_options
        from ember.sql.io.options import Options
        from ember.sql.io.writers import check_write_options
        if path is not None:
            raise AnalysisException("UNSUPPORTED_FEATURE", "createTable with a path (an external table) is not "
                                    "supported: Ember's warehouse holds managed tables only; read the files with "
                                    "spark.read and a temporary view instead.")
        provider = (source or SOURCES_DEFAULT.read(self._session.conf)).lower()
        if schema is None:
            raise AnalysisException("UNABLE_TO_INFER_SCHEMA", f"Unable to infer schema for {provider.capitalize()}. "
                                    "It must be specified manually.", "42KD9")
        if not isinstance(schema, T.StructType):
            raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `schema` should be struct type, got "
                                   f"{type(schema).__name__}.")
        database, table = self._split_name(tableName)
        info = new_table(self.warehouse, database, table, T.supported_type(schema), [], provider)
        write_options = Options.of(options)
        check_options(provider, "write", write_options)
        check_write_options(provider, write_options)
        properties = tuple((f"option.{k}", v) for k, v in write_options.items)
        create_empty_table(self.warehouse, dataclasses.replace(info, description=description or None,
                                                               properties=properties))
        return self._session.table(f"{database}.{table}")

    def createExternalTable(self, tableName: str, path: str | None = None, source: str | None = None,
                            schema: T.StructType | None = None, **options: str) -> DataFrame:
        """Deprecated alias of ``createTable`` (warns as PySpark does)."""
        warnings.warn("createExternalTable is deprecated since Spark 2.2, please use createTable instead.",
                      FutureWarning)
        return self.createTable(tableName, path, source, schema, **options)

    def dropTable(self, tableName: str, ifExists: bool = False, purge: bool = False) -> None:
        """Drop a table and its files (a temporary view of that name goes instead, as ``DROP TABLE``)."""
        database, name = _split(tableName)
        if database is None and self.dropTempView(name):
            return
        database, name = self._split_name(tableName)
        info = self.warehouse.table(database, name)
        if info is None:
            if ifExists:
                return
            raise table_not_found_in(database, name)
        if self.isCached(f"{database}.{name}"):
            self.uncacheTable(f"{database}.{name}")
        self.warehouse.drop_table(database, name)
        drop_table_files(info)

    def dropView(self, viewName: str, ifExists: bool = False) -> None:
        """Drop a persistent view: Ember has none, so this finds a table (an error) or nothing."""
        database, name = self._split_name(viewName)
        info = self.warehouse.table(database, name)
        if info is not None:
            raise AnalysisException("WRONG_COMMAND_FOR_OBJECT_TYPE", f"The operation DROP VIEW requires a VIEW or "
                                    f"METRIC_VIEW. But {CATALOG_NAME}.{database}.{name} is a MANAGED. Use DROP TABLE "
                                    "instead.", "42809")
        if not ifExists:
            raise table_not_found_in(database, name)

    def createDatabase(self, dbName: str, ifNotExists: bool = False, properties: dict[str, str] | None = None) -> None:
        """Create a database in the warehouse; the one property kept is ``comment`` (its description)."""
        properties = dict(properties or {})
        comment = properties.pop("comment", "")
        if properties:
            raise AnalysisException("UNSUPPORTED_FEATURE", f"Database properties {sorted(properties)} are not "
                                    "supported: Ember's warehouse places databases itself and keeps only a comment.")
        self.warehouse.create_database(_split(dbName)[1], ifNotExists, comment)

    def dropDatabase(self, dbName: str, ifExists: bool = False, cascade: bool = False) -> None:
        """Drop a database (and, with ``cascade``, its tables and their files)."""
        name = _split(dbName)[1]
        for info in self.warehouse.drop_database(name, ifExists, cascade):
            drop_table_files(info)
        if self._current == name.lower():
            self._current = DEFAULT_DATABASE

    # ------------------------------------------------------------------ one table's facts
    def _table_for(self, tableName: str, operation: str) -> TableInfo:
        """The warehouse table ``tableName`` for ``Catalog.<operation>``: views and unknown names are errors."""
        database, name = _split(tableName)
        if self._is_view(name, database):
            raise AnalysisException("EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE", f"'Catalog.{operation}' expects a table "
                                    f"but `{name}` is a view.", "42809")
        info = self.managed_table(name, database)
        if info is None:
            raise _not_found_on_search_path(tableName, self._current)
        return info

    def truncateTable(self, tableName: str) -> None:
        """Remove every row of a table (its files), keeping the table."""
        info = self._table_for(tableName, "truncateTable")
        remove_files(info.location, self.warehouse.commit_files(info, [], overwrite=True))

    def analyzeTable(self, tableName: str, noScan: bool = False) -> None:
        """Check the table exists; Ember's planner keeps no statistics, so there is nothing to compute."""
        self._table_for(tableName, "analyzeTable")

    def getTableProperties(self, tableName: str) -> dict[str, str]:
        """The table's properties (its write options as ``option.<key>``); a view has none."""
        database, name = _split(tableName)
        if self._is_view(name, database):
            return {}
        info = self.managed_table(name, database)
        if info is None:
            raise _not_found_on_search_path(tableName, self._current)
        return dict(info.properties)

    def getCreateTableString(self, tableName: str, asSerde: bool = False) -> str:
        """The ``CREATE TABLE`` statement of a table, as ``SHOW CREATE TABLE`` prints it."""
        database, name = _split(tableName)
        if self._is_view(name, database):
            raise AnalysisException("UNSUPPORTED_SHOW_CREATE_TABLE.ON_TEMPORARY_VIEW", "Unsupported a SHOW CREATE "
                                    f"TABLE command. The command is not supported on a temporary view `{name}`.",
                                    "0A000")
        info = self.managed_table(name, database)
        if info is None:
            raise _not_found_on_search_path(tableName, self._current)
        if asSerde:
            raise AnalysisException("UNSUPPORTED_SHOW_CREATE_TABLE.ON_DATA_SOURCE_TABLE_WITH_AS_SERDE",
                                    f"Unsupported a SHOW CREATE TABLE command. The table {info.qualified_name} is a "
                                    "Spark data source table. Please use SHOW CREATE TABLE without AS SERDE instead.",
                                    "0A000")
        return create_table_string(info)

    def listPartitions(self, tableName: str) -> list[TablePartition]:
        """The partitions that hold rows, as ``k=v/k2=v2`` specs (values escaped as in the paths)."""
        info = self._table_for(tableName, "listPartitions")
        if not info.partition_columns:
            raise AnalysisException("INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY", "The partition command "
                                    f"is invalid. Table {info.qualified_name} is not partitioned.", "42601")
        specs = {os.path.dirname(f) for f in info.files}
        return [TablePartition(spec) for spec in sorted(specs)]


def _not_found_on_search_path(name: str, current: str) -> AnalysisException:
    return AnalysisException(
        "TABLE_OR_VIEW_NOT_FOUND",
        f"The table or view `{name}` cannot be found. Verify the spelling and correctness of the schema and "
        f"catalog.\nSearch path: [`system`.`session`, `{CATALOG_NAME}`.`{current}`].\nIf you did not qualify the "
        "name with a schema, verify the current_schema() output, or qualify the name with the correct schema and "
        "catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.", "42P01")


def scans_under(plan: L.LogicalPlan, root: str) -> bool:
    """Whether ``plan`` scans a file or table location under directory ``root``."""
    for node in plan.walk():
        if isinstance(node, L.FileScan):
            places = list(node.source.paths) + [f.path for f in node.source.files]
            if any(os.path.abspath(p.removeprefix("file:")).startswith(root) for p in places):
                return True
    return False


def _table_row(info: TableInfo) -> Table:
    return Table(info.name, CATALOG_NAME, [info.database], info.description, "MANAGED", False)


def _in_memory(plan: L.LogicalPlan) -> L.InMemoryRelation:
    if isinstance(plan, L.SubqueryAlias):
        plan = plan.child
    return L.InMemoryRelation(tuple(plan.output), plan, L.CacheSlot())


def _unpersist(relation: L.InMemoryRelation) -> None:
    if relation.slot.rdd is not None:
        relation.slot.rdd.unpersist()


def is_view(catalog: SessionCatalog, name: str, database: str | None = None) -> bool:
    """Whether ``name`` is a temporary (or, in ``global_temp``, global) view of ``catalog``."""
    return catalog._is_view(name, database)
