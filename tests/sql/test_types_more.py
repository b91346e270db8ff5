"""CharType, VarcharType, TimeType, CalendarIntervalType, VariantType, VariantVal and Row in types.

Names, strings and JSON are PySpark 4.3's (captured from ``pyspark.sql.types``); CHAR and
VARCHAR read as STRING wherever a value is made, as Spark's casts do; the types Ember's engine
cannot hold are refused when a plan would use them.
"""

from __future__ import annotations

import re

import pytest

from ember.sql import Row
from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.errors import EmberTypeError
from ember.sql.type_json import from_json_value


def test_types_exports_what_pyspark_exports():
    # From PySpark 4.3's pyspark.sql.types.__all__, less the geospatial types.
    for name in ("CharType", "VarcharType", "TimeType", "CalendarIntervalType", "Row", "VariantType", "VariantVal"):
        assert name in T.__all__ and hasattr(T, name)
    assert T.Row is Row


@pytest.mark.parametrize("dt, text, json, type_name, shown", [
    # From PySpark 4.3: repr, simpleString, jsonValue, typeName.
    (T.CharType(5), "char(5)", "char(5)", "char", "CharType(5)"),
    (T.VarcharType(10), "varchar(10)", "varchar(10)", "varchar", "VarcharType(10)"),
    (T.CalendarIntervalType(), "interval", "interval", "interval", "CalendarIntervalType()"),
    (T.TimeType(), "time(6)", "time(6)", "time", "TimeType(6)"),
    (T.TimeType(3), "time(3)", "time(3)", "time", "TimeType(3)"),
    (T.VariantType(), "variant", "variant", "variant", "VariantType()"),
])
def test_new_types_print_as_pyspark(dt, text, json, type_name, shown):
    assert (dt.simpleString(), dt.jsonValue(), dt.typeName(), repr(dt)) == (text, json, type_name, shown)
    assert from_json_value(json) == dt
    assert dt == type(dt)(*dt._params()) and hash(dt) == hash(type(dt)(*dt._params()))


def test_ddl_reads_time_interval_and_variant():
    # From PySpark 4.3's _parse_datatype_string.
    assert T.parse_datatype_string("time") == T.TimeType(6)
    assert T.parse_datatype_string("interval") == T.CalendarIntervalType()
    assert T.parse_datatype_string("variant") == T.VariantType()
    assert T.parse_datatype_string("a interval, b time(3)") == T.StructType(
        [T.StructField("a", T.CalendarIntervalType()), T.StructField("b", T.TimeType(3))])
    assert T.parse_datatype_string("interval day to second") == T.DayTimeIntervalType(0, 3)


def test_char_and_varchar_casts_give_strings(spark):
    df = spark.range(1).select(F.lit("ab").cast(T.CharType(3)).alias("c"),
                               F.lit("abcd").cast(T.VarcharType(2)).alias("v"))
    # From PySpark 4.3: a cast to CHAR/VARCHAR is a cast to STRING (no padding, no truncation).
    assert [f.dataType for f in df.schema.fields] == [T.StringType(), T.StringType()]
    assert df.collect() == [Row(c="ab", v="abcd")]
    assert spark.sql("SELECT CAST('abcd' AS VARCHAR(3)) AS c").collect() == [Row(c="abcd")]


def test_char_schema_in_createDataFrame_reads_as_string(spark):
    # PySpark 4.3 fails here with an INTERNAL_ERROR; Ember reads CHAR as STRING, as Spark's casts do.
    schema = T.StructType([T.StructField("c", T.CharType(3))])
    df = spark.createDataFrame([("ab",)], schema)
    assert df.schema == T.StructType([T.StructField("c", T.StringType())])
    assert df.collect() == [Row(c="ab")]


def test_char_schema_of_a_reader_reads_as_string(spark, tmp_path):
    (tmp_path / "c.csv").write_text("ab\n")
    df = spark.read.schema(T.StructType([T.StructField("c", T.VarcharType(3))])).csv(str(tmp_path / "c.csv"))
    assert df.schema == T.StructType([T.StructField("c", T.StringType())])
    assert df.collect() == [Row(c="ab")]


@pytest.mark.parametrize("dt", [T.TimeType(), T.CalendarIntervalType(), T.VariantType()])
def test_types_without_engine_support_are_refused_in_plans(spark, dt):
    with pytest.raises(EmberTypeError, match=re.escape(f"The data type {dt.simpleString().upper()} is not supported")):
        spark.range(1).select(F.lit(1).cast(dt))
    with pytest.raises(EmberTypeError, match="not supported by Ember's engine"):
        spark.createDataFrame([], T.StructType([T.StructField("x", T.ArrayType(dt))]))
    with pytest.raises(EmberTypeError, match="not supported by Ember's engine"):
        spark.read.schema(T.StructType([T.StructField("x", dt)]))
    assert spark.range(2).count() == 2


def test_sql_casts_to_unsupported_types_are_refused(spark):
    with pytest.raises(EmberTypeError, match="The data type VARIANT is not supported"):
        spark.sql("SELECT CAST('1' AS VARIANT) AS v")


def test_variant_val_holds_bytes_and_refuses_decoding():
    # From PySpark 4.3: parse_json('{"a":1}') is these value and metadata bytes.
    value = T.VariantVal(b"\x02\x01\x00\x00\x02\x0c\x01", b"\x01\x01\x00\x01a")
    assert (value.value, value.metadata) == (b"\x02\x01\x00\x00\x02\x0c\x01", b"\x01\x01\x00\x01a")
    assert repr(value) == "VariantVal(b'\\x02\\x01\\x00\\x00\\x02\\x0c\\x01', b'\\x01\\x01\\x00\\x01a')"
    for call in (value.toPython, value.toJson, lambda: T.VariantVal.parseJson("{}")):
        with pytest.raises(EmberTypeError, match="VARIANT type is not supported"):
            call()
