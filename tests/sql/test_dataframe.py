"""DataFrame operations end to end through the engine, each compared with DuckDB or pandas."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F

LEFT = [(1, "a", 1.5), (2, "b", None), (2, "b2", 4.0), (None, "n", 2.0), (4, None, 8.0)]
RIGHT = [(2, "x"), (2, "y"), (3, "z"), (None, "nk"), (4, "w")]


@pytest.fixture
def frames(spark):
    left = spark.createDataFrame(LEFT, "k INT, s STRING, d DOUBLE")
    right = spark.createDataFrame(RIGHT, "k INT, t STRING")
    con = duckdb.connect()
    con.execute("create table l(k int, s varchar, d double)")
    con.executemany("insert into l values (?, ?, ?)", LEFT)
    con.execute("create table r(k int, t varchar)")
    con.executemany("insert into r values (?, ?)", RIGHT)
    return left, right, con


def _sorted(rows):
    return sorted((tuple(r) for r in rows), key=lambda t: tuple((v is None, v) for v in t))


def test_select_filter_with_nulls_matches_duckdb(frames):
    left, _, con = frames
    got = left.where((F.col("k") > 1) | F.col("s").isNull()).select("k", (F.col("d") / 2).alias("h")).collect()
    want = con.execute("select k, d / 2 from l where k > 1 or s is null").fetchall()
    assert _sorted(got) == _sorted(want)


def test_sql_string_filter(frames):
    left, _, con = frames
    got = left.filter("k >= 2 and d is not null").select("s").collect()
    assert _sorted(got) == _sorted(con.execute("select s from l where k >= 2 and d is not null").fetchall())


def test_group_by_aggregates_match_duckdb(frames):
    left, _, con = frames
    got = left.groupBy("k").agg(F.sum("d"), F.count("*"), F.count("d"), F.avg("d"), F.min("s"), F.max("d")).collect()
    want = con.execute("select k, sum(d), count(*), count(d), avg(d), min(s), max(d) from l group by k").fetchall()
    assert _sorted(got) == _sorted(want)
    assert left.groupBy("k").agg(F.sum("d")).columns == ["k", "sum(d)"]


def test_global_aggregate_on_empty_input(spark):
    empty = spark.createDataFrame([], "a INT")
    assert empty.agg(F.count("*"), F.sum("a")).collect() == [Row(**{"count(1)": 0, "sum(a)": None})]
    assert empty.count() == 0


def test_single_phase_aggregates(frames):
    left, _, con = frames
    got = left.groupBy("k").agg(F.countDistinct("s"), F.collect_list("d"), F.stddev("d")).collect()
    want = {r[0]: r[1:] for r in con.execute(
        "select k, count(distinct s), list(d) filter (where d is not null), stddev_samp(d) from l group by k").fetchall()}
    for k, n, values, sd in got:
        assert n == want[k][0] and sorted(values) == sorted(want[k][1] or []) and sd == pytest.approx(want[k][2])


@pytest.mark.parametrize("how, sql", [
    ("inner", "inner join"), ("left", "left join"), ("right", "right join"), ("full", "full outer join"),
])
def test_joins_on_condition_match_duckdb(frames, how, sql):
    left, right, con = frames
    got = left.join(right, left["k"] == right["k"], how).select(left["k"], "s", right["k"], "t").collect()
    want = con.execute(f"select l.k, l.s, r.k, r.t from l {sql} r on l.k = r.k").fetchall()
    assert _sorted(got) == _sorted(want)


@pytest.mark.parametrize("how, sql", [("left_semi", "semi join"), ("left_anti", "anti join")])
def test_semi_anti_joins(frames, how, sql):
    left, right, con = frames
    got = left.join(right, "k", how).collect()
    want = con.execute(f"select l.* from l {sql} r using (k)").fetchall()
    assert _sorted(got) == _sorted(want)


def test_join_using_columns_and_cross_join(frames):
    left, right, con = frames
    joined = left.join(right, "k", "full")
    assert joined.columns == ["k", "s", "d", "t"]
    want = con.execute("select coalesce(l.k, r.k), s, d, t from l full join r using (k)").fetchall()
    assert _sorted(joined.collect()) == _sorted(want)
    assert left.crossJoin(right).count() == len(LEFT) * len(RIGHT)


def test_shuffled_hash_join_matches_broadcast(frames, spark):
    left, right, con = frames
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    try:
        got = left.join(right, "k", "left").collect()
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")
    want = con.execute("select l.k, s, d, t from l left join r using (k)").fetchall()
    assert _sorted(got) == _sorted(want)


def test_order_by_nulls_and_limit(frames):
    left, _, _ = frames
    assert [r.k for r in left.orderBy("k").collect()] == [None, 1, 2, 2, 4]
    assert [r.k for r in left.orderBy(F.col("k").desc()).collect()] == [4, 2, 2, 1, None]
    assert [r.d for r in left.orderBy(F.col("d").asc_nulls_last()).limit(3).collect()] == [1.5, 2.0, 4.0]


def test_distinct_union_and_union_by_name(spark):
    a = spark.createDataFrame([(1, "x"), (1, "x"), (2, None)], ["n", "s"])
    b = spark.createDataFrame([("y", 3)], ["s", "n"])
    assert _sorted(a.distinct().collect()) == [(1, "x"), (2, None)]
    assert _sorted(a.unionByName(b).collect()) == [(1, "x"), (1, "x"), (2, None), (3, "y")]
    assert a.union(a).count() == 6


def test_range_and_with_column(spark):
    df = spark.range(10).withColumn("sq", F.col("id") * F.col("id")).where(F.col("id") % 3 == 0)
    pdf = pd.DataFrame({"id": range(10)})
    pdf["sq"] = pdf.id * pdf.id
    pdf = pdf[pdf.id % 3 == 0]
    assert [tuple(r) for r in df.collect()] == list(pdf.itertuples(index=False, name=None))


def test_unknown_column_suggests_names(frames):
    left, _, _ = frames
    with pytest.raises(AnalysisException) as info:
        left.select("kk")
    assert info.value.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    # PySpark 4.3 breaks ties in edit distance alphabetically.
    assert "Did you mean one of the following? [`k`, `d`, `s`]" in str(info.value)


SHOW = """\
+----+--------------------+----+------+
|  id|                   s|   d|   arr|
+----+--------------------+----+------+
|   1|                   a| 1.5|  NULL|
|   2|                NULL|NULL|[1, 2]|
|NULL|long string value...| 3.0|    []|
+----+--------------------+----+------+

