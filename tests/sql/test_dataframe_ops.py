"""describe/summary, na functions, set operations, explode, range-partitioned sort,
toLocalIterator, ``_repr_html_`` and selectExpr, each checked against PySpark's text or
against DuckDB/pandas on the same rows."""

from __future__ import annotations

import random

import duckdb
import pandas as pd
import pytest

from ember.sql import AnalysisException, DataFrame, ParseException, Row
from ember.sql import functions as F
from ember.sql.plan import logical as L

ROWS = [(1, None, 2.0, "a"), (2, 3, None, None), (3, 4, 5.0, "c")]
DDL = "id INT, x INT, y DOUBLE, s STRING"


@pytest.fixture
def df(spark):
    return spark.createDataFrame(ROWS, DDL)


# Expected texts captured from PySpark 4.3 on the same rows.
DESCRIBE = """\
+-------+---+------------------+------------------+----+
|summary| id|                 x|                 y|   s|
+-------+---+------------------+------------------+----+
|  count|  3|                 2|                 2|   2|
|   mean|2.0|               3.5|               3.5|NULL|
| stddev|1.0|0.7071067811865476|2.1213203435596424|NULL|
|    min|  1|                 3|               2.0|   a|
|    max|  3|                 4|               5.0|   c|
+-------+---+------------------+------------------+----+

"""

SUMMARY_SOME = """\
+-------+---+---+---+----+
|summary| id|  x|  y|   s|
+-------+---+---+---+----+
|  count|  3|  2|  2|   2|
|    min|  1|  3|2.0|   a|
|    25%|  1|  3|2.0|NULL|
|    max|  3|  4|5.0|   c|
+-------+---+---+---+----+

"""


def test_describe_and_summary_match_pyspark(df, capsys):
    df.describe().show()
    assert capsys.readouterr().out == DESCRIBE
    df.summary("count", "min", "25%", "max").show()
    assert capsys.readouterr().out == SUMMARY_SOME
    full = df.summary()
    assert [r.summary for r in full.collect()] == ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"]
    assert [r.id for r in full.collect()][4:] == ["1", "2", "3", "3"]
    assert df.describe("x").columns == ["summary", "x"]


def test_describe_of_empty_input(spark):
    rows = spark.createDataFrame([], "a INT").describe().collect()
    assert rows[0] == Row(summary="count", a="0") and all(r.a is None for r in rows[1:])


def test_na_fill_matches_pandas(df):
    pdf = pd.DataFrame(ROWS, columns=["id", "x", "y", "s"])
    got = df.na.fill(0).toPandas()
    assert got["x"].tolist() == [0, 3, 4] and got["y"].tolist() == [2.0, 0.0, 5.0]
    assert got["s"].tolist() == pdf["s"].tolist()
    assert [r.s for r in df.na.fill("z").collect()] == ["a", "z", "c"]
    assert [tuple(r) for r in df.fillna({"x": 9, "s": "q"}).collect()] == [(1, 9, 2.0, "a"), (2, 3, None, "q"),
                                                                         (3, 4, 5.0, "c")]
    assert df.na.fill(1.5, subset=["y"]).collect()[1].y == 1.5
    assert df.fillna(0).dtypes == df.dtypes


def test_na_drop_matches_pandas(df):
    pdf = pd.DataFrame(ROWS, columns=["id", "x", "y", "s"])
    assert df.na.drop().count() == len(pdf.dropna())
    assert df.dropna(how="all", subset=["x", "y"]).count() == len(pdf.dropna(how="all", subset=["x", "y"]))
    assert [r.id for r in df.dropna(thresh=4).collect()] == [3]
    assert [r.id for r in df.dropna(subset="x").collect()] == [2, 3]
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN"):
        df.dropna(subset=["nope"])


def test_replace(df):
    assert [r.x for r in df.replace(3, 30).collect()] == [None, 30, 4]
    assert [r.s for r in df.replace({"a": "A"}, subset=["s"]).collect()] == ["A", None, "c"]


SET_A = [(1, "x"), (1, "x"), (2, "y"), (None, None), (None, None), (3, "z")]
SET_B = [(1, "x"), (None, None), (4, "w")]


