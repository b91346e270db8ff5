"""``df.write.saveAsTable`` and ``df.write.insertInto``: DataFrame writes into warehouse tables.

``saveAsTable`` follows the save mode as Spark does: ``error`` (the default) refuses an
existing table, ``ignore`` leaves it, ``overwrite`` replaces it (schema included), ``append``
adds the rows with columns matched by name. ``insertInto`` matches columns by position, as
``INSERT INTO`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.sql import managed_tables
from ember.sql.errors import AnalysisException
from ember.sql.warehouse import table_already_exists, table_not_found_in

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["save_as_table", "insert_into"]


def database_and_table(df: DataFrame, name: str) -> tuple[str, str]:
    parts = [p.strip("`") for p in name.split(".")]
    if len(parts) == 3 and parts[0].lower() == "spark_catalog":
        parts = parts[1:]
    if len(parts) > 2:
        raise AnalysisException("REQUIRES_SINGLE_PART_NAMESPACE", f"spark_catalog requires a single-part namespace, "
                                f"but got {'.'.join(parts[:-1])}.", "42K05")
    database = parts[0] if len(parts) == 2 else df.sparkSession.catalog.currentDatabase()
    return database.lower(), parts[-1].lower()


def save_as_table(df: DataFrame, name: str, fmt: str, mode: str, partition_by: list[str]) -> None:
    catalog = df.sparkSession.catalog
    warehouse = catalog.warehouse
    database, table = database_and_table(df, name)
    existing = warehouse.table(database, table)
    if existing is not None:
        if mode == "error":
            raise table_already_exists(existing.qualified_name)
        if mode == "ignore":
            return
        if mode == "append":
            by_name = df.select(*[column for column, _, _ in existing.columns])
            managed_tables.write_table(warehouse, existing, by_name, overwrite=False)
            return
        warehouse.drop_table(database, table)
        managed_tables.drop_table_files(existing)
    if not warehouse.database_exists(database):
        from ember.sql.warehouse import schema_not_found

        raise schema_not_found(database)
    info = managed_tables.new_table(warehouse, database, table, df.schema, partition_by, fmt)
    managed_tables.create_table_as(warehouse, info, df)


def insert_into(df: DataFrame, name: str, overwrite: bool) -> None:
    catalog = df.sparkSession.catalog
    info = catalog.table_behind(name)
    if info is None:
        raise table_not_found_in(*database_and_table(df, name))
    managed_tables.write_table(catalog.warehouse, info, df, overwrite)
