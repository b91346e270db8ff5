"""JSON Lines: one object per line; schema inference on the driver, parsing per file in a task.

Inference follows Spark: integers are ``bigint``, other numbers ``double``, objects are
structs with their fields sorted by name, arrays take the merged type of their elements, a
column seen only as null is ``string``, and conflicting kinds merge to ``string``. A line
that is not a JSON object is malformed; in PERMISSIVE mode inference then adds the
corrupt-record column. A value that does not fit its column's type makes its record
malformed too (the field is NULL in PERMISSIVE mode).

A task reads one split (``splits.TextSplit``): first with ``pyarrow.json.read_json`` and the
schema as explicit types (``arrow_parse``; any key outside the schema, a type change, a row
count that differs from the line count, ... sends the split to the Python path), else line by
line with ``json.loads`` as described above.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.json as pajson

from ember.sql import types as T
from ember.sql.io import arrow_parse
from ember.sql.io.files import InputFile
from ember.sql.io.modes import RecordSink
from ember.sql.io.options import Options
from ember.sql.io.splits import TextSplit, lines_before, read_range
from ember.sql.io.values import converter

__all__ = ["infer_schema", "read_file"]


class _Mismatch(Exception):
    """A JSON value that does not fit the column's type."""


def _records(path: str, data: bytes | None = None) -> Iterator[tuple[Any, int, str]]:
    """``(parsed object or None, line number, raw line)`` for each non-blank line of ``path``
    (or of ``data``, one split of it; line numbers then count from the split's start)."""
    opened = (open(path, encoding="utf-8") if data is None
              else io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    with opened as handle:
        for number, line in enumerate(handle, 1):
            raw = line.rstrip("\r\n")
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except ValueError:
                value = None
            yield (value if isinstance(value, dict) else None), number, raw


def _infer(value: Any) -> T.DataType | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return T.BooleanType()
    if isinstance(value, int):
        return T.LongType()
    if isinstance(value, float):
        return T.DoubleType()
    if isinstance(value, str):
        return T.StringType()
    if isinstance(value, list):
        element = None
        for item in value:
            element = _merge(element, _infer(item))
        return T.ArrayType(element or T.StringType(), True)
    fields: dict[str, T.DataType | None] = {}
    for key, item in value.items():
        fields[key] = _merge(fields.get(key), _infer(item))
    return T.StructType([T.StructField(k, fields[k] or T.StringType(), True) for k in sorted(fields)])


def _merge(a: T.DataType | None, b: T.DataType | None) -> T.DataType | None:
    if a is None or a == b:
        return b
    if b is None:
        return a
    if {type(a), type(b)} == {T.LongType, T.DoubleType}:
        return T.DoubleType()
    if isinstance(a, T.StructType) and isinstance(b, T.StructType):
        merged = {f.name: f.dataType for f in a.fields}
        for f in b.fields:
            merged[f.name] = _merge(merged.get(f.name), f.dataType)
        return T.StructType([T.StructField(k, merged[k], True) for k in sorted(merged)])
    if isinstance(a, T.ArrayType) and isinstance(b, T.ArrayType):
        return T.ArrayType(_merge(a.elementType, b.elementType) or T.StringType(), True)
    return T.StringType()


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    schema: T.DataType | None = T.StructType([])
    corrupt = False
    for f in files:
        for value, _, _ in _records(f.path):
            if value is None:
                corrupt = True
            else:
                schema = _merge(schema, _infer(value))
    fields = list(schema.fields) if isinstance(schema, T.StructType) else []
    if corrupt and options.mode == "PERMISSIVE":
        fields.append(T.StructField(options.corrupt_column, T.StringType(), True))
    return T.StructType(sorted(fields, key=lambda f: f.name))


def _convert(value: Any, dt: T.DataType) -> Any:
    """``value`` as a Python value of ``dt`` (recursively); raises ``_Mismatch``."""
    if value is None:
        return None
    if isinstance(dt, T.StringType):
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if isinstance(dt, T.StructType):
        if not isinstance(value, dict):
            raise _Mismatch
        lowered = {k.lower(): v for k, v in value.items()}
        return {f.name: _convert(value.get(f.name, lowered.get(f.name.lower())), f.dataType) for f in dt.fields}
    if isinstance(dt, T.ArrayType):
        if not isinstance(value, list):
            raise _Mismatch
        return [_convert(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        if not isinstance(value, dict):
            raise _Mismatch
        return [(k, _convert(v, dt.valueType)) for k, v in value.items()]
    if isinstance(dt, T.BooleanType):
        if not isinstance(value, bool):
            raise _Mismatch
        return value
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise _Mismatch
    if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        if not isinstance(value, str):
            raise _Mismatch
    elif isinstance(value, str):
        raise _Mismatch
    if isinstance(value, float) and isinstance(dt, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        raise _Mismatch
    try:
        if isinstance(value, (int, float)) and isinstance(dt, T.DecimalType):
            value = decimal.Decimal(str(value))
        return converter(dt)(str(value)) if not isinstance(value, (datetime.date, decimal.Decimal)) else value
    except (ValueError, ArithmeticError):
        raise _Mismatch from None


def read_file(split: TextSplit | InputFile, data_schema: T.StructType, out_schema: pa.Schema,
              positions: list[int], options: Options) -> Iterator[pa.RecordBatch]:
    if isinstance(split, InputFile):
        split = TextSplit(split, 0, max(split.size, 1))
    corrupt = options.corrupt_column
    fields = [f for f in data_schema.fields if f.name != corrupt]
    data = None
    if fields and all(arrow_parse.read_type(f.dataType, "json") is not None for f in fields):
        data = read_range(split)
        try:
            columns = _arrow_columns(data, fields)
        except arrow_parse.Fallback:
            pass
        else:
            yield from arrow_parse.emit(columns, T.StructType(fields), out_schema, positions)
            return
    yield from _read_python(split, data, fields, out_schema, positions, options)


def _arrow_columns(data: bytes, fields: list[T.StructField]) -> list[pa.ChunkedArray]:
    if data.startswith(b"\xef\xbb\xbf") or data.count(b"\r") != data.count(b"\r\n"):
        raise arrow_parse.Fallback
    if not data:
        return [pa.chunked_array([], arrow_parse._arrow_type(f.dataType)) for f in fields]
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    schema = pa.schema([pa.field(f.name, arrow_parse.read_type(f.dataType, "json")) for f in fields])
    try:
        table = pajson.read_json(
            io.BytesIO(data), read_options=pajson.ReadOptions(use_threads=False, block_size=8 << 20),
            parse_options=pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error",
                                              newlines_in_values=False))
    except (pa.ArrowException, ValueError):
        raise arrow_parse.Fallback from None
    # a blank line, or two objects on one line, would make these differ: Python's rules apply then
    if table.num_rows != lines or table.num_columns != len(fields):
        raise arrow_parse.Fallback
    return [arrow_parse.finish(table.column(f.name), f.dataType) for f in fields]


def _read_python(split: TextSplit, data: bytes | None, fields: list[T.StructField], out_schema: pa.Schema,
                 positions: list[int], options: Options) -> Iterator[pa.RecordBatch]:
    if split.whole_file:
        data = None
    elif data is None:
        data = read_range(split)
    path = split.file.path
    sink = RecordSink(out_schema, positions, options.mode, path, lambda: lines_before(split))
    for record, line, raw in _records(path, data):
        ok = record is not None
        values: list[Any] = [None] * len(fields)
        if ok:
            lowered = {k.lower(): v for k, v in record.items()}
            for i, f in enumerate(fields):
                try:
                    values[i] = _convert(record.get(f.name, lowered.get(f.name.lower())), f.dataType)
                except _Mismatch:
                    ok = False
        sink.add(values, ok, line, raw)
        if sink.full():
            yield from sink.flush()
    yield from sink.flush()