@pytest.mark.parametrize("method, sql", [
    ("intersect", "INTERSECT"), ("intersectAll", "INTERSECT ALL"),
    ("subtract", "EXCEPT"), ("exceptAll", "EXCEPT ALL"), ("union", "UNION ALL")])
def test_set_operations_match_duckdb(spark, method, sql):
    a = spark.createDataFrame(SET_A, "k INT, v STRING")
    b = spark.createDataFrame(SET_B, "k INT, v STRING")
    con = duckdb.connect()
    con.execute("create table a(k int, v varchar); create table b(k int, v varchar)")
    con.executemany("insert into a values (?, ?)", SET_A)
    con.executemany("insert into b values (?, ?)", SET_B)
    key = lambda t: tuple((x is None, str(x)) for x in t)  # noqa: E731
    got = sorted((tuple(r) for r in getattr(a, method)(b).collect()), key=key)
    assert got == sorted(con.execute(f"select * from a {sql} select * from b").fetchall(), key=key)
    assert getattr(a, method)(b).columns == ["k", "v"]


def test_set_operations_with_itself_and_empty(spark):
    a = spark.createDataFrame(SET_A, "k INT, v STRING")
    assert a.intersect(a).count() == 4
    assert a.exceptAll(a).count() == 0
    empty = spark.createDataFrame([], "k INT, v STRING")
    assert a.subtract(empty).count() == 4 and empty.intersectAll(a).count() == 0
    with pytest.raises(AnalysisException, match="NUM_COLUMNS_MISMATCH"):
        a.intersect(a.select("k"))


def test_explode_matches_duckdb_unnest(spark):
    rows = [(1, [1, 2, None]), (2, []), (3, None), (4, [7])]
    e = spark.createDataFrame(rows, "k INT, arr ARRAY<INT>")
    con = duckdb.connect()
    con.execute("create table e(k int, arr int[])")
    con.executemany("insert into e values (?, ?)", rows)
    got = [tuple(r) for r in e.select("k", F.explode("arr").alias("v")).collect()]
    assert got == con.execute("select k, unnest(arr) from e order by k").fetchall()
    outer = [tuple(r) for r in e.select("k", F.explode_outer("arr")).collect()]
    assert outer == [(1, 1), (1, 2), (1, None), (2, None), (3, None), (4, 7)]
    assert e.select(F.posexplode("arr")).columns == ["pos", "col"]
    assert [tuple(r) for r in e.select(F.posexplode("arr")).collect()] == [(0, 1), (1, 2), (2, None), (0, 7)]
    assert e.withColumn("v", F.explode("arr")).where("v > 1").select("k", "v").collect() == [Row(k=1, v=2),
                                                                                            Row(k=4, v=7)]
    assert e.selectExpr("k", "explode(arr) AS v").count() == 4
    plan = e.select(F.explode("arr"))._plan
    assert any(isinstance(n, L.Generate) for n in plan.walk())


def test_explode_of_a_map_and_errors(spark):
    m = spark.createDataFrame([(1, {"a": 1, "b": 2}), (2, None)], "k INT, m MAP<STRING, INT>")
    assert sorted(tuple(r) for r in m.select("k", F.explode("m")).collect()) == [(1, "a", 1), (1, "b", 2)]
    assert m.select(F.explode("m")).columns == ["key", "value"]
    with pytest.raises(AnalysisException, match="DATATYPE_MISMATCH"):
        m.select(F.explode("k"))
    assert m.select(F.explode("m"), F.explode("m")).count() == 4  # two generators: their product, as Spark 4


def test_sort_range_partitions_and_sorts_each_partition(spark):
    rng = random.Random(7)
    rows = [(rng.choice([None, *range(60)]), rng.choice(["a", "b", None]), float(i)) for i in range(3000)]
    df = spark.createDataFrame(rows, "k INT, s STRING, d DOUBLE")
    ordered = df.orderBy(F.desc("k"), "s", "d")
    assert "Exchange rangepartitioning(" in ordered._qe.physical.tree_string()
    want = sorted(rows, key=lambda t: ((t[0] is None, -(t[0] or 0)), (t[1] is not None, t[1] or ""), t[2]))
    assert [tuple(r) for r in ordered.collect()] == want
    sizes = ordered.rdd.glom().map(len).collect()
    assert len(sizes) == 3 and max(sizes) < len(rows) * 0.6  # really split, not one partition
    pdf = pd.DataFrame(rows, columns=["k", "s", "d"]).sort_values("d", ascending=False)
    assert [r.d for r in df.orderBy(F.col("d").desc()).limit(5).collect()] == pdf["d"].head(5).tolist()
    assert spark.createDataFrame([], "a INT").orderBy("a").collect() == []


