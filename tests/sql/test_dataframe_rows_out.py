"""Rows handed out of a DataFrame: ``toJSON`` (expected text from PySpark 4.3, UTC) and ``zipWithIndex``."""

from __future__ import annotations

import datetime
import decimal
import time

import pytest

from ember.sql import Row

EXPECTED = ('{"i":1,"s":"a\\"b","d":1.5,"a":[1,null],"m":{"k":2},"st":{"x":1},"dt":"2020-01-02",'
            '"ts":"2020-01-02T03:04:05.000Z","dec":1.50,"nan":"NaN","big":1.0E20,"b":true}')


@pytest.mark.skipif(time.timezone != 0 or time.daylight, reason="timestamps render in the machine's zone; "
                    "the expected text was captured in UTC")
def test_to_json_writes_nulls_out_doubles_as_java_and_timestamps_with_their_zone(spark):
    df = spark.createDataFrame(
        [(1, 'a"b', 1.5, None, [1, None], {"k": 2}, Row(x=1, y=None), datetime.date(2020, 1, 2),
          datetime.datetime(2020, 1, 2, 3, 4, 5), decimal.Decimal("1.50"), float("nan"), 1e20, True)],
        "i int, s string, d double, n string, a array<int>, m map<string,int>, st struct<x:int,y:string>, "
        "dt date, ts timestamp, dec decimal(5,2), nan double, big double, b boolean")
    assert df.toJSON().collect() == [EXPECTED]


def test_to_json_keeps_one_string_per_row_in_order(spark):
    df = spark.createDataFrame([(2, "x"), (3, None)], "age int, name string").repartition(1)
    assert df.toJSON().collect() == ['{"age":2,"name":"x"}', '{"age":3}']


def test_zip_with_index_appends_consecutive_indices_in_the_frames_order(spark):
    # Expected rows and schema captured from PySpark 4.3 on the same data.
    df = spark.createDataFrame([("a",), ("b",), ("c",)], "v string").repartition(2).orderBy("v")
    assert [tuple(r) for r in df.zipWithIndex().collect()] == [("a", 0), ("b", 1), ("c", 2)]
    field = df.zipWithIndex("i").schema["i"]
    assert (field.dataType.simpleString(), field.nullable) == ("bigint", False)
    assert df.zipWithIndex("v").columns == ["v", "v"]  # Spark does not refuse a clashing name
