"""Checks shared by the test files whose cases were captured from PySpark 4.3: a SQL expression
gives PySpark's column names, types and rows, or raises PySpark's error class."""

from __future__ import annotations

import pytest


def _query(sql: str) -> str:
    return sql if sql.upper().startswith("SELECT") else "SELECT " + sql


def assert_sql_gives(spark, sql: str, names: list[str], types: list[str], rows: list[tuple]) -> None:
    df = spark.sql(_query(sql))
    assert df.columns == names
    assert [f.dataType.simpleString() for f in df.schema.fields] == types
    assert [tuple(r) for r in df.collect()] == rows


def assert_sql_raises(spark, sql: str, error_class: str) -> None:
    with pytest.raises(Exception) as error:
        spark.sql(_query(sql)).collect()
    assert error.value.getCondition() == error_class
    assert spark.sql("SELECT 1").collect()[0][0] == 1  # the session is still usable
