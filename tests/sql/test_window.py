"""Window functions: SQL and the DataFrame API against DuckDB on the same rows (ORDER BY
written with explicit NULLS FIRST/LAST, since Spark's ASC default is NULLS FIRST), a few
results checked on PySpark, column names as Spark derives them, and Spark's error classes.

PySpark 4 returned the same rows as DuckDB for every query of ``SQL`` and ``AGGREGATE_SQL`` on
this data (checked once, outside the suite), so DuckDB stands in for Spark here."""

from __future__ import annotations

import math
import random

import duckdb
import pytest

from ember.sql import AnalysisException, Window
from ember.sql import functions as F

SCHEMA = "id INT, k INT, v INT, d DOUBLE, s STRING"


def _rows(n: int = 240, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)

    def maybe(value, p=0.15):
        return None if rng.random() < p else value

    return [(i, maybe(rng.randrange(6), 0.1), maybe(rng.randrange(10)), maybe(round(rng.uniform(-5, 5), 1)),
             maybe(rng.choice("abcdefg"))) for i in range(n)]


ROWS = _rows()


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id INT, k INT, v INT, d DOUBLE, s VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", ROWS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def df(spark):
    # Three round-robin partitions: each window partition's rows start out on several workers.
    frame = spark.createDataFrame(ROWS, SCHEMA).repartition(3)
    frame.createOrReplaceTempView("t")
    yield frame
    spark.catalog.dropTempView("t")


def _same(got: list[tuple], want: list[tuple]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert len(g) == len(w), (g, w)
        for a, b in zip(g, w):
            if isinstance(a, float) and isinstance(b, float):
                assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-9), (g, w)
            else:
                assert a == b, (g, w)


BY_ROW = "PARTITION BY k ORDER BY v NULLS FIRST, id"  # a total order: row-based results are deterministic
SQL = [
    f"row_number() OVER ({BY_ROW})",
    "rank() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST)",
    "dense_rank() OVER (PARTITION BY k ORDER BY v NULLS FIRST)",
    "percent_rank() OVER (PARTITION BY k ORDER BY v NULLS LAST)",
    "cume_dist() OVER (PARTITION BY k ORDER BY v DESC NULLS FIRST)",
    "rank() OVER (ORDER BY k NULLS FIRST, v NULLS FIRST)",
    f"ntile(4) OVER ({BY_ROW})",
    "ntile(100) OVER (PARTITION BY k ORDER BY id)",
    f"lag(d) OVER ({BY_ROW})",
    f"lag(d, 2, -1.0) OVER ({BY_ROW})",
    f"lead(d, 3, 0.5) OVER ({BY_ROW})",
    f"lag(s, 0) OVER ({BY_ROW})",
    f"lag(d) IGNORE NULLS OVER ({BY_ROW})",
    f"lead(d, 2) IGNORE NULLS OVER ({BY_ROW})",
    "sum(v) OVER (PARTITION BY k ORDER BY v NULLS FIRST)",
    "count(d) OVER (PARTITION BY k ORDER BY v DESC NULLS LAST)",
    "sum(d) OVER (PARTITION BY k)",
    "avg(d) OVER (PARTITION BY k)",
    "count(*) OVER (PARTITION BY k)",
    "min(s) OVER (PARTITION BY k)",
    "max(d) OVER ()",
    "stddev_samp(d) OVER (PARTITION BY k)",
    f"sum(d) OVER ({BY_ROW} ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
    f"sum(v) OVER ({BY_ROW} ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING)",
    f"avg(v) OVER ({BY_ROW} ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING)",
    f"min(d) OVER ({BY_ROW} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
    f"max(d) OVER ({BY_ROW} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
    f"min(s) OVER ({BY_ROW} ROWS BETWEEN 4 PRECEDING AND 2 FOLLOWING)",
    f"count(v) OVER ({BY_ROW} ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)",
    f"stddev_samp(d) OVER ({BY_ROW} ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING)",
    "stddev_pop(d) OVER (PARTITION BY k ORDER BY v NULLS FIRST)",
    "stddev_pop(v) OVER (PARTITION BY s ORDER BY d DESC NULLS LAST RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING)",
    "sum(d) OVER (PARTITION BY k ORDER BY v NULLS FIRST RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
    "sum(d) OVER (PARTITION BY k ORDER BY v NULLS LAST RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING)",
    "count(*) OVER (PARTITION BY k ORDER BY v DESC NULLS LAST RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)",
    "max(id) OVER (PARTITION BY k ORDER BY v DESC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
    "min(id) OVER (ORDER BY d NULLS FIRST RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING)",
    "sum(v) OVER (PARTITION BY k ORDER BY d DESC NULLS LAST RANGE BETWEEN 0.5 PRECEDING AND 2 FOLLOWING)",
    "sum(v) OVER (PARTITION BY k ORDER BY v NULLS FIRST RANGE BETWEEN 3 FOLLOWING AND 5 FOLLOWING)",
    f"first_value(d) OVER ({BY_ROW} ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING)",
    f"last_value(d) OVER ({BY_ROW} ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING)",
    f"first_value(d) IGNORE NULLS OVER ({BY_ROW})",
    f"last_value(d) IGNORE NULLS OVER ({BY_ROW} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    f"nth_value(d, 3) OVER ({BY_ROW})",
    f"nth_value(d, 2) IGNORE NULLS OVER ({BY_ROW} ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)",
    "sum(v) OVER (PARTITION BY k ORDER BY v NULLS FIRST) / 2 + count(*) OVER (PARTITION BY s)",
    "sum(v * 2) OVER (PARTITION BY k % 3 ORDER BY d * -1 NULLS FIRST, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
]


