"""Shuffle of 10 M integer pairs: ``reduceByKey`` + ``count`` and ``sortByKey`` + ``take(10)``.

These two jobs are almost all shuffle: the map side is one multiplication per record, so the
time goes into partitioning, serializing, moving, merging (hash aggregation) and sorting
(range partitioning with sampled bounds). The pairs are ``((i * 7919) % 1_000_003, i)``
for ``i`` in ``range(n)``, generated inside the workload from ``sc.range`` so nothing big
crosses from the driver; keys cycle through all residues of the prime 1,000,003, so each key
occurs about 10 times at full scale. The two jobs are timed separately and each builds its pairs
from scratch. The plain-Python baseline is a dict aggregation and ``sorted()`` in one process.

Usage: python bench/shuffle.py [--scale 0.01] [--engines ember,pyspark,python] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from operator import add, itemgetter
from typing import Any

import common

FULL_PAIRS = 10_000_000
KEY_MULTIPLIER = 7919
KEY_MODULUS = 1_000_003
PARTITIONS = 8

# ---------------------------------------------------------------------------- the workloads


def spark_pairs(sc: Any, n: int) -> Any:
    return sc.range(n, numSlices=PARTITIONS).map(lambda i: ((i * 7919) % 1_000_003, i))


def spark_reduce_count(sc: Any, n: int) -> int:
    return spark_pairs(sc, n).reduceByKey(add).count()


def spark_sort_take(sc: Any, n: int) -> list[tuple[int, int]]:
    return spark_pairs(sc, n).sortByKey().take(10)


def python_reduce_count(n: int) -> int:
    sums: dict[int, int] = {}
    get = sums.get
    for i in range(n):
        key = (i * KEY_MULTIPLIER) % KEY_MODULUS
        sums[key] = get(key, 0) + i
    return len(sums)


def python_sort_take(n: int) -> list[tuple[int, int]]:
    pairs = [((i * KEY_MULTIPLIER) % KEY_MODULUS, i) for i in range(n)]
    return sorted(pairs, key=itemgetter(0))[:10]


# ---------------------------------------------------------------------------- engines


def pair_count(args: argparse.Namespace) -> int:
    return max(1_000, int(FULL_PAIRS * args.scale))


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    n = pair_count(args)
    with common.spark_context(module, watch, "bench-shuffle") as sc:
        with watch.time("reduce"):
            distinct_keys = spark_reduce_count(sc, n)
        with watch.time("sort"):
            first = spark_sort_take(sc, n)
    return {"distinct_keys": distinct_keys, "first_sorted": first}


def _run_python(args: argparse.Namespace, watch: common.Stopwatch) -> dict[str, Any]:
    n = pair_count(args)
    with watch.time("reduce"):
        distinct_keys = python_reduce_count(n)
    with watch.time("sort"):
        first = python_sort_take(n)
    return {"distinct_keys": distinct_keys, "first_sorted": first}


def compare(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    if a["distinct_keys"] != b["distinct_keys"]:
        return f"reduceByKey count {a['distinct_keys']} vs {b['distinct_keys']}"
    problem = common.same_ranking(a["first_sorted"], b["first_sorted"], rank_index=0)
    return f"sortByKey().take(10): {problem}" if problem else None


BENCHMARK = common.Benchmark(
    name="shuffle",
    script=__file__,
    engines=[*common.spark_engines(_run_spark), common.Engine("python", _run_python)],
    columns=[("session", "session (s)"), ("reduce", "reduceByKey (s)"), ("sort", "sortByKey (s)")],
    ratio_keys=["reduce", "sort"],
    compare=compare,
    describe=lambda r: f"{r['distinct_keys']} keys; first sorted {r['first_sorted'][:4]}...",
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
