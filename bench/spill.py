"""Spilling shuffles: ``sortByKey``, ``groupByKey`` and ``reduceByKey`` over data several times
``spark.executor.memory``, with exact results, spill figures and each worker's peak RSS.

The data is ``n`` pairs ``(key, value)`` with ``key = (i * 7919) % (n // 4)`` (every key four
times, its four records far apart, so map-side combine cannot shrink them) and ``value`` an
80-character string that embeds ``i``. It is generated inside the jobs from ``sc.range``, so
nothing big crosses from the driver; its size is the *estimated* in-memory size that the
engine budgets against (``ember.memory.sizeof_sampled`` per record times ``n``). Each job
reads 8 map partitions and shuffles into ``--reduce-partitions`` (default 2), so every task
holds far more than its share of the budget and must spill:

* ``reduceByKey(max)`` — the largest value of each key (map-side combine, reduce-side merge);
* ``groupByKey`` — the four values of each key (no map-side combine: lists that grow);
* ``sortByKey`` — every record ordered by key (range partitioning, external sort).

Results are checked against plain Python, computed in the driver from the same formula
(checksums per key and per record, and for the sort, order within and across partitions).
Peak RSS is sampled with psutil every 50 ms for every worker pid of ``sc.executor_pids()``;
"idle" is a worker's RSS after start-up, before any job. The budget a task spills under is
the execution share of ``spark.executor.memory`` (what ``spark.memory.storageFraction``
leaves over).

Unlike the other scripts this one runs only Ember (PySpark's memory is the JVM's), in this
process, so it can read the task metrics and the worker pids.

Usage: python bench/spill.py [--scale 1] [--executor-memory 64m] [--jobs reduce,group,sort]
"""

from __future__ import annotations

import argparse
import sys
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import psutil
from common import Stopwatch, _quietly

from ember import SparkConf, SparkContext
from ember.config import parse_bytes
from ember.config import MEMORY_STORAGE_FRACTION
from ember.memory import sizeof_sampled
from ember.scheduler.listener import SparkListener

FULL_RECORDS = 1_500_000
MAP_PARTITIONS = 8
MULTIPLIER = 7919
MB = float(1 << 20)


def record(i: int, keys: int) -> tuple[int, str]:
    return (i * MULTIPLIER) % keys, f"{i:012d}:" + "v" * 67


# ---------------------------------------------------------------------------- measuring


@dataclass
class SpillListener(SparkListener):
    """Sums the spill metrics of every finished task (they travel with each task's result)."""

    spill_count: int = 0
    bytes_spilled: int = 0
    tasks: int = 0

    def on_task_end(self, stage: Any, outcome: Any) -> None:
        self.tasks += 1
        self.spill_count += outcome.metrics.spill_count
        self.bytes_spilled += outcome.metrics.bytes_spilled


@dataclass
class RssSampler:
    """Samples each worker's RSS every 50 ms on a thread; ``peaks`` maps pid -> bytes."""

    pids: Callable[[], list[int]]
    peaks: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            for pid in self.pids():
                rss = _quietly(lambda pid=pid: psutil.Process(pid).memory_info().rss, 0)
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            if self._stop.wait(0.05):
                return


# ---------------------------------------------------------------------------- the jobs


def source(sc: SparkContext, n: int) -> Any:
    keys = n // 4
    return sc.range(n, numSlices=MAP_PARTITIONS).map(lambda i: record(i, keys))


def _key_checksum(kv: tuple[int, Any]) -> int:
    return zlib.crc32(f"{kv[0]}={kv[1]}".encode())


def run_reduce(sc: SparkContext, n: int, reduce_partitions: int) -> tuple[int, int]:
    maxima = source(sc, n).reduceByKey(max, reduce_partitions)
    return maxima.count(), maxima.map(_key_checksum).sum()


def run_group(sc: SparkContext, n: int, reduce_partitions: int) -> tuple[int, int]:
    grouped = source(sc, n).groupByKey(reduce_partitions).map(lambda kv: (kv[0], "|".join(sorted(kv[1]))))
    return grouped.count(), grouped.map(_key_checksum).sum()


def run_sort(sc: SparkContext, n: int, reduce_partitions: int) -> tuple[int, int]:
    def summarize(index: int, records: Any) -> list[tuple[int, int, Any, Any, bool, int]]:
        count, checksum, first, last, ordered = 0, 0, None, None, True
        for key, value in records:
            if count == 0:
                first = key
            elif key < last:
                ordered = False
            last = key
            count += 1
            checksum += zlib.crc32(value.encode())
        return [(index, count, first, last, ordered, checksum)]

    parts = source(sc, n).sortByKey(numPartitions=reduce_partitions).mapPartitionsWithIndex(summarize).collect()
    bounds = [(first, last) for _, count, first, last, _, _ in parts if count]
    if not all(ordered for *_, ordered, _ in parts) or any(a[1] > b[0] for a, b in zip(bounds, bounds[1:])):
        raise AssertionError("sortByKey output is out of order")
    return sum(p[1] for p in parts), sum(p[5] for p in parts)


