"""``RDD.toDF``, which PySpark adds to RDDs once a session exists (expected output from its docs)."""

from __future__ import annotations

from ember.sql import Row


def test_rdd_to_df_names_columns_by_position_or_by_the_given_names(spark, capsys):
    rdd = spark.sparkContext.parallelize([(1, "a"), (2, "b")])
    assert rdd.toDF().columns == ["_1", "_2"]
    assert rdd.toDF(["x", "y"]).collect() == [Row(x=1, y="a"), Row(x=2, y="b")]
    assert rdd.toDF("x int, y string").dtypes == [("x", "int"), ("y", "string")]
    spark.range(1).rdd.map(lambda x: tuple(x)).toDF().show()
    assert capsys.readouterr().out == "+---+\n| _1|\n+---+\n|  0|\n+---+\n\n"


def test_an_rdd_of_rows_keeps_their_field_names(spark):
    assert spark.sparkContext.parallelize([Row(a=1, b="x")]).toDF().columns == ["a", "b"]


def test_to_df_uses_a_session_on_the_rdds_own_context(spark, make_context):
    from ember.sql import SparkSession

    other = make_context("local[1]")
    SparkSession(other)  # the newest session, on a context stopped below
    other.stop()
    assert spark.sparkContext.parallelize([(1, "a")]).toDF(["n", "s"]).collect() == [Row(n=1, s="a")]
