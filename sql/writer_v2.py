"""``df.writeTo(table)``: ``DataFrameWriterV2`` over Ember's warehouse, as Spark's session catalog does it.

Spark's session catalog holds "v1" tables, and PySpark 4.3 on a classic session treats them so:
``create()`` makes the table from the DataFrame (``CREATE TABLE ... AS SELECT``), and every
other write is refused — ``append``/``overwrite``/``overwritePartitions`` with "Cannot write
into v1 table", ``replace``/``createOrReplace`` as an unsupported REPLACE TABLE AS SELECT — after
the same checks (a missing table, a view). Ember does the same over its warehouse. Of what
``create()`` can carry, Ember's tables have a provider (Parquet only) and identity partition
columns; table properties, write options and clustering are refused by name, as its
``CREATE TABLE`` refuses ``TBLPROPERTIES``, ``OPTIONS`` and ``CLUSTER BY``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.errors import PySparkTypeError, UnsupportedOperationException
from ember.sql import expressions as E
from ember.sql import managed_tables
from ember.sql.column import Column, expression_of
from ember.sql.errors import AnalysisException
from ember.sql.table_writes import database_and_table
from ember.sql.warehouse import qualified, schema_not_found, table_already_exists, table_not_found_in
from ember.sql.session_catalog import is_view

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["DataFrameWriterV2", "target_table", "unsupported_operation"]


def target_table(df: DataFrame, table: str) -> tuple[str, str]:
    """``(database, name)`` of the existing table ``table`` names, for a write that v1 tables
    cannot take: the errors Spark gives for a view or a missing table come first."""
    catalog = df.sparkSession.catalog
    database, name = database_and_table(df, table)
    if "." not in table and is_view(catalog, name):
        raise AnalysisException("VIEW_WRITE_NOT_ALLOWED", f"Cannot write into view {table}, please write into a "
                                "table instead.", "42809")
    if catalog.warehouse.table(database, name) is None:
        raise table_not_found_in(database, name)
    return database, name


def unsupported_operation(database: str, name: str, operation: str) -> UnsupportedOperationException:
    """Spark's refusal of an operation its session catalog's tables do not support."""
    return UnsupportedOperationException(
        "UNSUPPORTED_FEATURE.TABLE_OPERATION", f"The feature is not supported: Table {qualified(database, name)} "
        f"does not support {operation}. Please check the current catalog and namespace to make sure the qualified "
        "table name is expected, and also check the catalog implementation which is configured by "
        "\"spark.sql.catalog\".", "0A000")


def _partition_column(col: Any) -> str:
    if not isinstance(col, (Column, str)):
        raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `col` should be Column or str, got "
                               f"{type(col).__name__}.")
    if isinstance(col, str):
        return col
    expr = expression_of(col)
    if not isinstance(expr, E.UnresolvedAttribute):
        raise AnalysisException("_LEGACY_ERROR_TEMP_1316", f"Invalid partition transformation: {expr.sql()}.")
    return expr.name


class DataFrameWriterV2:
    """The builder ``df.writeTo(table)`` returns; ``create()`` and friends run the write."""

    def __init__(self, df: DataFrame, table: str) -> None:
        self._df = df
        self._table = table
        self._provider = "parquet"
        self._options: dict[str, str] = {}
        self._properties: dict[str, str] = {}
        self._partitioning: list[str] = []
        self._clustering: list[str] = []

    def using(self, provider: str) -> DataFrameWriterV2:
        """The table's data source (Ember's warehouse stores Parquet only)."""
        self._provider = provider
        return self

    def option(self, key: str, value: Any) -> DataFrameWriterV2:
        if value is not None:
            self._options[key] = str(value).lower() if isinstance(value, bool) else str(value)
        return self

    def options(self, **options: Any) -> DataFrameWriterV2:
        for key, value in options.items():
            self.option(key, value)
        return self

    def tableProperty(self, property: str, value: str) -> DataFrameWriterV2:
        self._properties[property] = value
        return self

    def partitionedBy(self, col: Any, *cols: Any) -> DataFrameWriterV2:
        """Partition the new table by these columns (identity partitioning: by each value)."""
        self._partitioning = [_partition_column(c) for c in (col, *cols)]
        return self

    def clusterBy(self, col: str, *cols: str) -> DataFrameWriterV2:
        self._clustering = [col, *cols]
        return self

    def create(self) -> None:
        """Create the table from the DataFrame's rows; an error if it exists."""
        for what, given in (("table properties (tableProperty)", self._properties),
                            ("write options (option/options)", self._options),
                            ("clustering columns (clusterBy)", self._clustering)):
            if given:
                raise AnalysisException("UNSUPPORTED_FEATURE", f"DataFrameWriterV2.create with {what} is not "
                                        "supported: Ember's warehouse tables are managed Parquet tables.")
        df = self._df
        warehouse = df.sparkSession.catalog.warehouse
        database, name = database_and_table(df, self._table)
        if warehouse.table(database, name) is not None:
            raise table_already_exists(qualified(database, name))
        if not warehouse.database_exists(database):
            raise schema_not_found(database)
        info = managed_tables.new_table(warehouse, database, name, df.schema, self._partitioning, self._provider)
        managed_tables.create_table_as(warehouse, info, df)

    def replace(self) -> None:
        database, name = database_and_table(self._df, self._table)
        raise unsupported_operation(database, name, "REPLACE TABLE AS SELECT")

    def createOrReplace(self) -> None:
        self.replace()

    def append(self) -> None:
        self._v1_write()

    def overwrite(self, condition: Any) -> None:
        self._v1_write()

    def overwritePartitions(self) -> None:
        self._v1_write()

    def _v1_write(self) -> None:
        database, name = target_table(self._df, self._table)
        raise AnalysisException("_LEGACY_ERROR_TEMP_1012", f"Cannot write into v1 table: {qualified(database, name)}.")
