"""WordCount over the sample text that ships with Ember: ``python -m ember.examples.wordcount``.

The sample is replicated ``--copies`` times across partitions so the job runs long enough
to show the per-stage progress bar, then the top words are printed with their counts.
"""

from __future__ import annotations

import argparse
import time
from importlib import resources
from operator import add

from ember import SparkContext


def sample_lines() -> list[str]:
    return resources.files("ember").joinpath("data/sample.txt").read_text("utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--copies", type=int, default=20_000, help="copies of the sample text to count")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    started = time.perf_counter()
    with SparkContext(args.master, "wordcount") as sc:
        lines = sc.broadcast(sample_lines())
        counts = (sc.parallelize(range(args.copies), 4 * sc.defaultParallelism)
                  .flatMap(lambda _: lines.value)
                  .flatMap(lambda line: line.lower().replace(",", " ").replace(".", " ").split())
                  .map(lambda word: (word, 1))
                  .reduceByKey(add))
        top = counts.takeOrdered(args.top, key=lambda pair: (-pair[1], pair[0]))
        total = counts.values().sum()
    print(f"{total:,} words, {len(top)} most frequent:")
    for word, count in top:
        print(f"  {word:<12} {count:>12,}")
    print(f"done in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
