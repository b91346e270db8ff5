"""``spark.catalog``: the session's temporary views and the application's global ones.

A view is a name for a resolved logical plan. ``spark.table(name)`` and SQL's ``FROM name``
put it under a ``SubqueryAlias`` so its columns answer to ``name.col``; names are matched
case-insensitively, as Spark's default. Global temporary views (``createGlobalTempView``) live
in the ``global_temp`` database, shared by every session over the same ``SparkContext``.

Ember has no persistent tables or databases: the catalog is ``spark_catalog`` with the one
database ``default`` (which holds no tables), as a fresh Spark application without Hive has.
Caching a view (``cacheTable``) puts an ``InMemoryRelation`` over its plan, so later queries
that name it scan the cache.
"""

from __future__ import annotations

import fnmatch
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any, NamedTuple

from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L
from ember.sql.sql_config import WAREHOUSE_DIR

__all__ = ["Catalog", "Table", "Column", "Database", "CatalogMetadata", "Function", "TablePartition",
           "table_not_found", "GLOBAL_TEMP_DATABASE"]

GLOBAL_TEMP_DATABASE = "global_temp"
_CATALOG = "spark_catalog"
_DATABASE = "default"


@dataclass(frozen=True, slots=True)
class Table:
    """One row of ``listTables()`` (PySpark's ``Table``)."""

    name: str
    catalog: str | None
    namespace: list[str] | None
    description: str | None
    tableType: str
    isTemporary: bool


class Column(NamedTuple):
    """One row of ``listColumns()``."""

    name: str
    description: str | None
    dataType: str
    nullable: bool
    isPartition: bool
    isBucket: bool
    isCluster: bool


class Database(NamedTuple):
    name: str
    catalog: str | None
    description: str | None
    locationUri: str


class CatalogMetadata(NamedTuple):
    name: str
    description: str | None


class Function(NamedTuple):
    """One row of ``listFunctions()``: a built-in function or a registered UDF.

    ``className`` names the Python class or function that implements it (Spark names a JVM class).
    """

    name: str
    catalog: str | None
    namespace: list[str] | None
    description: str | None
    className: str
    isTemporary: bool


class TablePartition(NamedTuple):
    """One row of ``listPartitions()``: a partition spec such as ``p=1/q=x``."""

    partition: str


def table_not_found(name: str) -> AnalysisException:
    return AnalysisException(
        "TABLE_OR_VIEW_NOT_FOUND",
        f"The table or view `{name}` cannot be found. Verify the spelling and correctness of the schema and "
        "catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or "
        "qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF "
        "EXISTS or DROP TABLE IF EXISTS.", "42P01")


def _schema_not_found(name: str) -> AnalysisException:
    return AnalysisException(
        "SCHEMA_NOT_FOUND",
        f"The schema `{_CATALOG}`.`{name}` cannot be found. Verify the spelling and correctness of the schema "
        "and catalog.\nIf you did not qualify the name with a catalog, verify the current_schema() output, or "
        "qualify the name with the correct catalog.\nTo tolerate the error on drop use DROP SCHEMA IF EXISTS.",
        "42704")


