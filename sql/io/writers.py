"""Encoding one task's rows as files: Parquet, ORC, CSV, JSON Lines or text, split by partition values.

``write_partition`` runs inside a task under the commit protocol (``ember.rdd.commit.run_task``): rows
are grouped by the ``partitionBy`` columns into ``key=value/`` directories (NULL is Spark's
``__HIVE_DEFAULT_PARTITION__``), the partition columns are left out of the files, and each
group becomes one ``part-<partition>-<job>.c000<ext>`` file.

Dates and timestamps are text in CSV and JSON: ``dateFormat`` (default ``yyyy-MM-dd``),
``timestampFormat`` (default ``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``, the session's offset) and
``timestampNTZFormat`` (default ``yyyy-MM-dd'T'HH:mm:ss.SSS``), as Spark writes them. JSON
writes NaN and infinities as the strings ``"NaN"``/``"Infinity"`` and decimals as their digits.
``compression`` names the codec (``compression.text_codec``; Parquet's and ORC's own codecs for them),
which also names the file (``.csv.gz``, ``.gz.parquet``); CSV takes ``encoding`` and ``lineSep``,
text takes ``lineSep``.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import os
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ember.sql.display import format_double
from ember.sql.errors import EmberValueError
from ember.sql.io.compression import codec_not_available, text_codec
from ember.sql.io.csv_dialect import encoding_of
from ember.sql.io.csv_encode import csv_write_settings, encode_line
from ember.sql.io.datetime_patterns import compile_formatter
from ember.sql.io.files import NULL_PARTITION
from ember.sql.io.options import Options

__all__ = ["write_partition", "write_file", "file_extension", "check_write_options", "FORMATS"]

FORMATS = ("parquet", "csv", "json", "text", "orc")
_TEXT_EXTENSIONS = {"csv": ".csv", "json": ".json", "text": ".txt"}
# Spark's Parquet codec names → (pyarrow's codec, the name part of the file's extension)
_PARQUET_CODECS = {"none": ("none", ""), "uncompressed": ("none", ""), "snappy": ("snappy", ".snappy"),
                   "gzip": ("gzip", ".gz"), "zstd": ("zstd", ".zstd"), "lz4_raw": ("lz4", ".lz4raw")}
_SPARK_PARQUET_CODECS = "brotli, uncompressed, lzo, snappy, lz4_raw, none, zstd, lz4, gzip"
# Spark's ORC codec names → (pyarrow's codec, the name part of the file's extension); Spark 4 writes zstd
_ORC_CODECS = {"none": ("uncompressed", ""), "uncompressed": ("uncompressed", ""), "snappy": ("snappy", ".snappy"),
               "zlib": ("zlib", ".zlib"), "lz4": ("lz4", ".lz4"), "zstd": ("zstd", ".zstd")}
_SPARK_ORC_CODECS = "brotli, uncompressed, lz4, lzo, snappy, zlib, none, zstd"


def _codec(options: Options) -> str | None:
    return options.get("compression") or options.get("codec")


def _parquet_codec(options: Options) -> tuple[str, str]:
    name = (_codec(options) or "snappy").lower()
    if name in _PARQUET_CODECS:
        return _PARQUET_CODECS[name]
    if name in ("lz4", "lzo", "brotli"):
        raise EmberValueError("UNSUPPORTED_FEATURE", f"The PARQUET write option 'compression' = '{name}' is not "
                              "supported by Ember; use snappy, gzip, zstd, lz4_raw or none.")
    raise codec_not_available(name, _SPARK_PARQUET_CODECS)


def _orc_codec(options: Options) -> tuple[str, str]:
    name = (_codec(options) or options.get("orc.compress") or "zstd").lower()
    if name in _ORC_CODECS:
        return _ORC_CODECS[name]
    if name in ("lzo", "brotli"):
        raise EmberValueError("UNSUPPORTED_FEATURE", f"The ORC write option 'compression' = '{name}' is not "
                              "supported by Ember; use zstd, snappy, zlib, lz4 or none.")
    raise codec_not_available(name, _SPARK_ORC_CODECS)


def file_extension(fmt: str, options: Options) -> str:
    """The file name ending of a write (``.csv.gz``, ``.snappy.parquet``, ``.zstd.orc``); checks the codec."""
    if fmt == "parquet":
        return _parquet_codec(options)[1] + ".parquet"
    if fmt == "orc":
        return _orc_codec(options)[1] + ".orc"
    return _TEXT_EXTENSIONS[fmt] + text_codec(fmt, _codec(options))[0]


@dataclass(frozen=True, slots=True)
class _Datetimes:
    """How a write renders dates and timestamps as text."""

    date: Callable[[Any], str]
    timestamp: Callable[[Any], str]
    ntz: Callable[[Any], str]


def _datetimes(options: Options) -> _Datetimes:
    return _Datetimes(compile_formatter(options.get("dateFormat") or "yyyy-MM-dd"),
                      compile_formatter(options.get("timestampFormat") or "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
                      compile_formatter(options.get("timestampNTZFormat") or "yyyy-MM-dd'T'HH:mm:ss.SSS"))


def check_write_options(fmt: str, options: Options) -> None:
    """Fail on the driver, before any task runs, for a bad codec, charset or pattern."""
    file_extension(fmt, options)
    if fmt in ("csv", "json"):
        _datetimes(options)
    if fmt == "csv":
        encoding_of(options, "write")
    if fmt == "json":
        for name in ("encoding", "charset"):
            value = options.get(name)
            if value is not None and value.lower().replace("_", "-") not in ("utf-8", "utf8"):
                raise EmberValueError("UNSUPPORTED_FEATURE", f"The JSON write option '{name}' = '{value}' is not "
                                      "supported by Ember: JSON files are written as UTF-8.")


def _renderers(table: pa.Table, options: Options, ntz: frozenset[str]) -> list[Callable[[Any], Any] | None]:
    """Per column, how a date or timestamp becomes text (``None``: any other type). Arrow types
    do not tell ``timestamp`` from ``timestamp_ntz``: ``ntz`` names the latter's columns."""
    formats = _datetimes(options)
    out: list[Callable[[Any], Any] | None] = []
    for field in table.schema:
        if pa.types.is_date(field.type):
            out.append(formats.date)
        elif pa.types.is_timestamp(field.type):
            out.append(formats.ntz if field.name in ntz else formats.timestamp)
        elif pa.types.is_float32(field.type):
            out.append(_Float32)
        else:
            out.append(None)
    return out


