"""Python rows ↔ Arrow tables, for ``createDataFrame`` and ``collect``."""

from __future__ import annotations

from functools import reduce
from typing import Any

import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_schema, to_arrow_type
from ember.sql.errors import EmberTypeError, EmberValueError, IllegalArgumentException
from ember.sql.row import Row, has_field_names, row_from_fields

__all__ = ["rows_to_table", "table_to_rows", "infer_schema"]


def _names_and_values(row: Any, width: int | None) -> tuple[list[str] | None, list[Any]]:
    if isinstance(row, Row) and has_field_names(row):
        return list(row.__fields__), list(row)
    if isinstance(row, dict):
        keys = sorted(row)
        return keys, [row[k] for k in keys]
    if isinstance(row, (tuple, list)):
        return None, list(row)
    return None, [row]


def infer_schema(data: list[Any], names: list[str] | None = None) -> T.StructType:
    """The schema PySpark infers from rows: each row's struct (from a Row, dict, namedtuple, tuple or
    object, named ``_1, _2…`` or by ``names``), merged across the rows."""
    if not data:
        raise EmberValueError("CANNOT_INFER_EMPTY_SCHEMA", "Can not infer schema from an empty dataset.")
    schema = reduce(T.merge_types, (T.infer_schema(row, names) for row in data))
    if names:
        schema = T.StructType([T.StructField(names[i] if i < len(names) else f.name, f.dataType, f.nullable)
                               for i, f in enumerate(schema.fields)])
    if _contains(schema, T.NullType):
        raise EmberValueError("CANNOT_DETERMINE_TYPE", "Some of types cannot be determined after inferring.")
    return schema


def _contains(dt: T.DataType, kind: type[T.DataType]) -> bool:
    """Whether ``dt`` is, or nests (in struct fields, array elements, map keys or values), a ``kind``."""
    if isinstance(dt, T.StructType):
        return any(_contains(f.dataType, kind) for f in dt.fields)
    if isinstance(dt, T.ArrayType):
        return _contains(dt.elementType, kind)
    if isinstance(dt, T.MapType):
        return _contains(dt.keyType, kind) or _contains(dt.valueType, kind)
    return isinstance(dt, kind)


