"""Reading a CSV file: ``spark.read.csv(path, header=True, schema=...)`` + ``count()``, then a
``groupBy().agg()`` over it: Ember vs PySpark (``local[2]``) vs DuckDB (2 threads).

The input is one ~200 MB CSV (``--scale 1``) generated once with a fixed seed into
``<data-dir>/read_csv-<scale>.csv``: a bigint id, an int key (1000 groups), a double with ~5%
nulls, a string with ~5% nulls and a date, unquoted. A second file, ``read_csv-<scale>-quoted.csv``,
holds the same rows with every string quoted as other tools write them (``"name_00042"``, and 1%
``"name_00042, x"`` with the delimiter inside the quotes); the ``quoted`` query runs the same
``groupBy`` over it (Ember still cuts it into byte ranges: with ``multiLine`` off records are
lines). Each query re-reads its file (nothing is cached between them).

Usage: python bench/read_csv.py [--scale 0.01] [--engines ember,pyspark,duckdb] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import common

ROWS_AT_SCALE_1 = 4_400_000
SCHEMA = "id BIGINT, k INT, x DOUBLE, s STRING, d DATE"
SHUFFLE_PARTITIONS = 8


def data_path(args: argparse.Namespace, quoted: bool = False) -> Path:
    return args.data_dir / f"read_csv-{args.scale:g}{'-quoted' if quoted else ''}.csv"


def prepare(args: argparse.Namespace) -> str:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = data_path(args)
    rows = max(1000, int(ROWS_AT_SCALE_1 * args.scale))
    if not path.exists():
        rng = np.random.default_rng(42)
        nulls = lambda: rng.random(rows) < 0.05  # noqa: E731
        words = np.array([f"name_{i:05d}" for i in range(50_000)])
        table = pa.table({
            "id": pa.array(np.arange(rows, dtype=np.int64)),
            "k": pa.array(rng.integers(0, 1000, rows, dtype=np.int32)),
            "x": pa.array(np.round(rng.normal(100, 50, rows), 4), mask=nulls()),
            "s": pa.array(words[rng.integers(0, len(words), rows)], mask=nulls()),
            "d": pa.array(rng.integers(0, 3650, rows, dtype=np.int32) + 14610, pa.int32()).cast(pa.date32()),
        })
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as out:  # pyarrow would quote the header; Ember splits only quote-free files
            out.write(b"id,k,x,s,d\n")
            pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="none", include_header=False))
        tmp.rename(path)
    quoted = data_path(args, quoted=True)
    if not quoted.exists():
        _write_quoted(path, quoted)
    return f"{path} ({path.stat().st_size / 1e6:.0f} MB, {rows} rows), quoted copy {quoted.stat().st_size / 1e6:.0f} MB"


def _write_quoted(plain: Path, quoted: Path) -> None:
    """Quote every non-empty string field of ``plain``; every 100th row's string gets ``, x``."""
    tmp = quoted.with_suffix(".tmp")
    with open(plain, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        out.write(src.readline())
        for i, line in enumerate(src):
            fields = line.rstrip("\n").split(",")
            if fields[3]:
                fields[3] = f'"{fields[3]}, x"' if i % 100 == 0 else f'"{fields[3]}"'
            out.write(",".join(fields) + "\n")
    tmp.rename(quoted)


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    sql = __import__(f"{module}.sql", fromlist=["SparkSession", "functions"])
    F = sql.functions
    with watch.time("session"):
        spark = (sql.SparkSession.builder.master(common.MASTER).appName("bench-read-csv")
                 .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.memory", "4g").getOrCreate())
    path = str(data_path(args))
    quoted = str(data_path(args, quoted=True))
    try:
        with watch.time("count"):
            count = spark.read.csv(path, header=True, schema=SCHEMA).count()
        with watch.time("groupby"):
            df = spark.read.csv(path, header=True, schema=SCHEMA)
            rows = (df.groupBy("k").agg(F.count("*").alias("n"), F.sum("x").alias("sx"), F.max("d").alias("md"),
                                        F.count("s").alias("ns"))
                    .orderBy("k").collect())
        with watch.time("quoted"):
            df = spark.read.csv(quoted, header=True, schema=SCHEMA)
            qrows = (df.groupBy("k").agg(F.count("*").alias("n"), F.count("s").alias("ns"),
                                         F.sum(F.length("s")).alias("ls"))
                     .orderBy("k").collect())
    finally:
        spark.stop()
    return {"count": count, "groups": [[r[0], r[1], round(r[2], 3), str(r[3]), r[4]] for r in rows],
            "quoted": [list(r) for r in qrows]}


def _run_duckdb(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    import duckdb

    with watch.time("session"):
        con = duckdb.connect()
        con.execute("SET threads TO 2")
    scan = (f"read_csv('{data_path(args)}', header=true, "
            "columns={'id': 'BIGINT', 'k': 'INTEGER', 'x': 'DOUBLE', 's': 'VARCHAR', 'd': 'DATE'})")
    with watch.time("count"):
        count = con.execute(f"SELECT count(*) FROM {scan}").fetchone()[0]
    with watch.time("groupby"):
        rows = con.execute(f"SELECT k, count(*), sum(x), max(d), count(s) FROM {scan} GROUP BY k ORDER BY k").fetchall()
    qscan = scan.replace(str(data_path(args)), str(data_path(args, quoted=True)))
    with watch.time("quoted"):
        qrows = con.execute(f"SELECT k, count(*), count(s), sum(length(s)) FROM {qscan} GROUP BY k ORDER BY k").fetchall()
    return {"count": count, "groups": [[r[0], r[1], round(r[2], 3), str(r[3]), r[4]] for r in rows],
            "quoted": [list(r) for r in qrows]}


def compare(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    if a["count"] != b["count"]:
        return f"count {a['count']} vs {b['count']}"
    for x, y in zip(a["groups"], b["groups"]):
        if x[:2] != y[:2] or x[3:] != y[3:] or abs(x[2] - y[2]) > 1e-6 * max(1.0, abs(x[2])):
            return f"group {x} vs {y}"
    if len(a["groups"]) != len(b["groups"]):
        return "group counts differ"
    return None if a["quoted"] == b["quoted"] else "quoted groups differ"


BENCHMARK = common.Benchmark(
    name="read_csv",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("duckdb", _run_duckdb, "duckdb")],
    columns=[("session", "session (s)"), ("count", "read+count (s)"), ("groupby", "read+groupBy (s)"),
             ("quoted", "quoted read+groupBy (s)")],
    ratio_keys=["count", "groupby", "quoted"],
    prepare=prepare,
    compare=compare,
    describe=lambda r: f"count = {r['count']}; {len(r['groups'])} groups",
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
