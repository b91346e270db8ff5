"""``spark.sql``: queries over temporary views compared with DuckDB on the same rows, the
catalog, and Spark's parse and analysis errors (docs/reliability.md#sql-errors)."""

from __future__ import annotations

import duckdb
import pytest

from ember.sql import AnalysisException, ParseException, Row

T_ROWS = [(1, "x", 2.0), (2, "y", None), (2, "z", 1.0), (None, "n", 4.0), (3, None, 0.5)]
U_ROWS = [(2, "two"), (3, "three"), (3, "drei"), (None, "none")]


@pytest.fixture
def duck(spark):
    spark.createDataFrame(T_ROWS, "k INT, s STRING, d DOUBLE").createOrReplaceTempView("t")
    spark.createDataFrame(U_ROWS, "k INT, name STRING").createOrReplaceTempView("u")
    con = duckdb.connect()
    con.execute("create table t(k int, s varchar, d double)")
    con.executemany("insert into t values (?, ?, ?)", T_ROWS)
    con.execute("create table u(k int, name varchar)")
    con.executemany("insert into u values (?, ?)", U_ROWS)
    yield con
    spark.catalog.dropTempView("t")
    spark.catalog.dropTempView("u")


def _key(t):
    return tuple((v is None, str(v)) for v in t)


ORDERED = [
    "SELECT k, count(*) AS n, sum(d) AS total FROM t GROUP BY k HAVING count(*) >= 1 ORDER BY n DESC, k NULLS FIRST",
    "SELECT s FROM t WHERE d > 1 ORDER BY d",
    "SELECT * FROM t LEFT JOIN u USING (k) ORDER BY k NULLS FIRST, name NULLS FIRST, s",
    "WITH a AS (SELECT k, d FROM t WHERE k IS NOT NULL) SELECT k, max(d) AS m FROM a GROUP BY k ORDER BY 2 DESC",
    "SELECT upper(s) AS us, CASE WHEN d > 1 THEN 'big' ELSE 'small' END AS size FROM t ORDER BY us NULLS FIRST",
    "SELECT k FROM t ORDER BY d DESC NULLS LAST LIMIT 2",
    "SELECT s, d FROM t ORDER BY k DESC NULLS LAST, s",
]
UNORDERED = [
    "SELECT t.k, u.name FROM t JOIN u ON t.k = u.k",
    "SELECT t.s, u.name FROM t FULL OUTER JOIN u ON t.k = u.k",
    "SELECT t.s, u.name FROM t RIGHT JOIN u ON t.k = u.k AND u.name <> 'drei'",
    "SELECT k FROM t UNION SELECT k FROM u",
    "SELECT k FROM t UNION ALL SELECT k FROM u",
    "SELECT k FROM t INTERSECT SELECT k FROM u",
    "SELECT k FROM t EXCEPT SELECT k FROM u",
    "SELECT x.k, x.s FROM (SELECT k, s FROM t WHERE k > 1) x",
    "SELECT DISTINCT k FROM t",
    "SELECT k, sum(d) FROM t GROUP BY k HAVING sum(d) > 1.5",
    "SELECT k, count(DISTINCT s) AS c FROM t GROUP BY 1",
    "SELECT a.k, b.k FROM t a CROSS JOIN u b WHERE a.k < b.k",
    "SELECT count(*) FROM t WHERE s LIKE '%' AND k IN (1, 2, 3) AND d BETWEEN 0 AND 3",
    "SELECT k FROM t WHERE k IS NOT NULL AND NOT (k = 2)",
    "WITH a AS (SELECT k FROM t), b AS (SELECT k FROM a WHERE k > 1) SELECT * FROM b",
]


@pytest.mark.parametrize("query", ORDERED)
def test_ordered_queries_match_duckdb(spark, duck, query):
    assert [tuple(r) for r in spark.sql(query).collect()] == duck.execute(query).fetchall()


@pytest.mark.parametrize("query", UNORDERED)
def test_queries_match_duckdb(spark, duck, query):
    got = sorted((tuple(r) for r in spark.sql(query).collect()), key=_key)
    assert got == sorted(duck.execute(query).fetchall(), key=_key)


