"""TPC-H Q1, Q3, Q5, Q6 and Q10 with the DataFrame API: Ember vs PySpark, and DuckDB's SQL.

The same query functions run on Ember and PySpark (only the ``SparkSession`` import differs;
``local[2]``, ``spark.sql.shuffle.partitions=8``); DuckDB runs the standard SQL text of each
query over the same Parquet files with 2 threads. Data comes from ``tpchgen-cli`` (the
``tpchgen-cli`` PyPI package) as one Parquet file per table, generated once per scale factor
into ``<data-dir>/tpch-sf<scale>/``. ``--scale`` is the TPC-H scale factor (1 = SF1, ~1 GB of
text; 0.01 for a smoke test).

Each query is timed alone (reading the Parquet files is part of it: no engine caches tables
between queries). Results are compared across engines after rounding to cents, with a small
tolerance, because DuckDB's ``avg`` of decimals is a double where Spark and Ember keep a
decimal of 6 more digits.

Usage: python bench/tpch_df.py [--scale 0.01] [--engines ember,pyspark,duckdb] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import sys
from typing import Any, Callable

import common

TABLES = ("customer", "lineitem", "nation", "orders", "region", "supplier")
QUERIES = ("q1", "q3", "q5", "q6", "q10")
SHUFFLE_PARTITIONS = 8


# ---------------------------------------------------------------------------- the queries


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def q1(t: dict[str, Any], F: Any) -> Any:
    li = t["lineitem"]
    disc_price = li.l_extendedprice * (1 - li.l_discount)
    return (li.where(li.l_shipdate <= F.lit(_date("1998-09-02")))
            .groupBy("l_returnflag", "l_linestatus")
            .agg(F.sum("l_quantity").alias("sum_qty"), F.sum("l_extendedprice").alias("sum_base_price"),
                 F.sum(disc_price).alias("sum_disc_price"),
                 F.sum(disc_price * (1 + li.l_tax)).alias("sum_charge"),
                 F.avg("l_quantity").alias("avg_qty"), F.avg("l_extendedprice").alias("avg_price"),
                 F.avg("l_discount").alias("avg_disc"), F.count("*").alias("count_order"))
            .orderBy("l_returnflag", "l_linestatus"))


def q3(t: dict[str, Any], F: Any) -> Any:
    customer = t["customer"].where(F.col("c_mktsegment") == "BUILDING")
    orders = t["orders"].where(F.col("o_orderdate") < F.lit(_date("1995-03-15")))
    lineitem = t["lineitem"].where(F.col("l_shipdate") > F.lit(_date("1995-03-15")))
    return (customer.join(orders, customer.c_custkey == orders.o_custkey)
            .join(lineitem, lineitem.l_orderkey == orders.o_orderkey)
            .select("l_orderkey", (F.col("l_extendedprice") * (1 - F.col("l_discount"))).alias("volume"),
                    "o_orderdate", "o_shippriority")
            .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
            .agg(F.sum("volume").alias("revenue"))
            .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
            .orderBy(F.desc("revenue"), "o_orderdate")
            .limit(10))


def q5(t: dict[str, Any], F: Any) -> Any:
    orders = t["orders"].where((F.col("o_orderdate") >= F.lit(_date("1994-01-01")))
                               & (F.col("o_orderdate") < F.lit(_date("1995-01-01"))))
    region = t["region"].where(F.col("r_name") == "ASIA")
    nation, supplier, lineitem, customer = t["nation"], t["supplier"], t["lineitem"], t["customer"]
    return (region.join(nation, region.r_regionkey == nation.n_regionkey)
            .join(supplier, nation.n_nationkey == supplier.s_nationkey)
            .join(lineitem, supplier.s_suppkey == lineitem.l_suppkey)
            .select("n_name", "s_nationkey", "l_orderkey", "l_extendedprice", "l_discount")
            .join(orders, F.col("l_orderkey") == orders.o_orderkey)
            .join(customer, (F.col("o_custkey") == customer.c_custkey)
                  & (F.col("s_nationkey") == customer.c_nationkey))
            .select("n_name", (F.col("l_extendedprice") * (1 - F.col("l_discount"))).alias("volume"))
            .groupBy("n_name").agg(F.sum("volume").alias("revenue"))
            .orderBy(F.desc("revenue")))


def q6(t: dict[str, Any], F: Any) -> Any:
    li = t["lineitem"]
    return (li.where((li.l_shipdate >= F.lit(_date("1994-01-01"))) & (li.l_shipdate < F.lit(_date("1995-01-01")))
                     & (li.l_discount >= 0.05) & (li.l_discount <= 0.07) & (li.l_quantity < 24))
            .agg(F.sum(li.l_extendedprice * li.l_discount).alias("revenue")))


def q10(t: dict[str, Any], F: Any) -> Any:
    orders = t["orders"].where((F.col("o_orderdate") >= F.lit(_date("1993-10-01")))
                               & (F.col("o_orderdate") < F.lit(_date("1994-01-01"))))
    lineitem = t["lineitem"].where(F.col("l_returnflag") == "R")
    customer, nation = t["customer"], t["nation"]
    return (customer.join(orders, customer.c_custkey == orders.o_custkey)
            .join(lineitem, lineitem.l_orderkey == orders.o_orderkey)
            .join(nation, customer.c_nationkey == nation.n_nationkey)
            .select("c_custkey", "c_name", (F.col("l_extendedprice") * (1 - F.col("l_discount"))).alias("volume"),
                    "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
            .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
            .agg(F.sum("volume").alias("revenue"))
            .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
            .orderBy(F.desc("revenue"))
            .limit(20))


DATAFRAME_QUERIES: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    "q1": q1, "q3": q3, "q5": q5, "q6": q6, "q10": q10}

SQL_QUERIES = {
    "q1": """
        select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
               sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
               sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
               avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc,
               count(*) as count_order
        from lineitem where l_shipdate <= date '1998-09-02'
        group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus""",
    "q3": """
        select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
        from customer, orders, lineitem
        where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
          and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
        group by l_orderkey, o_orderdate, o_shippriority order by revenue desc, o_orderdate limit 10""",
    "q5": """
        select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
        from customer, orders, lineitem, supplier, nation, region
        where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
          and c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey
          and r_name = 'ASIA' and o_orderdate >= date '1994-01-01' and o_orderdate < date '1995-01-01'
        group by n_name order by revenue desc""",
    "q6": """
        select sum(l_extendedprice * l_discount) as revenue from lineitem
        where l_shipdate >= date '1994-01-01' and l_shipdate < date '1995-01-01'
          and l_discount between 0.05 and 0.07 and l_quantity < 24""",
    "q10": """
        select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name,
               c_address, c_phone, c_comment
        from customer, orders, lineitem, nation
        where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01'
          and o_orderdate < date '1994-01-01' and l_returnflag = 'R' and c_nationkey = n_nationkey
        group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
        order by revenue desc limit 20""",
}


# ---------------------------------------------------------------------------- engines


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    sql = __import__(f"{module}.sql", fromlist=["SparkSession", "functions"])
    with watch.time("session"):
        spark = (sql.SparkSession.builder.master(common.MASTER).appName("bench-tpch")
                 .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.memory", "4g").getOrCreate())
    results = {}
    try:
        folder = common.tpch_dir(args)
        for name in QUERIES:
            with watch.time(name):
                tables = {t: spark.read.parquet(str(folder / f"{t}.parquet")) for t in TABLES}
                results[name] = common.plain_rows(DATAFRAME_QUERIES[name](tables, sql.functions).collect())
    finally:
        spark.stop()
    return results


def _run_duckdb(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    import duckdb

    with watch.time("session"):
        con = duckdb.connect()
        con.execute("SET threads TO 2")
    folder = common.tpch_dir(args)
    results = {}
    for name in QUERIES:
        with watch.time(name):
            for t in TABLES:
                con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT * FROM read_parquet('{folder / t}.parquet')")
            results[name] = common.plain_rows(con.execute(SQL_QUERIES[name]).fetchall())
    return results


def compare(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    for name in QUERIES:
        if (problem := common.rows_difference(a[name], b[name])) is not None:
            return f"{name}: {problem}"
    return None


BENCHMARK = common.Benchmark(
    name="tpch_df",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("duckdb", _run_duckdb, "duckdb")],
    columns=[("session", "session (s)"), *((q, f"{q.upper()} (s)") for q in QUERIES)],
    ratio_keys=list(QUERIES),
    prepare=common.prepare_tpch,
    compare=compare,
    describe=lambda r: "; ".join(f"{q}: {len(r[q])} rows" for q in QUERIES) + f"; q6 = {r['q6']}",
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