class _Float32(str):
    """A ``float`` column's value as Java prints a float (``0.1``, not the double ``0.10000000149011612``)."""

    def __new__(cls, value: float) -> _Float32:
        text = super().__new__(cls, format_double(value, single=True))
        text.finite = math.isfinite(value)
        return text


def _rows(table: pa.Table, options: Options, ntz: frozenset[str]) -> list[list[Any]]:
    renderers = _renderers(table, options, ntz)
    columns = [[None if v is None else render(v) for v in column.to_pylist()] if render is not None
               else column.to_pylist() for column, render in zip(table.columns, renderers)]
    return [list(row) for row in zip(*columns)]


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value)
    return str(value)


def _write_bytes(path: str, fmt: str, options: Options, text: str, encoding: str = "utf-8") -> None:
    compress = text_codec(fmt, _codec(options))[1]
    data = text.encode(encoding)
    with open(path, "wb") as handle:
        handle.write(data if compress is None else compress(data))


def _write_csv(table: pa.Table, path: str, options: Options, ntz: frozenset[str]) -> None:
    settings = csv_write_settings(options)
    line_sep = options.get("lineSep") or "\n"
    lines = []
    if options.flag("header"):
        lines.append(encode_line(table.column_names, settings, str))
    lines.extend(encode_line(row, settings, _csv_text) for row in _rows(table, options, ntz))
    text = "".join(lines)
    _write_bytes(path, "csv", options, text if line_sep == "\n" else text.replace("\n", line_sep),
                 encoding_of(options, "write"))


def _json_text(value: Any, formats: _Datetimes) -> str:
    """One JSON value as Spark's generator writes it: doubles as Java prints them (NaN and the
    infinities as strings), decimals as their digits, null struct fields left out, maps as objects."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format_double(value)
        return f'"{text}"' if not math.isfinite(value) else text
    if isinstance(value, _Float32):
        return str(value) if value.finite else f'"{value}"'
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return json.dumps(formats.timestamp(value))
    if isinstance(value, datetime.date):
        return json.dumps(formats.date(value))
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_json_text(v, formats)}"
                              for k, v in value.items() if v is not None) + "}"
    if isinstance(value, list):
        if value and all(isinstance(item, tuple) for item in value):
            return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_json_text(v, formats)}"
                                  for k, v in value) + "}"
        return "[" + ",".join(_json_text(v, formats) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_records(table: pa.Table, options: Options, ntz: frozenset[str]) -> list[str]:
    """Each row of ``table`` as the JSON object Spark writes for it (``df.write.json``, ``df.toJSON``)."""
    names = table.column_names
    formats = _datetimes(options)
    return [_json_text(dict(zip(names, row)), formats) for row in _rows(table, options, ntz)]


def _write_json(table: pa.Table, path: str, options: Options, ntz: frozenset[str]) -> None:
    _write_bytes(path, "json", options, "".join(line + "\n" for line in json_records(table, options, ntz)))


def _write_text(table: pa.Table, path: str, options: Options, ntz: frozenset[str]) -> None:
    if table.num_columns != 1 or not pa.types.is_string(table.schema.field(0).type):
        raise ValueError(f"Text data source supports only a single column of string type, got {table.schema}.")
    line_sep = options.get("lineSep") or "\n"
    _write_bytes(path, "text", options,
                 "".join(("" if value is None else value) + line_sep for value in table.column(0).to_pylist()))


def _write_parquet(table: pa.Table, path: str, options: Options, ntz: frozenset[str]) -> None:
    pq.write_table(table, path, compression=_parquet_codec(options)[0])


def _write_orc(table: pa.Table, path: str, options: Options, ntz: frozenset[str]) -> None:
    import pyarrow.orc as orc

    orc.write_table(table, path, compression=_orc_codec(options)[0])


_WRITERS = {"parquet": _write_parquet, "csv": _write_csv, "json": _write_json, "text": _write_text,
            "orc": _write_orc}


def write_file(fmt: str, table: pa.Table, path: str, options: Options, ntz: frozenset[str] = frozenset()) -> None:
    """Write ``table`` as one file; ``ntz`` names its ``timestamp_ntz`` columns."""
    _WRITERS[fmt](table, path, options, ntz)


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
                    root: str, ntz: frozenset[str] = frozenset()) -> list[str]:
    """Write ``table`` under ``root``; returns the written files relative to ``root``."""
    if table.num_rows == 0:
        return []
    if not partition_by:
        write_file(fmt, table, os.path.join(root, file_name), options, ntz)
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
        write_file(fmt, data.filter(mask), os.path.join(root, rel), options, ntz)
        written.append(rel)
    return written
