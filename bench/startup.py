"""Start-up cost: fresh interpreter → import → local[2] context → ``count()`` of 1000 ints → stop.

This is what a user feels on every script and notebook kernel start, and where PySpark pays
for its JVM (~7.5 s for PySpark 4.3 local[2]). Each run is a fresh interpreter. The table shows
the phases measured inside it (import, session, the count, stop), the time from the parent's
launch of the process to the first result, and the parent-measured wall time of the whole
process ("process"), which is the total the ratio compares. The reference row ``python-mp2``
starts a 2-process ``multiprocessing`` pool and counts with it: roughly the floor for an engine
that needs worker processes. The workload has nothing to shrink, so ``--scale`` is accepted for
uniformity and ignored; use ``--repeat`` for stable numbers.

Usage: python bench/startup.py [--repeat 5] [--engines ember,pyspark,python-mp2]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

import common

COUNT = 1000

# ---------------------------------------------------------------------------- the workload


def spark_first_count(sc: Any) -> int:
    return sc.parallelize(range(COUNT)).count()


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> int:
    with watch.time("import"):
        context_class = importlib.import_module(module).SparkContext
    with watch.time("session"):
        sc = context_class(common.MASTER, "bench-startup")
    with watch.time("count"):
        n = spark_first_count(sc)
    watch.since_launch("first")
    with watch.time("stop"):
        sc.stop()
    return n


def _run_mp2(args: argparse.Namespace, watch: common.Stopwatch) -> int:
    with watch.time("import"):
        import multiprocessing
    with watch.time("session"):
        pool = multiprocessing.get_context("fork").Pool(2)
    with watch.time("count"):
        n = sum(pool.map(len, [range(COUNT // 2), range(COUNT // 2, COUNT)]))
    watch.since_launch("first")
    with watch.time("stop"):
        pool.close()
        pool.join()
    return n


BENCHMARK = common.Benchmark(
    name="startup",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("python-mp2", _run_mp2)],
    columns=[("import", "import (s)"), ("session", "session (s)"), ("count", "count (s)"),
             ("first", "first result (s)"), ("stop", "stop (s)")],
    ratio_keys=[common.TOTAL],
    describe=str,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