def test_to_local_iterator_fetches_partition_by_partition(spark):
    df = spark.range(0, 100, numPartitions=4)
    it = df.toLocalIterator()
    assert next(it) == Row(id=0)
    assert [r.id for r in it] == list(range(1, 100))


def test_repr_html_only_computes_a_limit(spark, monkeypatch):
    collected = []
    original = DataFrame.collect

    def spy(self):
        collected.append(self._plan)
        return original(self)

    monkeypatch.setattr(DataFrame, "collect", spy)
    spark.conf.set("spark.sql.repl.eagerEval.maxNumRows", "3")
    try:
        html = spark.range(100).select((F.col("id") * 2).alias("x<y>"))._repr_html_()
    finally:
        spark.conf.unset("spark.sql.repl.eagerEval.maxNumRows")
    assert html == ("<table border='1'>\n<tr><th>x&lt;y&gt;</th></tr>\n<tr><td>0</td></tr>\n<tr><td>2</td></tr>\n"
                    "<tr><td>4</td></tr>\n</table>\nonly showing top 3 rows\n")
    assert len(collected) == 1 and isinstance(collected[0], L.Limit) and collected[0].n == 4
    spark.conf.set("spark.sql.repl.eagerEval.enabled", "false")
    try:
        assert spark.range(3)._repr_html_() is None
    finally:
        spark.conf.unset("spark.sql.repl.eagerEval.enabled")


def test_select_expr_edge_cases(df):
    assert df.selectExpr("id", "x + 1 AS y1", "*").columns == ["id", "y1", "id", "x", "y", "s"]
    assert df.selectExpr("count(*)", "max(y) m").collect() == [Row(**{"count(1)": 3, "m": 5.0})]
    assert df.selectExpr("cast(id AS STRING) AS t", "`id` * 2").dtypes == [("t", "string"), ("(id * 2)", "int")]
    assert df.selectExpr("s IS NULL AS missing").collect()[1].missing is True
    with pytest.raises(AnalysisException, match=r"name `nope` cannot be resolved. Did you mean one of the "
                                                 r"following\? \[`id`, `s`, `x`, `y`\]"):
        df.selectExpr("nope + 1")
    with pytest.raises(ParseException, match=r"\(line 1, pos 4\)\n\n== SQL ==\nid \+\n----\^\^\^"):
        df.selectExpr("id +")


def test_case_when_and_coalesce_evaluate_a_branch_only_on_rows_that_reach_it(spark):
    from ember.errors import ArithmeticException

    df = spark.createDataFrame([(1, 0), (6, 3), (None, 2)], "a INT, b INT")
    safe = df.select(F.when(F.col("b") == 0, F.lit(-1)).otherwise(F.col("a") / F.col("b")).alias("q"),
                     F.coalesce(F.col("b"), F.col("a") / F.lit(0)).alias("c"))
    assert [tuple(r) for r in safe.collect()] == [(-1.0, 0), (2.0, 3), (None, 2)]
    df.createOrReplaceTempView("case_rows")
    quiet = spark.sql("SELECT CASE WHEN a > 100 THEN 1 / 0 ELSE 0 END AS z FROM case_rows")
    assert [r.z for r in quiet.collect()] == [0, 0, 0]
    with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):
        spark.sql("SELECT CASE WHEN a > 5 THEN a / 0 ELSE 0 END AS z FROM case_rows").collect()


def test_a_self_join_of_aliased_frames_resolves_both_aliases(spark):
    df = spark.createDataFrame([(2, "Alice"), (5, "Bob")], ["age", "name"])
    joined = df.alias("a").join(df.alias("b").where(F.col("age") > 1), F.col("a.name") == F.col("b.name"), "outer")
    # PySpark 4.3: [Row(name='Bob', age=5), Row(name='Alice', age=2)]
    assert joined.sort(F.desc("a.name")).select("a.name", "b.age").collect() == [("Bob", 5), ("Alice", 2)]
