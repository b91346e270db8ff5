"""Types, DDL parsing, the Arrow mapping and Row, checked against PySpark's documented behaviour."""

from __future__ import annotations

import pickle

import pyarrow as pa
import pytest

from ember.sql import types as T
from ember.sql.arrow_types import from_arrow_type, to_arrow_type
from ember.sql.errors import ParseException
from ember.sql.row import Row
from ember.sql.types import parse_datatype_string


@pytest.mark.parametrize(
    "ddl, simple",
    [
        ("a INT, b STRING", "struct<a:int,b:string>"),
        ("a: bigint, b: array<map<string,decimal(10,2)>>", "struct<a:bigint,b:array<map<string,decimal(10,2)>>>"),
        ("int", "int"),
        ("array<struct<x:smallint,y:tinyint>>", "array<struct<x:smallint,y:tinyint>>"),
        ("`weird name` double", "struct<weird name:double>"),
    ],
)
def test_ddl_round_trips_through_simple_string(ddl, simple):
    assert parse_datatype_string(ddl).simpleString() == simple


def test_ddl_not_null_and_errors():
    schema = parse_datatype_string("a long not null, b string")
    assert schema["a"].nullable is False and schema["b"].nullable is True
    with pytest.raises(ParseException, match="UNSUPPORTED_DATATYPE"):
        parse_datatype_string("a integr")


def test_struct_type_api():
    s = T.StructType().add("a", T.IntegerType()).add("b", "string", False)
    assert s.fieldNames() == ["a", "b"] and s.names == ["a", "b"]
    assert s["b"] == T.StructField("b", T.StringType(), False)
    assert s[0].name == "a" and s[1:].fieldNames() == ["b"]
    assert repr(s) == "StructType([StructField('a', IntegerType(), True), StructField('b', StringType(), False)])"
    with pytest.raises(KeyError):
        s["c"]
    assert hash(s) == hash(parse_datatype_string("a int, b string not null"))


def test_type_names_match_pyspark():
    assert [t.typeName() for t in (T.IntegerType(), T.LongType(), T.NullType(), T.DecimalType(5, 2))] == [
        "integer", "long", "void", "decimal"]
    assert T.DecimalType(5, 2).simpleString() == "decimal(5,2)"


@pytest.mark.parametrize(
    "dt",
    [T.BooleanType(), T.ByteType(), T.ShortType(), T.IntegerType(), T.LongType(), T.FloatType(),
     T.DoubleType(), T.DecimalType(12, 3), T.StringType(), T.BinaryType(), T.DateType(),
     T.TimestampType(), T.ArrayType(T.LongType()), T.MapType(T.StringType(), T.DoubleType()),
     parse_datatype_string("a int, b array<string>")],
)
def test_arrow_round_trip(dt):
    assert from_arrow_type(to_arrow_type(dt)) == dt


def test_arrow_string_variants_map_to_string():
    assert from_arrow_type(pa.large_string()) == T.StringType()
    assert from_arrow_type(pa.dictionary(pa.int32(), pa.string())) == T.StringType()


def test_row_behaves_like_pyspark():
    r = Row(a=1, b=Row(c=[Row(d=2)]))
    assert r == (1, Row(c=[Row(d=2)])) and r == (1, ([(2,)],))
    assert r.a == 1 and r["a"] == 1 and r[0] == 1
    assert repr(r) == "Row(a=1, b=Row(c=[Row(d=2)]))"
    assert r.asDict(recursive=True) == {"a": 1, "b": {"c": [{"d": 2}]}}
    assert r.asDict() == {"a": 1, "b": Row(c=[Row(d=2)])}
    assert "a" in r and "z" not in r
    assert pickle.loads(pickle.dumps(r)) == r and pickle.loads(pickle.dumps(r)).__fields__ == ["a", "b"]
    Person = Row("name", "age")
    assert repr(Person) == "<Row('name', 'age')>"
    assert repr(Person("x", 3)) == "Row(name='x', age=3)"
    assert repr(Row(1, 2)) == "<Row(1, 2)>"
    with pytest.raises(AttributeError):
        r.missing
    with pytest.raises(RuntimeError):
        r.a = 3


def test_infer_type():
    import datetime

    assert T.infer_type(1) == T.LongType()
    assert T.infer_type([1, None]) == T.ArrayType(T.LongType())
    assert T.infer_type({"k": 1.0}) == T.MapType(T.StringType(), T.DoubleType())
    assert T.infer_type(datetime.date(2020, 1, 1)) == T.DateType()
    assert T.infer_type(Row(a=1)) == parse_datatype_string("a bigint")


def test_create_data_frame_errors_point_at_the_datum(spark):
    # docs/reliability.md#create-dataframe-types: the column, the row index, the value and its type; overflow is an error.
    from ember.sql.errors import EmberTypeError, EmberValueError

    rows = [(i,) for i in range(7)] + [("x",)]
    with pytest.raises(EmberTypeError, match=r"field a: int can not accept object 'x' in type <class 'str'> \(row 7\)"):
        spark.createDataFrame(rows, "a INT")
    with pytest.raises(EmberValueError, match=r"\[VALUE_OUT_OF_RANGE\] field a: bigint can not hold "
                                              r"1180591620717411303424 \(row 1\)"):
        spark.createDataFrame([(1,), (2**70,)], "a LONG")
    with pytest.raises(EmberTypeError, match=r"can not accept object 1.5 in type <class 'float'> \(row 0\)"):
        spark.createDataFrame([(1.5,)], "a INT")


def test_public_names_are_pysparks():
    # The PySpark-compatibility list: each name imports from ember.sql as from pyspark.sql.
    import ember.sql

    expected = {"SparkSession", "DataFrame", "Column", "Row", "GroupedData", "functions", "types",
                "AnalysisException", "ParseException", "DataFrameReader", "DataFrameWriter",
                "DataFrameNaFunctions", "Catalog", "Window", "WindowSpec", "Observation", "DataFrameWriterV2",
                "MergeIntoWriter"}
    assert set(ember.sql.__all__) == expected
    assert all(hasattr(ember.sql, name) for name in expected)