def _duckdb_dialect(query: str) -> str:
    """DuckDB writes IGNORE NULLS inside the call: ``lag(d IGNORE NULLS) OVER``."""
    return query.replace(") IGNORE NULLS OVER", " IGNORE NULLS) OVER")


@pytest.mark.parametrize("window", SQL)
def test_sql_window_functions_match_duckdb(spark, df, duck, window):
    query = f"SELECT id, {window} AS w FROM t"
    got = [tuple(r) for r in spark.sql(query).orderBy("id").collect()]
    _same(got, duck.execute(_duckdb_dialect(query) + " ORDER BY id").fetchall())


AGGREGATE_SQL = [
    "SELECT k, sum(v) AS total, rank() OVER (ORDER BY sum(v) NULLS FIRST) AS r FROM t GROUP BY k",
    "SELECT k, sum(sum(v)) OVER (ORDER BY k NULLS FIRST) AS running FROM t GROUP BY k",
    "SELECT k, s, count(*) AS n, row_number() OVER (PARTITION BY k ORDER BY count(*) DESC, s NULLS FIRST) AS r "
    "FROM t GROUP BY k, s",
    "SELECT k, max(d) - avg(max(d)) OVER (ORDER BY k NULLS LAST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS x "
    "FROM t GROUP BY k",
]


@pytest.mark.parametrize("query", AGGREGATE_SQL)
def test_windows_over_aggregates_match_duckdb(spark, df, duck, query):
    key = lambda r: tuple((v is None, v if v is not None else 0) for v in r[:2])  # noqa: E731
    got = sorted((tuple(r) for r in spark.sql(query).collect()), key=key)
    _same(got, sorted(duck.execute(query).fetchall(), key=key))


def test_order_by_may_name_a_windowed_item(spark, df, duck):
    query = "SELECT id, row_number() OVER (PARTITION BY s ORDER BY id) AS r FROM t ORDER BY r DESC, id LIMIT 5"
    _same([tuple(r) for r in spark.sql(query).collect()], duck.execute(query).fetchall())


def test_select_expr_with_over(df, duck):
    got = df.selectExpr("id", "lead(s, 2) over (partition by k order by id) as n").orderBy("id").collect()
    want = duck.execute("SELECT id, lead(s, 2) OVER (PARTITION BY k ORDER BY id) FROM t ORDER BY id").fetchall()
    _same([tuple(r) for r in got], want)


@pytest.mark.parametrize("query", [
    "SELECT k, s, sum(v) AS x, rank() OVER (PARTITION BY k ORDER BY sum(v) DESC NULLS LAST, s NULLS FIRST) AS r "
    "FROM t GROUP BY ROLLUP(k, s)",
    "SELECT k, grouping(s) AS g, sum(sum(v)) OVER (PARTITION BY grouping(s) ORDER BY k NULLS FIRST) AS c "
    "FROM t GROUP BY CUBE(k, s)",
])
def test_windows_over_grouping_sets_match_duckdb(spark, df, duck, query):
    got = sorted((tuple(r) for r in spark.sql(query).collect()), key=str)
    _same(got, sorted(duck.execute(query).fetchall(), key=str))


