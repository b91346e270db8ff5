"""Calling a builtin with the wrong number of arguments, or a function that does not exist, in SQL
text and in ``expr()``: Spark's error classes and messages, captured from PySpark 4.3."""

from __future__ import annotations

import pytest

from ember.errors import AnalysisException
from ember.sql import functions as F

_REFER = "Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix."

# (call, PySpark 4.3's message after the error class)
WRONG_COUNTS = [
    ("upper('a', 'b')", "The `upper` requires 1 parameters but the actual number is 2."),
    ("upper()", "The `upper` requires 1 parameters but the actual number is 0."),
    ("substring('abc')", "The `substring` requires [2, 3] parameters but the actual number is 1."),
    ("concat_ws()", "The `concat_ws` requires > 0 parameters but the actual number is 0."),
    ("coalesce()", "The `coalesce` requires > 0 parameters but the actual number is 0."),
    ("abs(1, 2)", "The `abs` requires 1 parameters but the actual number is 2."),
    ("date_add('2020-01-01')", "The `date_add` requires 2 parameters but the actual number is 1."),
    ("left('abc')", "The `left` requires 2 parameters but the actual number is 1."),
    ("year()", "The `year` requires 1 parameters but the actual number is 0."),
    ("trim('a', 'b', 'c')", "The `trim` requires [1, 2] parameters but the actual number is 3."),
    ("round(1.5, 2, 3)", "The `round` requires [1, 2] parameters but the actual number is 3."),
    ("rand(1, 2)", "The `rand` requires [0, 1] parameters but the actual number is 2."),
    ("current_date(1)", "The `current_date` requires 0 parameters but the actual number is 1."),
    ("lpad('a')", "The `lpad` requires [2, 3] parameters but the actual number is 1."),
]


@pytest.mark.parametrize("call, message", WRONG_COUNTS, ids=[c for c, _ in WRONG_COUNTS])
def test_wrong_number_of_arguments_is_wrong_num_args(spark, call, message):
    with pytest.raises(AnalysisException) as error:
        spark.sql(f"SELECT {call}")
    assert error.value.getCondition() == "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"
    assert error.value.getSqlState() == "42605"
    assert f"{message} {_REFER}" in str(error.value)


def test_wrong_number_of_arguments_in_expr_and_aggregates(spark):
    with pytest.raises(AnalysisException, match=r"WRONG_NUM_ARGS.*The `sum` requires 1 parameters but the actual "
                                                r"number is 2"):
        spark.sql("SELECT sum(1, 2) FROM range(1)")
    with pytest.raises(AnalysisException, match=r"WRONG_NUM_ARGS.*The `upper` requires 1 parameters"):
        spark.range(1).select(F.expr("upper('a', 'b')"))
    assert spark.sql("SELECT upper('a')").collect()[0][0] == "A"  # the session is still usable


def test_special_call_syntax_is_not_counted_as_arguments(spark):
    row = spark.sql("SELECT trim(BOTH 'x' FROM 'xax'), position('b' IN 'abc'), CAST(1 AS DECIMAL(10, 2)), "
                    "transform(array(1, 2), (x, i) -> x + i), exists(array(1), x -> x > 0), "
                    "id IN (SELECT 1) FROM range(2)").collect()[0]
    assert tuple(row) == ("a", 2, 1, [1, 3], True, False)


def test_a_udf_named_like_a_builtin_takes_its_own_arguments(spark):
    spark.udf.register("crc32", lambda a, b: f"{a}{b}")
    try:
        assert spark.sql("SELECT crc32('a', 'b')").collect()[0][0] == "ab"
    finally:
        spark.udf._functions.pop("crc32")  # the shared session's builtin comes back


def test_unknown_function_is_unresolved_routine(spark):
    with pytest.raises(AnalysisException) as error:
        spark.sql("SELECT no_such_fn(1)")
    assert error.value.getCondition() == "UNRESOLVED_ROUTINE"
    # PySpark 4.3's message:
    assert ("Cannot resolve routine `no_such_fn` on search path [`system`.`builtin`, `system`.`session`, "
            "`spark_catalog`.`default`]. SQLSTATE: 42883") in str(error.value)
