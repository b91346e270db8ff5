"""What users read of nested data — printSchema, show, Row and schema reprs — as PySpark 4.3 prints it.

Every expected text was captured from PySpark 4.3 on the same frame.
"""

from __future__ import annotations

import datetime
import decimal

import pytest

from ember.sql import Row

SCHEMA = 'root\n |-- s: array (nullable = true)\n |    |-- element: struct (containsNull = true)\n |    |    |-- a: integer (nullable = true)\n |    |    |-- b: array (nullable = true)\n |    |    |    |-- element: double (containsNull = true)\n |-- m: map (nullable = true)\n |    |-- key: string\n |    |-- value: struct (valueContainsNull = true)\n |    |    |-- x: string (nullable = true)\n |-- aa: array (nullable = true)\n |    |-- element: array (containsNull = true)\n |    |    |-- element: integer (containsNull = true)\n |-- mi: map (nullable = true)\n |    |-- key: integer\n |    |-- value: array (valueContainsNull = true)\n |    |    |-- element: string (containsNull = true)\n |-- f: double (nullable = true)\n |-- g: double (nullable = true)\n |-- h: double (nullable = true)\n |-- t: timestamp (nullable = true)\n |-- bin: binary (nullable = true)\n |-- d: decimal(10,3) (nullable = true)\n\n'

SHOW = '+------------------+-------------+-----------+-------------+------+----------------+---------+-------------------+-------+-----+\n|s                 |m            |aa         |mi           |f     |g               |h        |t                  |bin    |d    |\n+------------------+-------------+-----------+-------------+------+----------------+---------+-------------------+-------+-----+\n|[{1, [1.5, NULL]}]|{k -> {NULL}}|[[1], NULL]|{1 -> [NULL]}|1.0E-7|1.23456789012E11|-Infinity|2020-01-01 00:00:00|[00 FF]|0.000|\n+------------------+-------------+-----------+-------------+------+----------------+---------+-------------------+-------+-----+\n\n'

ROWS = "[Row(s=[Row(a=1, b=[1.5, None])], m={'k': Row(x=None)}, aa=[[1], None], mi={1: [None]}, f=1e-07, g=123456789012.0, h=-inf, t=datetime.datetime(2020, 1, 1, 0, 0), bin=b'\\x00\\xff', d=Decimal('0.000'))]"

SCHEMA_REPR = "StructType([StructField('s', ArrayType(StructType([StructField('a', IntegerType(), True), StructField('b', ArrayType(DoubleType(), True), True)]), True), True), StructField('m', MapType(StringType(), StructType([StructField('x', StringType(), True)]), True), True), StructField('aa', ArrayType(ArrayType(IntegerType(), True), True), True), StructField('mi', MapType(IntegerType(), ArrayType(StringType(), True), True), True), StructField('f', DoubleType(), True), StructField('g', DoubleType(), True), StructField('h', DoubleType(), True), StructField('t', TimestampType(), True), StructField('bin', BinaryType(), True), StructField('d', DecimalType(10,3), True)])"


@pytest.fixture(scope="module")
def nested(spark):
    return spark.createDataFrame(
        [([Row(a=1, b=[1.5, None])], {"k": Row(x=None)}, [[1], None], {1: [None]}, 1e-7, 123456789012.0,
          float("-inf"), datetime.datetime(2020, 1, 1), b"\x00\xff", decimal.Decimal("0.000"))],
        "s array<struct<a:int,b:array<double>>>, m map<string,struct<x:string>>, aa array<array<int>>, "
        "mi map<int,array<string>>, f double, g double, h double, t timestamp, bin binary, d decimal(10,3)")


def test_print_schema_draws_nested_arrays_maps_and_structs(nested, capsys):
    nested.printSchema()
    assert capsys.readouterr().out == SCHEMA


def test_show_renders_nested_values_nulls_doubles_and_binary(nested, capsys):
    nested.show(truncate=False)
    assert capsys.readouterr().out == SHOW


def test_collected_rows_and_the_schema_repr_as_pyspark(nested):
    assert repr(nested.collect()) == ROWS
    assert repr(nested.schema) == SCHEMA_REPR


# Captured from PySpark 4.3: show() and the eager-evaluation HTML truncate cells, never column names.
LONG_NAME_SHOW_3 = """+----+-------------------------------------+
|name|a_really_long_column_name_over_twenty|
+----+-------------------------------------+
| Ali|                                  ave|
+----+-------------------------------------+

"""
LONG_NAME_SHOW = """+-----+-------------------------------------+
| name|a_really_long_column_name_over_twenty|
+-----+-------------------------------------+
|Alice|                 averyveryveryvery...|
+-----+-------------------------------------+

"""
LONG_NAME_HTML = """<table border='1'>
<tr><th>name</th><th>a_really_long_column_name_over_twenty</th></tr>
<tr><td>Alice</td><td>av...</td></tr>
</table>
"""


@pytest.fixture
def long_name(spark):
    return spark.createDataFrame([("Alice", "averyveryveryverylongvaluehere")],
                                 ["name", "a_really_long_column_name_over_twenty"])


def test_show_truncates_cells_but_not_column_names(long_name, capsys):
    long_name.show(truncate=3)
    long_name.show()
    assert capsys.readouterr().out == LONG_NAME_SHOW_3 + LONG_NAME_SHOW


def test_eager_html_truncates_cells_but_not_column_names(spark, long_name):
    try:
        spark.conf.set("spark.sql.repl.eagerEval.enabled", "true")
        spark.conf.set("spark.sql.repl.eagerEval.truncate", "5")
        assert long_name._repr_html_() == LONG_NAME_HTML
    finally:
        spark.conf.unset("spark.sql.repl.eagerEval.enabled")
        spark.conf.unset("spark.sql.repl.eagerEval.truncate")
