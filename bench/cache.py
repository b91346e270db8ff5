"""Caching a dataset larger than the storage budget: ``persist`` + ``count``, then a full read.

The data is ``n`` records ``(i, "<i, 12 digits>:" + 88 × "v")``, about 240 bytes each as
Python objects (``ember.memory.sizeof_sampled``), generated inside the jobs from
``sc.range`` in 8 partitions; at scale 1 (1 M records) that is ~230 MB, six times what the
storage share of Ember's ``spark.executor.memory`` (``--executor-memory``, 64m: 38 MB per
worker, two workers) can hold. For each level, ``MEMORY_AND_DISK`` then ``DISK_ONLY``:

* *cache*: ``persist(level)`` and ``count()`` — computes every partition and stores it;
* *read*: a checksum of every record (``sum`` of crc32s) — must come from the cache.

An accumulator counts the records computed: it must equal ``n`` per level (nothing
recomputed), and the counts and checksums must equal plain Python's. Ember gets
``spark.executor.memory`` as each worker's budget; PySpark keeps its defaults (it refuses an
executor memory under 450 MB, and in local mode its cache lives in the driver JVM's heap,
1 GB by default, holding pickled records). Peak MB is the RSS of the whole process tree; for
Ember it stays near the workers' idle size plus the budget, because a partition is cached
batch by batch as it streams by and never held whole.

Usage: python bench/cache.py [--scale 0.1] [--engines ember,pyspark,python] [--executor-memory 64m]
"""

from __future__ import annotations

import argparse
import sys
import zlib
from typing import Any

import common

FULL_RECORDS = 1_000_000
PARTITIONS = 8
LEVELS = ("MEMORY_AND_DISK", "DISK_ONLY")


def record(i: int) -> tuple[int, str]:
    return i, f"{i:012d}:" + "v" * 88


def checksum(kv: tuple[int, str]) -> int:
    return zlib.crc32(kv[1].encode())


def record_count(args: argparse.Namespace) -> int:
    return max(1_000, int(FULL_RECORDS * args.scale))


def _cache_then_read(sc: Any, module: str, n: int, level: str, watch: common.Stopwatch) -> dict[str, int]:
    storage_level = getattr(__import__(module, fromlist=["StorageLevel"]).StorageLevel, level)
    computed = sc.accumulator(0)

    def compute(i: int) -> tuple[int, str]:
        computed.add(1)
        return record(i)

    data = sc.range(n, numSlices=PARTITIONS).map(compute).persist(storage_level)
    with watch.time(f"{level}:cache"):
        count = data.count()
    with watch.time(f"{level}:read"):
        total = data.map(checksum).sum()
    data.unpersist()
    return {"count": count, "checksum": total, "computed": computed.value}


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    n = record_count(args)
    settings = {"spark.ui.showConsoleProgress": "false"}
    if module == "ember":  # PySpark refuses an executor memory under 450 MB: it keeps its defaults
        settings["spark.executor.memory"] = args.executor_memory
    with common.spark_context(module, watch, "bench-cache", settings) as sc:
        return {level: _cache_then_read(sc, module, n, level, watch) for level in LEVELS}


def _run_python(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    n = record_count(args)
    with watch.time("job"):
        total = sum(checksum(record(i)) for i in range(n))
    return {level: {"count": n, "checksum": total, "computed": n} for level in LEVELS}


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--executor-memory", default="64m", help="spark.executor.memory (default 64m)")


BENCHMARK = common.Benchmark(
    name="cache",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("python", _run_python)],
    columns=[("session", "session (s)"),
             *[(f"{level}:{step}", f"{level} {step} (s)") for level in LEVELS for step in ("cache", "read")]],
    ratio_keys=[f"{level}:{step}" for level in LEVELS for step in ("cache", "read")],
    describe=lambda r: "; ".join(f"{level}: {v['count']:,} records, checksum {v['checksum']}, "
                                 f"computed {v['computed']:,}" for level, v in r.items()),
    add_arguments=_add_arguments,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
