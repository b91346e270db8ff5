"""JSON Lines: one object per line; schema inference on the driver, parsing per file in a task.

Inference follows Spark: integers are ``bigint``, other numbers ``double``, objects are
structs with their fields sorted by name, arrays take the merged type of their elements, a
column seen only as null is ``string``, and conflicting kinds merge to ``string``. A line
that is not a JSON object is malformed; in PERMISSIVE mode inference then adds the
corrupt-record column. A value that does not fit its column's type makes its record
malformed too (the field is NULL in PERMISSIVE mode).

Options (``json_syntax`` owns the record syntax): ``primitivesAsString`` infers every number
and boolean as a string (its text); ``prefersDecimal`` infers a number with a fraction as the
``decimal(p, s)`` of its text, widening across records as Spark does (a double anywhere, or more
than 38 digits, gives ``double``); ``dropFieldIfAllNull`` drops fields that are only ever null
or empty structs; ``dateFormat``/``timestampFormat``/``timestampNTZFormat`` parse date and
timestamp columns (``datetime_patterns``). ``encoding`` must be UTF-8.

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
from dataclasses import dataclass
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.json as pajson

from ember.sql import types as T
from ember.sql.errors import AnalysisException, EmberValueError
from ember.sql.io import arrow_parse
from ember.sql.io.files import InputFile
from ember.sql.io.json_syntax import JsonSyntax, RawFloat, RawInt, loads_for
from ember.sql.io.modes import RecordSink
from ember.sql.io.options import Options
from ember.sql.io.splits import TextSplit, lines_before, read_range, read_whole
from ember.sql.io.values import DEFAULT_VALUES, ValueOptions, converter, value_options

__all__ = ["infer_schema", "read_file"]


class _Mismatch(Exception):
    """A JSON value that does not fit the column's type."""


def _check_encoding(options: Options) -> None:
    for name in ("encoding", "charset"):
        value = options.get(name)
        if value is not None and value.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise EmberValueError("UNSUPPORTED_FEATURE", f"The JSON option '{name}' = '{value}' is not supported by "
                                  "Ember: JSON files are read and written as UTF-8.")


def _syntax(options: Options) -> JsonSyntax:
    if not options.flag("allowSingleQuotes", True):
        raise EmberValueError("UNSUPPORTED_FEATURE", "The JSON read option 'allowSingleQuotes' = 'false' is not "
                              "supported by Ember: single-quoted strings are always read.")
    return JsonSyntax(True, options.flag("allowNonNumericNumbers", True))


def _records(path: str, options: Options, data: bytes | None = None) -> Iterator[tuple[Any, int, str]]:
    """``(parsed object or None, line number, raw line)`` for each non-blank line of ``path``
    (or of ``data``, one split of it; line numbers then count from the split's start)."""
    loads = loads_for(_syntax(options))
    data = read_whole(path) if data is None else data
    if options.flag("multiLine"):
        yield from _whole_records(data.decode("utf-8"), loads)
        return
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            raw = line.rstrip("\r\n")
            if not raw.strip():
                continue
            try:
                value = loads(raw)
            except (ValueError, RecursionError):
                value = None
            yield (value if isinstance(value, dict) else None), number, raw


_NULL = T.NullType()  # seen only as null so far (an empty array's elements too)


def _decimal_type(number: RawFloat) -> T.DataType:
    """``prefersDecimal``: the decimal type of a number's text (Java's ``BigDecimal``)."""
    parsed = decimal.Decimal(number.text).as_tuple()
    scale = -int(parsed.exponent)
    precision = max(len(parsed.digits), scale)
    if precision > 38:
        return T.DoubleType()
    if scale < 0:
        raise AnalysisException("NEGATIVE_SCALE_DISALLOWED", f"Negative scale is not allowed: '{scale}'. Set the "
                                "config \"spark.sql.legacy.allowNegativeScaleOfDecimal\" to \"true\" to allow it.",
                                "0A000")
    return T.DecimalType(precision, scale)


@dataclass(frozen=True, slots=True)
class _Inference:
    primitives_as_string: bool = False
    prefers_decimal: bool = False


def _whole_records(text: str, loads: Any) -> Iterator[tuple[Any, int, str]]:
    """``multiLine``: the file is one JSON value; an array of objects is one record per object."""
    if not text.strip():
        return
    try:
        value = loads(text)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        for item in value:
            yield item, 1, text
    else:
        yield (value if isinstance(value, dict) else None), 1, text


def _infer(value: Any, how: _Inference) -> T.DataType:
    if value is None:
        return _NULL
    if isinstance(value, list):
        element: T.DataType = _NULL
        for item in value:
            element = _merge(element, _infer(item, how))
        return T.ArrayType(element, True)
    if isinstance(value, dict):
        fields: dict[str, T.DataType] = {}
        for key, item in value.items():
            fields[key] = _merge(fields.get(key, _NULL), _infer(item, how))
        return T.StructType([T.StructField(k, fields[k], True) for k in sorted(fields)])
    if how.primitives_as_string or isinstance(value, str):
        return T.StringType()
    if isinstance(value, bool):
        return T.BooleanType()
    if isinstance(value, int):
        return T.LongType()
    if how.prefers_decimal and isinstance(value, RawFloat):
        return _decimal_type(value)
    return T.DoubleType()


def _merge_decimal(a: T.DataType, b: T.DataType) -> T.DataType:
    a = T.DecimalType(20, 0) if isinstance(a, T.LongType) else a
    b = T.DecimalType(20, 0) if isinstance(b, T.LongType) else b
    scale = max(a.scale, b.scale)
    digits = max(a.precision - a.scale, b.precision - b.scale)
    return T.DoubleType() if digits + scale > 38 else T.DecimalType(digits + scale, scale)


