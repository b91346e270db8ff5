"""JSON functions: ``from_json``, ``to_json``, ``get_json_object``, ``json_tuple``,
``schema_of_json``, ``json_array_length``, ``json_object_keys``.

JSON text is parsed per row with the standard library (no Arrow kernel parses JSON held in a
string column); the results are built into Arrow arrays of the Spark type in one call.
Spark's rules followed here: a value that does not fit its field's type makes the whole
record NULL-filled in ``PERMISSIVE`` mode (an error in ``FAILFAST``); ``to_json`` writes
compact JSON, leaves NULL fields out and spells doubles as Java does; ``get_json_object``
returns strings unquoted and objects or arrays as compact JSON text.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, EmberValueError, SparkRuntimeException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.function_call import FunctionSpec, register
from ember.sql.expressions.generators import Generator

__all__ = ["FromJson", "ToJson", "JsonTuple", "parse_json_path", "schema_of_json_text"]


class _BadRecord(Exception):
    """A JSON value that does not fit the schema (the whole record is then malformed)."""


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=decimal.Decimal, parse_constant=lambda c: float(c.replace("Infinity", "inf")))


# ---------------------------------------------------------------------------- JSON value -> Spark value
def _convert(value: Any, dt: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dt, T.StructType):
        if not isinstance(value, dict):
            raise _BadRecord
        return {f.name: _convert(value.get(f.name), f.dataType) for f in dt.fields}
    if isinstance(dt, T.ArrayType):
        if not isinstance(value, list):
            raise _BadRecord
        return [_convert(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        if not isinstance(value, dict):
            raise _BadRecord
        return [(k, _convert(v, dt.valueType)) for k, v in value.items()]
    return _scalar(value, dt)


def _scalar(value: Any, dt: T.DataType) -> Any:
    if isinstance(dt, T.StringType):
        return value if isinstance(value, str) else _text(value)
    if isinstance(dt, T.BooleanType):
        if isinstance(value, bool):
            return value
        raise _BadRecord
    if isinstance(dt, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        if isinstance(value, int) and not isinstance(value, bool):
            bits = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}[type(dt)]
            if -(1 << (bits - 1)) <= value < 1 << (bits - 1):
                return value
        raise _BadRecord
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity", "+Infinity"):
            return float(value.replace("Infinity", "inf"))
        raise _BadRecord
    if isinstance(dt, T.DecimalType):
        if isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool):
            quantized = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-dt.scale))
            if len(quantized.as_tuple().digits) <= dt.precision:
                return quantized
        raise _BadRecord
    if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        if not isinstance(value, str):
            raise _BadRecord
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _BadRecord from None
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return parsed.date() if isinstance(dt, T.DateType) else parsed
    raise EmberValueError("UNSUPPORTED_DATATYPE", f"from_json does not support the type {dt.simpleString()}.")


class _RawNumber(float):
    """A float subclass json.dumps writes through ``repr``: keeps a decimal's own digits."""

    def __new__(cls, text: str) -> _RawNumber:
        number = super().__new__(cls, text)
        number.text = text  # type: ignore[attr-defined]
        return number

    def __repr__(self) -> str:
        return self.text  # type: ignore[attr-defined,no-any-return]