def test_semi_and_anti_joins(spark, duck):
    assert sorted(r.k for r in spark.sql("SELECT k FROM t LEFT SEMI JOIN u ON t.k = u.k").collect()) == [2, 2, 3]
    assert sorted(r.s for r in spark.sql("SELECT s FROM t LEFT ANTI JOIN u ON t.k = u.k").collect()
                  if r.s) == ["n", "x"]


def test_select_without_from_and_column_names(spark):
    df = spark.sql("SELECT 1 + 1 AS two, 'a' || 'b', 3 * 2")
    assert df.columns == ["two", "concat(a, b)", "(3 * 2)"]
    assert tuple(df.first()) == (2, "ab", 6)


def test_sql_result_is_a_dataframe(spark, duck):
    df = spark.sql("SELECT k, s FROM t WHERE k = 2")
    assert df.columns == ["k", "s"]
    assert df.where("s = 'z'").count() == 1


def test_catalog(spark, duck):
    names = [t.name for t in spark.catalog.listTables()]
    assert {"t", "u"} <= set(names)
    assert spark.table("T").count() == len(T_ROWS)
    with pytest.raises(AnalysisException, match=r"\[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS\] Cannot create the temporary "
                                                 r"view `t` because it already exists."):
        spark.range(1).createTempView("t")
    assert spark.catalog.dropTempView("u") is True
    assert spark.catalog.dropTempView("u") is False
    with pytest.raises(AnalysisException, match=r"\[TABLE_OR_VIEW_NOT_FOUND\] The table or view `u` cannot be found"):
        spark.table("u")


def test_parse_error_points_at_the_first_word(spark):
    with pytest.raises(ParseException) as info:
        spark.sql("SELEC a FROM t")
    assert info.value.getCondition() == "PARSE_SYNTAX_ERROR"
    assert str(info.value) == ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)"
                               "\n\n== SQL ==\nSELEC a FROM t\n^^^\n")


def test_parse_error_at_end_of_input_on_line_4(spark):
    with pytest.raises(ParseException) as info:
        spark.sql("SELECT bb\nFROM t\nWHERE bb >\n")
    assert str(info.value).endswith("(line 4, pos 0)\n\n== SQL ==\nSELECT bb\nFROM t\nWHERE bb >\n^^^\n")


def test_parse_error_in_the_middle_of_a_line(spark, duck):
    with pytest.raises(ParseException) as info:
        spark.sql("SELECT k FROM t WHERE (k > 1")
    text = str(info.value)
    assert "(line 1, pos " in text and "\n== SQL ==\nSELECT k FROM t WHERE (k > 1\n" in text
    with pytest.raises(ParseException, match=r"\(line 1, pos 10\)\n\n== SQL ==\nSELECT 1 \+\n----------\^\^\^"):
        spark.sql("SELECT 1 +")


def test_unresolved_column_suggests_close_names(spark):
    spark.createDataFrame([(1, "x")], "bb INT, s STRING").createOrReplaceTempView("t28")
    with pytest.raises(AnalysisException, match=r"\[UNRESOLVED_COLUMN.WITH_SUGGESTION\] A column, variable, or function "
                                                 r"parameter with name `b` cannot be resolved. Did you mean one of the "
                                                 r"following\? \[`bb`, `s`\]"):
        spark.sql("SELECT b FROM t28")
    assert spark.sql("SELECT bb FROM t28").collect() == [Row(bb=1)]  # the session survives


def test_shell_survives_errors(spark, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ember.sql.shell import execute, register_views, split_statements

    assert split_statements("select ';' as a; select 2;\n") == ["select ';' as a", "select 2"]
    pq.write_table(pa.table({"bb": [1, 2]}), tmp_path / "t.parquet")
    register_views(spark, [f"t={tmp_path / 't.parquet'}"])
    code = execute(spark, "SELEC a FROM t; SELECT b FROM t; SELECT sum(bb) AS s FROM t", stop_on_error=False)
    captured = capsys.readouterr()
    assert code == 1
    assert "PARSE_SYNTAX_ERROR" in captured.err and "Did you mean one of the following? [`bb`]" in captured.err
    assert captured.out == "3\n"


def test_functions_with_sqlglot_flags_take_only_their_expression_arguments(spark):
    # sqlglot's Concat carries flags (safe, coalesce) beside its arguments
    row = spark.sql("SELECT concat('x', 'y', 'z') AS c, concat_ws('-', 'a', 'b') AS w").collect()[0]
    assert (row.c, row.w) == ("xyz", "a-b")
