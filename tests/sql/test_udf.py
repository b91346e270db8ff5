"""Python UDFs (``udf``, ``spark.udf.register``): names, values in and out, errors.

Expected values were captured from PySpark 4.3 (local[1]) running the same code.
"""

from __future__ import annotations

import datetime
import decimal

import pytest

from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.functions import col, udf


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame([(1, "a", 1.5), (2, None, 2.5), (None, "c", None)], "x int, s string, d double")


def _double(x):
    return x * 2 if x is not None else None


@udf(returnType=T.IntegerType())
def plus1(x):
    return None if x is None else x + 1


@udf
def up(s):
    return None if s is None else s.upper()


def test_udf_columns_are_named_as_pyspark_names_them(people):
    twice = udf(lambda x: _double(x), "int")
    df = people.select(twice("x"), plus1(col("x")), up("s"), twice(col("x") + 1))
    assert df.columns == ["<lambda>(x)", "plus1(x)", "up(s)", "<lambda>((x + 1))"]
    assert [tuple(r) for r in df.collect()] == [(2, 2, "A", 4), (4, 3, None, 6), (None, None, "C", None)]


def test_udf_carries_pysparks_attributes():
    assert plus1.__name__ == "plus1" and plus1.returnType == T.IntegerType()
    assert plus1.evalType == 100 and plus1.deterministic is True
    assert up.returnType == T.StringType()
    nondeterministic = plus1.asNondeterministic()
    assert nondeterministic.deterministic is False and plus1.deterministic is True
    assert nondeterministic.__name__ == "plus1"
    assert udf(lambda x: x, "int", useArrow=True).evalType == 101


def test_udf_is_refused_when_not_callable():
    with pytest.raises(TypeError, match=r"\[NOT_EXPECTED_TYPE\] Argument `func` should be callable, got int."):
        udf(5)


# (returned value, declared type, PySpark's result with useArrow=False, with useArrow=True);
# "error" where PySpark fails the task.
CASES = [
    ("a", "int", None, "error"),
    (1.5, "int", None, 1),
    (1, "double", None, 1.0),
    (1, "bigint", 1, 1),
    (1, "string", "1", "1"),
    (1.5, "string", "1.5", "1.5"),
    (True, "int", None, "error"),
    ([1, 2], "string", "[1, 2]", "[1, 2]"),
    (1, "boolean", None, True),
    ("1.5", "double", None, 1.5),
    (2 ** 40, "int", 0, "error"),
    ((1, 2), "array<int>", [1, 2], [1, 2]),
    ({"a": 1}, "struct<a:int>", (1,), (1,)),
    ((1,), "struct<a:int>", (1,), (1,)),
    ({"k": 1}, "map<string,int>", {"k": 1}, {"k": 1}),
    (1.5, "float", 1.5, 1.5),
    (datetime.date(2020, 1, 2), "date", datetime.date(2020, 1, 2), datetime.date(2020, 1, 2)),
    ("2020-01-02", "date", "error", "error"),
    (1, "tinyint", 1, 1),
    (decimal.Decimal("1.25"), "decimal(10,2)", decimal.Decimal("1.25"), decimal.Decimal("1.25")),
    (1.25, "decimal(10,2)", None, "error"),
    (b"ab", "binary", b"ab", b"ab"),
    ("ab", "binary", b"ab", "error"),
    ([1, 2], "array<double>", [1.0, 2.0], [1.0, 2.0]),
    ({"a": 1}, "struct<a:int,b:string>", (1, None), (1, None)),
    (2, "float", 2.0, 2.0),
    (70000, "smallint", "error", "error"),
    (datetime.datetime(2020, 1, 2, 3, 4, 5), "timestamp", datetime.datetime(2020, 1, 2, 3, 4, 5),
     datetime.datetime(2020, 1, 2, 3, 4, 5)),
    (datetime.date(2020, 1, 2), "timestamp", "error", "error"),
    (datetime.datetime(2020, 1, 2, 3, 4), "date", datetime.date(2020, 1, 2), datetime.date(2020, 1, 2)),
]


def _result(spark, value, type_name, use_arrow):
    fn = udf(lambda _: value, type_name, useArrow=use_arrow)
    out = spark.range(1).select(fn("id").alias("r")).collect()[0][0]
    return tuple(out) if isinstance(out, tuple) else out