def test_named_window_and_shared_spec(spark, df, duck):
    query = ("SELECT id, sum(d) OVER w AS a, row_number() OVER w AS b, max(v) OVER (w ROWS BETWEEN 1 PRECEDING "
             "AND CURRENT ROW) AS c FROM t WINDOW w AS (PARTITION BY k ORDER BY v NULLS FIRST, id)")
    result = spark.sql(query)
    _same([tuple(r) for r in result.orderBy("id").collect()], duck.execute(query + " ORDER BY id").fetchall())
    physical = result._qe.physical.tree_string()
    assert physical.count("Window [") == 1 and physical.count("hashpartitioning(") == 1


def test_windows_with_one_partition_spec_share_the_exchange(df):
    by_v = Window.partitionBy("k").orderBy("v")
    by_d = Window.partitionBy("k").orderBy("d")
    result = df.select("id", F.rank().over(by_v).alias("a"), F.rank().over(by_d).alias("b"))
    physical = result._qe.physical.tree_string()
    assert physical.count("Window [") == 2 and physical.count("hashpartitioning(") == 1
    ranks_v, ranks_d = {}, {}
    for r in result.collect():
        ranks_v[r.id], ranks_d[r.id] = r.a, r.b
    for ranks, column in ((ranks_v, 2), (ranks_d, 3)):
        for row in ROWS:
            peers = [o for o in ROWS if o[1] == row[1]]
            # ASC NULLS FIRST: a NULL ranks first; a value ranks after the NULLs and the smaller values.
            before = [o for o in peers if row[column] is not None and (o[column] is None or o[column] < row[column])]
            assert ranks[row[0]] == len(before) + 1


def test_window_input_is_pruned_to_the_columns_it_needs(df):
    from ember.sql.plan import logical as L

    result = df.select("id", F.sum("d").over(Window.partitionBy("k").orderBy("v")).alias("x"),
                       F.max("v").over(Window.partitionBy("k").orderBy("id")).alias("y"))
    windows = [n for n in result._qe.optimized.walk() if isinstance(n, L.Window)]
    assert len(windows) == 2 and isinstance(windows[0].child, L.Window)
    assert [a.name for a in windows[1].child.output] == ["id", "k", "v", "d"]  # s is not shuffled
    assert result._qe.physical.tree_string().count("hashpartitioning(") == 1


def test_dataframe_api_matches_duckdb(df, duck):
    w = Window.partitionBy("k").orderBy(F.col("v").asc_nulls_first(), "id")
    result = df.select(
        "id", F.row_number().over(w), F.rank().over(Window.partitionBy("k").orderBy(F.desc("v"))),
        F.lag("d", 1, 0.0).over(w), F.lead("s").over(w), F.sum("v").over(w.rowsBetween(-2, Window.currentRow)),
        F.avg("d").over(w.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)),
        F.max("d").over(Window.partitionBy("k").orderBy("v").rangeBetween(-1, 1)),
        F.nth_value("d", 2, True).over(w), F.first("d", True).over(w), F.last("d").over(w),
        F.count("*").over(Window.orderBy("k")),
    ).orderBy("id")
    want = duck.execute(
        "SELECT id, row_number() OVER w, rank() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST), "
        "lag(d, 1, 0.0) OVER w, lead(s) OVER w, sum(v) OVER (w ROWS 2 PRECEDING), avg(d) OVER (PARTITION BY k), "
        "max(d) OVER (PARTITION BY k ORDER BY v NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING), "
        "nth_value(d, 2 IGNORE NULLS) OVER w, first_value(d IGNORE NULLS) OVER w, last_value(d) OVER w, "
        "count(*) OVER (ORDER BY k NULLS FIRST) "
        "FROM t WINDOW w AS (PARTITION BY k ORDER BY v NULLS FIRST, id) ORDER BY id").fetchall()
    _same([tuple(r) for r in result.collect()], want)


def test_with_column_and_filter_on_a_window_result(df):
    w = Window.partitionBy("k").orderBy(F.desc("d"), "id")  # DESC puts NULLs last: the largest d comes first
    top = df.withColumn("r", F.row_number().over(w)).filter(F.col("r") == 1).select("k", "d")
    values: dict = {}
    for _, k, _, d, _ in ROWS:
        values.setdefault(k, []).append(d)
    expected = {k: max((d for d in ds if d is not None), default=None) for k, ds in values.items()}
    assert sorted(((r.k, r.d) for r in top.collect()), key=str) == sorted(expected.items(), key=str)


