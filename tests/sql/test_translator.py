"""The SQL translator, tested where it lives: SQL text to Ember's expressions and logical plans.

Literals get Spark's types, operators Spark's precedence, and each clause the plan node Spark
builds for it (checked on the analysed plan, with expression ids removed).
"""

from __future__ import annotations

import re

import pytest

from ember.sql import types as T
from ember.sql.errors import ParseException
from ember.sql.parser.expressions import parse_expression


@pytest.mark.parametrize("text, data_type", [
    ("1", T.IntegerType()), ("2147483647", T.IntegerType()), ("2147483648", T.LongType()), ("10L", T.LongType()),
    ("1Y", T.ByteType()), ("1S", T.ShortType()), ("1.5", T.DecimalType(2, 1)), ("0.001", T.DecimalType(3, 3)),
    ("1.5e0", T.DoubleType()), ("1.5D", T.DoubleType()), ("'x'", T.StringType()), ("true", T.BooleanType()),
    ("DATE '2020-01-01'", T.DateType()), ("TIMESTAMP '2020-01-01 00:00:00'", T.TimestampType()),
    ("NULL", T.NullType()),
])
def test_literal_has_sparks_type(text, data_type):
    assert parse_expression(text).data_type == data_type


@pytest.mark.parametrize("text, rendered", [
    ("1 + 2 * 3", "(1 + (2 * 3))"),
    ("(1 + 2) * 3", "((1 + 2) * 3)"),
    ("1 - 2 - 3", "((1 - 2) - 3)"),
    ("NOT a AND b OR c", "(((NOT 'a) AND 'b) OR 'c)"),
    ("a OR b AND c", "('a OR ('b AND 'c))"),
    ("a BETWEEN 1 AND 3", "(('a >= 1) AND ('a <= 3))"),
    ("a NOT IN (1, 2)", "(NOT ('a IN (1, 2)))"),
    ("x IS NOT NULL", "('x IS NOT NULL)"),
    ("a <> b", "(NOT ('a = 'b))"),
    ("a <=> b", "('a <=> 'b)"),
    ("-a", "(- 'a)"),
    ("a || b", "concat('a, 'b)"),
])
def test_operators_nest_with_sparks_precedence(text, rendered):
    assert str(parse_expression(text)) == rendered


def test_unknown_syntax_is_a_parse_error_naming_the_position():
    with pytest.raises(ParseException) as caught:
        parse_expression("1 +* 2")
    assert caught.value.getCondition() == "PARSE_SYNTAX_ERROR"


@pytest.fixture(scope="module")
def views(spark):
    spark.createDataFrame([(1, "a", 2.0)], "id int, n string, d double").createOrReplaceTempView("tr_t")
    spark.createDataFrame([(1, "x")], "id int, tag string").createOrReplaceTempView("tr_u")
    return spark


def _plan(spark, query: str) -> str:
    return re.sub(r"#\d+", "", spark.sql(query)._plan.tree_string())


@pytest.mark.parametrize("query, plan", [
    ("SELECT id FROM tr_t WHERE id > 1",
     "Project [id]\n+- Filter (id > 1)\n   +- SubqueryAlias tr_t\n      +- LocalRelation [id, n, d]"),
    ("SELECT n, count(*) c FROM tr_t GROUP BY n HAVING count(*) > 1",
     "Project [n, c]\n+- Filter (__hidden0 > cast(1 as bigint))\n"
     "   +- Aggregate [n], [n, count(1) AS c, count(1) AS __hidden0]\n"
     "      +- SubqueryAlias tr_t\n         +- LocalRelation [id, n, d]"),
    ("SELECT tr_t.id FROM tr_t LEFT JOIN tr_u ON tr_t.id = tr_u.id",
     "Project [id]\n+- Join LeftOuter, (id = id)\n   :- SubqueryAlias tr_t\n   :  +- LocalRelation [id, n, d]\n"
     "   +- SubqueryAlias tr_u\n      +- LocalRelation [id, tag]"),
    ("SELECT id FROM tr_t UNION SELECT id FROM tr_u",
     "Distinct\n+- Union false, false\n   :- Project [id]\n   :  +- SubqueryAlias tr_t\n"
     "   :     +- LocalRelation [id, n, d]\n   +- Project [id]\n      +- SubqueryAlias tr_u\n"
     "         +- LocalRelation [id, tag]"),
    ("SELECT id FROM tr_t ORDER BY 1 DESC LIMIT 2 OFFSET 1",
     "Offset 1\n+- Limit 3\n   +- Sort [id DESC NULLS LAST], true\n      +- Project [id]\n"
     "         +- SubqueryAlias tr_t\n            +- LocalRelation [id, n, d]"),
    ("WITH w AS (SELECT id FROM tr_t) SELECT * FROM w",
     "Project [id]\n+- SubqueryAlias w\n   +- Project [id]\n      +- SubqueryAlias tr_t\n"
     "         +- LocalRelation [id, n, d]"),
    ("SELECT DISTINCT n FROM tr_t",
     "Distinct\n+- Project [n]\n   +- SubqueryAlias tr_t\n      +- LocalRelation [id, n, d]"),
])
def test_each_clause_becomes_sparks_plan_node(views, query, plan):
    assert _plan(views, query) == plan


def test_limit_with_offset_keeps_limit_plus_offset_rows_then_skips(views):
    # Spark plans LIMIT 2 OFFSET 1 as Offset(1) over Limit(3): the limit counts the skipped rows.
    assert _plan(views, "SELECT id FROM tr_t LIMIT 2 OFFSET 1").splitlines()[:2] == ["Offset 1", "+- Limit 3"]


def test_a_clause_the_translator_does_not_know_is_refused_by_name(views):
    with pytest.raises(ParseException) as caught:
        views.sql("SELECT id FROM tr_t TABLESAMPLE (10 PERCENT)")
    assert caught.value.getCondition() == "UNSUPPORTED_FEATURE"
    assert "The TABLESAMPLE clause is not supported" in str(caught.value)