@pytest.mark.parametrize("use_arrow", [False, True], ids=["pickled", "arrow"])
@pytest.mark.parametrize("value,type_name,pickled,arrow", CASES, ids=[f"{c[0]!r}->{c[1]}" for c in CASES])
def test_udf_results_convert_to_the_declared_type_as_pyspark(spark, use_arrow, value, type_name, pickled, arrow):
    expected = arrow if use_arrow else pickled
    if expected == "error":
        with pytest.raises(Exception, match="UDF"):
            _result(spark, value, type_name, use_arrow)
    else:
        result = _result(spark, value, type_name, use_arrow)
        assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("value,text", [
    (True, "true"), (1e20, "1e+20"), (1e-05, "1e-05"), ({"k": 1}, "{'k': 1}"), ((1, 2), "(1, 2)"),
    ([None], "[None]"), (b"ab", "b'ab'"), (datetime.date(2020, 1, 2), "2020-01-02"),
    (decimal.Decimal("1.50"), "1.50"), (float("nan"), "nan"), (12345678901234567890, "12345678901234567890"),
])
def test_regular_udf_renders_non_strings_for_a_string_column_as_pyspark(spark, value, text):
    assert _result(spark, value, "string", False) == text


def test_udf_receives_none_for_null_and_pysparks_python_types(spark, people):
    show = udf(lambda x: repr(x))
    show_arrow = udf(lambda x: repr(x), useArrow=True)
    assert [tuple(r) for r in people.select(show("x"), show_arrow("x")).collect()] == [
        ("1", "1"), ("2", "2"), ("None", "None")]
    kinds = udf(lambda a, b, c, d: ",".join(type(v).__name__ for v in (a, b, c, d)))
    row = spark.range(1).select(kinds(F.lit(1), F.lit(1.5), F.array(F.lit(1)), F.struct(F.lit(1).alias("q")))).collect()
    assert row[0][0] == "int,float,list,Row"


def test_udf_without_arguments_runs_once_per_row(spark):
    seven = udf(lambda: 7, "int")
    df = spark.range(2).select(seven())
    assert df.columns == ["<lambda>()"]
    assert [r[0] for r in df.collect()] == [7, 7]


def test_udf_use_arrow_none_follows_the_session_setting(spark):
    spark.conf.set("spark.sql.execution.pythonUDF.arrow.enabled", "true")
    try:
        assert udf(lambda x: x, "int").evalType == 101
    finally:
        spark.conf.set("spark.sql.execution.pythonUDF.arrow.enabled", "false")
    assert udf(lambda x: x, "int").evalType == 100


def _divide_by_zero(x):
    return 1 // 0


def test_udf_error_keeps_the_users_type_and_names_the_udf_and_its_inputs(spark):
    with pytest.raises(ZeroDivisionError) as info:
        spark.range(3).select(udf(_divide_by_zero, "int")("id")).collect()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "Python UDF _divide_by_zero(id)" in notes and "which read id" in notes
    assert "test_udf.py" in notes  # where the function is defined
    assert "return 1 // 0" in str(info.value.__cause__)  # the worker's traceback shows the user's line
    assert spark.range(2).count() == 2  # the session stays usable


def test_registered_udf_is_callable_from_sql(spark, people):
    spark.udf.register("myf", lambda x: None if x is None else x + 10, "int")
    people.createOrReplaceTempView("udf_people")
    df = spark.sql("select myf(x), myf(x) as y from udf_people")
    assert df.columns == ["myf(x)", "y"]
    assert [tuple(r) for r in df.collect()] == [(11, 11), (12, 12), (None, None)]


def test_registering_a_udf_object_keeps_its_type_and_refuses_another(spark, people):
    registered = spark.udf.register("plus1b", plus1)
    assert registered.returnType == T.IntegerType() and registered.evalType == 100
    people.createOrReplaceTempView("udf_people")
    assert spark.sql("select plus1b(x) from udf_people").columns == ["plus1b(x)"]
    with pytest.raises(TypeError, match="CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF"):
        spark.udf.register("bad2", plus1, "int")
    strlen = spark.udf.register("strlen", lambda s: len(s))
    assert strlen.returnType == T.StringType()
    assert spark.sql("select strlen('abc')").collect()[0][0] == "3"


def test_udf_in_filter_and_grouping(spark):
    even = udf(lambda x: x % 2 == 0, "boolean")
    assert [r.id for r in spark.range(5).filter(even("id")).collect()] == [0, 2, 4]
    parity = udf(lambda x: x % 2, "bigint")
    counts = spark.range(5).groupBy(parity("id")).count().orderBy("count").collect()
    assert [tuple(r) for r in counts] == [(1, 2), (0, 3)]
