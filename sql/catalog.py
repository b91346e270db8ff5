"""``spark.catalog``: the session's temporary views.

A view is a name for a resolved logical plan. ``spark.table(name)`` and SQL's ``FROM name``
put it under a ``SubqueryAlias`` so its columns answer to ``name.col``; names are matched
case-insensitively, as Spark's default.
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["Catalog", "Table", "table_not_found"]


@dataclass(frozen=True, slots=True)
class Table:
    """One row of ``listTables()`` (PySpark's ``Table``)."""

    name: str
    catalog: str | None
    namespace: list[str] | None
    description: str | None
    tableType: str
    isTemporary: bool


def table_not_found(name: str) -> AnalysisException:
    return AnalysisException(
        "TABLE_OR_VIEW_NOT_FOUND",
        f"The table or view `{name}` cannot be found. Verify the spelling and correctness of the schema and "
        "catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or "
        "qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF "
        "EXISTS or DROP TABLE IF EXISTS.", "42P01")


class Catalog:
    """Temporary views of one session (PySpark's ``Catalog`` subset for them)."""

    def __init__(self) -> None:
        self._views: dict[str, tuple[str, L.LogicalPlan]] = {}

    def register(self, name: str, plan: L.LogicalPlan, replace: bool) -> None:
        if not replace and name.lower() in self._views:
            raise AnalysisException(
                "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS",
                f"Cannot create the temporary view `{name}` because it already exists.\n"
                "Choose a different name, drop or replace the existing view.", "42P07")
        self._views[name.lower()] = (name, plan)

    def lookup(self, name: str) -> L.LogicalPlan:
        """The view's plan under a ``SubqueryAlias`` of its name."""
        entry = self._views.get(name.lower())
        if entry is None:
            raise table_not_found(name)
        return L.SubqueryAlias(entry[0], entry[1])

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        import fnmatch

        names = sorted(n for n, _ in self._views.values())
        if pattern is not None:
            names = [n for n in names if fnmatch.fnmatch(n.lower(), pattern.lower().replace("|", "*"))]
        return [Table(n, None, [], None, "TEMPORARY", True) for n in names]

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        return tableName.lower() in self._views

    def dropTempView(self, viewName: str) -> bool:
        return self._views.pop(viewName.lower(), None) is not None

    def currentDatabase(self) -> str:
        return "default"

    def currentCatalog(self) -> str:
        return "spark_catalog"