def _stringify(value: Any, dt: T.DataType) -> Any:
    """An Arrow-ready value with every non-string under a STRING type spelled as PySpark spells it
    when inference merged it into strings: ``str(value)``, but ``true``/``false`` for booleans."""
    if value is None:
        return None
    if isinstance(dt, T.StringType):
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)
    if isinstance(dt, T.StructType):
        return {f.name: _stringify(value.get(f.name), f.dataType) for f in dt.fields}
    if isinstance(dt, T.ArrayType):
        return [_stringify(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        return [(_stringify(k, dt.keyType), _stringify(v, dt.valueType)) for k, v in value]
    return value


def _to_arrow_value(value: Any, dt: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dt, T.StructType):
        if isinstance(value, dict):
            return {f.name: _to_arrow_value(value.get(f.name), f.dataType) for f in dt.fields}
        if not isinstance(value, tuple) and hasattr(value, "__dict__"):  # an object's attributes
            return {f.name: _to_arrow_value(getattr(value, f.name, None), f.dataType) for f in dt.fields}
        if len(value) != len(dt.fields):
            raise IllegalArgumentException(
                "STRUCT_ARRAY_LENGTH_MISMATCH", "Input row doesn't have expected number of values required by the "
                f"schema. {len(dt.fields)} fields are required while {len(value)} values are provided.", "2201E")
        return {f.name: _to_arrow_value(v, f.dataType) for f, v in zip(dt.fields, value)}
    if isinstance(dt, T.ArrayType):
        return [_to_arrow_value(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        return [(_to_arrow_value(k, dt.keyType), _to_arrow_value(v, dt.valueType)) for k, v in value.items()]
    return value


def needs_conversion(dt: T.DataType) -> bool:
    return isinstance(dt, (T.StructType, T.ArrayType, T.MapType))


def rows_to_table(data: list[Any], schema: T.StructType, inferred: bool = False) -> pa.Table:
    """Rows (tuples, lists, dicts, Rows, objects or scalars) as an Arrow table of ``schema``;
    with an ``inferred`` schema, values merged into a STRING type become strings, as in PySpark."""
    width = len(schema.fields)
    columns: list[list[Any]] = [[] for _ in range(width)]
    for row in data:
        if isinstance(row, dict):
            values = [row.get(f.name) for f in schema.fields]
        elif isinstance(row, Row) and has_field_names(row) and set(row.__fields__) >= set(schema.names):
            values = [row[f.name] for f in schema.fields]
        elif inferred and not isinstance(row, (tuple, list)) and hasattr(row, "__dict__"):
            values = [getattr(row, f.name, None) for f in schema.fields]
        else:
            _, values = _names_and_values(row, width)
        if len(values) != width:
            raise EmberValueError(
                "AXIS_LENGTH_MISMATCH", f"Length mismatch: the schema has {width} fields, the row {row!r} has {len(values)}."
            )
        for column, value in zip(columns, values):
            column.append(value)
    arrays = []
    for column, field in zip(columns, schema.fields):
        if needs_conversion(field.dataType):
            column = [_to_arrow_value(v, field.dataType) for v in column]
        if inferred and _contains(field.dataType, T.StringType):
            column = [_stringify(v, field.dataType) for v in column]
        if isinstance(field.dataType, T.IntegralType):
            floats = [i for i, v in enumerate(column) if isinstance(v, float)]
            if floats:  # Arrow would truncate 1.5 to 1 without a word
                value = column[floats[0]]
                raise EmberTypeError(
                    "FIELD_DATA_TYPE_UNACCEPTABLE", f"field {field.name}: {field.dataType.simpleString()} can not "
                    f"accept object {value!r} in type {type(value)!r} (row {floats[0]}).")
        try:
            arrays.append(pa.array(column, type=to_arrow_type(field.dataType)))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            raise _unacceptable(column, field) from None
    return pa.Table.from_arrays(arrays, schema=to_arrow_schema(schema))


def _first_bad(column: list[Any], arrow_type: pa.DataType) -> tuple[int, Exception]:
    """The index of the first value Arrow cannot store as ``arrow_type``, and its error."""
    chunk = 1024
    for start in range(0, len(column), chunk):
        try:
            pa.array(column[start:start + chunk], type=arrow_type)
            continue
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            pass
        for i in range(start, min(start + chunk, len(column))):
            try:
                pa.array([column[i]], type=arrow_type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as e:
                return i, e
    return -1, ValueError("no offending value found")


def _unacceptable(column: list[Any], field: T.StructField) -> Exception:
    """docs/reliability.md#create-dataframe-types: name the column, the row, the value and its type; an integer too large
    for the column is an overflow, never a silent NULL."""
    index, error = _first_bad(column, to_arrow_type(field.dataType))
    value = column[index] if index >= 0 else None
    type_name = field.dataType.simpleString()
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(error, (OverflowError, pa.ArrowInvalid)):
        return EmberValueError(
            "VALUE_OUT_OF_RANGE",
            f"field {field.name}: {type_name} can not hold {value!r} (row {index}): the value is out of range.")
    return EmberTypeError(
        "FIELD_DATA_TYPE_UNACCEPTABLE",
        f"field {field.name}: {type_name} can not accept object {value!r} in type {type(value)!r} (row {index}).")


def from_arrow_value(value: Any, dt: T.DataType) -> Any:
    if value is None:
        return None
    if isinstance(dt, T.StructType):
        return row_from_fields(dt.names, [from_arrow_value(value[f.name], f.dataType) for f in dt.fields])
    if isinstance(dt, T.ArrayType):
        return [from_arrow_value(v, dt.elementType) for v in value]
    if isinstance(dt, T.MapType):
        return {from_arrow_value(k, dt.keyType): from_arrow_value(v, dt.valueType) for k, v in value}
    return value


def table_to_rows(table: pa.Table, schema: T.StructType) -> list[Row]:
    """The rows of ``table`` as PySpark ``Row``s (structs become nested Rows, maps dicts)."""
    columns = []
    for column, field in zip(table.columns, schema.fields):
        values = column.to_pylist()
        if needs_conversion(field.dataType):
            values = [from_arrow_value(v, field.dataType) for v in values]
        columns.append(values)
    names = schema.names
    return [row_from_fields(names, values) for values in zip(*columns)] if columns else []
