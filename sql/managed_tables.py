"""Reading and writing the data of managed tables (the metadata lives in ``warehouse.py``).

A table reads as a ``FileScan`` over exactly the files its catalog entry lists, with the
stored schema (no inference, no directory listing). A write — ``INSERT``, ``CREATE TABLE …
AS SELECT``, ``saveAsTable``, ``insertInto`` — lines the query's columns up with the table's
by position (casting as Spark's ANSI store assignment allows), runs one job that adds new
files under the commit protocol, and then commits the new file list to the catalog. Until
that last step nothing a reader sees has changed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from typing import TYPE_CHECKING

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions import AttributeReference, new_expr_id
from ember.sql.io.files import NULL_PARTITION, InputFile
from ember.sql.io.options import Options
from ember.sql.io.source import FileSource
from ember.sql.plan import logical as L
from ember.sql.warehouse import TableInfo, Warehouse, columns_of
from ember.sql.dataframe import plan_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["scan_table", "new_table", "write_table", "create_table_as", "create_empty_table", "drop_table_files",
           "remove_files"]

PROVIDERS = ("parquet",)


def _partition_of(rel: str) -> tuple[tuple[str, str | None], ...]:
    from urllib.parse import unquote

    pairs = []
    for segment in os.path.dirname(rel).split("/"):
        if "=" in segment:
            key, value = segment.split("=", 1)
            value = unquote(value)
            pairs.append((key, None if value == NULL_PARTITION else value))
    return tuple(pairs)


def scan_table(info: TableInfo) -> L.LogicalPlan:
    """The table's rows: a scan of its listed files, under a ``SubqueryAlias`` of its name."""
    files = []
    for rel in info.files:
        path = os.path.join(info.location, rel)
        try:
            files.append(InputFile(path, os.path.getsize(path), _partition_of(rel)))
        except FileNotFoundError:
            raise AnalysisException("FAILED_READ_FILE.FILE_NOT_EXIST", f"File {path} of table {info.qualified_name} "
                                    "does not exist; it was removed outside Ember.") from None
    source = FileSource(info.provider, (info.location,), tuple(files), info.data_schema, info.partition_schema,
                        Options.of({}))
    attrs = tuple(AttributeReference(f.name, f.dataType, True, new_expr_id()) for f in source.schema.fields)
    return L.SubqueryAlias(info.name, L.FileScan(attrs, source))


def check_provider(provider: str) -> str:
    if provider.lower() not in PROVIDERS:
        raise AnalysisException("UNSUPPORTED_FEATURE", f"Warehouse tables are stored as Parquet; USING "
                                f"{provider} is not supported (read such files with a temporary view).")
    return provider.lower()


def new_table(warehouse: Warehouse, database: str, name: str, schema: T.StructType,
              partition_by: list[str], provider: str = "parquet") -> TableInfo:
    """A table description (not yet registered): partition columns moved last, as Spark orders them."""
    by_name = {f.name.lower(): f for f in schema.fields}
    missing = [p for p in partition_by if p.lower() not in by_name]
    if missing:
        raise AnalysisException("COLUMN_NOT_DEFINED_IN_TABLE", f"partition column `{missing[0]}` is not defined in "
                                f"table {database}.{name}, defined table columns are: "
                                f"{', '.join(f.name for f in schema.fields)}.", "42703")
    parts = [by_name[p.lower()] for p in partition_by]
    data = [f for f in schema.fields if f.name.lower() not in {p.lower() for p in partition_by}]
    if not data:
        raise AnalysisException("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "Cannot use all columns for partition "
                                "columns.", "KD005")
    ordered = T.StructType([T.StructField(f.name, f.dataType, True) for f in data + parts])
    location = os.path.join(warehouse.database_location(database), name.lower())
    return TableInfo(database, name.lower(), check_provider(provider), columns_of(ordered),
                     tuple(f.name for f in parts), location)


def _storable(source: T.DataType, target: T.DataType) -> bool:
    """Spark's ANSI store assignment: which values may be written into a column of ``target``."""
    if source == target or isinstance(source, T.NullType):
        return True
    if isinstance(source, T.NumericType) and isinstance(target, T.NumericType):
        return True
    if isinstance(target, T.StringType) and not isinstance(source, (T.ArrayType, T.MapType, T.StructType)):
        return True
    return isinstance(source, (T.DateType, T.TimestampType)) and isinstance(target, (T.DateType, T.TimestampType))


