"""Subqueries and joins through spark.sql, each compared with DuckDB on the same tables.

The tables hold NULLs on both sides of every comparison, duplicate keys and an empty table,
so that IN / NOT IN / EXISTS show their three-valued logic. Results are compared as
multisets (none of these queries orders its rows).
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pytest

from ember.sql.errors import AnalysisException, SparkRuntimeException

T = pa.table({"k": pa.array([1, 2, 3, None, 2, 5], pa.int32()),
              "v": pa.array([10, 20, 30, 40, None, 60], pa.int64()),
              "s": ["a", "b", "c", "d", "e", None]})
D = pa.table({"k": pa.array([2, 3, None, 3, 7], pa.int32()), "w": pa.array([1, 2, 3, 4, 5], pa.int64())})
EMPTY = pa.table({"k": pa.array([], pa.int32()), "w": pa.array([], pa.int64())})
TABLES = {"sq_t": (T, "k INT, v BIGINT, s STRING"), "sq_d": (D, "k INT, w BIGINT"),
          "sq_e": (EMPTY, "k INT, w BIGINT")}


@pytest.fixture(scope="module")
def duck(spark):
    con = duckdb.connect()
    for name, (table, ddl) in TABLES.items():
        spark.createDataFrame(table.to_pylist(), ddl).createOrReplaceTempView(name)
        con.register(name, table)
    yield con
    con.close()


def _multiset(rows) -> list[tuple]:
    return sorted((tuple(r) for r in rows), key=lambda r: tuple((x is None, str(x)) for x in r))


def _same_as_duckdb(spark, duck, query: str, duck_query: str | None = None) -> None:
    expected = _multiset(duck.execute(duck_query or query).fetchall())
    assert _multiset(spark.sql(query).collect()) == expected


SUBQUERIES = [
    # IN / NOT IN with NULLs on either side and an empty subquery
    "SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d)",
    "SELECT k FROM sq_t WHERE k NOT IN (SELECT k FROM sq_d)",
    "SELECT k FROM sq_t WHERE k NOT IN (SELECT k FROM sq_d WHERE k IS NOT NULL)",
    "SELECT k FROM sq_t WHERE k NOT IN (SELECT k FROM sq_e)",
    "SELECT k FROM sq_t WHERE (k, v) IN (SELECT k, w * 10 FROM sq_d)",
    "SELECT k FROM sq_t WHERE k = ANY (SELECT k FROM sq_d)",
    # correlated IN / NOT IN (non-equality correlation)
    "SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d WHERE sq_d.w > sq_t.v / 20)",
    "SELECT k FROM sq_t WHERE k NOT IN (SELECT k FROM sq_d WHERE sq_d.w > sq_t.v / 20)",
    # EXISTS / NOT EXISTS, equality and non-equality correlation
    "SELECT k, v FROM sq_t WHERE EXISTS (SELECT 1 FROM sq_d WHERE sq_d.k = sq_t.k)",
    "SELECT k, v FROM sq_t WHERE NOT EXISTS (SELECT 1 FROM sq_d WHERE sq_d.k = sq_t.k)",
    "SELECT k, v FROM sq_t WHERE NOT EXISTS (SELECT 1 FROM sq_d WHERE sq_d.k = sq_t.k AND sq_d.w > sq_t.v / 10)",
    "SELECT k FROM sq_t WHERE EXISTS (SELECT 1 FROM sq_e)",
    "SELECT k FROM sq_t WHERE NOT EXISTS (SELECT 1 FROM sq_e)",
    # scalar subqueries: uncorrelated, correlated, the count bug, empty result
    "SELECT k, v, (SELECT max(w) FROM sq_d) FROM sq_t",
    "SELECT k, v, (SELECT max(w) FROM sq_d WHERE sq_d.k = sq_t.k) FROM sq_t",
    "SELECT k, v, (SELECT count(*) FROM sq_d WHERE sq_d.k = sq_t.k) AS c FROM sq_t",
    "SELECT k, v, (SELECT count(*) + 1 FROM sq_d WHERE sq_d.k = sq_t.k) AS c FROM sq_t",
    "SELECT k FROM sq_t WHERE v > (SELECT avg(w) * 10 FROM sq_d)",
    "SELECT k FROM sq_t WHERE v > (SELECT sum(w) FROM sq_d WHERE sq_d.k = sq_t.k)",
    "SELECT k FROM sq_t WHERE v = (SELECT w FROM sq_d WHERE k = 7)",
    "SELECT k FROM sq_t WHERE v = (SELECT w FROM sq_d WHERE k = 99)",
    # subqueries outside a conjunct: select list, under OR
    "SELECT k, k IN (SELECT k FROM sq_d) FROM sq_t",
    "SELECT k, k IN (SELECT k FROM sq_d WHERE k IS NOT NULL) FROM sq_t",
    "SELECT k, k IN (SELECT k FROM sq_e) FROM sq_t",
    "SELECT k, EXISTS (SELECT 1 FROM sq_d WHERE sq_d.k = sq_t.k) FROM sq_t",
    "SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d) OR v > 50",
    "SELECT k FROM sq_t WHERE EXISTS (SELECT 1 FROM sq_d WHERE sq_d.k = sq_t.k) OR v > 50",
    # HAVING, nesting, a subquery over the outer query's own table
    "SELECT k, count(*) FROM sq_t GROUP BY k HAVING count(*) > (SELECT count(*) FROM sq_e)",
    "SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d WHERE w > (SELECT min(w) FROM sq_d))",
    "SELECT k FROM sq_t a WHERE v < (SELECT max(v) FROM sq_t b WHERE b.k = a.k)",
    "SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d WHERE sq_d.w IN (SELECT w FROM sq_d WHERE w > 2))",
]


@pytest.mark.parametrize("query", SUBQUERIES)
def test_subquery_gives_duckdbs_answer(spark, duck, query):
    _same_as_duckdb(spark, duck, query)


JOINS = [
    ("SELECT sq_t.k, sq_d.w FROM sq_t LEFT JOIN sq_d ON sq_t.k = sq_d.k AND sq_d.w > 1", None),
    ("SELECT sq_t.k, sq_d.w FROM sq_t RIGHT JOIN sq_d ON sq_t.k = sq_d.k AND sq_t.v > 15", None),
    ("SELECT sq_t.k, sq_d.w FROM sq_t FULL JOIN sq_d ON sq_t.k < sq_d.k", None),
    ("SELECT sq_t.k, sq_d.w FROM sq_t JOIN sq_d ON sq_t.k < sq_d.k", None),
    ("SELECT sq_t.k, sq_d.w FROM sq_t LEFT JOIN sq_d ON sq_t.v > sq_d.w * 10", None),
    ("SELECT sq_t.k FROM sq_t LEFT ANTI JOIN sq_d ON sq_t.k = sq_d.k",
     "SELECT sq_t.k FROM sq_t ANTI JOIN sq_d ON sq_t.k = sq_d.k"),
    ("SELECT sq_t.k FROM sq_t LEFT SEMI JOIN sq_d ON sq_t.k = sq_d.k",
     "SELECT sq_t.k FROM sq_t SEMI JOIN sq_d ON sq_t.k = sq_d.k"),
    ("SELECT sq_t.k, sq_d.w FROM sq_t JOIN sq_d ON sq_t.k <=> sq_d.k",
     "SELECT sq_t.k, sq_d.w FROM sq_t JOIN sq_d ON sq_t.k IS NOT DISTINCT FROM sq_d.k"),
    ("SELECT a.k, b.k FROM sq_t a, sq_t b, sq_d WHERE a.k = sq_d.k AND b.v = sq_d.w * 10", None),
    ("SELECT a.k, c.w FROM sq_t a, sq_d b, sq_d c WHERE a.k = c.k AND b.w = c.w AND a.v > 10", None),
    ("WITH a AS (SELECT k FROM sq_t) SELECT x.k, y.k FROM a x JOIN a y ON x.k = y.k + 1", None),
]


@pytest.mark.parametrize("query,duck_query", JOINS)
def test_join_gives_duckdbs_answer(spark, duck, query, duck_query):
    _same_as_duckdb(spark, duck, query, duck_query)


def test_comma_joins_are_planned_as_joins_with_keys_not_cross_products(spark, duck):
    df = spark.sql("SELECT a.k, b.w FROM sq_t a, sq_d c, sq_d b WHERE a.k = b.k AND c.w = b.w")
    plan = df._qe.physical.tree_string()
    assert "Cross" not in plan and plan.count("HashJoin") == 2
    _same_as_duckdb(spark, duck, "SELECT a.k, b.w FROM sq_t a, sq_d c, sq_d b WHERE a.k = b.k AND c.w = b.w")


def test_reordered_join_keeps_the_column_order_of_the_query(spark, duck):
    df = spark.table("sq_t").crossJoin(spark.table("sq_d").withColumnRenamed("k", "dk")).filter("k = dk")
    assert df.columns == ["k", "v", "s", "dk", "w"]
    expected = duck.execute("SELECT * FROM sq_t JOIN sq_d ON sq_t.k = sq_d.k").fetchall()
    assert _multiset(df.collect()) == _multiset(expected)


def test_scalar_subquery_with_several_rows_fails_as_spark_does_and_the_session_stays_usable(spark, duck):
    with pytest.raises(SparkRuntimeException) as info:
        spark.sql("SELECT k FROM sq_t WHERE v = (SELECT w FROM sq_d)").collect()
    assert info.value.getCondition() == "SCALAR_SUBQUERY_TOO_MANY_ROWS"
    assert spark.sql("SELECT count(*) FROM sq_t").collect()[0][0] == 6


@pytest.mark.parametrize("query,error_class", [
    ("SELECT k FROM sq_t WHERE v = (SELECT k, w FROM sq_d)",
     "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN"),
    ("SELECT k FROM sq_t WHERE (k, v) IN (SELECT k FROM sq_d)", "DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH"),
    ("SELECT k FROM sq_t WHERE v > (SELECT sum(w) FROM sq_d WHERE sq_d.k > sq_t.k)",
     "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE"),
    ("SELECT k FROM sq_t WHERE v = (SELECT w FROM sq_d WHERE sq_d.k = sq_t.k)",
     "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY"),
    ("SELECT k FROM sq_t WHERE k IN (SELECT k FROM sq_d WHERE sq_d.w = sq_t.v) OR v > 1",
     "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY"),
    ("SELECT k FROM sq_t WHERE k IN (SELECT nope FROM sq_d)", "UNRESOLVED_COLUMN.WITH_SUGGESTION"),
])
def test_unsupported_or_invalid_subquery_is_refused_with_its_error_class(spark, duck, query, error_class):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query).collect()
    assert info.value.getCondition() == error_class


def test_subquery_in_dataframe_expression_text_is_refused_by_name(spark, duck):
    from ember.sql.errors import ParseException

    with pytest.raises(ParseException, match="Subqueries are supported in SQL queries only"):
        spark.table("sq_t").filter("k IN (SELECT k FROM sq_d)")


def test_null_safe_equality_is_a_hash_join_key_that_matches_null_to_null(spark, duck):
    query = "SELECT sq_t.k FROM sq_t LEFT ANTI JOIN sq_d ON sq_t.k <=> sq_d.k"
    physical = spark.sql(query)._qe.physical.tree_string()
    assert re.search(r"HashJoin \[\(k#\d+ IS NULL\), coalesce\(k#\d+, 0\)\]", physical), physical
    _same_as_duckdb(spark, duck, "SELECT sq_t.k FROM sq_t LEFT ANTI JOIN sq_d ON sq_t.k <=> sq_d.k",
                    "SELECT sq_t.k FROM sq_t ANTI JOIN sq_d ON sq_t.k IS NOT DISTINCT FROM sq_d.k")


def test_a_cached_view_read_twice_in_one_query_is_read_from_the_cache_under_both_names(spark):
    df = spark.range(10).selectExpr("id", "id % 3 AS g").cache()
    df.createOrReplaceTempView("sq_cached")
    assert df.count() == 10
    query = spark.sql("SELECT a.g, count(*) AS n FROM sq_cached a JOIN sq_cached b ON a.id = b.id + 1 "
                      "WHERE b.g IN (SELECT g FROM sq_cached WHERE id < 2) GROUP BY a.g ORDER BY a.g")
    assert "InMemory" in query._qe.physical.tree_string()
    # b.g in (0, 1): b.id in {0, 1, 3, 4, 6, 7, 9}; a.id = b.id + 1 < 10: {1, 2, 4, 5, 7, 8}
    assert [tuple(r) for r in query.collect()] == [(1, 3), (2, 3)]
    df.unpersist()


def test_a_scalar_subquery_comparison_does_not_keep_unread_columns_of_the_outer_table(spark, tmp_path):
    spark.createDataFrame(T.to_pylist(), "k INT, v BIGINT, s STRING").write.parquet(str(tmp_path / "wide"))
    spark.read.parquet(str(tmp_path / "wide")).createOrReplaceTempView("sq_wide")
    df = spark.sql("SELECT k FROM sq_wide WHERE v > (SELECT avg(v) FROM sq_wide)")
    scans = [line for line in df._qe.physical.tree_string().splitlines() if "FileScan" in line]
    assert len(scans) == 2 and all("s#" not in line.split("]")[0] for line in scans), scans
    assert sorted((r[0] for r in df.collect()), key=str) == [5, None]  # v 40 and 60 exceed the mean 32


def test_cartesian_products_finds_keyless_joins_of_many_rows_but_not_one_row_sides(spark, duck):
    from ember.sql.physical.plan import cartesian_products

    cross = spark.sql("SELECT a.k, b.w FROM sq_t a, sq_d b WHERE a.k < b.w")
    assert len(cartesian_products(cross._qe.physical)) == 1
    scalar = spark.sql("SELECT k FROM sq_t WHERE v > (SELECT avg(w) FROM sq_d) AND k NOT IN (SELECT k FROM sq_d)")
    assert cartesian_products(scalar._qe.physical) == []
    assert cartesian_products(spark.sql("SELECT a.k FROM sq_t a, sq_d b WHERE a.k = b.k")._qe.physical) == []
