"""The long, hand-run hunt (CI runs only ``tests/sql/test_differential.py``)::

    python -m tests.sql.differential --cases 5000 --seed 7
    python -m tests.sql.differential --cases 500 --features all          # also the switched-off grammar
    python -m tests.sql.differential --cases 500 --features +window_functions,-joins

Prints progress, a summary, and one shrunk reproduction per distinct failure signature;
exits 1 when any case found a bug.
"""

from __future__ import annotations

import argparse
import sys

from tests.sql.differential.queries import Features
from tests.sql.differential.runner import run_cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.sql.differential", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", default="", help='"all", or +name/-name changes to the defaults')
    parser.add_argument("--metamorphic-every", type=int, default=4, help="0 turns the metamorphic checks off")
    parser.add_argument("--all-settings", action="store_true", help="every optimizer rule off, one at a time")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--trace", action="store_true", help="print each query before running it (finds hangs)")
    args = parser.parse_args(argv)

    from ember import SparkConf, SparkContext
    from ember.sql import SparkSession

    sc = SparkContext("local[2]", "ember-differential", conf=SparkConf().set("spark.ui.showConsoleProgress", "false"))
    try:
        spark = SparkSession(sc)
        spark.conf.set("spark.sql.shuffle.partitions", "3")
        summary = run_cases(spark, args.cases, args.seed, Features.parse(args.features),
                            metamorphic_every=args.metamorphic_every, all_settings=args.all_settings,
                            shrink=not args.no_shrink, log=lambda line: print(line, file=sys.stderr, flush=True),
                            trace=(lambda line: print(line, file=sys.stderr, flush=True)) if args.trace else None)
        print(summary.text(), flush=True)  # before stopping: a hung session may not stop
    finally:
        sc.stop()
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
