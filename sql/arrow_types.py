"""The mapping between Spark SQL types and Arrow types.

Ember's DataFrame partitions are Arrow record batches, so every Spark type has exactly one
Arrow type it is stored as. Spark's ``TimestampType`` is stored as a zone-less microsecond
timestamp holding session-local wall time, which is how Python ``datetime`` values arrive.
ANSI intervals are stored as Spark stores them: a day-time interval as a microsecond
duration (a Python ``timedelta``), a year-month interval as an int32 count of months.
"""

from __future__ import annotations

import pyarrow as pa

from ember.sql import types as T
from ember.sql.errors import EmberTypeError

__all__ = ["to_arrow_type", "from_arrow_type", "to_arrow_schema", "from_arrow_schema"]

_TO_ARROW: dict[type, pa.DataType] = {
    T.NullType: pa.null(),
    T.BooleanType: pa.bool_(),
    T.ByteType: pa.int8(),
    T.ShortType: pa.int16(),
    T.IntegerType: pa.int32(),
    T.LongType: pa.int64(),
    T.FloatType: pa.float32(),
    T.DoubleType: pa.float64(),
    T.StringType: pa.string(),
    T.BinaryType: pa.binary(),
    T.DateType: pa.date32(),
    T.TimestampType: pa.timestamp("us"),
    T.TimestampNTZType: pa.timestamp("us"),
}


def to_arrow_type(dt: T.DataType) -> pa.DataType:
    """The Arrow type that stores values of Spark type ``dt``."""
    simple = _TO_ARROW.get(type(dt))
    if simple is not None:
        return simple
    if isinstance(dt, T.DecimalType):
        return pa.decimal128(dt.precision, dt.scale)
    if isinstance(dt, T.DayTimeIntervalType):
        return pa.duration("us")
    if isinstance(dt, T.YearMonthIntervalType):
        return pa.int32()  # a count of months, as Spark stores it
    if isinstance(dt, T.ArrayType):
        element = to_arrow_type(dt.elementType)  # Arrow's null type is always nullable (``array()``)
        return pa.list_(pa.field("element", element, dt.containsNull or element == pa.null()))
    if isinstance(dt, T.MapType):
        # Arrow map keys cannot be of the null type: an always-empty ``map()`` (map<void,void>) is stored with string keys
        key = pa.string() if isinstance(dt.keyType, T.NullType) else to_arrow_type(dt.keyType)
        return pa.map_(key, to_arrow_type(dt.valueType))
    if isinstance(dt, T.StructType):
        return pa.struct([pa.field(f.name, t, f.nullable or t == pa.null())
                          for f, t in ((f, to_arrow_type(f.dataType)) for f in dt.fields)])
    if isinstance(dt, (T.CharType, T.VarcharType)):
        return pa.string()  # Spark reads CHAR/VARCHAR as STRING outside table columns
    if isinstance(dt, T.UNSUPPORTED_BY_ENGINE):
        T.supported_type(dt)
    raise EmberTypeError("UNSUPPORTED_DATATYPE", f"No Arrow type for Spark type {dt!r}.")


def from_arrow_type(at: pa.DataType) -> T.DataType:
    """The Spark type for Arrow type ``at`` (for tables and pandas frames users hand us)."""
    checks = [
        (pa.types.is_null, T.NullType), (pa.types.is_boolean, T.BooleanType),
        (pa.types.is_int8, T.ByteType), (pa.types.is_int16, T.ShortType),
        (pa.types.is_int32, T.IntegerType), (pa.types.is_int64, T.LongType),
        (pa.types.is_uint8, T.ShortType), (pa.types.is_uint16, T.IntegerType),
        (pa.types.is_uint32, T.LongType), (pa.types.is_uint64, T.LongType),
        (pa.types.is_float16, T.FloatType), (pa.types.is_float32, T.FloatType),
        (pa.types.is_float64, T.DoubleType),
        (pa.types.is_string, T.StringType), (pa.types.is_large_string, T.StringType),
        (pa.types.is_binary, T.BinaryType), (pa.types.is_large_binary, T.BinaryType),
        (pa.types.is_date, T.DateType), (pa.types.is_timestamp, T.TimestampType),
    ]
    for check, spark_type in checks:
        if check(at):
            return spark_type()
    if pa.types.is_string_view(at):
        return T.StringType()
    if pa.types.is_duration(at):
        return T.DayTimeIntervalType()
    if pa.types.is_decimal(at):
        return T.DecimalType(at.precision, at.scale)
    if pa.types.is_map(at):
        return T.MapType(from_arrow_type(at.key_type), from_arrow_type(at.item_type))
    if pa.types.is_list(at) or pa.types.is_large_list(at):
        return T.ArrayType(from_arrow_type(at.value_type), at.value_field.nullable)
    if pa.types.is_struct(at):
        return T.StructType([T.StructField(f.name, from_arrow_type(f.type), f.nullable) for f in at])
    if pa.types.is_dictionary(at):
        return from_arrow_type(at.value_type)
    raise EmberTypeError("UNSUPPORTED_DATATYPE", f"Arrow type {at} has no Spark SQL type.")


def to_arrow_schema(schema: T.StructType) -> pa.Schema:
    return pa.schema([pa.field(f.name, to_arrow_type(f.dataType), f.nullable) for f in schema.fields])


def from_arrow_schema(schema: pa.Schema) -> T.StructType:
    return T.StructType([T.StructField(f.name, from_arrow_type(f.type), f.nullable) for f in schema])
