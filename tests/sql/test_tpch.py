"""The 22 TPC-H queries, unchanged, through ``spark.sql`` over temp views, against DuckDB.

A module fixture generates SF 0.01 Parquet with ``tpchgen-cli`` once and registers each table
in Ember (``spark.read.parquet(...).createOrReplaceTempView``) and in DuckDB. Each query must
give DuckDB's rows (in DuckDB's order: every query is ordered or returns one row), the column
names of its select list (DuckDB's, which are PySpark's for all 22) and PySpark's types.
Numbers are compared as floats with a relative tolerance of 1e-9 and an absolute one of 1e-6,
because DuckDB's ``avg`` of decimals is a double where Spark keeps a decimal rounded to 6
digits; DuckDB is set to Spark's null ordering.

A query that does not work yet is a strict xfail naming what it lacks: when the feature lands
the test passes, XPASS fails the run, and the marker must go. A plan with a cartesian product
fails before it runs: it would take minutes and gigabytes even at SF 0.01.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import io
import math
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from ember.examples import tpch

duckdb = pytest.importorskip("duckdb")

SCALE = "0.01"
SHUFFLE_PARTITIONS = "4"
# An inner or cross join without keys in ``explain()``'s text (outer ones join scalar subqueries).
CARTESIAN_PRODUCT = re.compile(
    r"CartesianProduct|NestedLoopJoin.*\b(Cross|Inner)\b|Join \[\], \[\], (Cross|Inner)\b")

# The result types PySpark 4.3 gives each query over tpchgen-cli's Parquet (keys are bigint).
SPARK_TYPES: dict[int, str] = {
    1: "string, string, decimal(25,2), decimal(25,2), decimal(38,4), decimal(38,6), decimal(19,6), "
       "decimal(19,6), decimal(19,6), bigint",
    2: "decimal(15,2), string, string, bigint, string, string, string, string",
    3: "bigint, decimal(38,4), date, int",
    4: "string, bigint",
    5: "string, decimal(38,4)",
    6: "decimal(38,4)",
    7: "string, string, int, decimal(38,4)",
    8: "int, decimal(38,6)",
    9: "string, int, decimal(38,4)",
    10: "bigint, string, decimal(38,4), decimal(15,2), string, string, string, string",
    11: "bigint, decimal(36,2)",
    12: "string, bigint, bigint",
    13: "bigint, bigint",
    14: "decimal(38,6)",
    15: "bigint, string, string, string, decimal(38,4)",
    16: "string, string, int, bigint",
    17: "decimal(30,6)",
    18: "string, bigint, bigint, date, decimal(15,2), decimal(25,2)",
    19: "decimal(38,4)",
    20: "string, string",
    21: "string, bigint",
    22: "string, bigint, decimal(25,2)",
}

# What each query lacks today: the first construct on its way that Ember rejects or gets wrong,
# then (after "; then") what was seen to go wrong behind it when that construct is worked around.
INTERVAL = "interval literal: date '{}' {} interval '{}' {}"
COMMA_JOIN = ("comma join: its equi-join predicates in WHERE are not used as join keys, the plan "
              "has a cartesian product")
MISSING: dict[int, str] = {
    1: INTERVAL.format("1998-12-01", "-", 90, "day"),
    2: COMMA_JOIN,
    3: COMMA_JOIN,
    4: INTERVAL.format("1993-07-01", "+", 3, "month"),
    5: INTERVAL.format("1994-01-01", "+", 1, "year") + "; then " + COMMA_JOIN,
    6: INTERVAL.format("1994-01-01", "+", 1, "year") + "; then decimal literals are doubles: "
       "l_discount between 0.06 - 0.01 and 0.06 + 0.01 leaves out 0.07",
    7: "extract(year from l_shipdate) (and year(l_shipdate): no function ts_or_ds_to_date); then "
       + COMMA_JOIN,
    8: "extract(year from o_orderdate) (and year(o_orderdate): no function ts_or_ds_to_date); then "
       + COMMA_JOIN,
    9: "extract(year from o_orderdate) (and year(o_orderdate): no function ts_or_ds_to_date); then "
       + COMMA_JOIN,
    10: INTERVAL.format("1993-10-01", "+", 3, "month") + "; then " + COMMA_JOIN,
    11: COMMA_JOIN,
    12: INTERVAL.format("1994-01-01", "+", 1, "year") + "; then " + COMMA_JOIN,
    13: "wrong answer: NOT LIKE is read as LIKE: o_comment not like '%special%requests%'",
    14: INTERVAL.format("1995-09-01", "+", 1, "month") + "; then decimal literal read as a double: "
        "100.00 * sum(...) / sum(...) is a double, Spark's decimal(38,6); then " + COMMA_JOIN,
    15: INTERVAL.format("1996-01-01", "+", 3, "month") + "; then " + COMMA_JOIN,
    16: COMMA_JOIN + "; then NOT LIKE is read as LIKE: p_type not like 'MEDIUM POLISHED%'",
    17: "decimal literal read as a double: sum(l_extendedprice) / 7.0 is a double, Spark's "
        "decimal(30,6); then " + COMMA_JOIN,
    18: COMMA_JOIN,
    19: COMMA_JOIN + " (the equi-join predicate is repeated in every OR branch)",
    20: INTERVAL.format("1994-01-01", "+", 1, "year") + "; then " + COMMA_JOIN,
    21: COMMA_JOIN,
}


def _tpchgen() -> str | None:
    beside = Path(sysconfig.get_path("scripts")) / "tpchgen-cli"
    return str(beside) if beside.exists() else shutil.which("tpchgen-cli")


@pytest.fixture(scope="module")
def tpch_dir(tmp_path_factory) -> Path:
    exe = _tpchgen()
    if exe is None:
        pytest.skip("tpchgen-cli is not installed (pip install -e '.[dev]')")
    folder = tmp_path_factory.mktemp(f"tpch-sf{SCALE}")
    subprocess.run([exe, "parquet", "-s", SCALE, f"--output-dir={folder}"], check=True,
                   capture_output=True, timeout=120)
    return folder


@pytest.fixture(scope="module")
def duck(tpch_dir):
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")  # Spark's
    for table in tpch.TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{tpch_dir / table}.parquet')")
    yield con
    con.close()


@pytest.fixture(scope="module")
def tpch_spark(spark, tpch_dir):
    """The shared session with the eight tables as temp views and 4 shuffle partitions."""
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
    for table in tpch.TABLES:
        spark.read.parquet(str(tpch_dir / f"{table}.parquet")).createOrReplaceTempView(table)
    yield spark
    for table in tpch.TABLES:
        spark.catalog.dropTempView(table)
    spark.conf.set("spark.sql.shuffle.partitions", before)


def _cartesian_products(df: Any) -> list[str]:
    """The inner and cross joins without keys in ``df``'s physical plan.

    A comma join planned as a cartesian product multiplies the tables out (SF 0.01's
    customer x orders x lineitem is 10^12 rows): such a plan fails here before it runs.
    Keyless *outer* joins are allowed, since a scalar subquery joins its one-row result so.
    """
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        df.explain()
    return [line.strip(" :+-") for line in out.getvalue().splitlines()
            if CARTESIAN_PRODUCT.search(line)]


def _same(expected: Any, actual: Any) -> bool:
    numbers = (decimal.Decimal, float, int)
    if isinstance(expected, (decimal.Decimal, float)) or isinstance(actual, (decimal.Decimal, float)):
        return (isinstance(expected, numbers) and isinstance(actual, numbers)
                and math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=1e-6))
    if isinstance(expected, datetime.datetime) or isinstance(actual, datetime.datetime):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def _differences(expected: list[tuple], actual: list[tuple]) -> list[str]:
    if len(expected) != len(actual):
        return [f"{len(actual)} rows, DuckDB has {len(expected)}; first: {actual[:3]} vs {expected[:3]}"]
    return [f"row {i}: {a} vs DuckDB's {e}" for i, (e, a) in enumerate(zip(expected, actual))
            if len(e) != len(a) or not all(_same(x, y) for x, y in zip(e, a))]


def _case(n: int) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=MISSING[n])] if n in MISSING else []
    return pytest.param(n, id=f"q{n:02d}", marks=marks)


@pytest.mark.parametrize("n", [_case(n) for n in tpch.QUERIES])
def test_tpch_query_gives_duckdbs_answer(n, tpch_spark, duck):
    text = tpch.query(n)
    result = duck.execute(text)
    names = [d[0] for d in result.description]
    expected = result.fetchall()
    assert len(expected) <= 1 or re.search(r"\border\s+by\b", text, re.IGNORECASE)

    df = tpch_spark.sql(text)
    assert df.columns == names
    assert ", ".join(t for _, t in df.dtypes) == SPARK_TYPES[n]
    assert _cartesian_products(df) == []
    rows = [tuple(row) for row in df.collect()]
    assert _differences(expected, rows)[:5] == []


def test_query_numbers_outside_1_to_22_are_refused():
    with pytest.raises(ValueError, match="1 to 22"):
        tpch.query(23)
