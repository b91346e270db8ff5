"""Statements other than queries through ``spark.sql``: views, SHOW, DESCRIBE, EXPLAIN, CACHE, SET.

Expected columns (names, types, nullability) and rows were captured from PySpark 4.3's
``spark.sql`` running the same statements.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ember.errors import AnalysisException, ParseException


def _columns(df):
    return [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema.fields]


def _rows(df):
    return [tuple(r) for r in df.collect()]


@pytest.fixture
def files(tmp_path):
    pq.write_table(pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]}), tmp_path / "t.parquet")
    (tmp_path / "t.csv").write_text("a,b\n1,x\n2,y\n")
    return tmp_path


@pytest.fixture
def session(sc, tmp_path):
    from ember.sql import SparkSession

    active = SparkSession._active
    spark = SparkSession(sc, {"spark.sql.shuffle.partitions": "3",
                              "spark.sql.warehouse.dir": str(tmp_path / "warehouse")})
    yield spark
    for table in spark.catalog.listTables():
        spark.catalog.dropTempView(table.name)
    SparkSession._active = active  # a new session makes itself the active one


def test_create_temporary_view_returns_no_columns_and_refuses_a_duplicate(session):
    created = session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x, 'a' AS y")
    assert _columns(created) == [] and _rows(created) == []
    with pytest.raises(AnalysisException, match=r"\[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS\] Cannot create the "
                                                r"temporary view `v` because it already exists"):
        session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x")
    session.sql("CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 2 AS x")
    assert _rows(session.sql("SELECT * FROM v")) == [(2,)]


def test_temporary_views_over_files_with_options(session, files):
    session.sql(f"CREATE TEMPORARY VIEW p USING parquet OPTIONS (path '{files / 't.parquet'}')")
    session.sql(f"CREATE TEMP VIEW c USING csv OPTIONS (path '{files / 't.csv'}', header 'true')")
    assert _columns(session.table("p")) == [("a", "bigint", True), ("b", "string", True)]
    assert _rows(session.sql("SELECT * FROM c")) == [("1", "x"), ("2", "y")]


def test_select_from_a_path_names_the_format(session, files):
    assert _rows(session.sql(f"SELECT * FROM parquet.`{files / 't.parquet'}` WHERE a > 1")) == [(2, "y"), (3, "z")]
    csv = session.sql(f"SELECT * FROM csv.`{files / 't.csv'}`")
    assert _columns(csv) == [("_c0", "string", True), ("_c1", "string", True)]
    assert _rows(csv) == [("a", "b"), ("1", "x"), ("2", "y")]


def test_show_tables_views_and_columns(session, files):
    session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x, 'a' AS y")
    session.sql(f"CREATE TEMPORARY VIEW p USING parquet OPTIONS (path '{files / 't.parquet'}')")
    tables = session.sql("SHOW TABLES")
    assert _columns(tables) == [("namespace", "string", False), ("tableName", "string", False),
                                ("isTemporary", "boolean", False)]
    assert _rows(tables) == [("", "p", True), ("", "v", True)]
    assert _rows(session.sql("SHOW TABLES LIKE 'p*'")) == [("", "p", True)]
    assert _rows(session.sql("SHOW TABLES IN default")) == [("", "p", True), ("", "v", True)]
    assert _columns(session.sql("SHOW VIEWS"))[1] == ("viewName", "string", False)
    columns = session.sql("SHOW COLUMNS IN v")
    assert _columns(columns) == [("col_name", "string", False)] and _rows(columns) == [("x",), ("y",)]
    assert _rows(session.sql("SHOW COLUMNS FROM p")) == [("a",), ("b",)]


def test_show_functions_lists_what_sql_can_call(session):
    assert _rows(session.sql("SHOW FUNCTIONS LIKE 'sub*'")) == [("substr",), ("substring",), ("substring_index",)]
    assert _columns(session.sql("SHOW FUNCTIONS")) == [("function", "string", False)]
    assert ("upper",) in _rows(session.sql("SHOW FUNCTIONS"))
    assert _rows(session.sql("SHOW USER FUNCTIONS")) == []


def test_describe_a_view_and_a_function(session):
    session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x, 'a' AS y")
    described = session.sql("DESCRIBE v")
    assert _columns(described) == [("col_name", "string", False), ("data_type", "string", False),
                                   ("comment", "string", True)]
    assert _rows(described) == [("x", "int", None), ("y", "string", None)]
    assert _rows(session.sql("DESCRIBE EXTENDED v")) == _rows(described)  # a temporary view has no details
    function = session.sql("DESCRIBE FUNCTION upper")
    assert _columns(function) == [("function_desc", "string", False)]
    assert _rows(function)[0] == ("Function: upper",)
    with pytest.raises(AnalysisException, match=r"\[UNRESOLVED_ROUTINE\] Cannot resolve routine `nosuchfn`"):
        session.sql("DESCRIBE FUNCTION nosuchfn")


@pytest.mark.parametrize("statement,first_line", [
    ("EXPLAIN SELECT x FROM v", "== Physical Plan =="),
    ("EXPLAIN EXTENDED SELECT x FROM v", "== Analyzed Logical Plan =="),
    ("EXPLAIN FORMATTED SELECT x FROM v", "== Physical Plan =="),
])
def test_explain_returns_one_plan_row(session, statement, first_line):
    session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x, 'a' AS y")
    plan = session.sql(statement)
    assert _columns(plan) == [("plan", "string", True)]
    rows = _rows(plan)
    assert len(rows) == 1 and rows[0][0].startswith(first_line)
    mode = {"EXTENDED": "extended", "FORMATTED": "formatted"}.get(statement.split()[1], "simple")
    from ember.sql.explain import explain_string

    expected = explain_string(session.sql("SELECT x FROM v")._qe, mode)
    assert re.sub(r"#\d+", "#N", rows[0][0]) == re.sub(r"#\d+", "#N", expected)


def test_cache_uncache_and_clear(session):
    session.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x")
    assert _rows(session.sql("CACHE TABLE v")) == []
    assert session.catalog.isCached("v")
    session.sql("CACHE LAZY TABLE cc AS SELECT 2 AS z")
    assert _columns(session.table("cc")) == [("z", "int", False)] and _rows(session.sql("SELECT * FROM cc")) == [(2,)]
    session.sql("UNCACHE TABLE v")
    assert not session.catalog.isCached("v") and session.catalog.isCached("cc")
    session.sql("CLEAR CACHE")
    assert not session.catalog.isCached("cc")
    session.sql("UNCACHE TABLE IF EXISTS nosuch")
    with pytest.raises(AnalysisException, match=r"\[TABLE_OR_VIEW_NOT_FOUND\]"):
        session.sql("UNCACHE TABLE nosuch")


def test_set_and_reset(session):
    assert _columns(session.sql("SET spark.sql.shuffle.partitions=7")) == [("key", "string", False),
                                                                             ("value", "string", False)]
    assert _rows(session.sql("SET spark.sql.shuffle.partitions")) == [("spark.sql.shuffle.partitions", "7")]
    assert session.conf.get("spark.sql.shuffle.partitions") == "7"
    assert _rows(session.sql("SET foo.bar")) == [("foo.bar", "<undefined>")]
    assert _rows(session.sql("SET foo.bar = baz")) == [("foo.bar", "baz")]
    assert ("foo.bar", "baz") in _rows(session.sql("SET"))
    session.sql("RESET spark.sql.shuffle.partitions")
    assert session.conf.get("spark.sql.shuffle.partitions") == "3"  # the value the session started with
    session.sql("RESET")
    assert session.conf.get("foo.bar") is None
    with pytest.raises(AnalysisException, match="CANNOT_MODIFY_STATIC_CONFIG"):
        session.sql("SET spark.sql.warehouse.dir=/elsewhere")


def test_a_misspelt_statement_is_a_syntax_error_at_its_word(session):
    with pytest.raises(ParseException) as error:
        session.sql("SHOW TABLEZ")
    assert str(error.value) == ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'TABLEZ'. SQLSTATE: 42601 (line 1, "
                                "pos 5)\n\n== SQL ==\nSHOW TABLEZ\n-----^^^\n")


@pytest.mark.parametrize("statement,refused", [
    ("CREATE VIEW pv AS SELECT 1", "persistent views"),
    ("CREATE GLOBAL TEMPORARY VIEW g AS SELECT 1", "GLOBAL TEMPORARY VIEW"),
    ("SET -v", "SET -v"),
    ("CREATE TEMPORARY VIEW w (a) AS SELECT 1", "column list"),
])
def test_unsupported_statements_are_refused_by_name(session, statement, refused):
    with pytest.raises(ParseException, match=refused):
        session.sql(statement)
