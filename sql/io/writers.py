"""Encoding one task's rows as files: Parquet, CSV, JSON Lines or text, split by partition values.

``write_partition`` runs inside a task under the commit protocol (``ember.rdd.commit.run_task``): rows
are grouped by the ``partitionBy`` columns into ``key=value/`` directories (NULL is Spark's
``__HIVE_DEFAULT_PARTITION__``), the partition columns are left out of the files, and each
group becomes one ``part-<partition>-<job>.c000<ext>`` file.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ember.sql.display import format_double
from ember.sql.io.csv_encode import csv_write_settings, encode_line
from ember.sql.io.files import NULL_PARTITION
from ember.sql.io.options import Options

__all__ = ["write_partition", "write_file", "EXTENSIONS"]

EXTENSIONS = {"parquet": ".snappy.parquet", "csv": ".csv", "json": ".json", "text": ".txt"}


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds")
    return str(value)


def _write_csv(table: pa.Table, path: str, options: Options) -> None:
    settings = csv_write_settings(options)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        if options.flag("header"):
            handle.write(encode_line(table.column_names, settings, str))
        for row in table.to_pylist():
            handle.write(encode_line(list(row.values()), settings, _csv_text))


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _write_json(table: pa.Table, path: str, options: Options) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in table.to_pylist():
            handle.write(json.dumps(_json_value(row), separators=(",", ":"), ensure_ascii=False) + "\n")


def _write_text(table: pa.Table, path: str, options: Options) -> None:
    if table.num_columns != 1 or not pa.types.is_string(table.schema.field(0).type):
        raise ValueError(f"Text data source supports only a single column of string type, got {table.schema}.")
    with open(path, "w", encoding="utf-8") as handle:
        for value in table.column(0).to_pylist():
            handle.write(("" if value is None else value) + "\n")


def _write_parquet(table: pa.Table, path: str, options: Options) -> None:
    pq.write_table(table, path, compression=options.get("compression", "snappy"))


_WRITERS = {"parquet": _write_parquet, "csv": _write_csv, "json": _write_json, "text": _write_text}


def write_file(fmt: str, table: pa.Table, path: str, options: Options) -> None:
    _WRITERS[fmt](table, path, options)


def _directory(names: list[str], values: tuple[Any, ...]) -> str:
    parts = [f"{n}={NULL_PARTITION if v is None else quote(_csv_text(v), safe=' ')}" for n, v in zip(names, values)]
    return os.path.join(*parts)


def _make_dirs_under(root: str, rel: str) -> None:
    """Create ``root/rel`` level by level; fails (rather than recreating it) if ``root`` is gone."""
    path = root
    for part in rel.split(os.sep):
        path = os.path.join(path, part)
        if not os.path.isdir(path):
            os.mkdir(path)


def write_partition(table: pa.Table, fmt: str, options: Options, partition_by: list[str], file_name: str,
                    root: str) -> list[str]:
    """Write ``table`` under ``root``; returns the written files relative to ``root``."""
    if table.num_rows == 0:
        return []
    if not partition_by:
        write_file(fmt, table, os.path.join(root, file_name), options)
        return [file_name]
    written = []
    keys = table.select(partition_by).group_by(partition_by).aggregate([]).to_pylist()
    data = table.drop_columns(partition_by)
    for key in keys:
        mask = None
        for name in partition_by:
            column = table.column(name)
            test = pc.is_null(column) if key[name] is None else pc.fill_null(pc.equal(column, key[name]), False)
            mask = test if mask is None else pc.and_(mask, test)
        rel = os.path.join(_directory(partition_by, tuple(key[n] for n in partition_by)), file_name)
        _make_dirs_under(root, os.path.dirname(rel))
        write_file(fmt, data.filter(mask), os.path.join(root, rel), options)
        written.append(rel)
    return written