class _Views:
    """Named plans, matched case-insensitively; the names keep the spelling they were created with."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, L.LogicalPlan]] = {}
        self._lock = threading.Lock()

    def register(self, name: str, plan: L.LogicalPlan, replace: bool) -> None:
        with self._lock:
            if not replace and name.lower() in self._entries:
                raise AnalysisException(
                    "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS",
                    f"Cannot create the temporary view `{name}` because it already exists.\n"
                    "Choose a different name, drop or replace the existing view.", "42P07")
            self._entries[name.lower()] = (name, plan)

    def get(self, name: str) -> tuple[str, L.LogicalPlan] | None:
        return self._entries.get(name.lower())

    def replace_plan(self, name: str, plan: L.LogicalPlan) -> None:
        with self._lock:
            shown, _ = self._entries[name.lower()]
            self._entries[name.lower()] = (shown, plan)

    def drop(self, name: str) -> bool:
        with self._lock:
            return self._entries.pop(name.lower(), None) is not None

    def names(self) -> list[str]:
        return sorted(shown for shown, _ in self._entries.values())


_GLOBAL_VIEWS: weakref.WeakKeyDictionary[Any, _Views] = weakref.WeakKeyDictionary()
_GLOBAL_LOCK = threading.Lock()


def _global_views(sc: Any) -> _Views:
    """The global temporary views of the application running on ``sc``."""
    if sc is None:
        return _Views()
    with _GLOBAL_LOCK:
        if sc not in _GLOBAL_VIEWS:
            _GLOBAL_VIEWS[sc] = _Views()
        return _GLOBAL_VIEWS[sc]


def _split(name: str, dbName: str | None = None) -> tuple[str | None, str]:
    """``(database, view)`` from ``view``, ``db.view`` or ``(view, dbName)``."""
    parts = [p.strip("`") for p in name.split(".")]
    if len(parts) == 1:
        return dbName, parts[0]
    if len(parts) == 3 and parts[0].lower() == _CATALOG:
        parts = parts[1:]
    return (parts[0], parts[1]) if len(parts) == 2 else ("", name)


class Catalog:
    """Temporary and global temporary views of one session (PySpark's ``Catalog`` for them)."""

    def __init__(self, sparkContext: Any = None) -> None:
        self._views = _Views()
        self._global_views = _global_views(sparkContext)
        self._conf: Any = None  # the session's RuntimeConfig, for the warehouse location

    # ------------------------------------------------------------------ views
    def register(self, name: str, plan: L.LogicalPlan, replace: bool) -> None:
        self._views.register(name, plan, replace)

    def _find(self, name: str, dbName: str | None = None) -> tuple[_Views, str, str] | None:
        """The registry holding view ``name``, its key and its shown name, or None."""
        database, view = _split(name, dbName)
        if database is None:
            views = self._views
        elif database.lower() == GLOBAL_TEMP_DATABASE:
            views = self._global_views
        else:
            return None  # Ember's databases hold no tables
        entry = views.get(view)
        return (views, view, entry[0]) if entry else None

    def lookup(self, name: str, database: str | None = None) -> L.LogicalPlan:
        """The view's plan under a ``SubqueryAlias`` of its name."""
        found = self._find(name, database)
        if found is None:
            raise table_not_found(name if database is None else f"{database}.{name}")
        views, key, shown = found
        return L.SubqueryAlias(shown, views.get(key)[1])

    def _table(self, name: str, database: str | None) -> Table:
        found = self._find(name, database)
        if found is None:
            raise table_not_found(name if database is None else f"{database}.{name}")
        views, _, shown = found
        namespace = [GLOBAL_TEMP_DATABASE] if views is self._global_views else []
        return Table(shown, None, namespace, None, "TEMPORARY", True)

    def getTable(self, tableName: str) -> Table:
        return self._table(tableName, None)

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        return self._find(tableName, dbName) is not None

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        """The temporary views (and, for ``global_temp``, the global ones first), sorted by name."""
        tables = [Table(n, None, [], None, "TEMPORARY", True) for n in self._views.names()]
        if dbName is not None:
            self._check_database(dbName)
            if dbName.lower() == GLOBAL_TEMP_DATABASE:
                tables = [Table(n, None, [GLOBAL_TEMP_DATABASE], None, "TEMPORARY", True)
                          for n in self._global_views.names()] + tables
        if pattern is not None:
            tables = [t for t in tables if matches_like_pattern(t.name, pattern)]
        return tables

    def listViews(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        return self.listTables(dbName, pattern)

    def listColumns(self, tableName: str, dbName: str | None = None) -> list[Column]:
        plan = self.lookup(tableName, dbName)
        return [Column(a.name, None, a.data_type.simpleString(), a.nullable, False, False, False)
                for a in plan.output]

    def dropTempView(self, viewName: str) -> bool:
        return self._views.drop(viewName)

    def dropGlobalTempView(self, viewName: str) -> bool:
        return self._global_views.drop(viewName)

    # ------------------------------------------------------------------ caching
    def _cached_entry(self, tableName: str) -> tuple[_Views, str, L.LogicalPlan]:
        found = self._find(tableName)
        if found is None:
            raise table_not_found(tableName)
        views, key, _ = found
        return views, key, views.get(key)[1]

    def cacheTable(self, tableName: str, storageLevel: Any = None) -> None:
        """Cache the view's rows (on first use): later queries naming it scan the cache."""
        views, key, plan = self._cached_entry(tableName)
        if not isinstance(plan, L.InMemoryRelation):
            views.replace_plan(key, L.InMemoryRelation(tuple(plan.output), plan, L.CacheSlot(storageLevel)))

    def isCached(self, tableName: str) -> bool:
        return isinstance(self._cached_entry(tableName)[2], L.InMemoryRelation)

    def uncacheTable(self, tableName: str) -> None:
        views, key, plan = self._cached_entry(tableName)
        if isinstance(plan, L.InMemoryRelation):
            if plan.slot.rdd is not None:
                plan.slot.rdd.unpersist()
            views.replace_plan(key, plan.plan)

    def clearCache(self) -> None:
        """Uncache every cached view (DataFrames cached with ``cache()`` stay cached)."""
        for name in self._views.names():
            self.uncacheTable(name)
        for name in self._global_views.names():
            self.uncacheTable(f"{GLOBAL_TEMP_DATABASE}.{name}")

    def refreshTable(self, tableName: str) -> None:
        """Views hold plans, not file listings, so there is nothing to refresh; the name must exist."""
        self._cached_entry(tableName)

    def _refresh_views_under(self, root: str) -> None:
        """Drop the cached rows of cached views that read files under ``root`` (cached again on use)."""
        from ember.sql.session_catalog import scans_under

        for views in (self._views, self._global_views):
            for name in views.names():
                plan = views.get(name)[1]
                if isinstance(plan, L.InMemoryRelation) and scans_under(plan.plan, root) and plan.slot.rdd is not None:
                    plan.slot.rdd.unpersist()
                    plan.slot.rdd = None  # built again from the plan on next use

    # ------------------------------------------------------------------ databases and catalogs
    def _check_database(self, dbName: str) -> None:
        if dbName.lower() not in (_DATABASE, GLOBAL_TEMP_DATABASE):
            raise _schema_not_found(dbName)

    def _database(self) -> Database:
        location = WAREHOUSE_DIR.read(self._conf) if self._conf is not None else WAREHOUSE_DIR.default
        if "://" not in location and not location.startswith("file:"):
            location = "file:" + os.path.abspath(location)
        return Database(_DATABASE, _CATALOG, "default database", location)

    def currentDatabase(self) -> str:
        return _DATABASE

    def setCurrentDatabase(self, dbName: str) -> None:
        if dbName.lower() != _DATABASE:
            raise _schema_not_found(dbName)

    def databaseExists(self, dbName: str) -> bool:
        return dbName.lower() == _DATABASE

    def getDatabase(self, dbName: str) -> Database:
        if dbName.lower() != _DATABASE:
            raise _schema_not_found(dbName)
        return self._database()

    def listDatabases(self, pattern: str | None = None) -> list[Database]:
        return [self._database()] if pattern is None or matches_like_pattern(_DATABASE, pattern) else []

    def currentCatalog(self) -> str:
        return _CATALOG

    def setCurrentCatalog(self, catalogName: str) -> None:
        if catalogName.lower() != _CATALOG:
            raise AnalysisException("CATALOG_NOT_FOUND", f"The catalog `{catalogName}` not found. Consider to set "
                                    f"the SQL config `spark.sql.catalog.{catalogName}` to a catalog plugin.",
                                    "42P08")

    def listCatalogs(self, pattern: str | None = None) -> list[CatalogMetadata]:
        return [CatalogMetadata(_CATALOG, None)] if pattern is None or matches_like_pattern(_CATALOG, pattern) else []

    def functionExists(self, functionName: str, dbName: str | None = None) -> bool:
        """Whether SQL text can call ``functionName`` (Ember's built-in functions)."""
        from ember.sql.functions import SQL_FUNCTIONS

        return functionName.lower() in SQL_FUNCTIONS or functionName.lower() in self._udfs()

    # ------------------------------------------------------------------ functions
    def _udfs(self) -> dict[str, Any]:
        """The session's registered UDFs by lower-cased name (none for a catalog without a session)."""
        from ember.sql.udf import registered_functions

        session = getattr(self, "_session", None)
        return {} if session is None else registered_functions(session.udf)

    def _function(self, name: str) -> Function | None:
        from ember.sql.functions import SQL_FUNCTIONS

        udf = self._udfs().get(name.lower())
        if udf is not None:
            func = udf.func
            return Function(name.lower(), None, None, "N/A.",
                            f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', type(func).__name__)}",
                            True)
        builder = SQL_FUNCTIONS.get(name.lower())
        if builder is None:
            return None
        doc = (builder.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").strip()
        return Function(name.lower(), None, None, doc or "N/A.", f"{builder.__module__}.{builder.__qualname__}", True)

    def getFunction(self, functionName: str) -> Function:
        """The built-in function or registered UDF named ``functionName``."""
        parts = [p.strip("`") for p in functionName.split(".")]
        found = self._function(parts[0]) if len(parts) == 1 else None
        if found is None:
            shown = ".".join(f"`{p}`" for p in parts)
            raise AnalysisException("UNRESOLVED_ROUTINE", f"Cannot resolve routine {shown} on search path "
                                    f"[`system`.`builtin`, `system`.`session`, `{_CATALOG}`.`"
                                    f"{self.currentDatabase()}`].", "42883")
        return found

    def listFunctions(self, dbName: str | None = None, pattern: str | None = None) -> list[Function]:
        """The built-in functions and registered UDFs, by name (all temporary, as Spark lists them)."""
        from ember.sql.functions import SQL_FUNCTIONS

        if dbName is not None and not self.databaseExists(dbName):
            raise _schema_not_found(dbName)
        names = sorted(set(SQL_FUNCTIONS) | set(self._udfs()))
        if pattern is not None:
            names = [n for n in names if matches_like_pattern(n, pattern)]
        return [self._function(n) for n in names]

    def registerFunction(self, name: str, f: Any, returnType: Any = None) -> Any:
        """Deprecated alias of ``spark.udf.register`` (warns as PySpark does)."""
        import warnings

        warnings.warn("Deprecated in 2.3.0. Use spark.udf.register instead.", FutureWarning)
        return self._session.udf.register(name, f, returnType)


def matches_like_pattern(name: str, pattern: str) -> bool:
    """Spark's ``SHOW ... LIKE`` pattern: ``*`` any characters, ``|`` alternatives, case-insensitive."""
    return any(fnmatch.fnmatchcase(name.lower(), p.strip().lower()) for p in pattern.split("|"))


def global_views_of(catalog: Catalog) -> _Views:
    """The application's global temporary views, as ``catalog`` sees them."""
    return catalog._global_views
