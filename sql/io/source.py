"""``FileSource``: what a file scan reads, and the two halves of reading it.

On the driver, ``resolve_source`` lists the files and fixes the schema (given, or inferred by
the format); ``plan_splits`` prunes partition directories and Parquet row groups with the
pushed filters and cuts the input into splits (one Parquet split per group of row groups; byte
ranges of CSV and JSON files, ``splits.plan_text_splits``; one split per text file). In a task, ``read_split``
reads one split's needed columns and appends the partition values of its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.dataset as ds

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.io import csv_format, json_format, orc_format, parquet_format, text_format
from ember.sql.io.files import InputFile, file_filter, list_files, partition_schema
from ember.sql.io.option_rules import check_options
from ember.sql.io.options import Options
from ember.sql.io.python_source import read_partition
from ember.sql.io.splits import TextSplit, plan_text_splits
from ember.sql.io.values import converter

__all__ = ["FileSource", "SplitPlan", "resolve_source", "plan_splits", "read_split", "FORMATS"]

FORMATS: dict[str, ModuleType] = {
    "csv": csv_format, "json": json_format, "text": text_format, "parquet": parquet_format, "orc": orc_format,
}
_ROW_FORMATS = ("csv", "json")  # formats with parse modes and a corrupt-record column


@dataclass(frozen=True, slots=True)
class FileSource:
    """The files of a scan, their format, options and schema (data columns, then partitions)."""

    format: str
    paths: tuple[str, ...]
    files: tuple[InputFile, ...]
    data_schema: T.StructType
    partition_schema: T.StructType
    options: Options
    python_reader: Any = None  # a Python data source's DataSourceReader (ember.sql.datasource)
    python_partitions: tuple[Any, ...] = ()  # and its InputPartitions, the scan's splits

    @property
    def schema(self) -> T.StructType:
        return T.StructType(list(self.data_schema.fields) + list(self.partition_schema.fields))

    @property
    def partition_names(self) -> set[str]:
        return {f.name.lower() for f in self.partition_schema.fields}


@dataclass(frozen=True, slots=True)
class SplitPlan:
    splits: tuple[Any, ...]
    files_kept: int = 0
    files_total: int = 0
    row_groups_kept: int = 0
    row_groups_total: int = 0


def resolve_source(fmt: str, paths: list[str], schema: T.StructType | None, options: Options) -> FileSource:
    if fmt not in FORMATS:
        raise AnalysisException("DATA_SOURCE_NOT_FOUND", f"Failed to find the data source: {fmt}.", "42K02")
    check_options(fmt, "read", options)
    files = list_files(paths, file_filter(options))
    partitions = partition_schema(files)
    if schema is None:
        if not files and fmt != "text":
            raise AnalysisException("UNABLE_TO_INFER_SCHEMA",
                                    f"Unable to infer schema for {fmt.upper()}. It must be specified manually.", "42KD9")
        schema = FORMATS[fmt].infer_schema(files, options)
    names = {f.name.lower() for f in schema.fields}
    partitions = T.StructType([f for f in partitions.fields if f.name.lower() not in names])
    if fmt in _ROW_FORMATS:
        _check_corrupt_column(schema, options)
    return FileSource(fmt, tuple(paths), tuple(files), schema, partitions, options)


def _check_corrupt_column(schema: T.StructType, options: Options) -> None:
    corrupt = options.corrupt_column
    for f in schema.fields:
        if f.name == corrupt and not (isinstance(f.dataType, T.StringType) and f.nullable):
            raise AnalysisException(
                "INVALID_CORRUPT_RECORD_TYPE",
                f"The column `{corrupt}` for corrupt records must have the nullable STRING type, "
                f"but got {f.dataType.simpleString().upper()}.", "42804")


def _partition_table(source: FileSource) -> pa.Table:
    columns = {}
    for i, f in enumerate(source.partition_schema.fields):
        parse = converter(f.dataType)
        values = [None if file.partition[i][1] is None else parse(file.partition[i][1]) for file in source.files]
        columns[f.name] = pa.array(values, to_arrow_type(f.dataType))
    columns["__file"] = pa.array(range(len(source.files)), pa.int64())
    return pa.table(columns)


def _kept_files(source: FileSource, partition_filter: Any) -> list[InputFile]:
    if partition_filter is None or not source.partition_schema.fields:
        return list(source.files)
    kept = ds.dataset(_partition_table(source)).to_table(filter=partition_filter).column("__file").to_pylist()
    return [source.files[i] for i in sorted(kept)]


def plan_splits(source: FileSource, partition_filter: Any, data_filter: Any, max_split_bytes: int) -> SplitPlan:
    if source.python_reader is not None:
        return SplitPlan(source.python_partitions)
    files = _kept_files(source, partition_filter)
    if source.format == "parquet":
        splits, kept, total = parquet_format.plan_splits(files, data_filter, max_split_bytes)
        return SplitPlan(tuple(splits), len(files), len(source.files), kept, total)
    if source.format in _ROW_FORMATS:
        splits = plan_text_splits(files, source.format, source.options, max_split_bytes)
        return SplitPlan(tuple(splits), len(files), len(source.files))
    return SplitPlan(tuple(files), len(files), len(source.files))


def _partition_columns(source: FileSource, file: InputFile, names: list[str], schema: pa.Schema,
                       num_rows: int) -> list[pa.Array]:
    fields = {f.name.lower(): (i, f) for i, f in enumerate(source.partition_schema.fields)}
    out = []
    for name in names:
        i, f = fields[name.lower()]
        raw = file.partition[i][1]
        value = None if raw is None else converter(f.dataType)(raw)
        out.append(pa.repeat(pa.scalar(value, schema.field(name).type), num_rows) if value is not None
                   else pa.nulls(num_rows, schema.field(name).type))
    return out


def read_split(source: FileSource, split: Any, columns: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The ``columns`` of one split (data columns and partition columns), typed as ``schema``."""
    if source.python_reader is not None:
        yield from read_partition(source, split, columns, schema)
        return
    partition_names = source.partition_names
    data_names = [c for c in columns if c.lower() not in partition_names]
    part_names = [c for c in columns if c.lower() in partition_names]
    data_schema = pa.schema([schema.field(c) for c in data_names])
    file = split.file if isinstance(split, (parquet_format.RowGroupSplit, TextSplit)) else split
    if source.format == "parquet":
        batches = parquet_format.read_row_groups(split, data_names, data_schema)
    else:
        batches = _read_rows(source, split if source.format in _ROW_FORMATS else file, data_names, data_schema)
    for batch in batches:
        arrays = list(batch.columns) + _partition_columns(source, file, part_names, schema, batch.num_rows)
        by_name = dict(zip(data_names + part_names, arrays))
        yield pa.RecordBatch.from_arrays([by_name[c] for c in columns], schema=schema)


def _read_rows(source: FileSource, file: InputFile | TextSplit, names: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    corrupt = source.options.corrupt_column if source.format in _ROW_FORMATS else None
    parsed = T.StructType([f for f in source.data_schema.fields if f.name != corrupt])
    index = {f.name.lower(): i for i, f in enumerate(parsed.fields)}
    positions = [-1 if n == corrupt else index[n.lower()] for n in names]
    return FORMATS[source.format].read_file(file, parsed, schema, positions, source.options)