def _compact_decimals(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return _RawNumber(str(value))
    if isinstance(value, dict):
        return {k: _compact_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact_decimals(v) for v in value]
    return value


def _text(value: Any) -> str:
    """A JSON value as Spark writes it: compact, numbers with the digits they were written with."""
    return json.dumps(_compact_decimals(value), separators=(",", ":"), ensure_ascii=False)


_MODES = ("PERMISSIVE", "FAILFAST")


@dataclass(frozen=True, slots=True)
class FromJson(Expression):
    """``from_json(json, schema[, options])`` for a struct, array or map schema."""

    child: Expression
    schema: T.DataType
    mode: str = "PERMISSIVE"

    child_fields = ("child",)

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise EmberValueError("UNSUPPORTED_FEATURE", f"from_json's mode {self.mode!r} is not supported "
                                  f"(supported: {', '.join(_MODES)}).")
        if not isinstance(self.schema, (T.StructType, T.ArrayType, T.MapType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                f"Cannot resolve \"from_json\" due to data type mismatch: Input schema "
                f"\"{self.schema.simpleString().upper()}\" must be a struct, an array, a map or a variant.", "42K09")

    @property
    def data_type(self) -> T.DataType:
        return self.schema

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        texts = as_array(self.child.eval(batch), batch.num_rows).to_pylist()
        return pa.array([self._row(t) for t in texts], to_arrow_type(self.schema))

    def _row(self, text: str | None) -> Any:
        if text is None:
            return None
        try:
            return self._convert_document(_loads(text))
        except (ValueError, _BadRecord):
            if self.mode == "FAILFAST":
                raise SparkRuntimeException(
                    "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                    f"Malformed records are detected in record parsing: {text}. Parse Mode: FAILFAST. To process "
                    f"malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
                    "22023") from None
            if isinstance(self.schema, T.StructType):
                return {f.name: None for f in self.schema.fields}
            return None

    def _convert_document(self, document: Any) -> Any:
        """A struct keeps the fields that fit (Spark's partial results); an array or map is all or nothing."""
        if not isinstance(self.schema, T.StructType) or self.mode == "FAILFAST":
            return _convert(document, self.schema)
        if not isinstance(document, dict):
            raise _BadRecord
        row = {}
        for f in self.schema.fields:
            try:
                row[f.name] = _convert(document.get(f.name), f.dataType)
            except _BadRecord:
                row[f.name] = None
        return row

    def _fmt(self, args: list[str]) -> str:
        return "entries" if isinstance(self.schema, T.MapType) else f"from_json({args[0]})"


# ---------------------------------------------------------------------------- Spark value -> JSON
def _jsonable(value: Any, dt: T.DataType) -> Any:
    from ember.sql.display import format_double

    if value is None:
        return None
    if isinstance(dt, T.StructType):
        items = value.items() if isinstance(value, dict) else zip(dt.fieldNames(), value)
        types = {f.name: f.dataType for f in dt.fields}
        return {k: _jsonable(v, types[k]) for k, v in items if v is not None}
    if isinstance(dt, T.ArrayType):
        return [_jsonable(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        pairs = value.items() if isinstance(value, dict) else value
        return {_map_key(k, dt.keyType): _jsonable(v, dt.valueType) for k, v in pairs}
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return format_double(value)
        return _RawNumber(format_double(value, isinstance(dt, T.FloatType)))
    if isinstance(value, decimal.Decimal):
        return _RawNumber(str(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    return value


def _map_key(key: Any, dt: T.DataType) -> str:
    value = _jsonable(key, dt)
    return value if isinstance(value, str) else _text(value)


@dataclass(frozen=True, slots=True)
class ToJson(Expression):
    """``to_json(struct | array | map)``: compact JSON text, NULL fields left out."""

    child: Expression

    child_fields = ("child",)

    def coerce(self) -> Expression:
        dt = self.child.data_type
        if not isinstance(dt, (T.StructType, T.ArrayType, T.MapType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: Input schema "
                f"\"{dt.simpleString().upper()}\" must be a struct, an array, a map or a variant.", "42K09")
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        values = as_array(self.child.eval(batch), batch.num_rows).to_pylist()
        dt = self.child.data_type
        return pa.array([None if v is None else _text(_jsonable(v, dt)) for v in values], pa.string())

    def _fmt(self, args: list[str]) -> str:
        return f"to_json({args[0]})"


# ---------------------------------------------------------------------------- JSONPath
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\['([^']*)'\]|\[(\d+)\]|\[\*\]|\.\*")


def parse_json_path(path: str) -> list[Any] | None:
    """Spark's JSONPath subset as steps: a key, an index or ``"*"``; None for an invalid path."""
    if not path.startswith("$"):
        return None
    steps: list[Any] = []
    pos = 1
    while pos < len(path):
        m = _PATH_STEP.match(path, pos)
        if m is None:
            return None
        key, quoted, index = m.group(1), m.group(2), m.group(3)
        steps.append(key if key is not None else quoted if quoted is not None else
                     int(index) if index is not None else "*")
        pos = m.end()
    return steps


def _walk(value: Any, steps: list[Any]) -> tuple[bool, Any]:
    """(found, value) at ``steps``; a wildcard collects its matches into a list."""
    for i, step in enumerate(steps):
        if step == "*":
            if not isinstance(value, list):
                return False, None
            found = [v for ok, v in (_walk(item, steps[i + 1:]) for item in value) if ok]
            if not found:
                return False, None
            return True, found[0] if len(found) == 1 else found
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return False, None
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return False, None
            value = value[step]
    return True, value


def _get_json_object(text: str, path: str) -> str | None:
    steps = parse_json_path(path)
    if steps is None:
        return None
    try:
        document = _loads(text)
    except ValueError:
        return None
    found, value = _walk(document, steps)
    if not found or value is None:
        return None
    if isinstance(value, str) and "*" not in steps:
        return value
    return _text(value)  # a string a wildcard matched stays quoted, as in Spark ('$[*].f' gives '"v"')


def _json_array_length(text: str) -> int | None:
    try:
        value = _loads(text)
    except ValueError:
        return None
    return len(value) if isinstance(value, list) else None


def _json_object_keys(text: str) -> list[str] | None:
    try:
        value = _loads(text)
    except ValueError:
        return None
    return list(value) if isinstance(value, dict) else None


register(FunctionSpec("get_json_object", (T.StringType(), T.StringType()), T.StringType(), row=_get_json_object))
register(FunctionSpec("json_array_length", (T.StringType(),), T.IntegerType(), row=_json_array_length))
register(FunctionSpec("json_object_keys", (T.StringType(),), T.ArrayType(T.StringType(), True),
                      row=_json_object_keys))


# ---------------------------------------------------------------------------- schema_of_json
def _infer(value: Any) -> T.DataType:
    if value is None:
        return T.NullType()
    if isinstance(value, bool):
        return T.BooleanType()
    if isinstance(value, int):
        return T.LongType() if -(1 << 63) <= value < 1 << 63 else T.DecimalType(min(len(str(abs(value))), 38), 0)
    if isinstance(value, (float, decimal.Decimal)):
        return T.DoubleType()
    if isinstance(value, str):
        return T.StringType()
    if isinstance(value, list):
        element: T.DataType = T.NullType()
        for item in value:
            element = _merge(element, _infer(item))
        return T.ArrayType(element, True)
    return T.StructType([T.StructField(k, _infer(value[k]), True) for k in sorted(value)])


def _merge(a: T.DataType, b: T.DataType) -> T.DataType:
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType) or a == b:
        return a
    numeric = (T.LongType, T.DoubleType, T.DecimalType)
    if isinstance(a, numeric) and isinstance(b, numeric):
        return T.DoubleType()
    if isinstance(a, T.ArrayType) and isinstance(b, T.ArrayType):
        return T.ArrayType(_merge(a.elementType, b.elementType), True)
    if isinstance(a, T.StructType) and isinstance(b, T.StructType):
        fields = {f.name: f.dataType for f in a.fields}
        for f in b.fields:
            fields[f.name] = _merge(fields[f.name], f.dataType) if f.name in fields else f.dataType
        return T.StructType([T.StructField(k, fields[k], True) for k in sorted(fields)])
    return T.StringType()


def _no_nulls(dt: T.DataType) -> T.DataType:
    """NULL-only fields become strings, as Spark's inference leaves them."""
    if isinstance(dt, T.NullType):
        return T.StringType()
    if isinstance(dt, T.ArrayType):
        return T.ArrayType(_no_nulls(dt.elementType), True)
    if isinstance(dt, T.StructType):
        return T.StructType([T.StructField(f.name, _no_nulls(f.dataType), True) for f in dt.fields])
    return dt


def _ddl(dt: T.DataType) -> str:
    if isinstance(dt, T.StructType):
        return f"STRUCT<{', '.join(f'{_quote(f.name)}: {_ddl(f.dataType)}' for f in dt.fields)}>"
    if isinstance(dt, T.ArrayType):
        return f"ARRAY<{_ddl(dt.elementType)}>"
    return dt.simpleString().upper()


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f"`{name.replace('`', '``')}`"


def schema_of_json_text(text: str) -> str:
    """The DDL of the schema Spark infers for one JSON document, e.g. ``STRUCT<a: BIGINT>``."""
    try:
        value = _loads(text)
    except ValueError:
        raise AnalysisException(
            "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
            "Malformed records are detected in schema inference. Parse Mode: FAILFAST.", "22023") from None
    return _ddl(_no_nulls(_infer(value)))


register(FunctionSpec("schema_of_json", (T.StringType(),), T.StringType(), row=schema_of_json_text))


# ---------------------------------------------------------------------------- json_tuple
@dataclass(frozen=True, slots=True)
class JsonTuple(Generator):
    """``json_tuple(json, f1, f2, ...)``: one row of string columns ``c0, c1, ...`` per input row."""

    child: Expression
    fields: tuple[Expression, ...]

    child_fields = ("child", "fields")

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        return [(f"c{i}", T.StringType(), True) for i in range(len(self.fields))]

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        n = batch.num_rows
        texts = as_array(self.child.eval(batch), n).to_pylist()
        names = [as_array(f.eval(batch), n).to_pylist() for f in self.fields]
        columns: list[list[str | None]] = [[] for _ in self.fields]
        for row, text in enumerate(texts):
            try:
                document = _loads(text) if text is not None else None
            except ValueError:
                document = None
            for column, field in zip(columns, names):
                value = document.get(field[row]) if isinstance(document, dict) else None
                column.append(None if value is None else value if isinstance(value, str) else _text(value))
        return np.arange(n, dtype=np.int64), [pa.array(c, pa.string()) for c in columns]

    def _fmt(self, args: list[str]) -> str:
        return f"json_tuple({', '.join(args)})"