def test_groupby_agg_with_a_window(df):
    out = df.groupBy("k").agg(F.count("*").alias("n"), F.rank().over(Window.orderBy(F.count("*"))).alias("r"))
    counts: dict = {}
    for row in ROWS:
        counts[row[1]] = counts.get(row[1], 0) + 1
    ordered = sorted(counts.values())
    assert sorted((r.n, r.r) for r in out.collect()) == sorted((n, ordered.index(n) + 1) for n in counts.values())


def test_windows_see_the_rows_a_generator_made(spark):
    data = spark.createDataFrame([(1, [1, 2, 3]), (2, [4])], "k INT, arr ARRAY<INT>")
    data.createOrReplaceTempView("g")
    try:
        got = spark.sql("SELECT k, explode(arr) AS x, row_number() OVER (ORDER BY k) AS r FROM g").collect()
    finally:
        spark.catalog.dropTempView("g")
    # PySpark 4 numbers the four exploded rows 1..4 (the three of k = 1 in some order).
    assert sorted((r.k, r.r) for r in got) == [(1, 1), (1, 2), (1, 3), (2, 4)]
    assert sorted(r.x for r in got) == [1, 2, 3, 4]


def test_ignore_nulls_outside_windows(spark):
    spark.createDataFrame([(1, None), (1, 3.0), (2, None)], "k INT, d DOUBLE").createOrReplaceTempView("n")
    try:
        got = spark.sql("SELECT k, first(d, true) AS f, last(d) IGNORE NULLS AS l FROM n GROUP BY k").collect()
        assert sorted(tuple(r) for r in got) == [(1, 3.0, 3.0), (2, None, None)]
        with pytest.raises(AnalysisException, match=r"\[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE\]"):
            spark.sql("SELECT lag(d) IGNORE NULLS FROM n")
    finally:
        spark.catalog.dropTempView("n")


def test_empty_input_gives_no_rows(spark):
    empty = spark.createDataFrame([], "k INT, v INT")
    result = empty.select(F.row_number().over(Window.partitionBy("k").orderBy("v")).alias("r"),
                          F.sum("v").over(Window.orderBy("v")).alias("s"))
    assert result.collect() == []
    assert result.columns == ["r", "s"]


def test_all_null_frames_give_null_sums_and_zero_counts(spark):
    data = spark.createDataFrame([(1, None), (1, None), (2, 5)], "k INT, x INT")
    w = Window.partitionBy("k")
    out = data.select("k", F.sum("x").over(w).alias("s"), F.avg("x").over(w).alias("a"),
                      F.min("x").over(w).alias("lo"), F.max("x").over(w).alias("hi"), F.count("x").over(w).alias("n"))
    assert sorted(tuple(r) for r in out.collect()) == [(1, None, None, None, None, 0), (1, None, None, None, None, 0),
                                                       (2, 5, 5.0, 5, 5, 1)]


def test_infinities_and_nan_in_sliding_sums(spark):
    data = spark.createDataFrame([(i, x) for i, x in enumerate([1.0, math.inf, 2.0, -math.inf, 3.0, math.nan, 4.0, 5.0])],
                                 "i INT, x DOUBLE")
    out = data.select("i", F.sum("x").over(Window.orderBy("i").rowsBetween(-1, 0)).alias("s")).orderBy("i").collect()
    got = [r.s for r in out]
    assert got[:5] == [1.0, math.inf, math.inf, -math.inf, -math.inf]
    assert math.isnan(got[5]) and math.isnan(got[6]) and got[7] == 9.0


def test_dates_order_a_range_frame_in_days(spark):
    import datetime

    days = [datetime.date(2024, 1, d) for d in (1, 2, 2, 4, 7, 8)]
    data = spark.createDataFrame([(d, i + 1) for i, d in enumerate(days)], "day DATE, x INT")
    w = Window.orderBy("day").rangeBetween(-1, 0)
    got = sorted((r.day.day, r.s) for r in data.select("day", F.sum("x").over(w).alias("s")).collect())
    assert got == [(1, 1), (2, 6), (2, 6), (4, 4), (7, 5), (8, 11)]  # as PySpark 4 gives
    with pytest.raises(AnalysisException, match=r"\[DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE\]"):
        data.select(F.sum("x").over(Window.orderBy("day").rangeBetween(-1.5, 0)))


