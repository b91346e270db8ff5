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

from ember.sql.catalog import GLOBAL_TEMP_DATABASE, Catalog, Column, Database, Table, _matches, table_not_found
from ember.sql.managed_tables import scan_table
from ember.sql.plan import logical as L
from ember.sql.sql_config import WAREHOUSE_DIR
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
            return self._session.read.format(database.lower()).load(name)._plan
        raise table_not_found(name if database is None else f"{database}.{name}")

    # ------------------------------------------------------------------ PySpark's Catalog
    def getTable(self, tableName: str) -> Table:
        info = self.table_behind(tableName)
        if info is None:
            return super().getTable(tableName)
        return Table(info.name, CATALOG_NAME, [info.database], None, "MANAGED", False)

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        """The tables of ``dbName`` (default: the current database), then the temporary views."""
        if _is_global(dbName):
            return super().listTables(dbName, pattern)
        database = (dbName or self._current).lower()
        if not self.warehouse.database_exists(database):
            raise schema_not_found(dbName or database)
        tables = [Table(t.name, CATALOG_NAME, [database], None, "MANAGED", False)
                  for t in self.warehouse.tables(database)]
        if pattern is not None:
            tables = [t for t in tables if _matches(t.name, pattern)]
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
            if pattern is None or _matches(name, pattern):
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


def _in_memory(plan: L.LogicalPlan) -> L.InMemoryRelation:
    if isinstance(plan, L.SubqueryAlias):
        plan = plan.child
    return L.InMemoryRelation(tuple(plan.output), plan, L.CacheSlot())


def _unpersist(relation: L.InMemoryRelation) -> None:
    if relation.slot.rdd is not None:
        relation.slot.rdd.unpersist()
