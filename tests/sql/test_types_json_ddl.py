"""``DataType.fromDDL``, ``json``/``jsonValue``, ``StructType.fromJson``, ``toDDL`` and ``toNullable``,
against the texts PySpark 4.3 gives for the same types."""

from __future__ import annotations

import pytest

from ember.sql import ParseException
from ember.sql import types as T

SCHEMA = T.StructType([
    T.StructField("a", T.IntegerType()),
    T.StructField("b", T.ArrayType(T.StringType(), False), False),
    T.StructField("m", T.MapType(T.StringType(), T.DecimalType(10, 2))),
    T.StructField("t", T.StructType([T.StructField("x", T.TimestampType())])),
])

SCHEMA_JSON = (
    '{"fields":[{"metadata":{},"name":"a","nullable":true,"type":"integer"},{"metadata":{},"name":"b",'
    '"nullable":false,"type":{"containsNull":false,"elementType":"string","type":"array"}},{"metadata":{},'
    '"name":"m","nullable":true,"type":{"keyType":"string","type":"map","valueContainsNull":true,'
    '"valueType":"decimal(10,2)"}},{"metadata":{},"name":"t","nullable":true,"type":{"fields":[{"metadata":{},'
    '"name":"x","nullable":true,"type":"timestamp"}],"type":"struct"}}],"type":"struct"}')


def test_json_is_sparks_text():
    assert SCHEMA.json() == SCHEMA_JSON


def test_jsonValue_of_every_kind_of_type():
    assert SCHEMA.jsonValue()["fields"][1] == {
        "name": "b", "type": {"type": "array", "elementType": "string", "containsNull": False},
        "nullable": False, "metadata": {}}
    types = [T.NullType(), T.BooleanType(), T.ByteType(), T.ShortType(), T.LongType(), T.FloatType(),
             T.DoubleType(), T.StringType(), T.BinaryType(), T.DateType(), T.TimestampType(), T.TimestampNTZType(),
             T.DayTimeIntervalType(), T.YearMonthIntervalType(), T.DayTimeIntervalType(1, 2)]
    assert [t.jsonValue() for t in types] == [
        "void", "boolean", "byte", "short", "long", "float", "double", "string", "binary", "date", "timestamp",
        "timestamp_ntz", "interval day to second", "interval year to month", "interval hour to minute"]
    assert (T.IntegerType().json(), T.IntegerType().jsonValue(), T.DecimalType(5, 1).jsonValue()) == (
        '"integer"', "integer", "decimal(5,1)")
    assert T.StructField("a", T.IntegerType(), False, {"k": "v"}).jsonValue() == {
        "name": "a", "type": "integer", "nullable": False, "metadata": {"k": "v"}}


def test_fromJson_reads_back_jsonValue():
    assert T.StructType.fromJson(SCHEMA.jsonValue()) == SCHEMA
    assert T.StructType.fromJson({"type": "struct", "fields": [
        {"name": "a", "type": "long", "nullable": True, "metadata": {}}]}) == T.StructType(
        [T.StructField("a", T.LongType(), True)])


def test_toDDL_writes_sparks_ddl():
    assert SCHEMA.toDDL() == "a INT,b ARRAY<STRING> NOT NULL,m MAP<STRING, DECIMAL(10,2)>,t STRUCT<x: TIMESTAMP>"
    quoted = T.StructType([T.StructField("a b", T.IntegerType()),
                           T.StructField("c", T.StringType(), True, {"comment": "hi"})])
    assert quoted.toDDL() == "`a b` INT,c STRING COMMENT 'hi'"
    kinds = [("a", T.ByteType()), ("b", T.ShortType()), ("c", T.LongType()), ("d", T.FloatType()),
             ("e", T.DoubleType()), ("f", T.BooleanType()), ("g", T.BinaryType()), ("h", T.DateType()),
             ("i", T.TimestampNTZType()), ("j", T.DecimalType(5, 2)), ("k", T.DayTimeIntervalType()),
             ("l", T.YearMonthIntervalType()), ("m", T.NullType())]
    assert T.StructType([T.StructField(n, t) for n, t in kinds]).toDDL() == (
        "a TINYINT,b SMALLINT,c BIGINT,d FLOAT,e DOUBLE,f BOOLEAN,g BINARY,h DATE,i TIMESTAMP_NTZ,"
        "j DECIMAL(5,2),k INTERVAL DAY TO SECOND,l INTERVAL YEAR TO MONTH,m VOID")


def test_toDDL_round_trips_through_fromDDL():
    schema = T.StructType([T.StructField("a", T.IntegerType(), False),
                           T.StructField("b", T.ArrayType(T.StringType())),
                           T.StructField("t", T.StructType([T.StructField("x", T.DecimalType(10, 2), False)]))])
    assert T.DataType.fromDDL(schema.toDDL()) == schema


def test_toNullable_makes_every_level_nullable():
    assert SCHEMA.toNullable() == T.StructType([
        T.StructField("a", T.IntegerType(), True),
        T.StructField("b", T.ArrayType(T.StringType(), True), True),
        T.StructField("m", T.MapType(T.StringType(), T.DecimalType(10, 2), True), True),
        T.StructField("t", T.StructType([T.StructField("x", T.TimestampType(), True)]), True)])


def test_fromDDL_reads_a_schema_or_one_type():
    assert T.DataType.fromDDL("a int, b string") == T.StructType(
        [T.StructField("a", T.IntegerType()), T.StructField("b", T.StringType())])
    assert T.DataType.fromDDL("int") == T.IntegerType()
    assert T.StructType.fromDDL("a int") == T.StructType([T.StructField("a", T.IntegerType())])


def test_fromDDL_names_the_unknown_type_of_a_field():
    with pytest.raises(ParseException) as e:
        T.DataType.fromDDL("a intt")
    assert e.value.error_class == "UNSUPPORTED_DATATYPE"
    assert 'Unsupported data type "INTT"' in str(e.value)