"""

SCHEMA = """\
root
 |-- id: integer (nullable = true)
 |-- s: string (nullable = true)
 |-- d: double (nullable = true)
 |-- arr: array (nullable = true)
 |    |-- element: integer (containsNull = true)

"""


def test_show_and_print_schema_match_pyspark_text(spark, capsys):
    # Expected text captured from PySpark 4.3 on the same data.
    df = spark.createDataFrame(
        [(1, "a", 1.5, None), (2, None, None, [1, 2]), (None, "long string value here more than twenty", 3.0, [])],
        "id INT, s STRING, d DOUBLE, arr ARRAY<INT>")
    df.show()
    assert capsys.readouterr().out == SHOW
    df.printSchema()
    assert capsys.readouterr().out == SCHEMA
    df.show(2, truncate=5)
    assert capsys.readouterr().out.endswith("|  2|NULL|NULL|[1...|\n+---+----+----+-----+\nonly showing top 2 rows\n")
    assert repr(df) == "DataFrame[id: int, s: string, d: double, arr: array<int>]"


def test_order_by_grouping_keys_after_aggregate(frames):
    left, _, con = frames
    got = left.groupBy("k").agg(F.count("*").alias("n")).orderBy("k").collect()
    want = con.execute("select k, count(*) from l group by k order by k nulls first").fetchall()
    assert [tuple(r) for r in got] == want


def test_decimal_arithmetic_takes_sparks_result_types(spark):
    df = spark.createDataFrame([("1.25", "2.50", "0.05")], "a STRING, b STRING, c STRING").select(
        *[F.col(c).cast("decimal(15,2)").alias(c) for c in "abc"])
    out = df.select((F.col("a") * F.col("b")).alias("m"), (F.col("a") / F.col("b")).alias("d"),
                    (F.col("a") * (1 - F.col("c")) * (1 + F.col("c"))).alias("x"))
    assert out.dtypes == [("m", "decimal(31,4)"), ("d", "decimal(33,18)"), ("x", "decimal(38,6)")]
    assert [str(v) for v in out.first()] == ["3.1250", "0.500000000000000000", "1.246875"]


def test_decimal_products_beyond_38_declared_digits_stay_exact(spark):
    # (32,4) * (16,2) declares 49 digits: computed on 128-bit decimals narrowed to the digits used.
    df = spark.createDataFrame([("105000.25", "0.07", "0.08"), ("1.01", "0.00", "0.00")],
                               "p STRING, d STRING, t STRING").select(
        *[F.col(c).cast("decimal(15,2)").alias(c) for c in "pdt"])
    out = df.select((F.col("p") * (1 - F.col("d")) * (1 + F.col("t"))).alias("charge"))
    assert out.dtypes == [("charge", "decimal(38,6)")]
    assert [str(r.charge) for r in out.collect()] == ["105462.251100", "1.010000"]


def test_group_by_a_date_column(spark):
    import datetime

    days = [datetime.date(2024, 1, d % 3 + 1) for d in range(30)]
    df = spark.createDataFrame([(d, 1) for d in days], "day DATE, n INT")
    got = {r.day: r["sum(n)"] for r in df.groupBy("day").agg(F.sum("n")).collect()}
    assert got == {datetime.date(2024, 1, k): 10 for k in (1, 2, 3)}


def test_avg_of_decimals_is_a_decimal_rounded_half_up(spark):
    # PySpark 4.3: avg(decimal(15,2)) is decimal(19,6).
    df = spark.createDataFrame([("1.25", "a"), ("2.50", "a"), ("0.01", "b"), (None, "b"), ("0.02", "c"),
                                ("0.01", "c"), ("0.01", "c")], "p STRING, k STRING").select(
        F.col("p").cast("decimal(15,2)").alias("p"), "k")
    out = df.groupBy("k").agg(F.avg("p").alias("a")).orderBy("k")
    assert out.dtypes == [("k", "string"), ("a", "decimal(19,6)")]
    assert [str(r.a) for r in out.collect()] == ["1.875000", "0.010000", "0.013333"]


def test_global_aggregates_with_collect_list(spark):
    df = spark.createDataFrame([(1, "a"), (2, "b"), (3, None)], "k INT, v STRING")
    row = df.agg(F.collect_list("v"), F.collect_set("v"), F.count("*")).first()
    assert df.agg(F.collect_list("v")).columns == ["collect_list(v)"]
    assert sorted(row[0]) == ["a", "b"] and sorted(row[1]) == ["a", "b"] and row[2] == 3


@pytest.mark.parametrize("threshold", ["10485760", "-1"], ids=["broadcast", "shuffled"])
@pytest.mark.parametrize("how", ["inner", "left", "full"])
def test_joins_with_a_skewed_key_match_duckdb(spark, threshold, how):
    """One key holds most rows on both sides (and a NULL key on each): the hot key's whole
    cross product lands in one partition and must be exact."""
    left_rows = [(0, f"l{i}") for i in range(1000)] + [(k, f"l{k}") for k in range(1, 50)] + [(None, "ln")]
    right_rows = [(0, f"r{i}") for i in range(20)] + [(k, f"r{k}") for k in range(25, 80)] + [(None, "rn")]
    left = spark.createDataFrame(left_rows, "k INT, s STRING")
    right = spark.createDataFrame(right_rows, "k INT, t STRING")
    con = duckdb.connect()
    con.execute("create table l (k int, s varchar)")
    con.execute("create table r (k int, t varchar)")
    con.executemany("insert into l values (?, ?)", left_rows)
    con.executemany("insert into r values (?, ?)", right_rows)
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", threshold)
    try:
        got = left.join(right, left["k"] == right["k"], how).select(left["k"], "s", right["k"], "t").collect()
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")
    sql_how = {"inner": "join", "left": "left join", "full": "full join"}[how]
    want = con.execute(f"select l.k, l.s, r.k, r.t from l {sql_how} r on l.k = r.k").fetchall()
    assert len(got) == len(want) >= 1000 * 20
    assert _sorted(got) == _sorted(want)
