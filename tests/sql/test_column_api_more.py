"""Column methods: try_cast, isNaN, bitwiseAND/OR/XOR, withField, dropFields, and casting floats
to strings. Rows, column names and errors were captured from PySpark 4.3 on the same inputs."""

from __future__ import annotations

import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.errors import EmberTypeError


@pytest.fixture
def nested(spark):
    return spark.createDataFrame([Row(a=Row(b=1, c=2))])


def test_try_cast_gives_null_for_values_that_do_not_convert(spark):
    df = spark.createDataFrame([("1",), ("x",)], ["v"])
    assert df.select(F.col("v").try_cast("int").alias("t")).collect() == [Row(t=1), Row(t=None)]
    assert df.select(F.col("v").try_cast(T.IntegerType())).columns == ["v"]
    assert repr(F.col("v").try_cast(T.IntegerType())) == "Column<'TRY_CAST(v AS INT)'>"


def test_cast_and_try_cast_take_a_type_or_its_name(spark):
    with pytest.raises(EmberTypeError) as e:
        F.col("v").try_cast(1)
    assert str(e.value) == "[NOT_EXPECTED_TYPE] Argument `dataType` should be DataType or str, got int."
    with pytest.raises(EmberTypeError, match="should be DataType or str, got int"):
        F.col("v").cast(1)


def test_casting_doubles_to_string_writes_them_as_spark_does(spark):
    df = spark.createDataFrame([(1.0,), (2.5,), (1e20,), (None,), (float("nan"),)], ["x"])
    assert [r[0] for r in df.select(F.col("x").cast("string")).collect()] == ["1.0", "2.5", "1.0E20", None, "NaN"]


def test_isNaN_is_false_for_null(spark):
    df = spark.createDataFrame([(None,), (float("nan"),), (1.0,)], "x double")
    assert df.select(F.col("x").isNaN()).columns == ["isnan(x)"]
    assert [r[0] for r in df.select(F.col("x").isNaN()).collect()] == [False, True, False]


def test_bitwise_operators_name_and_type_as_spark(spark):
    df = spark.createDataFrame([(i, f"s{i}", float(i)) for i in range(1, 6)], ["id", "s", "x"])
    out = df.select(df.id.bitwiseAND(6), df.id.bitwiseOR(F.lit(8)), df.id.bitwiseXOR(3))
    assert out.columns == ["(id & 6)", "(id | 8)", "(id ^ 3)"]
    assert [tuple(r) for r in out.collect()[:2]] == [(0, 9, 2), (2, 10, 1)]
    typed = spark.createDataFrame([(1, 2)], "a int, b long")
    out = typed.select(F.col("a").bitwiseAND(F.col("b")), F.col("a").bitwiseOR(3))
    assert out.schema.simpleString() == "struct<(a & b):bigint,(a | 3):int>"
    assert spark.createDataFrame([(None,)], "a int").select(F.col("a").bitwiseXOR(1)).collect() == [
        Row(**{"(a ^ 1)": None})]


def test_bitwise_operators_in_sql(spark):
    assert spark.sql("SELECT 12 & 10 AS a, 12 | 10 AS o, 12 ^ 10 AS x").collect() == [Row(a=8, o=14, x=6)]


def test_bitwise_of_a_double_is_a_type_mismatch(spark):
    df = spark.createDataFrame([(1.0,)], ["x"])
    with pytest.raises(AnalysisException) as e:
        df.select(F.col("x").bitwiseAND(1))
    assert e.value.error_class == "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES"
    assert 'Cannot resolve "(x & 1)" due to data type mismatch' in str(e.value)


def test_withField_replaces_or_appends_a_field(nested):
    a = nested.a
    assert nested.select(a.withField("b", F.lit(3)).alias("a")).collect() == [Row(a=Row(b=3, c=2))]
    assert nested.select(a.withField("d", F.lit(4)).alias("a")).collect() == [Row(a=Row(b=1, c=2, d=4))]
    assert nested.select(a.withField("b", F.lit(3))).columns == ["update_fields(a, WithField(3))"]
    assert nested.select(a.withField("c", F.col("a.b") + 10).alias("a")).collect() == [Row(a=Row(b=1, c=11))]
    assert nested.select(a.withField("d", F.lit("x")).alias("a")).schema.simpleString() == (
        "struct<a:struct<b:bigint,c:bigint,d:string>>")


def test_withField_and_dropFields_reach_into_nested_structs(spark):
    df = spark.createDataFrame([Row(a=Row(b=Row(c=1, d=2)))])
    assert df.select(F.col("a").withField("b.c", F.lit(9)).alias("a")).collect() == [Row(a=Row(b=Row(c=9, d=2)))]
    assert df.select(F.col("a").dropFields("b.c").alias("a")).collect() == [Row(a=Row(b=Row(d=2)))]