def _finish(dt: T.DataType, drop_null: bool) -> T.DataType | None:
    """Inferred types made final: never-seen-but-null becomes string, or (``dropFieldIfAllNull``)
    is dropped with the structs it empties."""
    if isinstance(dt, T.NullType):
        return None if drop_null else T.StringType()
    if isinstance(dt, T.ArrayType):
        element = _finish(dt.elementType, drop_null)
        return None if element is None else T.ArrayType(element, True)
    if isinstance(dt, T.StructType):
        fields = [T.StructField(f.name, t, True) for f in dt.fields
                  if (t := _finish(f.dataType, drop_null)) is not None]
        return None if drop_null and not fields else T.StructType(fields)
    return dt


def _merge(a: T.DataType, b: T.DataType) -> T.DataType:
    if isinstance(a, T.NullType) or a == b:
        return b
    if isinstance(b, T.NullType):
        return a
    kinds = {type(a), type(b)}
    if kinds == {T.LongType, T.DoubleType}:
        return T.DoubleType()
    if T.DecimalType in kinds and kinds <= {T.DecimalType, T.LongType}:
        return _merge_decimal(a, b)
    if T.DecimalType in kinds and T.DoubleType in kinds:
        return T.DoubleType()
    if isinstance(a, T.StructType) and isinstance(b, T.StructType):
        merged = {f.name: f.dataType for f in a.fields}
        for f in b.fields:
            merged[f.name] = _merge(merged.get(f.name, _NULL), f.dataType)
        return T.StructType([T.StructField(k, merged[k], True) for k in sorted(merged)])
    if isinstance(a, T.ArrayType) and isinstance(b, T.ArrayType):
        return T.ArrayType(_merge(a.elementType, b.elementType), True)
    return T.StringType()


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    _check_encoding(options)
    value_options(options)
    how = _Inference(options.flag("primitivesAsString"), options.flag("prefersDecimal"))
    schema: T.DataType = T.StructType([])
    corrupt = False
    for f in files:
        for value, _, _ in _records(f.path, options):
            if value is None:
                corrupt = True
            else:
                schema = _merge(schema, _infer(value, how))
    schema = _finish(schema, options.flag("dropFieldIfAllNull")) or T.StructType([])
    fields = list(schema.fields) if isinstance(schema, T.StructType) else []
    if corrupt and options.mode == "PERMISSIVE":
        fields.append(T.StructField(options.corrupt_column, T.StringType(), True))
    return T.StructType(sorted(fields, key=lambda f: f.name))


def _text(value: Any) -> str:
    """A JSON value's text as Spark keeps it in a string column (numbers as written)."""
    if isinstance(value, (RawFloat, RawInt)):
        return value.text
    if isinstance(value, float):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _convert(value: Any, dt: T.DataType, values: ValueOptions = DEFAULT_VALUES) -> Any:
    """``value`` as a Python value of ``dt`` (recursively); raises ``_Mismatch``."""
    if value is None:
        return None
    if isinstance(dt, T.StringType):
        return value if isinstance(value, str) else _text(value)
    if isinstance(dt, T.StructType):
        if not isinstance(value, dict):
            raise _Mismatch
        lowered = {k.lower(): v for k, v in value.items()}
        return {f.name: _convert(value.get(f.name, lowered.get(f.name.lower())), f.dataType, values)
                for f in dt.fields}
    if isinstance(dt, T.ArrayType):
        if not isinstance(value, list):
            raise _Mismatch
        return [_convert(v, dt.elementType, values) for v in value]
    if isinstance(dt, T.MapType):
        if not isinstance(value, dict):
            raise _Mismatch
        return [(k, _convert(v, dt.valueType, values)) for k, v in value.items()]
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
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return float(value)
    try:
        if isinstance(value, (int, float)) and isinstance(dt, T.DecimalType):
            return converter(dt)(value.text if isinstance(value, (RawFloat, RawInt)) else str(value))
        return converter(dt, values)(str(value)) if not isinstance(value, datetime.date) else value
    except (ValueError, ArithmeticError):
        raise _Mismatch from None


def read_file(split: TextSplit | InputFile, data_schema: T.StructType, out_schema: pa.Schema,
              positions: list[int], options: Options) -> Iterator[pa.RecordBatch]:
    if isinstance(split, InputFile):
        split = TextSplit(split, 0, max(split.size, 1))
    _check_encoding(options)
    corrupt = options.corrupt_column
    fields = [f for f in data_schema.fields if f.name != corrupt]
    data = None
    if (fields and not options.flag("multiLine") and all(arrow_parse.read_type(f.dataType, "json") is not None
                                                         for f in fields)
            and value_options(options) == DEFAULT_VALUES and options.flag("allowNonNumericNumbers", True)):
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
        return [pa.chunked_array([], arrow_parse.arrow_type(f.dataType)) for f in fields]
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
    how = value_options(options)
    for record, line, raw in _records(path, options, data):
        ok = record is not None
        values: list[Any] = [None] * len(fields)
        if ok:
            lowered = {k.lower(): v for k, v in record.items()}
            for i, f in enumerate(fields):
                try:
                    values[i] = _convert(record.get(f.name, lowered.get(f.name.lower())), f.dataType, how)
                except _Mismatch:
                    ok = False
        sink.add(values, ok, line, raw)
        if sink.full():
            yield from sink.flush()
    yield from sink.flush()