def _aligned(info: TableInfo, df: DataFrame) -> DataFrame:
    """``df``'s columns as the table's, by position: renamed and cast, or an error naming the mismatch."""
    from ember.sql.column import Column

    table_fields, data_fields = info.schema.fields, df.schema.fields
    if len(data_fields) != len(table_fields):
        reason = "not enough" if len(data_fields) < len(table_fields) else "too many"
        raise AnalysisException(
            f"INSERT_COLUMN_ARITY_MISMATCH.{'NOT_ENOUGH' if reason == 'not enough' else 'TOO_MANY'}_DATA_COLUMNS",
            f"Cannot write to {info.qualified_name}, the reason is {reason} data columns:\nTable columns: "
            f"{', '.join(f'`{f.name}`' for f in table_fields)}.\nData columns: "
            f"{', '.join(f'`{f.name}`' for f in data_fields)}.", "21S01")
    columns = []
    for attr, data, target in zip(plan_of(df).output, data_fields, table_fields):
        if not _storable(data.dataType, target.dataType):
            raise AnalysisException(
                "INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST",
                f"Cannot write incompatible data for the table {info.qualified_name}: Cannot safely cast "
                f"`{target.name}` \"{data.dataType.simpleString().upper()}\" to "
                f"\"{target.dataType.simpleString().upper()}\".", "KD000")
        column = Column(attr)
        if data.dataType != target.dataType:
            column = column.cast(target.dataType)
        columns.append(column.alias(target.name))
    return df.select(*columns)


def _write_options(info: TableInfo) -> Options:
    """The options the table was created with (``createTable(..., compression=...)``)."""
    return Options.of({k.removeprefix("option."): v for k, v in info.properties if k.startswith("option.")})


def write_table(warehouse: Warehouse, info: TableInfo, df: DataFrame, overwrite: bool) -> None:
    """Add ``df``'s rows to the table (replace them with ``overwrite``), atomically."""
    from ember.sql.readwriter import write_files

    aligned = _aligned(info, df)
    added = write_files(aligned, info.location, info.provider, "append", _write_options(info),
                        list(info.partition_columns))
    try:
        replaced = warehouse.commit_files(info, added, overwrite)
    except BaseException:
        remove_files(info.location, added)
        raise
    remove_files(info.location, replaced)


def create_table_as(warehouse: Warehouse, info: TableInfo, df: DataFrame) -> None:
    """Register ``info`` and fill it with ``df`` — the table appears with its rows, or not at all."""
    from ember.sql.readwriter import write_files

    _check_location(info)
    df = df.select(*[name for name, _, _ in info.columns])  # partition columns last, as the table has them
    added = write_files(_aligned(info, df), info.location, info.provider, "append", _write_options(info),
                        list(info.partition_columns))
    try:
        warehouse.create_table(dataclasses.replace(info, files=tuple(added)))
    except BaseException:
        shutil.rmtree(info.location, ignore_errors=True)
        raise


def _check_location(info: TableInfo) -> None:
    """Spark's refusal to create a managed table over an existing directory."""
    if os.path.isdir(info.location) and os.listdir(info.location):
        raise AnalysisException(
            "LOCATION_ALREADY_EXISTS", f"Cannot name the managed table as {info.qualified_name}, as its associated "
            f"location 'file:{info.location}' already exists. Please pick a different table name, or remove the "
            "existing location first.", "42710")


def create_empty_table(warehouse: Warehouse, info: TableInfo) -> None:
    _check_location(info)
    warehouse.create_table(info)
    os.makedirs(info.location, exist_ok=True)


def drop_table_files(info: TableInfo) -> None:
    shutil.rmtree(info.location, ignore_errors=True)


def remove_files(root: str, files: list[str]) -> None:
    """Delete ``files`` (relative to ``root``) and the partition directories they leave empty."""
    for rel in files:
        try:
            os.remove(os.path.join(root, rel))
        except FileNotFoundError:
            pass
        directory = os.path.dirname(rel)
        while directory:
            try:
                os.rmdir(os.path.join(root, directory))
            except OSError:
                break
            directory = os.path.dirname(directory)
