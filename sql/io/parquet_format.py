"""Parquet: schemas from footers, splits of row groups, and pruned reads.

Schema: every file's footer is read on the driver. Without ``mergeSchema`` the first file
gives the columns; with it, the columns of all files are united. As in Spark, types never
widen: either way a column whose type differs between two files raises ``CANNOT_MERGE_SCHEMAS`` naming both files, the column and
both types: reading on would drop or corrupt one file's rows (docs/reliability.md#schema-conflicts; SPARK-23822).

Splits: each file's row groups that may hold matching rows (the pushed filters checked
against row-group statistics by ``pyarrow.dataset``) are packed into splits of about
``max_split_bytes`` compressed bytes; one split is one partition. A task reads only its row
groups and only the needed columns; a column missing from a file reads as NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from ember.sql import types as T
from ember.sql.arrow_types import from_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.io.files import InputFile
from ember.sql.io.options import Options

__all__ = ["infer_schema", "plan_splits", "read_row_groups", "RowGroupSplit"]

@dataclass(frozen=True, slots=True)
class RowGroupSplit:
    file: InputFile
    row_groups: tuple[int, ...]


def merge_conflict_error(column: str, first: str, first_type: T.DataType, other: str,
                         other_type: T.DataType) -> AnalysisException:
    return AnalysisException(
        "CANNOT_MERGE_SCHEMAS",
        f"Failed merging schemas: column `{column}` is {first_type.simpleString().upper()} in file:{first} "
        f"but {other_type.simpleString().upper()} in file:{other}.",
        "42KD9",
    )


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    merge = options.flag("mergeSchema")
    fields: dict[str, tuple[T.DataType, str]] = {}
    order: list[str] = []
    for i, f in enumerate(files):
        for field in pq.read_schema(f.path):
            dt = from_arrow_type(field.type)
            key = field.name.lower()
            if key not in fields:
                if i == 0 or merge:
                    fields[key] = (dt, f.path)
                    order.append(field.name)
                continue
            known, where = fields[key]
            if known != dt:
                raise merge_conflict_error(field.name, where, known, f.path, dt)
    return T.StructType([T.StructField(n, fields[n.lower()][0], True) for n in order])


def _row_group_bytes(meta: Any, index: int) -> int:
    group = meta.row_group(index)
    return sum(group.column(c).total_compressed_size for c in range(group.num_columns))


def plan_splits(files: list[InputFile], arrow_filter: Any, max_split_bytes: int) -> tuple[list[RowGroupSplit], int, int]:
    """The splits to read, plus the numbers of row groups kept and in total."""
    fmt = ds.ParquetFileFormat()
    local = pafs.LocalFileSystem()
    splits: list[RowGroupSplit] = []
    kept_total = all_total = 0
    for f in files:
        fragment = fmt.make_fragment(f.path, filesystem=local)
        meta = fragment.metadata
        all_total += meta.num_row_groups
        groups = list(range(meta.num_row_groups))
        if arrow_filter is not None:
            try:
                groups = [rg.id for piece in fragment.split_by_row_group(arrow_filter, schema=fragment.physical_schema)
                          for rg in piece.row_groups]
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                pass  # a filter over a column this file lacks: keep every row group
        kept_total += len(groups)
        current: list[int] = []
        size = 0
        for g in groups:
            g_bytes = _row_group_bytes(meta, g)
            if current and size + g_bytes > max_split_bytes:
                splits.append(RowGroupSplit(f, tuple(current)))
                current, size = [], 0
            current.append(g)
            size += g_bytes
        if current:
            splits.append(RowGroupSplit(f, tuple(current)))
    return splits, kept_total, all_total


def read_row_groups(split: RowGroupSplit, names: list[str], out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The ``names`` columns of the split's row groups, typed as ``out_schema`` (missing → NULL)."""
    handle = pq.ParquetFile(split.file.path)
    by_lower = {n.lower(): n for n in handle.schema_arrow.names}
    present = [by_lower[n.lower()] for n in names if n.lower() in by_lower]
    for group in split.row_groups:
        table = handle.read_row_group(group, columns=present)
        columns = []
        for name, field in zip(names, out_schema):
            source = by_lower.get(name.lower())
            column = table.column(source) if source is not None else pa.nulls(table.num_rows, field.type)
            columns.append(column.cast(field.type) if column.type != field.type else column)
        yield from pa.Table.from_arrays(columns, schema=out_schema).to_batches()