# Checked on PySpark 4 with this table: k INT, v INT, d DOUBLE over (1,1,1.0), (1,NULL,2.0), (2,3,NULL), (NULL,4,5.0).
PYSPARK_TABLE = [(1, 1, 1.0), (1, None, 2.0), (2, 3, None), (None, 4, 5.0)]


def test_column_names_are_sparks(spark):
    data = spark.createDataFrame(PYSPARK_TABLE, "k INT, v INT, d DOUBLE")
    w = Window.partitionBy("k").orderBy("v")
    names = data.select(F.row_number().over(w), F.cume_dist().over(w), F.lag("d", 2, 0.0).over(w),
                        F.nth_value("d", 2, True).over(w), F.avg("d").over(Window.partitionBy("k")),
                        F.min("d").over(w.rowsBetween(-1, 1)), F.count("*").over(w)).columns
    assert names == [
        "row_number() OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "cume_dist() OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "lag(d, 2, 0.0) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN -2 FOLLOWING AND -2 FOLLOWING)",
        "nth_value(d, 2) ignore nulls OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST RANGE BETWEEN UNBOUNDED "
        "PRECEDING AND CURRENT ROW)",
        "avg(d) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
        "min(d) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND 1 FOLLOWING)",
        "count(1) OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    ]
    data.createOrReplaceTempView("p")
    sql_names = spark.sql("SELECT RANK() OVER (ORDER BY v), sum(v) OVER (ORDER BY v ROWS 1 PRECEDING), "
                          "sum(v) OVER (), sum(v) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING), "
                          "sum(v) OVER (ORDER BY d RANGE BETWEEN 1.5 PRECEDING AND 2 FOLLOWING) FROM p").columns
    spark.catalog.dropTempView("p")
    assert sql_names == ["RANK() OVER (ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
                         "sum(v) OVER (ORDER BY v ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
                         "sum(v) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
                         "sum(v) OVER (ORDER BY v ASC NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)",
                         "sum(v) OVER (ORDER BY d ASC NULLS FIRST RANGE BETWEEN (- 1.5) FOLLOWING AND 2 FOLLOWING)"]


def test_values_checked_on_pyspark(spark):
    data = spark.createDataFrame(PYSPARK_TABLE, "k INT, v INT, d DOUBLE")
    data.createOrReplaceTempView("p")
    try:
        got = spark.sql("SELECT v, sum(v) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a, "
                        "sum(v) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS b, "
                        "lag(d) IGNORE NULLS OVER (ORDER BY v) AS c, ntile(3) OVER (ORDER BY v) AS e, "
                        "nth_value(d, 2) IGNORE NULLS OVER (ORDER BY v) AS f FROM p").collect()
        assert sorted((tuple(r) for r in got), key=lambda r: (r[0] is not None, r[0] or 0)) == [
            (None, None, 4, None, 1, None), (1, 1, 8, 2.0, 1, 1.0), (3, 7, 8, 1.0, 2, 1.0), (4, 7, 7, 1.0, 3, 1.0)]
        more = spark.sql("SELECT v, stddev(d) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS sd, "
                         "first_value(d) OVER (ORDER BY v) AS fv, last_value(d) OVER (ORDER BY v) AS lv FROM p")
        assert sorted((tuple(r) for r in more.collect()), key=lambda r: (r[0] is not None, r[0] or 0)) == [
            (None, pytest.approx(0.7071067811865476), 2.0, 2.0), (1, pytest.approx(0.7071067811865476), 2.0, 1.0),
            (3, pytest.approx(2.8284271247461903), 2.0, None), (4, None, 2.0, 5.0)]
        lists = data.select("v", F.collect_list("d").over(Window.orderBy("v").rowsBetween(1, 2)).alias("l"))
        assert sorted((tuple(r) for r in lists.collect()), key=lambda r: (r[0] is not None, r[0] or 0)) == [
            (None, [1.0]), (1, [5.0]), (3, [5.0]), (4, [])]
        ranked = spark.sql("SELECT k, rank() OVER (ORDER BY sum(v) DESC) AS r FROM p GROUP BY k").collect()
        assert sorted((tuple(r) for r in ranked), key=lambda r: r[1]) == [(None, 1), (2, 2), (1, 3)]
    finally:
        spark.catalog.dropTempView("p")


ERRORS = [
    ("SELECT row_number() OVER (PARTITION BY k) FROM t", "WINDOW_FUNCTION_FRAME_NOT_ORDERED"),
    ("SELECT rank() OVER () FROM t", "WINDOW_FUNCTION_FRAME_NOT_ORDERED"),
    ("SELECT lag(v) OVER (PARTITION BY k) FROM t", "WINDOW_FUNCTION_FRAME_NOT_ORDERED"),
    ("SELECT * FROM t WHERE row_number() OVER (ORDER BY v) = 1", "WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE"),
    ("SELECT k FROM t GROUP BY k HAVING rank() OVER (ORDER BY k) = 1", "WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE"),
    ("SELECT sum(v) OVER (ORDER BY v ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t",
     "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON"),
    ("SELECT sum(v) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t",
     "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_INVALID_BOUND"),
    ("SELECT sum(v) OVER (ORDER BY v, d RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
     "DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER"),
    ("SELECT sum(v) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
     "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE"),
    ("SELECT sum(v) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t", "DATATYPE_MISMATCH.RANGE_FRAME_WITHOUT_ORDER"),
    ("SELECT row_number() OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t", "_LEGACY_ERROR_TEMP_1036"),
    ("SELECT lag(v) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t", "_LEGACY_ERROR_TEMP_1035"),
    ("SELECT upper(s) OVER (ORDER BY v) FROM t", "UNSUPPORTED_EXPR_FOR_WINDOW"),
    ("SELECT ntile(0) OVER (ORDER BY v) FROM t", "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE"),
    ("SELECT sum(v) OVER w FROM t", "MISSING_WINDOW_SPECIFICATION"),
    ("SELECT count(DISTINCT v) OVER (PARTITION BY k) FROM t", "DISTINCT_WINDOW_FUNCTION_UNSUPPORTED"),
    ("SELECT sum(row_number() OVER (ORDER BY v)) FROM t", "_LEGACY_ERROR_TEMP_1031"),
    ("SELECT k, sum(v) OVER (ORDER BY v) FROM t GROUP BY k", "MISSING_AGGREGATION"),
    ("SELECT row_number() FROM t", "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE"),
    ("SELECT s FROM t ORDER BY row_number() OVER (ORDER BY v DESC)", "UNSUPPORTED_EXPR_FOR_OPERATOR"),
]


@pytest.mark.parametrize("query,error_class", ERRORS)
def test_sql_errors_have_sparks_error_class(spark, df, query, error_class):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.error_class == error_class


def test_dataframe_errors_have_sparks_error_class(df):
    with pytest.raises(AnalysisException, match=r"\[WINDOW_FUNCTION_FRAME_NOT_ORDERED\]"):
        df.select(F.rank().over(Window.partitionBy("k")))
    with pytest.raises(AnalysisException, match=r"\[WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE\].*WHERE"):
        df.filter(F.row_number().over(Window.orderBy("v")) == 1)
    with pytest.raises(AnalysisException, match=r"SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON.*ROWS BETWEEN 5 FOLLOWING"):
        df.select(F.sum("v").over(Window.orderBy("v").rowsBetween(5, 1)))
    with pytest.raises(AnalysisException, match=r"RANGE_FRAME_MULTI_ORDER"):
        df.select(F.sum("v").over(Window.orderBy("v", "d").rangeBetween(-1, 0)))
    with pytest.raises(AnalysisException, match=r"\[UNSUPPORTED_EXPR_FOR_OPERATOR\].*Sort"):
        df.orderBy(F.row_number().over(Window.orderBy("v")))


def test_streamed_chunks_cut_at_window_partition_boundaries():
    import pyarrow as pa

    from ember.sql import expressions as E
    from ember.sql import types as T
    from ember.sql.physical.window import window_partition

    rng = random.Random(3)
    pairs = sorted((rng.randrange(20), rng.randrange(50)) for _ in range(500))
    table = pa.table({"k": [p[0] for p in pairs], "v": [p[1] for p in pairs]})
    key, value = E.BoundReference(0, T.LongType()), E.BoundReference(1, T.LongType())
    orders = (E.SortOrder(value),)
    spec = E.WindowSpecDefinition((key,), orders)
    windows = [E.WindowExpression(E.RowNumber(), spec).coerce(),
               E.WindowExpression(E.Sum(value), E.WindowSpecDefinition((key,), orders, E.WindowFrame("rows", -2, 2)))]
    schema = pa.schema(list(table.schema) + [pa.field("r", pa.int32()), pa.field("s", pa.int64())])

    def run(chunk_rows: int) -> list[pa.RecordBatch]:
        return list(window_partition(iter(table.to_batches(max_chunksize=37)), table.schema, [key], orders, windows,
                                     schema, chunk_rows=chunk_rows))

    streamed, whole = run(50), run(10**9)
    assert len(streamed) > 5 and len(whole) == 1
    assert pa.Table.from_batches(streamed).equals(pa.Table.from_batches(whole))
    starts = {}
    for i, (k, _) in enumerate(pairs):
        starts.setdefault(k, i)
    assert pa.Table.from_batches(whole).column("r").to_pylist() == [i - starts[k] + 1 for i, (k, _) in enumerate(pairs)]


def test_long_sums_are_exact_and_overflow_raises(spark):
    from ember.sql.errors import ArithmeticException

    big = 2**62
    data = spark.createDataFrame([(1, big), (2, big), (3, -big), (4, 5)], "i INT, x LONG")
    sliding = data.select("i", F.sum("x").over(Window.orderBy("i").rowsBetween(-1, 0)).alias("s"))
    with pytest.raises(ArithmeticException, match=r"\[ARITHMETIC_OVERFLOW\]"):
        sliding.collect()  # 2**62 + 2**62 does not fit a long
    shifted = data.select("i", F.sum("x").over(Window.orderBy("i").rowsBetween(0, 0)).alias("s"))
    assert [r.s for r in shifted.orderBy("i").collect()] == [big, big, -big, 5]
    later = data.filter("i >= 2").select("i", F.sum("x").over(Window.orderBy("i")).alias("s"))
    assert [r.s for r in later.orderBy("i").collect()] == [big, 0, 5]


# --- spilling: a task's window input beyond its memory budget goes to disk by window partition

def _keyed_batches(rows: int = 60_000, keys: int = 300, per_batch: int = 4_000) -> list:
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(5)
    ids = rng.permutation(rows)
    return [pa.RecordBatch.from_pydict({"id": ids[i:i + per_batch], "k": ids[i:i + per_batch] % keys})
            for i in range(0, rows, per_batch)]


def test_window_buffer_spills_whole_window_partitions(tmp_path):
    import os

    from ember.memory import TaskMemory
    from ember.sql import expressions as E
    from ember.sql import types as T
    from ember.sql.physical.window_buffer import WindowBuffer
    from ember.task_metrics import TaskMetrics

    batches = _keyed_batches()
    metrics = TaskMetrics()
    buffer = WindowBuffer(batches[0].schema, [E.BoundReference(1, T.LongType())], TaskMemory(64 << 10, str(tmp_path)),
                          metrics)
    for batch in batches:
        buffer.add(batch)
    groups = list(buffer.groups())
    assert buffer.spill_count >= 1 and buffer.bytes_spilled > 0
    assert (metrics.spill_count, metrics.bytes_spilled) == (buffer.spill_count, buffer.bytes_spilled)
    assert len(groups) > 1
    keys_per_group = [set(g.column("k").to_pylist()) for g in groups]
    assert sum(len(k) for k in keys_per_group) == len(set().union(*keys_per_group)) == 300  # each key in one group
    assert sorted(i for g in groups for i in g.column("id").to_pylist()) == list(range(60_000))
    assert os.listdir(tmp_path) == []


def test_buckets_larger_than_the_budget_are_split_again(tmp_path):
    from ember.memory import TaskMemory
    from ember.sql import expressions as E
    from ember.sql import types as T
    from ember.sql.physical.window_buffer import WindowBuffer

    batches = _keyed_batches()
    buffer = WindowBuffer(batches[0].schema, [E.BoundReference(1, T.LongType())], TaskMemory(8 << 10, str(tmp_path)))
    for batch in batches:
        buffer.add(batch)
    groups = list(buffer.groups())
    assert len(groups) > 16 and buffer.spill_count > 1  # 16 buckets of ~60 KB each, over an 8 KB budget
    keys_per_group = [set(g.column("k").to_pylist()) for g in groups]
    assert sum(len(k) for k in keys_per_group) == len(set().union(*keys_per_group)) == 300
    assert sum(g.num_rows for g in groups) == 60_000


def test_spilled_windows_equal_in_memory_windows(tmp_path):
    import pyarrow as pa

    from ember.memory import TaskMemory
    from ember.sql import expressions as E
    from ember.sql import types as T
    from ember.sql.physical.window import window_rows

    batches = _keyed_batches()
    ident, key = E.BoundReference(0, T.LongType()), E.BoundReference(1, T.LongType())
    orders = (E.SortOrder(ident),)
    spec = E.WindowSpecDefinition((key,), orders)
    windows = [E.WindowExpression(E.RowNumber(), spec).coerce(),
               E.WindowExpression(E.Sum(ident), E.WindowSpecDefinition((key,), orders, E.WindowFrame("rows", -2, 0)))]
    schema = pa.schema(list(batches[0].schema) + [pa.field("r", pa.int32()), pa.field("s", pa.int64())])

    def run(memory: TaskMemory) -> pa.Table:
        out = pa.Table.from_batches(list(window_rows(iter(batches), batches[0].schema, [key], orders, windows, schema,
                                                     memory)))
        return out.sort_by("id")

    whole = run(TaskMemory.unbounded())
    assert run(TaskMemory(64 << 10, str(tmp_path))).equals(whole)
    assert run(TaskMemory(8 << 10, str(tmp_path))).equals(whole)  # buckets split again
    ids = whole.column("id").to_numpy()
    assert (whole.column("r").to_numpy() == ids // 300 + 1).all()  # ids of one key are 300 apart


def test_windows_on_workers_with_little_memory_are_exact(make_context):
    from ember.scheduler.listener import JobMetricsListener
    from ember.sql import SparkSession

    context = make_context("local[2]", {"spark.executor.memory": "1m"})
    listener = JobMetricsListener()
    context._listeners.add(listener)
    session = SparkSession(context)
    session.conf.set("spark.sql.shuffle.partitions", "2")
    n = 200_000
    data = session.range(n, numPartitions=4).select("id", (F.col("id") % 1000).alias("k"))
    data.repartition(2).toArrow()
    assert listener.spill_count == 0  # moving the rows alone does not spill, so the spills below are the window's
    w = Window.partitionBy("k").orderBy("id")
    got = data.select("id", F.row_number().over(w).alias("r"), F.sum("id").over(w.rowsBetween(-1, 0)).alias("s"))
    table = got.toArrow().sort_by("id")
    ids = table.column("id").to_numpy()
    assert (table.column("r").to_numpy() == ids // 1000 + 1).all()
    assert (table.column("s").to_numpy() == ids + (ids - 1000) * (ids >= 1000)).all()
    assert listener.spill_count >= 1


def test_unkeyed_windows_are_kept_in_memory_and_exact(tmp_path):
    import pyarrow as pa

    from ember.memory import TaskMemory
    from ember.sql import expressions as E
    from ember.sql import types as T
    from ember.sql.physical.window import window_rows

    batches = _keyed_batches(rows=20_000)
    ident = E.BoundReference(0, T.LongType())
    windows = [E.WindowExpression(E.Rank(), E.WindowSpecDefinition((), (E.SortOrder(ident, False),))).coerce()]
    schema = pa.schema(list(batches[0].schema) + [pa.field("r", pa.int32())])
    out = pa.Table.from_batches(list(window_rows(iter(batches), batches[0].schema, [], windows[0].spec.orders, windows,
                                                 schema, TaskMemory(16 << 10, str(tmp_path))))).sort_by("id")
    assert out.column("r").to_pylist() == list(range(20_000, 0, -1))  # one window partition cannot be split


def test_nan_is_above_every_number_in_window_orders(spark):
    nan = float("nan")
    data = spark.createDataFrame([(1, 1.0), (2, nan), (3, 2.0), (4, None), (5, nan)], "i INT, d DOUBLE")
    out = data.select("i", F.rank().over(Window.orderBy(F.desc("d"))).alias("down"),
                      F.rank().over(Window.orderBy("d")).alias("up"),
                      F.count("*").over(Window.orderBy(F.desc("d")).rangeBetween(-1, 0)).alias("near"))
    got = {r.i: (r.down, r.up, r.near) for r in out.collect()}
    # As PySpark 4 gives: DESC NULLS LAST puts NaN first; ASC NULLS FIRST puts NULL first and NaN
    # last. NaN rows frame their NaN peers; 2.0 - 1 reaches 1.0.
    assert got == {2: (1, 4, 2), 5: (1, 4, 2), 3: (3, 3, 1), 1: (4, 2, 2), 4: (5, 1, 1)}
    ordered = [r.i for r in data.orderBy(F.desc("d"), "i").collect()]
    assert ordered == [2, 5, 3, 1, 4]
