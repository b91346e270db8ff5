"""The 22 TPC-H queries, unchanged, through ``spark.sql`` over temp views, against DuckDB.

A module fixture generates SF 0.01 Parquet with ``tpchgen-cli`` once and registers each table
in Ember (``spark.read.parquet(...).createOrReplaceTempView``) and in DuckDB. Each query must
give DuckDB's rows (in DuckDB's order: every query is ordered or returns one row), the column
names of its select list (DuckDB's, which are PySpark's for all 22) and PySpark's types.
Numbers are compared as floats with a relative tolerance of 1e-9 and an absolute one of 1e-6,
because DuckDB's ``avg`` of decimals is a double where Spark keeps a decimal rounded to 6
digits; DuckDB is set to Spark's null ordering.

A plan with a cartesian product fails before it runs: it would take minutes and gigabytes even
at SF 0.01. A query that stops working again should be marked
``pytest.mark.xfail(strict=True, reason=...)`` naming the construct it lacks, so that the fix
turns it XPASS and the marker goes.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from ember.examples import tpch
from ember.sql.physical.plan import cartesian_products

duckdb = pytest.importorskip("duckdb")

SCALE = "0.01"
SHUFFLE_PARTITIONS = "4"

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


@pytest.mark.parametrize("n", tpch.QUERIES, ids=lambda n: f"q{n:02d}")
def test_tpch_query_gives_duckdbs_answer(n, tpch_spark, duck):
    text = tpch.query(n)
    result = duck.execute(text)
    names = [d[0] for d in result.description]
    expected = result.fetchall()
    assert len(expected) <= 1 or re.search(r"\border\s+by\b", text, re.IGNORECASE)

    df = tpch_spark.sql(text)
    assert df.columns == names
    assert ", ".join(t for _, t in df.dtypes) == SPARK_TYPES[n]
    # A comma join planned as a cartesian product multiplies the tables out (SF 0.01's customer x
    # orders x lineitem is 10^12 rows): such a plan fails here before it runs.
    assert cartesian_products(df._qe.physical) == []
    rows = [tuple(row) for row in df.collect()]
    assert _differences(expected, rows)[:5] == []


def test_query_numbers_outside_1_to_22_are_refused():
    with pytest.raises(ValueError, match="1 to 22"):
        tpch.query(23)
