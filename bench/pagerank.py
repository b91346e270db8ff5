"""PageRank, the classic RDD version: an iterative job over a cached, grouped edge list.

It stresses what iterative Spark programs do: a cached RDD (the links) read again every
iteration, a join and a ``reduceByKey`` per iteration, and a lineage that grows with each one.
Ember and PySpark run the identical code (PySpark's own ``examples/src/main/python/pagerank.py``
shape); the baseline is the same algorithm with dicts in one Python process, with the same
semantics (a page that receives no contribution drops out of ``ranks``, as it does after the
inner join).

The graph (200,000 nodes and 2,000,000 edges at ``--scale 1``, seed 7) is written once as
"src dst" lines under ``--data-dir``. Sources are uniform; destinations are skewed towards low
ids so the top ranks are well separated. Engines must agree on the top 10 within 1e-6 relative.

Usage: python bench/pagerank.py [--scale 0.01] [--iterations 10] [--engines ember,pyspark,python]
"""

from __future__ import annotations

import argparse
import heapq
import sys
from operator import add, itemgetter
from pathlib import Path
from typing import Any

import numpy as np

import common

FULL_NODES = 200_000
FULL_EDGES = 2_000_000
SEED = 7
REL_TOL = 1e-6

# ---------------------------------------------------------------------------- the workloads


def compute_contribs(urls: Any, rank: float) -> Any:
    """Spread a page's rank evenly over the pages it links to."""
    num_urls = len(urls)
    for url in urls:
        yield url, rank / num_urls


def spark_pagerank(sc: Any, path: str, iterations: int) -> list[tuple[str, float]]:
    """The RDD program, exactly as a PySpark user writes it; runs unchanged on Ember."""
    lines = sc.textFile(path)
    links = lines.map(lambda line: tuple(line.split())).distinct().groupByKey().cache()
    ranks = links.map(lambda url_neighbors: (url_neighbors[0], 1.0))
    for _ in range(iterations):
        contribs = links.join(ranks).flatMap(
            lambda url_urls_rank: compute_contribs(url_urls_rank[1][0], url_urls_rank[1][1]))
        ranks = contribs.reduceByKey(add).mapValues(lambda rank: rank * 0.85 + 0.15)
    return ranks.takeOrdered(10, key=lambda kv: -kv[1])


def python_pagerank(path: str, iterations: int) -> list[tuple[str, float]]:
    """The same algorithm with dicts and sets in one process."""
    links: dict[str, set[str]] = {}
    with open(path) as f:
        for line in f:
            src, dst = line.split()
            links.setdefault(src, set()).add(dst)
    ranks = dict.fromkeys(links, 1.0)
    for _ in range(iterations):
        contribs: dict[str, float] = {}
        for src, dsts in links.items():
            rank = ranks.get(src)
            if rank is None:  # the inner join drops pages without a rank
                continue
            share = rank / len(dsts)
            for dst in dsts:
                contribs[dst] = contribs.get(dst, 0.0) + share
        ranks = {url: c * 0.85 + 0.15 for url, c in contribs.items()}
    return heapq.nlargest(10, ranks.items(), key=itemgetter(1))


# ---------------------------------------------------------------------------- the graph


def graph_shape(args: argparse.Namespace) -> tuple[int, int]:
    return max(100, int(FULL_NODES * args.scale)), max(1_000, int(FULL_EDGES * args.scale))


def graph_path(args: argparse.Namespace) -> Path:
    nodes, edges = graph_shape(args)
    return args.data_dir / f"graph-{nodes}n-{edges}e-seed{SEED}.txt"


def make_graph(path: Path, nodes: int, edges: int) -> None:
    """Write ``edges`` random "src dst" lines (duplicates allowed; the job removes them)."""
    rng = np.random.default_rng(SEED)
    src = rng.integers(0, nodes, edges)
    dst = (nodes * rng.random(edges) ** 2).astype(np.int64)  # denser towards low ids
    partial = path.with_suffix(".partial")
    partial.write_text("".join(map("{} {}\n".format, src.tolist(), dst.tolist())))
    partial.replace(path)


def prepare(args: argparse.Namespace) -> str:
    path, (nodes, edges) = graph_path(args), graph_shape(args)
    fresh = not path.exists()
    if fresh:
        make_graph(path, nodes, edges)
    return (f"{path} ({nodes:,} nodes, {edges:,} edges, {args.iterations} iterations, "
            f"{'generated now' if fresh else 'cached'})")


# ---------------------------------------------------------------------------- engines


def _run_spark(module: str, args: argparse.Namespace, watch: common.Stopwatch) -> Any:
    path = str(graph_path(args))
    with common.spark_context(module, watch, "bench-pagerank") as sc:
        with watch.time("job"):
            return spark_pagerank(sc, path, args.iterations)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--iterations", type=int, default=10)


BENCHMARK = common.Benchmark(
    name="pagerank",
    script=__file__,
    engines=[
        *common.spark_engines(_run_spark),
        common.Engine("python", common.timed_job(
            lambda args: python_pagerank(str(graph_path(args)), args.iterations))),
    ],
    columns=[("session", "session (s)"), ("job", "job (s)")],
    ratio_keys=["job"],
    prepare=prepare,
    compare=lambda a, b: common.same_ranking(a, b, rank_index=1, rel_tol=REL_TOL),
    describe=lambda top: ", ".join(f"{url}:{rank:.4f}" for url, rank in top),
    add_arguments=_add_arguments,
)

if __name__ == "__main__":
    sys.exit(common.main(BENCHMARK))
