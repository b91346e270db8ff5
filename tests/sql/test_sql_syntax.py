"""SQL syntax beyond plain SELECT: LIMIT/OFFSET, VALUES, grouping sets, PIVOT/UNPIVOT, LATERAL
VIEW, parameter markers, table-valued ``range`` and Spark's null ordering.

Expected values come from plain Python over the same rows, or were checked on PySpark 4 and
are written here (noted where so).
"""

from __future__ import annotations

import pytest

from ember.sql import functions as F
from ember.sql.errors import AnalysisException, ParseException


def rows(df) -> list[tuple]:
    return [tuple(r) for r in df.collect()]


def sorted_rows(df) -> list[tuple]:
    return sorted(rows(df), key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


@pytest.fixture(scope="module")
def nums(spark):
    spark.range(0, 20, 1, 4).createOrReplaceTempView("nums")
    return list(range(20))


# ---------------------------------------------------------------------------- LIMIT / OFFSET
def test_limit_offset_over_order_by_keeps_the_order(spark, nums):
    got = rows(spark.sql("SELECT id FROM nums ORDER BY id DESC LIMIT 3 OFFSET 2"))
    assert got == [(v,) for v in sorted(nums, reverse=True)[2:5]]


def test_offset_without_limit_over_order_by(spark, nums):
    got = rows(spark.sql("SELECT id * 2 AS d FROM nums ORDER BY id DESC OFFSET 16"))
    assert got == [(2 * v,) for v in sorted(nums, reverse=True)[16:]]


def test_limit_offset_without_order_counts_rows(spark, nums):
    assert spark.sql("SELECT id FROM nums LIMIT 5 OFFSET 17").count() == 3
    assert spark.sql("SELECT id FROM nums OFFSET 25").count() == 0


def test_limit_offset_on_a_set_operation(spark, nums):
    got = rows(spark.sql("SELECT id FROM nums UNION ALL SELECT id FROM nums ORDER BY id LIMIT 3 OFFSET 1"))
    assert got == [(v,) for v in sorted(nums + nums)[1:4]]


def test_dataframe_offset(spark, nums):
    df = spark.table("nums")
    assert rows(df.orderBy("id").offset(17)) == [(17,), (18,), (19,)]
    assert rows(df.orderBy(F.desc("id")).offset(3).limit(2)) == [(16,), (15,)]


@pytest.mark.parametrize("query", ["SELECT id FROM nums LIMIT 3 OFFSET -1", "SELECT id FROM nums LIMIT -1"])
def test_negative_limit_or_offset_is_rejected(spark, nums, query):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE"


def test_negative_dataframe_offset_is_rejected(spark, nums):
    with pytest.raises(AnalysisException, match="offset expression must be equal to or greater than 0"):
        spark.table("nums").offset(-1)


def test_non_integer_limit_is_rejected(spark, nums):
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT id FROM nums LIMIT 'a'")
    assert info.value.getCondition() == "INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE"