# ---------------------------------------------------------------------------- plain Python


def _inverse(multiplier: int, modulus: int) -> int:
    return pow(multiplier, -1, modulus)


def expect_reduce(n: int) -> tuple[int, int]:
    keys, inverse = n // 4, _inverse(MULTIPLIER, n // 4)
    checksum = 0
    for key in range(keys):
        first = (key * inverse) % keys  # the smallest i with this key; the others add keys
        last = first + ((n - 1 - first) // keys) * keys
        checksum += _key_checksum((key, record(last, keys)[1]))
    return keys, checksum


def expect_group(n: int) -> tuple[int, int]:
    keys, inverse = n // 4, _inverse(MULTIPLIER, n // 4)
    checksum = 0
    for key in range(keys):
        first = (key * inverse) % keys
        values = [record(i, keys)[1] for i in range(first, n, keys)]
        checksum += _key_checksum((key, "|".join(sorted(values))))
    return keys, checksum


def expect_sort(n: int) -> tuple[int, int]:
    keys = n // 4
    return n, sum(zlib.crc32(record(i, keys)[1].encode()) for i in range(n))


JOBS = {"reduce": ("reduceByKey", run_reduce, expect_reduce),
        "group": ("groupByKey", run_group, expect_group),
        "sort": ("sortByKey", run_sort, expect_sort)}


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/spill.py", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="records relative to 1.5 M (~300 MB)")
    parser.add_argument("--executor-memory", default="64m", help="spark.executor.memory (default 64m)")
    parser.add_argument("--reduce-partitions", type=int, default=2)
    parser.add_argument("--jobs", default="reduce,group,sort", help="comma-separated: reduce,group,sort")
    args = parser.parse_args(argv)
    n = max(16, int(FULL_RECORDS * args.scale))
    memory = parse_bytes(args.executor_memory)
    budget = memory - int(memory * MEMORY_STORAGE_FRACTION.default)
    data_bytes = sizeof_sampled(record(n // 2, n // 4)) * n

    conf = (SparkConf().set("spark.executor.memory", args.executor_memory)
            .set("spark.ui.showConsoleProgress", "false"))
    watch = Stopwatch()
    with watch.time("session"):
        sc = SparkContext("local[2]", "ember-bench-spill", conf=conf)
    rows, failed = [], False
    try:
        sc.parallelize(range(4), 2).count()
        pids = lambda: list(sc.executor_pids().values())  # noqa: E731
        idle = max(_quietly(lambda pid=pid: psutil.Process(pid).memory_info().rss, 0) for pid in pids())
        for name in args.jobs.replace(" ", "").split(","):
            label, run, expect = JOBS[name]
            listener = SpillListener()
            sc.add_listener(listener)
            print(f"[spill] {label} over {n:,} records ...", file=sys.stderr, flush=True)
            with RssSampler(pids) as sampler, watch.time(name):
                result = run(sc, n, args.reduce_partitions)
            sc.remove_listener(listener)
            expected = expect(n)
            ok = tuple(result) == tuple(expected)
            failed |= not ok
            rows.append((label, watch.phases[name], listener.spill_count, listener.bytes_spilled,
                         sorted(sampler.peaks.values(), reverse=True), ok, result, expected))
    finally:
        sc.stop()

    print(f"spill  (local[2], spark.executor.memory={args.executor_memory}: execution budget per task "
          f"{budget / MB:.1f} MB; {n:,} records ≈ {data_bytes / MB:.0f} MB estimated in memory = "
          f"{data_bytes / memory:.1f}× executor memory; {MAP_PARTITIONS} map → "
          f"{args.reduce_partitions} reduce partitions; idle worker RSS {idle / MB:.0f} MB)\n")
    header = ["job", "time (s)", "spills", "spilled MB", "peak RSS per worker (MB)", "peak − idle vs budget", "result"]
    table = [header]
    for label, seconds, spills, spilled, peaks, ok, *_ in rows:
        worst = (peaks[0] - idle) / budget if peaks else 0.0
        table.append([label, f"{seconds:.1f}", str(spills), f"{spilled / MB:.0f}",
                      ", ".join(f"{p / MB:.0f}" for p in peaks), f"{worst:.2f}×",
                      "exact" if ok else "MISMATCH"])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    for label, *_, ok, result, expected in rows:
        if not ok:
            print(f"\nMISMATCH in {label}: got {result}, expected {expected}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
