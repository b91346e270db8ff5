"""Several generators in one select list: Spark 4 gives the cartesian product of their rows, the
first generator varying slowest. Expected rows and names captured from PySpark 4.3."""

from __future__ import annotations

from ember.sql import functions as F


def _rows(df):
    return [tuple(r) for r in df.collect()]


def test_two_explodes_in_sql_give_their_product(spark):
    df = spark.sql("SELECT explode(array(1,2)), explode(array('a','b','c'))")
    assert df.columns == ["col", "col"]
    assert _rows(df) == [(1, "a"), (1, "b"), (1, "c"), (2, "a"), (2, "b"), (2, "c")]


def test_generators_of_every_kind_combine(spark):
    df = spark.sql("SELECT explode(array(1,2)) AS a, posexplode(array('x','y','z'))")
    assert df.columns == ["a", "pos", "col"]
    assert _rows(df) == [(1, 0, "x"), (1, 1, "y"), (1, 2, "z"), (2, 0, "x"), (2, 1, "y"), (2, 2, "z")]
    df = spark.sql("SELECT explode(array(1,2)), explode(map('k', 'v'))")
    assert (df.columns, _rows(df)) == (["col", "key", "value"], [(1, "k", "v"), (2, "k", "v")])
    df = spark.sql("SELECT explode(array(1,2)), 7, explode_outer(array())")
    assert (df.columns, _rows(df)) == (["col", "7", "col"], [(1, 7, None), (2, 7, None)])
    df = spark.sql("SELECT inline(array(named_struct('a',1))), explode(array(5,6))")
    assert (df.columns, _rows(df)) == (["a", "col"], [(1, 5), (1, 6)])


def test_dataframe_select_with_two_generators(spark):
    df = spark.createDataFrame([(1, [1, 2], ["a", "b"]), (2, [], None), (3, [3], ["c"])],
                               "id int, a array<int>, b array<string>")
    both = df.select("id", F.explode("a"), F.explode_outer("b").alias("s"))
    assert both.columns == ["id", "col", "s"]
    assert sorted(_rows(both)) == [(1, 1, "a"), (1, 1, "b"), (1, 2, "a"), (1, 2, "b"), (3, 3, "c")]
    positions = df.select(F.posexplode("a"), F.explode("b"))
    assert positions.columns == ["pos", "col", "col"]
    assert sorted(_rows(positions)) == sorted([(0, 1, "a"), (0, 1, "b"), (1, 2, "a"), (1, 2, "b"), (0, 3, "c")])
