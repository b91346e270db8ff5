"""Every clause of a query is either honoured or refused by name, never dropped silently."""

from __future__ import annotations

import pytest

from ember.sql.errors import AnalysisException, ParseException


@pytest.fixture(scope="module")
def views(spark):
    spark.range(3).createOrReplaceTempView("cl_a")
    spark.range(2).createOrReplaceTempView("cl_b")


@pytest.mark.parametrize("query,clause", [
    ("SELECT * FROM cl_a NATURAL JOIN cl_b", "NATURAL JOIN"),
    ("SELECT * FROM cl_a TABLESAMPLE (10 PERCENT)", "TABLESAMPLE"),
])
def test_a_clause_ember_does_not_run_is_refused_by_name(spark, views, query, clause):
    with pytest.raises(ParseException, match=f"The {clause} clause is not supported") as info:
        spark.sql(query)
    assert info.value.getCondition() == "UNSUPPORTED_FEATURE"


def test_a_database_qualified_name_is_not_a_temporary_view(spark, views):
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT * FROM other_db.cl_a")
    assert info.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND" and "`other_db.cl_a`" in str(info.value)


def test_column_aliases_of_a_from_item_rename_its_columns(spark, views):
    df = spark.sql("SELECT x.p, q FROM (SELECT id, id + 1 FROM cl_a) AS x(p, q) WHERE q > 1")
    assert df.columns == ["p", "q"]
    assert [tuple(r) for r in df.collect()] == [(1, 2), (2, 3)]
    assert spark.sql("SELECT * FROM cl_b t(n)").columns == ["n"]


def test_column_aliases_must_match_the_column_count(spark, views):
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT * FROM (SELECT id, id + 1 FROM cl_a) x(p)")
    assert info.value.getCondition() == "ASSIGNMENT_ARITY_MISMATCH"
    assert "aliased: 2 does not match the number of source expressions: 1" in str(info.value)
