"""The 22 TPC-H queries through SQL: Ember's and PySpark's ``spark.sql`` vs DuckDB, same text.

Every engine runs the standard query texts shipped in ``ember.examples.tpch`` (read from this
checkout's ``engine/examples/tpch/qNN.sql``) over the eight tables registered by name: temp
views over the Parquet files on Ember and PySpark (``local[2]``, ``spark.sql.shuffle.partitions
=8``), views over ``read_parquet`` on DuckDB (2 threads). No engine caches a table, so each
query's time includes reading its Parquet columns. Data comes from ``tpchgen-cli`` as in
``tpch_df.py``; ``--scale`` is the TPC-H scale factor (default 1; 0.01 for a smoke test).

A query that fails on an engine is recorded as the error's class and first line and the run
goes on. On Ember, a query whose physical plan has a cartesian product (a comma join whose
predicates are not used as join keys) is not run, since it would not finish at SF1: it shows
as ``CartesianProduct``. Every answer is checked against DuckDB's (after rounding to cents).

The table has one row per query: each engine's time, Ember's time divided by PySpark's and by
DuckDB's, and whether the answers agree; then the geometric means over the queries that ran
on every engine.

Usage: python bench/tpch.py [--scale 0.01] [--queries 1,3,5] [--engines ember,pyspark,duckdb]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import common

QUERY_DIR = common.REPO_DIR / "engine" / "examples" / "tpch"
SHUFFLE_PARTITIONS = 8
REFERENCE = "duckdb"


def query_text(n: int) -> str:
    return (QUERY_DIR / f"q{n:02d}.sql").read_text(encoding="utf-8")


def selected(args: argparse.Namespace) -> list[int]:
    return [int(q) for q in args.queries.replace(" ", "").split(",") if q]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queries", default=",".join(str(n) for n in range(1, 23)),
                        help="comma-separated query numbers (default: 1 to 22)")


def _error(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def _run_queries(args: argparse.Namespace, watch: common.Stopwatch,
                 run: Callable[[str], Sequence[Sequence[Any]]]) -> dict[str, Any]:
    """``{"qN": {"rows": ...} or {"error": ...}}``, each query timed as phase ``qN``."""
    results: dict[str, Any] = {}
    for n in selected(args):
        key = f"q{n}"
        try:
            with watch.time(key):
                rows = run(query_text(n))
            results[key] = {"rows": common.plain_rows(rows)}
        except Exception as exc:  # shown in the table; the other queries still run
            watch.phases.pop(key, None)
            results[key] = {"error": _error(exc)}
    return results


class CartesianProduct(Exception):
    """Ember planned a join without keys between two multi-row inputs."""


def _refuse_cartesian_products(df: Any) -> None:
    from ember.sql.physical.plan import cartesian_products

    if joins := cartesian_products(df._qe.physical):
        raise CartesianProduct(f"{len(joins)} join(s) without keys, e.g. {joins[0].node_string()}")


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    sql = __import__(f"{module}.sql", fromlist=["SparkSession"])
    with watch.time("session"):
        spark = (sql.SparkSession.builder.master(common.MASTER).appName("bench-tpch")
                 .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.memory", "4g").getOrCreate())

    def run(text: str) -> Sequence[Sequence[Any]]:
        df = spark.sql(text)
        if module == "ember":
            _refuse_cartesian_products(df)
        return df.collect()

    try:
        folder = common.tpch_dir(args)
        with watch.time("views"):
            for table in common.TPCH_TABLES:
                spark.read.parquet(str(folder / f"{table}.parquet")).createOrReplaceTempView(table)
        return _run_queries(args, watch, run)
    finally:
        spark.stop()


def _run_duckdb(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    import duckdb

    with watch.time("session"):
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")  # Spark's
    folder = common.tpch_dir(args)
    with watch.time("views"):
        for table in common.TPCH_TABLES:
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    return _run_queries(args, watch, lambda text: con.execute(text).fetchall())


# ---------------------------------------------------------------------------- report


def compare(reference: dict[str, Any], other: dict[str, Any]) -> str | None:
    """The first query both engines answered, differently; errors are not compared here."""
    for key, ref in reference.items():
        mine = other.get(key, {})
        if "rows" in ref and "rows" in mine:
            if (problem := common.rows_difference(ref["rows"], mine["rows"])) is not None:
                return f"{key}: {problem}"
    return None


def _geomean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(max(v, 1e-6)) for v in values) / len(values))


def _agreement(key: str, done: dict[str, common.Measurement]) -> str:
    ref = done.get(REFERENCE)
    if ref is None or "rows" not in ref.result.get(key, {}):
        return "-"
    others = [m for name, m in done.items() if name != REFERENCE and "rows" in m.result.get(key, {})]
    wrong = [m.engine for m in others if common.rows_difference(ref.result[key]["rows"],
                                                                 m.result[key]["rows"])]
    return f"NO: {', '.join(wrong)}" if wrong else ("yes" if others else "-")


def report(rows: Sequence[common.Measurement]) -> str:
    """One line per query: times, Ember's ratios, agreement; geometric means; the errors."""
    done = {m.engine: m for m in rows if m.status == "ok"}
    engines = list(done)
    ratios = [other for other in ("pyspark", "duckdb") if "ember" in done and other in done]
    keys = list(next(iter(done.values())).result) if done else []
    header = ["query", *(f"{e} (s)" for e in engines), *(f"ember/{o}" for o in ratios),
              f"agrees with {REFERENCE}"]
    table, errors, complete = [header], [], []
    for key in keys:
        times = {e: done[e].phases.get(key) for e in engines}
        cells = [key.upper()] + [f"{t:.2f}" if t is not None else "error" for t in times.values()]
        cells += [f"{times['ember'] / times[o]:.2f}" if times["ember"] and times[o] else "-"
                  for o in ratios]
        table.append([*cells, _agreement(key, done)])
        errors += [f"{key.upper():>4} {e}: {done[e].result[key]['error']}"
                   for e in engines if "error" in done[e].result[key]]
        if all(t is not None for t in times.values()):
            complete.append(times)
    if complete:
        means = [_geomean([t[e] for t in complete]) for e in engines]
        table.append([f"geomean ({len(complete)})", *(f"{m:.3f}" for m in means),
                      *(f"{_geomean([t['ember'] / t[o] for t in complete]):.2f}" for o in ratios), ""])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i in (0, len(header) - 1) else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if complete:
        lines.append(f"(geometric means over the {len(complete)} queries that ran on every engine)")
    return "\n".join(["", *lines, *(["", "errors (class and first line):", *errors] if errors else [])])


BENCHMARK = common.Benchmark(
    name="tpch",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("duckdb", _run_duckdb, "duckdb")],
    columns=[("session", "session (s)"), ("views", "views (s)")],
    ratio_keys=[],
    prepare=common.prepare_tpch,
    compare=compare,
    describe=lambda r: "; ".join(f"{k}: {len(v['rows'])} rows" if "rows" in v else f"{k}: error"
                                 for k, v in r.items()),
    add_arguments=_add_arguments,
    reference=REFERENCE,
    report=report,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
