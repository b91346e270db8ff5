"""Python UDFs over a long column: Ember beside PySpark's plain and Arrow-optimised UDFs.

Two jobs over ``spark.range(rows)`` (10 M rows at ``--scale 1``): ``udf(lambda x: x * 2 + 1,
"bigint")`` summed, and a string UDF (``lambda x: f"k{x % 1000}"``) whose results' lengths are
summed, so every row's value crosses the UDF and back while the result stays small. Each job
is one ``collect`` of the aggregate; both engines run the identical DataFrame code. PySpark
runs its default pickled UDF (``pyspark``) and its Arrow-optimised one
(``spark.sql.execution.pythonUDF.arrow.enabled=true``, ``pyspark-arrow``); Ember its regular
(``ember``) and Arrow (``ember-arrow``) UDFs.

Usage: python bench/udf.py [--rows 1000000] [--engines ember,pyspark] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

import common

FULL_ROWS = 10_000_000


def row_count(args: argparse.Namespace) -> int:
    return max(1, int(args.rows * args.scale))


def udf_sums(spark: Any, functions: Any, n: int, watch: common.Stopwatch) -> dict[str, int]:
    """The workload, exactly as a PySpark user writes it."""
    F = functions
    twice = F.udf(lambda x: x * 2 + 1, "bigint")
    key = F.udf(lambda x: f"k{x % 1000}", "string")
    df = spark.range(n)
    with watch.time("long"):
        total = df.select(F.sum(twice("id"))).collect()[0][0]
    with watch.time("string"):
        length = df.select(F.sum(F.length(key("id")))).collect()[0][0]
    return {"sum": int(total), "length": int(length)}


def _runner(module: str, arrow: bool):
    def run(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, int]:
        sql = importlib.import_module(f"{module}.sql")
        with watch.time("session"):
            spark = (sql.SparkSession.builder.master(common.MASTER).appName("bench-udf")
                     .config("spark.sql.execution.pythonUDF.arrow.enabled", "true" if arrow else "false")
                     .getOrCreate())
        try:
            return udf_sums(spark, importlib.import_module(f"{module}.sql.functions"), row_count(args), watch)
        finally:
            spark.stop()
    return run


def _python(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, int]:
    """The expected answer in closed form (no engine)."""
    n = row_count(args)
    with watch.time("long"):
        total = n * (n - 1) + n
    with watch.time("string"):
        lengths = sum(len(f"k{i}") * ((n - i + 999) // 1000) for i in range(min(n, 1000)))
    return {"sum": total, "length": lengths}


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help="rows at --scale 1 (default 10 M)")


_PYSPARK_ENV = {"PYTHONHASHSEED": "0", "PYSPARK_PYTHON": sys.executable}

BENCHMARK = common.Benchmark(
    name="udf",
    script=__file__,
    engines=[common.Engine("ember", _runner("ember", False), "ember", {"PYTHONHASHSEED": None}),
             common.Engine("ember-arrow", _runner("ember", True), "ember", {"PYTHONHASHSEED": None}),
             common.Engine("pyspark", _runner("pyspark", False), "pyspark", _PYSPARK_ENV),
             common.Engine("pyspark-arrow", _runner("pyspark", True), "pyspark", _PYSPARK_ENV),
             common.Engine("python", _python)],
    columns=[("session", "session (s)"), ("long", "x*2+1 udf (s)"), ("string", "string udf (s)")],
    ratio_keys=["long", "string"],
    describe=lambda r: f"sum {r['sum']}, total length {r['length']}",
    add_arguments=_add_arguments,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