def test_dropFields_removes_fields_and_ignores_missing_names(nested):
    a = nested.a
    assert nested.select(a.dropFields("b").alias("a")).collect() == [Row(a=Row(c=2))]
    assert nested.select(a.dropFields("b")).columns == ["update_fields(a, dropfield())"]
    assert nested.select(a.dropFields("z")).collect() == [Row(**{"update_fields(a, dropfield())": Row(b=1, c=2)})]


def test_a_null_struct_stays_null(spark):
    df = spark.createDataFrame([(None,)], "a struct<b:int,c:int>")
    assert df.select(F.col("a").withField("b", F.lit(5)).alias("a")).collect() == [Row(a=None)]
    assert df.select(F.col("a").dropFields("b").alias("a")).collect() == [Row(a=None)]


def test_struct_field_errors(spark, nested):
    with pytest.raises(AnalysisException) as e:
        nested.select(nested.a.dropFields("b", "c"))
    assert e.value.error_class == "DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS"
    assert 'Cannot resolve "update_fields(a, dropfield(), dropfield())"' in str(e.value)
    ids = spark.range(1)
    with pytest.raises(AnalysisException) as e:
        ids.select(ids.id.withField("b", F.lit(3)))
    assert e.value.error_class == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"
    assert ('Cannot resolve "update_fields(id, WithField(3))" due to data type mismatch: The first parameter '
            'requires the "STRUCT" type, however "id" has the type "BIGINT".') in str(e.value)
    with pytest.raises(EmberTypeError, match=r"Argument `fieldName` should be str, got int"):
        nested.a.withField(1, F.lit(3))
    with pytest.raises(EmberTypeError, match=r"Argument `col` should be Column, got int"):
        nested.a.withField("b", 3)


def test_functions_isnan_is_column_isNaN(spark):
    df = spark.createDataFrame([(None,), (float("nan"),)], "x double")
    assert df.select(F.isnan("x")).collect() == df.select(F.col("x").isNaN()).collect()
    assert [r[0] for r in df.select(F.isnan("x")).collect()] == [False, True]


def test_attribute_access_reads_a_struct_field(nested):
    # PySpark 4.3: [Row(a.b=1, a.c=2)]; dunder names are refused with CANNOT_ACCESS_TO_DUNDER.
    assert nested.select(nested.a.b, nested.a["c"]).collect() == [Row(**{"a.b": 1, "a.c": 2})]
    with pytest.raises(AttributeError, match=r"\[CANNOT_ACCESS_TO_DUNDER\]"):
        nested.a.__foo__


@pytest.mark.parametrize("select, names", [
    # Column names captured from PySpark 4.3: a struct field named by a string is named by its last part.
    (lambda df: df.select("a.b"), ["b"]),
    (lambda df: df.select(F.col("a.b")), ["b"]),
    (lambda df: df.select(df["a.b"]), ["b"]),
    (lambda df: df.select(df.a.b), ["a.b"]),
    (lambda df: df.select(df.a.getField("b")), ["a.b"]),
    (lambda df: df.select(F.col("a.b") + 1), ["(a.b + 1)"]),
    (lambda df: df.groupBy("a.b").count(), ["b", "count"]),
    (lambda df: df.agg(F.max("a.b")), ["max(a.b)"]),
    (lambda df: df.selectExpr("a.b", "a.b + 1"), ["b", "(a.b + 1)"]),
    (lambda df: df.select(F.expr("a.b")), ["b"]),
    (lambda df: df.select(F.struct("a.b", "a.c")), ["struct(a.b, a.c)"]),
    (lambda df: df.select(F.array("a.b", "a.c")), ["array(a.b, a.c)"]),
    (lambda df: df.withColumn("a", df["a"].withField("b", F.lit(3))).select("a.b"), ["b"]),
])
def test_struct_field_columns_are_named_as_in_pyspark(nested, select, names):
    assert select(nested).columns == names


def test_an_alias_inside_an_expression_is_spelled_out_in_the_name(spark):
    df = spark.createDataFrame([(1, 2)], ["x", "z"])
    # PySpark 4.3: ['(x AS y + 1)'] and ['abs(x AS y)']
    assert df.select(F.col("x").alias("y") + 1).columns == ["(x AS y + 1)"]
    assert df.select(F.abs(F.col("x").alias("y"))).columns == ["abs(x AS y)"]
    assert df.select(F.struct(F.col("x").alias("y"), F.lit(1))).schema.simpleString() == \
        "struct<struct(x AS y, 1):struct<y:bigint,col2:int>>"
