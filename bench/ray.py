"""The ``ray`` master beside ``local[2]``: what running on a Ray cluster costs, and how it recovers.

On one machine it starts a Ray cluster of a CPU-less head and two 1-CPU nodes
(``ray.cluster_utils.Cluster``), so Ember runs one executor per node and every shuffle
crosses nodes, and compares it with ``local[2]`` (two worker processes, one shared scratch
directory) on the same workloads, in one process, one after the other:

- ``startup``: creating the SparkContext (for Ray: joining the cluster and starting the
  actors; the cluster's own start is shown apart, since a user's cluster is already up);
- ``first job``: a tiny shuffle right after, while the executors still import Ember;
- ``wordcount``: WordCount over the Zipf corpus of ``wordcount.py`` (``--scale`` of 300 MB);
- ``q1``, ``q3``: TPC-H Q1 and Q3 with the DataFrame API (``tpch_df.py``) at scale factor
  ``--tpch-scale``;
- ``recovery``: WordCount again with a node removed (Ray) ``--remove-at`` of the way through
  the fault-free WordCount's time, minus that time: what losing the node's executor, its
  running task and its finished map outputs cost.

Every answer is checked against the ``local[2]`` one. Usage:
python bench/ray.py [--scale 0.1] [--tpch-scale 0.1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import common
import tpch_df
import wordcount

# This script is named ray.py: with its folder on the path, ``import ray`` would find it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

SHUFFLE_PARTITIONS = 4


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs of ``fn``, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run_engine(master: str, args: argparse.Namespace, corpus: str, on_recovery: Callable[[], None] | None):
    """Seconds per phase and the answers, on one master."""
    from ember.sql import SparkSession
    from ember.sql import functions as F

    seconds: dict[str, float] = {}
    answers: dict[str, Any] = {}
    started = time.perf_counter()
    spark = (SparkSession.builder.master(master).appName("bench-ray")
             .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    sc = spark.sparkContext
    seconds["startup"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        sc.parallelize(range(1000), 4).map(lambda x: (x % 7, x)).reduceByKey(lambda a, b: a + b).count()
        seconds["first job"] = time.perf_counter() - started
        seconds["wordcount"], answers["wordcount"] = _timed(
            lambda: wordcount.spark_word_count(sc, corpus), args.repeat)
        folder = common.tpch_dir(argparse.Namespace(data_dir=args.data_dir, scale=args.tpch_scale))
        for name in ("q1", "q3"):
            def query(name=name):
                tables = {t: spark.read.parquet(str(folder / f"{t}.parquet")) for t in tpch_df.TABLES}
                return common.plain_rows(tpch_df.DATAFRAME_QUERIES[name](tables, F).collect())
            seconds[name], answers[name] = _timed(query, args.repeat)
        if on_recovery is not None:
            fault = threading.Timer(args.remove_at * seconds["wordcount"], on_recovery)
            fault.start()
            started = time.perf_counter()
            answers["recovery"] = wordcount.spark_word_count(sc, corpus)
            seconds["recovery"] = time.perf_counter() - started - seconds["wordcount"]
            fault.join()
    finally:
        spark.stop()
    return seconds, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="WordCount corpus, relative to 300 MB")
    parser.add_argument("--tpch-scale", type=float, default=0.1, help="TPC-H scale factor")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each job (median shown)")
    parser.add_argument("--remove-at", type=float, default=0.5,
                        help="when to remove a node in the recovery run, as a fraction of WordCount's time")
    parser.add_argument("--data-dir", type=Path, default=common.BENCH_DIR / "data")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print("corpus:", wordcount.prepare(args))
    corpus = str(wordcount.corpus_path(args))
    print("tables:", common.prepare_tpch(argparse.Namespace(data_dir=args.data_dir, scale=args.tpch_scale)))

    local, local_answers = run_engine("local[2]", args, corpus, None)

    from ray.cluster_utils import Cluster

    started = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    nodes = [cluster.add_node(num_cpus=1) for _ in range(2)]
    cluster.wait_for_nodes()
    cluster_start = time.perf_counter() - started
    os.environ["RAY_ADDRESS"] = cluster.address
    try:
        on_ray, ray_answers = run_engine("ray", args, corpus, lambda: cluster.remove_node(nodes[1]))
    finally:
        cluster.shutdown()

    print(f"\nRay cluster start (not charged to Ember): {cluster_start:.1f} s")
    print(f"{'phase':<12}{'local[2] s':>12}{'ray s':>10}{'ray / local':>13}")
    for phase in ("startup", "first job", "wordcount", "q1", "q3"):
        print(f"{phase:<12}{local[phase]:>12.2f}{on_ray[phase]:>10.2f}{on_ray[phase] / local[phase]:>12.2f}x")
    print(f"{'recovery':<12}{'':>12}{on_ray['recovery']:>10.2f}   (WordCount with a node removed "
          f"{args.remove_at * on_ray['wordcount']:.1f} s in, minus the fault-free WordCount)")
    wrong = [name for name in local_answers if ray_answers.get(name) != local_answers[name]]
    wrong += ["recovery"] if ray_answers.get("recovery") != local_answers["wordcount"] else []
    if wrong:
        print(f"\n!!! answers differ from local[2]'s: {', '.join(wrong)}")
        return 1
    print("\nevery answer equals local[2]'s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
