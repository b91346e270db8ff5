"""The shell's parts that need no process: cutting input into statements, printing results."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest

from ember.sql import types as T
from ember.sql.shell.output import hive_string, render, time_taken
from ember.sql.shell.splitting import is_complete, split_statements


@pytest.mark.parametrize("text,statements", [
    ("select 1; select 2;", ["select 1", "select 2"]),
    ("select ';' as a; select 2", ["select ';' as a", "select 2"]),
    ("select \"a;b\", `c;d` from t;", ["select \"a;b\", `c;d` from t"]),
    ("select 'it\\'s; fine';", ["select 'it\\'s; fine'"]),
    ("-- note; not a statement\nselect 1;", ["-- note; not a statement\nselect 1"]),
    ("/* a; b */ select 1; ;  ; -- only a comment\n", ["/* a; b */ select 1"]),
])
def test_split_statements_ignores_semicolons_in_quotes_and_comments(text, statements):
    assert split_statements(text) == statements


@pytest.mark.parametrize("text,complete", [
    ("select 1", False), ("select 1;", True), ("select 1;  -- done", True), ("select ';'", False),
    ("select 1 /* ; */", False), ("", True), ("select 1,\n 2;", True), ("select '", False),
])
def test_is_complete_when_a_statement_ends_with_a_semicolon(text, complete):
    assert is_complete(text) is complete


_SCHEMA = T.StructType([T.StructField("a", T.IntegerType()), T.StructField("s", T.StringType()),
                        T.StructField("d", T.DecimalType(5, 2)), T.StructField("l", T.ArrayType(T.StringType())),
                        T.StructField("t", T.DateType())])
_ROWS = [(1, "x,y", decimal.Decimal("2.50"), ["p", None], datetime.date(2020, 1, 2)),
         (None, None, None, None, None)]


def test_render_formats():
    assert render("tsv", _SCHEMA, _ROWS) == '1\tx,y\t2.50\t["p",null]\t2020-01-02\nNULL\tNULL\tNULL\tNULL\tNULL\n'
    assert render("csv", _SCHEMA, _ROWS) == 'a,s,d,l,t\n1,"x,y",2.50,"[p, NULL]",2020-01-02\n,,,,\n'
    assert [json.loads(line) for line in render("json", _SCHEMA, _ROWS).splitlines()] == [
        {"a": 1, "s": "x,y", "d": 2.5, "l": ["p", None], "t": "2020-01-02"},
        {"a": None, "s": None, "d": None, "l": None, "t": None}]
    assert render("json", _SCHEMA, _ROWS).startswith('{"a":1,"s":"x,y","d":2.50,')  # all the decimal's digits
    assert render("table", _SCHEMA, _ROWS[:1]) == (
        "+---+---+----+---------+----------+\n"
        "|a  |s  |d   |l        |t         |\n"
        "+---+---+----+---------+----------+\n"
        "|1  |x,y|2.50|[p, NULL]|2020-01-02|\n"
        "+---+---+----+---------+----------+\n")
    assert render("tsv", T.StructType([]), []) == ""


def test_hive_strings_of_nested_values_match_spark_sql():
    struct = T.StructType([T.StructField("a", T.IntegerType()), T.StructField("b", T.StringType())])
    assert hive_string((1, "x"), struct) == '{"a":1,"b":"x"}'
    assert hive_string({"k": 1}, T.MapType(T.StringType(), T.IntegerType())) == '{"k":1}'
    assert hive_string([1, 2], T.ArrayType(T.IntegerType())) == "[1,2]"
    assert hive_string(1e20, T.DoubleType()) == "1.0E20"


def test_time_taken_as_spark_sql_prints_it():
    assert time_taken(0.42, 12) == "Time taken: 0.42 seconds, Fetched 12 row(s)"
    assert time_taken(2.0, 0) == "Time taken: 2.0 seconds"
