"""Data types as Spark writes them in JSON (``jsonValue``, ``json``, ``fromJson``), in DDL
(``toDDL``) and as Scala prints them in some error messages (``ArrayType(IntegerType,true)``).

The JSON form is the one Spark stores schemas in (Parquet metadata, ``schema.json()``): an
atomic type is its name (``"integer"``, ``"decimal(10,2)"``, ``"interval day to second"``),
containers are objects with ``"type"`` and their parts, and ``json()`` sorts the keys and
leaves out spaces, as Spark's does.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ember.sql import types as T

__all__ = ["json_value", "to_json", "from_json_value", "to_ddl", "to_nullable", "scala_string"]

_ATOMIC = {cls.typeName(): cls for cls in (
    T.NullType, T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType,
    T.StringType, T.BinaryType, T.DateType, T.TimestampType, T.TimestampNTZType)}
_DECIMAL = re.compile(r"decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)")
_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_value(dt: T.DataType) -> Any:
    if isinstance(dt, T.StructType):
        return {"type": "struct", "fields": [json_value(f) for f in dt.fields]}
    if isinstance(dt, T.StructField):
        return {"name": dt.name, "type": json_value(dt.dataType), "nullable": dt.nullable,
                "metadata": dict(dt.metadata)}
    if isinstance(dt, T.ArrayType):
        return {"type": "array", "elementType": json_value(dt.elementType), "containsNull": dt.containsNull}
    if isinstance(dt, T.MapType):
        return {"type": "map", "keyType": json_value(dt.keyType), "valueType": json_value(dt.valueType),
                "valueContainsNull": dt.valueContainsNull}
    if isinstance(dt, (T.DecimalType, T.YearMonthIntervalType, T.DayTimeIntervalType, T.CharType, T.VarcharType,
                       T.TimeType)):
        return dt.simpleString()
    return dt.typeName()


def to_json(dt: T.DataType) -> str:
    return json.dumps(json_value(dt), separators=(",", ":"), sort_keys=True)


def from_json_value(value: Any) -> T.DataType:
    """The data type a ``jsonValue`` describes (a field's dict gives a ``StructField``)."""
    if isinstance(value, str):
        if value in _ATOMIC:
            return _ATOMIC[value]()
        if value == "decimal":
            return T.DecimalType()
        match = _DECIMAL.fullmatch(value)
        if match:
            return T.DecimalType(int(match.group(1)), int(match.group(2)))
        if value.startswith(("interval", "char(", "varchar(", "time(")) or value == "variant":
            return _char_or_parsed(value)
        raise ValueError(f"Could not parse datatype: {value}")
    if not isinstance(value, dict):
        raise ValueError(f"Could not parse datatype: {value!r}")
    if "name" in value and "type" in value and "nullable" in value:
        return T.StructField(value["name"], from_json_value(value["type"]), value["nullable"],
                             value.get("metadata") or {})
    kind = value.get("type")
    if kind == "struct":
        return T.StructType([from_json_value(f) for f in value["fields"]])
    if kind == "array":
        return T.ArrayType(from_json_value(value["elementType"]), value["containsNull"])
    if kind == "map":
        return T.MapType(from_json_value(value["keyType"]), from_json_value(value["valueType"]),
                         value["valueContainsNull"])
    raise ValueError(f"Could not parse datatype: {value!r}")


def _name(name: str) -> str:
    return name if _SIMPLE_NAME.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def _ddl_type(dt: T.DataType) -> str:
    if isinstance(dt, T.StructType):
        return "STRUCT<" + ", ".join(_ddl_field(f, ": ") for f in dt.fields) + ">"
    if isinstance(dt, T.ArrayType):
        return f"ARRAY<{_ddl_type(dt.elementType)}>"
    if isinstance(dt, T.MapType):
        return f"MAP<{_ddl_type(dt.keyType)}, {_ddl_type(dt.valueType)}>"
    return dt.simpleString().upper()


def _ddl_field(field: T.StructField, separator: str) -> str:
    text = f"{_name(field.name)}{separator}{_ddl_type(field.dataType)}"
    if not field.nullable:
        text += " NOT NULL"
    comment = field.metadata.get("comment")
    if comment is not None:
        text += " COMMENT '" + str(comment).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return text


def to_ddl(schema: T.StructType) -> str:
    """The schema as DDL: ``a INT,b ARRAY<STRING> NOT NULL,t STRUCT<x: TIMESTAMP>``."""
    return ",".join(_ddl_field(f, " ") for f in schema.fields)


def to_nullable(dt: T.DataType) -> T.DataType:
    """``dt`` with every field, element and map value nullable, at every depth."""
    if isinstance(dt, T.StructType):
        return T.StructType([to_nullable(f) for f in dt.fields])
    if isinstance(dt, T.StructField):
        return T.StructField(dt.name, to_nullable(dt.dataType), True, dict(dt.metadata))
    if isinstance(dt, T.ArrayType):
        return T.ArrayType(to_nullable(dt.elementType), True)
    if isinstance(dt, T.MapType):
        return T.MapType(to_nullable(dt.keyType), to_nullable(dt.valueType), True)
    return dt


def scala_string(dt: T.DataType) -> str:
    """The type as Scala's ``toString`` prints it: ``IntegerType``, ``ArrayType(StringType,true)``."""
    if isinstance(dt, T.ArrayType):
        return f"ArrayType({scala_string(dt.elementType)},{str(dt.containsNull).lower()})"
    if isinstance(dt, T.MapType):
        return (f"MapType({scala_string(dt.keyType)},{scala_string(dt.valueType)},"
                f"{str(dt.valueContainsNull).lower()})")
    if isinstance(dt, T.StructType):
        return "StructType(" + ",".join(
            f"StructField({f.name},{scala_string(f.dataType)},{str(f.nullable).lower()})" for f in dt.fields) + ")"
    if isinstance(dt, T.DecimalType):
        return f"DecimalType({dt.precision},{dt.scale})"
    return type(dt).__name__


def _char_or_parsed(value: str) -> T.DataType:
    """A JSON type name read by the DDL parser, except that ``char(n)``/``varchar(n)`` keep their type."""
    for prefix, cls in (("char(", T.CharType), ("varchar(", T.VarcharType)):
        if value.startswith(prefix) and value.endswith(")"):
            return cls(int(value[len(prefix):-1]))
    return T.parse_datatype_string(value)
